// A population of cross-margin accounts: each holds USD and collateral assets in one balance and positions in several
// perpetual markets (directional baskets, long/short pairs, or spot-collateral-vs-short-perp basis trades).
import { z } from 'zod';
import { InputError } from '../sim/errors.js';
import { Distribution, sample } from '../sim/distribution.js';
import type { CrossBook } from '../sim/cross/venue.js';
import type { AgentKind } from '../sim/types.js';

export const CrossTradersParams = z
  .object({
    kind: z.literal('cross-traders'),
    name: z.string().min(1).optional(),
    /** Accounts opened before step 0. */
    count: z.number().int().min(0).default(500),
    /** Each account's value at the initial prices (USD, before haircuts). */
    equity: Distribution.default({ uniform: [10_000, 200_000] }),
    /**
     * Share of the account's value held in each collateral asset (asset name -> share; the rest is USD). Shares summing
     * above 1 are scaled down to 1. Assets must be listed in `cross.collateral`.
     */
    collateral: z.record(z.string(), Distribution).default({}),
    /** Gross notional of the positions / account value (capped so the initial requirement fits the account). */
    leverage: Distribution.default({ uniform: [2, 10] }),
    /**
     * Weights of the account types: `directional`, the same side in every traded market (long with probability
     * `longShare`), notional split evenly; `pairs`, long one market and short another, half the notional each;
     * `basis`, the whole value held in one collateral asset that has a market, hedged by a short perp of the same
     * notional (delta-neutral; leverage unused).
     */
    mix: z
      .object({
        directional: z.number().min(0).default(0.6),
        pairs: z.number().min(0).default(0.3),
        basis: z.number().min(0).default(0.1),
      })
      .strict()
      .default({ directional: 0.6, pairs: 0.3, basis: 0.1 }),
    longShare: z.number().min(0).max(1).default(0.7),
    /** Assets whose markets the accounts trade (default: every market of `cross.markets`). */
    markets: z.array(z.string().min(1)).min(1).optional(),
    /**
     * Account management during the run: each step a Poisson number (mean `perStep`) of this population's open
     * accounts is looked at; one whose equity / maintenance requirement is below `below` either deposits USD
     * (`deposit`, from a shared `reserve`; omitted: unlimited) or closes a share of every position (`reduce`) to bring
     * the ratio back to `target`. Omitted: accounts are left alone.
     */
    manage: z
      .object({
        perStep: z.number().min(0).default(5),
        below: z.number().positive().default(1.5),
        target: z.number().positive().default(3),
        action: z.enum(['deposit', 'reduce']).default('reduce'),
        reserve: z.number().min(0).optional(),
      })
      .strict()
      .refine((m) => m.target > m.below, { message: 'target must be above below', path: ['target'] })
      .optional(),
  })
  .strict()
  .refine((v) => v.mix.directional + v.mix.pairs + v.mix.basis > 0, { message: 'at least one of mix.directional, mix.pairs, mix.basis must be positive', path: ['mix'] });
export type CrossTradersParams = z.infer<typeof CrossTradersParams>;

/**
 * An account may not start above its initial requirement: its positions are scaled down to fit (portfolio
 * requirements are not proportional to the positions when collateral nets them: a few rounds).
 */
function capToInitialMargin(x: CrossBook, i: number): void {
  const e = x.equityOf(i);
  for (let round = 0; round < 8; round++) {
    const im = x.initialRequirementOf(i);
    if (!(im > e)) break;
    x.scalePositions(i, e / im);
  }
}

