// Scenario schema of the options venue (the optional top-level `options:` section): series, volatility, margin.
import { z } from 'zod';
import { InputError } from '../errors.js';
import { resolveStep, StepRef } from '../market.js';

/** One European option series on the venue asset: call or put, strike (USD or moneyness), expiry step. */
export const OptionSeriesSchema = z
  .object({
    /** Name agents refer to (default `<type>-<strike>-<expiry>`, e.g. `put-1800-2016`). */
    name: z.string().min(1).optional(),
    type: z.enum(['call', 'put']),
    /** Strike in USD. Give this or `moneyness`. */
    strike: z.number().positive().optional(),
    /** Strike as a multiple of the market's initial price (1 = at the money). Give this or `strike`. */
    moneyness: z.number().positive().optional(),
    /** Step at which the series expires and is cash-settled at its intrinsic value (a step or "50%"). */
    expiry: StepRef,
  })
  .strict()
  .refine((s) => (s.strike === undefined) !== (s.moneyness === undefined), { message: "give exactly one of 'strike' and 'moneyness'", path: ['strike'] });
export type OptionSeriesConfig = z.infer<typeof OptionSeriesSchema>;

/** A scripted implied-volatility shock: IV is multiplied by `multiplier`, spread geometrically over `steps` steps. */
export const VolShockSchema = z
  .object({
    /** First step of the shock. */
    at: StepRef,
    /** Total multiplicative change of implied volatility, e.g. 2 (spike) or 0.5 (crush); it stays after the ramp. */
    multiplier: z.number().positive(),
    /** Steps the change is spread over (multiplier^(1/steps) each step). */
    steps: z.number().int().min(1).default(1),
  })
  .strict();

export const OptionsVolatilitySchema = z
  .object({
    /**
     * `realised`: IV follows an EWMA estimate of the oracle's realised volatility (RiskMetrics-style exponentially
     * weighted variance of log returns, annualised), times `premium`; `fixed`: IV = `level`. Scripted shocks apply on top.
     */
    model: z.enum(['realised', 'fixed']).default('realised'),
    /** Fixed IV, or the realised model's starting estimate (annualised; ETH ~1.11, BTC ~0.71 per mechanics.md 0). */
    level: z.number().positive().default(0.8),
    /** Half-life of the EWMA in steps: lambda = 2^(-1/halfLifeSteps). */
    halfLifeSteps: z.number().positive().default(360),
    /** Implied over realised: IV = premium * realised. */
    premium: z.number().positive().default(1),
    /** Bounds of the IV (after the scripted shocks). */
    floor: z.number().min(0).default(0.05),
    cap: z.number().positive().default(3),
    shocks: z.array(VolShockSchema).default([]),
  })
  .strict();

/** Deribit standard margin adapted to USD quoting (mechanics.md 2.1): per short contract, S the underlying. */
export const StandardMarginSchema = z
  .object({
    /** IM = max(initialBase - OTM/S, initialMin) * S + mark (Deribit 0.15 and 0.10). */
    initialBase: z.number().min(0).default(0.15),
    initialMin: z.number().min(0).default(0.1),
    /** MM = maintenance * S + mark for calls; max(maintenance * S, maintenance * mark) + mark for puts (Deribit 0.075). */
    maintenance: z.number().min(0).default(0.075),
    /** Underlying units held in an options account beyond those covering short calls: IM and MM as fractions of their
     *  value (Derive SRM perps 10% / 6.5%, mechanics.md 2.2). */
    deltaInitial: z.number().min(0).default(0.1),
    deltaMaintenance: z.number().min(0).default(0.065),
  })
  .strict();

/** Scenario-based portfolio margin: price moves x vol shocks, MM = worst loss + contingency, IM = MM * imFactor. */
export const PortfolioMarginSchema = z
  .object({
    /**
     * `deribit`: moves of +-`range` in `buckets` evenly spaced buckets (0 included), each with vol up / same / down
     * (Deribit PM, mechanics.md 2.1). `derive`: Derive PMRM v1's 23 scenarios: spot x {1.20 up-vol, 1.15 .. 0.85 each
     * with vol up / none / down, 0.80 up-vol} (mechanics.md 2.2).
     */
    grid: z.enum(['deribit', 'derive']).default('deribit'),
    /** deribit grid: largest move (0.16 = +-16%). */
    range: z.number().gt(0).lt(1).default(0.16),
    /** deribit grid: number of buckets (odd, so that 0 is one of them). */
    buckets: z.number().int().min(3).max(99).default(9),
    /**
     * Vol shocks (multiplicative on IV): up = 1 + volUp * m, down = max(0, 1 - volDown * m), m = (30 days / max(T,
     * floorDays))^power with power = shortTermPower when T <= 30 days, else longTermPower. Defaults by grid: deribit
     * 0.38 / 0.38, power 0.30 ("max IV change = (30/DTE)^0.30 * 38%"); derive 0.6 / 0.3, powers 0.3 / 0.13.
     */
    volUp: z.number().min(0).optional(),
    volDown: z.number().min(0).optional(),
    shortTermPower: z.number().min(0).optional(),
    longTermPower: z.number().min(0).optional(),
    floorDays: z.number().positive().default(1),
    /**
     * Extended tail moves with vol up only, each counting for a fraction of its P&L (Derive PMRM v2's dampened
     * scenarios, mechanics.md 2.2: spot 0.34 (0.21), 0.67 (0.42), 1.5 (0.2772), 2 (0.1386), 3 (0.0693), 4 (0.0462),
     * 5 (0.03465), 6 (0.02772)). Off by default.
     */
    extended: z.boolean().default(false),
    /** IM = imFactor * MM (Derive PMRM 1.25; Deribit ~1.2-1.3). */
    imFactor: z.number().min(1).default(1.25),
    /** Contingency per net short option contract, as a fraction of the underlying (Deribit 0.01 BTC per contract). */
    contingency: z.number().min(0).default(0.01),
  })
  .strict();

