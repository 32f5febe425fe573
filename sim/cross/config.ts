// Scenario schema of the cross-margin venue (top-level `cross:`): perpetual markets on several assets of `market`,
// one margin balance per account, collateral in several assets with haircuts, standard or portfolio margin.
import { z } from 'zod';
import { InputError } from '../errors.js';
import { assetsOf, type MarketConfig } from '../market.js';

/**
 * The spot market of an asset that liquidations trade against, with the venue's laws: a sale (or buy) of notional n
 * at price P fills at P (1 -+ slippage sqrt(n / depth)) and moves the asset's price by -+ impact n / depth.
 */
export const CrossLiquiditySchema = z
  .object({
    depth: z.number().positive().default(50_000_000),
    slippage: z.number().min(0).default(0.1),
    impact: z.number().min(0).default(0.2),
  })
  .strict();
export type CrossLiquidity = z.infer<typeof CrossLiquiditySchema>;
const DEFAULT_LIQUIDITY: CrossLiquidity = { depth: 50_000_000, slippage: 0.1, impact: 0.2 };

/**
 * A perpetual market on one asset. Defaults: dYdX v4 Mid-Cap liquidity tier, IMF 5%, MMF 3% (mechanics.md 1.2);
 * Large-Cap is 2% / 1.2%, Long-Tail 20% / 10%.
 */
export const CrossMarketSchema = z
  .object({
    /** An asset of `market.assets` (`main` in the single-asset form). */
    asset: z.string().min(1),
    initialMargin: z.number().gt(0).max(1).default(0.05),
    maintenanceMargin: z.number().gt(0).max(1).default(0.03),
    /** Liquidity of the asset's market (default: `cross.liquidity`); collateral of this asset is sold into it too. */
    liquidity: CrossLiquiditySchema.optional(),
  })
  .strict()
  .refine((m) => m.maintenanceMargin <= m.initialMargin, { message: 'maintenanceMargin must not exceed initialMargin', path: ['maintenanceMargin'] });
export type CrossMarketConfig = z.infer<typeof CrossMarketSchema>;

/**
 * A collateral asset: its holdings count (1 - haircut) of their value toward the account's equity. Hyperliquid
 * portfolio margin uses LTV 0.5 (BTC) to 0.65 (HYPE), i.e. haircuts of 35-50%; Aave's WETH LT 0.825-0.86 is a 14-17.5%
 * haircut at liquidation (mechanics.md 1.1, 3.1). Default 10%: a liquid major on a derivatives venue.
 */
export const CrossCollateralSchema = z
  .object({
    asset: z.string().min(1),
    haircut: z.number().min(0).lt(1).default(0.1),
    /** Liquidity seized collateral is sold into (default: the asset's market's, else `cross.liquidity`). */
    liquidity: CrossLiquiditySchema.optional(),
  })
  .strict();
export type CrossCollateralConfig = z.infer<typeof CrossCollateralSchema>;

/**
 * How requirements are computed. `standard` (dYdX v4, Hyperliquid cross margin; mechanics.md 1.1, 1.2): the sum over
 * markets of |size| * price * fraction; offsetting positions in different markets are not netted (their P&L is, in the
 * one balance). `portfolio`: the worst loss over scenarios (docs/cross-margin.md): every asset moving together by its
 * market's fraction, every asset moving against the account independently by `dispersion` times it, and the `scenarios`
 * listed; collateral of an asset with a market is part of the exposure, so a hedged book needs little margin.
 */
export const CrossMarginSchema = z
  .object({
    mode: z.enum(['standard', 'portfolio']).default('standard'),
    /** Portfolio mode: share of each asset's move that can go against the account independently (1 - spread credit). */
    dispersion: z.number().min(0).max(1).default(0.5),
    /** Portfolio mode: extra stress scenarios, each a map asset -> relative move (e.g. {BTC: -0.15, SOL: -0.3}). */
    scenarios: z.array(z.record(z.string(), z.number().gt(-1))).default([]),
  })
  .strict();
export type CrossMarginConfig = z.infer<typeof CrossMarginSchema>;