/** The cross venue liquidates on its own; with `manage`, accounts deposit or reduce through intents (CROSS_DEPOSIT, CROSS_REDUCE). */
export const crossTraders: AgentKind<CrossTradersParams> = {
  kind: 'cross-traders',
  summary: 'Cross-margin accounts: USD and collateral assets in one balance, positions in several perp markets (baskets, pairs, basis trades).',
  params: CrossTradersParams,
  create(p, env) {
    const where = (field: string) => `agents.${env.name}.${field}`;
    const mine: number[] = [];
    let reserve = p.manage?.reserve ?? Infinity;
    return {
      name: env.name,
      decide(view, rng, out) {
        const m = p.manage;
        const v = view.cross;
        if (m === undefined || v === null || mine.length === 0) return;
        const k = rng.poisson(m.perStep);
        for (let j = 0; j < k; j++) {
          const i = mine[rng.int(mine.length)];
          if (v.open[i] !== 1) continue;
          const r = v.requirementOf(i);
          if (!(r > 0)) continue;
          const e = v.equityOf(i);
          if (e / r >= m.below) continue;
          if (m.action === 'deposit') {
            const usd = Math.min(reserve, m.target * r - e);
            if (usd > 0) {
              reserve -= usd;
              out.crossDeposit(env.index, i, usd);
            }
          } else {
            // (1 - phi) r target = e: the share of every position to close (fees and slippage aside)
            const phi = e > 0 ? 1 - e / (m.target * r) : 1;
            if (phi > 0) out.crossReduce(env.index, i, phi);
          }
        }
      },
      init(book, rng) {
        const x = book.cross;
        if (x === undefined) throw new InputError({ code: 'scenario.invalid', path: `agents.${env.name}`, message: "cross-traders need a 'cross:' section" });
        const markets = (p.markets ?? x.marketAssets).map((a, j) => {
          const m = x.marketAssets.indexOf(a);
          if (m < 0) throw new InputError({ code: 'scenario.invalid', path: where(`markets[${j}]`), message: `no cross market on '${a}'; expected one of: ${x.marketAssets.join(', ')}` });
          return m;
        });
        const coll = Object.keys(p.collateral).map((a) => {
          const k = x.collateralAssets.indexOf(a);
          if (k < 0) throw new InputError({ code: 'scenario.invalid', path: where(`collateral.${a}`), message: `'${a}' is not a collateral asset of the cross venue; expected one of: ${x.collateralAssets.join(', ') || '(none: add cross.collateral)'}` });
          return k;
        });
        const dists = Object.values(p.collateral);
        // collateral entries whose asset has a market in the traded set: candidates for basis trades
        const hedgeable = x.collateralAssets.map((a, k) => [k, markets.find((m) => x.marketAssets[m] === a) ?? -1]).filter(([, m]) => m >= 0);
        const w = p.mix;
        const total = w.directional + w.pairs + (hedgeable.length > 0 ? w.basis : 0);
        const shares = new Float64Array(coll.length);
        for (let n = 0; n < p.count; n++) {
          const value = sample(p.equity, rng);
          const lev = sample(p.leverage, rng);
          const u = rng.uniform() * total;
          const type = u < w.directional ? 0 : u < w.directional + w.pairs || hedgeable.length === 0 ? 1 : 2;
          if (!(value > 0)) continue;
          if (type === 2) {
            const [k, m] = hedgeable[rng.int(hedgeable.length)];
            const units = value / x.collateralPrice(k);
            const i = x.seedAccount(env.index, 0);
            mine.push(i);
            x.seedCollateral(i, k, units);
            x.seedPosition(i, m, -units);
            capToInitialMargin(x, i);
            continue;
          }
          let sum = 0;
          for (let j = 0; j < coll.length; j++) sum += (shares[j] = Math.max(0, sample(dists[j], rng)));
          const scale = sum > 1 ? 1 / sum : 1;
          const i = x.seedAccount(env.index, value * (1 - sum * scale));
          mine.push(i);
          for (let j = 0; j < coll.length; j++) if (shares[j] > 0) x.seedCollateral(i, coll[j], (value * shares[j] * scale) / x.collateralPrice(coll[j]));
          const gross = value * lev;
          if (type === 0 || markets.length < 2) {
            const side = rng.uniform() < p.longShare ? 1 : -1;
            for (const m of markets) x.seedPosition(i, m, (side * gross) / markets.length / x.marketPrice(m));
          } else {
            const ia = rng.int(markets.length);
            let ib = rng.int(markets.length - 1);
            if (ib >= ia) ib++;
            const a = markets[ia];
            const b = markets[ib];
            const side = rng.uniform() < 0.5 ? 1 : -1;
            x.seedPosition(i, a, (side * gross) / 2 / x.marketPrice(a));
            x.seedPosition(i, b, (-side * gross) / 2 / x.marketPrice(b));
          }
          capToInitialMargin(x, i);
        }
      },
    };
  },
};