export const OptionsSchema = z
  .object({
    series: z.array(OptionSeriesSchema).min(1).max(256),
    /** Continuously compounded risk-free rate r in Black-Scholes-Merton (annual). */
    riskFreeRate: z.number().min(-1).max(1).default(0),
    /** Continuous yield q of the underlying (annual). */
    dividendYield: z.number().min(-1).max(1).default(0),
    volatility: OptionsVolatilitySchema.default(OptionsVolatilitySchema.parse({})),
    /** Margin model of every options account. */
    margin: z.enum(['standard', 'portfolio']).default('standard'),
    standard: StandardMarginSchema.default(StandardMarginSchema.parse({})),
    portfolio: PortfolioMarginSchema.default(PortfolioMarginSchema.parse({})),
    trading: z
      .object({
        /** Half spread of the venue's quotes around the mark: spread * mark + minSpread * S per contract. */
        spread: z.number().min(0).max(1).default(0.02),
        minSpread: z.number().min(0).max(0.1).default(0.0005),
        /** Fee per contract: min(fee * S, feeCap * price) (Deribit's 0.03% of the underlying capped at 12.5% of the option price). */
        fee: z.number().min(0).max(0.1).default(0.0003),
        feeCap: z.number().min(0).max(1).default(0.125),
        /** Cost of trading the underlying on the spot market (covered calls, forced hedges), fraction of notional. */
        spotCost: z.number().min(0).max(0.1).default(0.0005),
      })
      .strict()
      .default({ spread: 0.02, minSpread: 0.0005, fee: 0.0003, feeCap: 0.125, spotCost: 0.0005 }),
    liquidation: z
      .object({
        /** Liquidations close positions at mark -+ (spread * mark + minSpread * S) against the account. */
        spread: z.number().min(0).max(1).default(0.05),
        /** Fee to the options insurance fund, fraction of the closed options' value (Derive: 500 bps, mechanics.md 2.2). */
        fee: z.number().min(0).max(1).default(0.05),
      })
      .strict()
      .default({ spread: 0.05, fee: 0.05 }),
    /** Starting options insurance fund, USD. */
    insuranceFund: z.number().min(0).default(0),
  })
  .strict()
  .superRefine((o, ctx) => {
    if (o.portfolio.grid === 'deribit' && o.portfolio.buckets % 2 === 0) {
      ctx.addIssue({ code: 'custom', path: ['portfolio', 'buckets'], message: 'expected an odd number of buckets (0 must be one of them)' });
    }
  });
export type OptionsConfig = z.infer<typeof OptionsSchema>;

/** A series' name: its own, or `<type>-<strike>-<expiry step>` once strike and expiry are resolved. */
export function seriesName(s: OptionSeriesConfig, strike: number, expiry: number): string {
  return s.name ?? `${s.type}-${Math.round(strike * 100) / 100}-${expiry}`;
}

/** Strike (USD) and expiry step of every series, and their names, as the venue resolves them. */
export function resolveSeries(o: OptionsConfig, initialPrice: number, steps: number): { strike: number[]; expiry: number[]; names: string[] } {
  const strike = o.series.map((s) => s.strike ?? (s.moneyness as number) * initialPrice);
  const expiry = o.series.map((s) => Math.max(0, resolveStep(s.expiry, steps)));
  return { strike, expiry, names: o.series.map((s, j) => seriesName(s, strike[j], expiry[j])) };
}

/** Agent kinds that trade on the options venue (they need an `options:` section). */
export const OPTIONS_AGENT_KINDS: readonly string[] = ['option-writers', 'option-buyers', 'vol-whale'];

/**
 * Cross-checks of a validated scenario: options agents need an `options:` section, and the series they name must
 * exist (names resolved as the venue does). Throws InputError naming the agent.
 */
export function checkOptions(
  s: { steps: number; market: { initialPrice: number }; options?: OptionsConfig; agents: readonly { kind: string; name?: string }[] },
  file: string,
): void {
  const names = s.options === undefined ? [] : resolveSeries(s.options, s.market.initialPrice, s.steps).names;
  if (s.options !== undefined) {
    const seen = new Set<string>();
    names.forEach((n, j) => {
      if (seen.has(n)) throw new InputError({ code: 'scenario.invalid', file, path: `options.series[${j}]`, message: `duplicate series name '${n}'; give one of them a distinct 'name'` });
      seen.add(n);
    });
  }
  s.agents.forEach((a, i) => {
    if (!OPTIONS_AGENT_KINDS.includes(a.kind)) return;
    if (s.options === undefined) {
      throw new InputError({ code: 'scenario.invalid', file, path: `agents[${i}]`, message: `agent kind '${a.kind}' trades options; add an 'options:' section` });
    }
    const wanted = (a as { series?: string[] }).series ?? [];
    wanted.forEach((n, k) => {
      if (!names.includes(n)) {
        throw new InputError({ code: 'scenario.invalid', file, path: `agents[${i}].series[${k}]`, message: `no option series named '${n}'; expected one of: ${names.join(', ')}` });
      }
    });
  });
}