export const CrossSchema = z
  .object({
    markets: z.array(CrossMarketSchema).min(1),
    collateral: z.array(CrossCollateralSchema).default([]),
    margin: CrossMarginSchema.default({ mode: 'standard', dispersion: 0.5, scenarios: [] }),
    liquidation: z
      .object({
        /** Fee on the closed notional, paid from the account's remaining equity to the insurance fund (dYdX max 1.5%). */
        fee: z.number().min(0).max(1).default(0.015),
        /** Most accounts liquidated per step (omitted: no limit). */
        maxPerStep: z.number().int().min(1).optional(),
      })
      .strict()
      .default({ fee: 0.015 }),
    /** Fee on the notional of trades accounts make themselves (reductions), kept by the venue (Synthetix v3 taker 0.05%, mechanics.md 1.4). */
    tradingFee: z.number().min(0).max(1).default(0.0005),
    /** Insurance fund (USD) before step 0: it pays the bad debt of liquidated accounts, the rest is uncovered. */
    insuranceFund: z.number().min(0).default(1_000_000),
    /** Default liquidity of every asset's market. */
    liquidity: CrossLiquiditySchema.default(DEFAULT_LIQUIDITY),
  })
  .strict();
export type CrossConfig = z.infer<typeof CrossSchema>;

/** Agent kinds that hold cross-margin accounts (a scenario with one needs a `cross:` section). */
export const CROSS_AGENT_KINDS: readonly string[] = ['cross-traders'];

/**
 * Cross-references the schema cannot see: assets exist in `market`, one market and one collateral entry per asset,
 * scenario keys name assets, and cross-margin agents have a venue. Throws InputError with the path.
 */
export function checkCross(s: { market: MarketConfig; cross?: CrossConfig; agents: readonly { kind: string }[] }, file: string): void {
  const c = s.cross;
  s.agents.forEach((a, i) => {
    if (c === undefined && CROSS_AGENT_KINDS.includes(a.kind)) {
      throw new InputError({ code: 'scenario.invalid', file, path: `agents[${i}]`, message: `agent kind '${a.kind}' holds cross-margin accounts; add a 'cross:' section` });
    }
  });
  if (c === undefined) return;
  const names = assetsOf(s.market).map((a) => a.name);
  const known = (asset: string, path: string) => {
    if (!names.includes(asset)) {
      throw new InputError({ code: 'scenario.invalid', file, path, message: `no asset named '${asset}' in market; expected one of: ${names.join(', ')}` });
    }
  };
  const unique = (list: { asset: string }[], where: string) => {
    list.forEach((m, i) => {
      known(m.asset, `cross.${where}[${i}].asset`);
      if (list.findIndex((o) => o.asset === m.asset) !== i) {
        throw new InputError({ code: 'scenario.invalid', file, path: `cross.${where}[${i}].asset`, message: `asset '${m.asset}' is listed twice in cross.${where}; one entry per asset` });
      }
    });
  };
  unique(c.markets, 'markets');
  unique(c.collateral, 'collateral');
  c.margin.scenarios.forEach((sc, j) => {
    for (const k of Object.keys(sc)) known(k, `cross.margin.scenarios[${j}].${k}`);
  });
  // cross-traders name markets and collateral assets of this venue (agents/cross-traders.ts)
  const markets = c.markets.map((m) => m.asset);
  const collateral = c.collateral.map((k) => k.asset);
  s.agents.forEach((a, i) => {
    if (!CROSS_AGENT_KINDS.includes(a.kind)) return;
    const t = a as { markets?: string[]; collateral?: Record<string, unknown> };
    (t.markets ?? []).forEach((m, j) => {
      if (!markets.includes(m)) {
        throw new InputError({ code: 'scenario.invalid', file, path: `agents[${i}].markets[${j}]`, message: `no cross market on '${m}'; expected one of: ${markets.join(', ')}` });
      }
    });
    for (const k of Object.keys(t.collateral ?? {})) {
      if (!collateral.includes(k)) {
        throw new InputError({
          code: 'scenario.invalid',
          file,
          path: `agents[${i}].collateral.${k}`,
          message: `'${k}' is not a collateral asset of the cross venue; expected one of: ${collateral.join(', ') || '(none: add cross.collateral)'}`,
        });
      }
    }
  });
}
