// Exogenous market: one or more assets, each a price process plus scripted shocks, stepped together each step.
import { z } from 'zod';
import { cholesky, correlate, correlationProblems } from './processes/correlation.js';
import { createProcess, ProcessSchema, type PriceProcess, type ProcessConfig } from './processes/index.js';
import type { Stream, Streams } from './rng.js';
import { StepRef, resolveStep } from './steps.js';

export { StepRef, resolveStep } from './steps.js';
export { ProcessSchema, type ProcessConfig } from './processes/index.js';

export const RampSchema = z
  .object({
    kind: z.literal('ramp'),
    /** First step of the shock. */
    at: StepRef,
    /** Number of steps the move is spread over. */
    steps: z.number().int().min(1),
    /** Total multiplicative move, e.g. 0.7 for -30%; applied as factor^(1/steps) each step. */
    factor: z.number().positive(),
  })
  .strict();

/** Shorthand for two ramps: fall by `drop` over `steps`, wait `hold` steps, rise by `recover` over `recoverSteps`. */
export const CrashSchema = z
  .object({
    kind: z.literal('crash'),
    /** First step of the fall. */
    at: StepRef,
    /** Fractional fall, e.g. 0.2 for -20% (a ramp with factor 1 - drop). */
    drop: z.number().gt(0).lt(1),
    /** Steps the fall is spread over. */
    steps: z.number().int().min(1),
    /** Steps between the end of the fall and the start of the recovery. */
    hold: z.number().int().min(0).default(0),
    /** Fractional rise after the fall, e.g. 0.15 for +15% (a ramp with factor 1 + recover); 0 = none. */
    recover: z.number().min(0).default(0),
    /** Steps the recovery is spread over (default: `steps`). */
    recoverSteps: z.number().int().min(1).optional(),
  })
  .strict();

export const ShockSchema = z.discriminatedUnion('kind', [RampSchema, CrashSchema]);
export type ShockConfig = z.infer<typeof ShockSchema>;

const DEFAULT_PROCESS: ProcessConfig = { kind: 'gbm', sigma: 0.8, drift: 0 };
const DEFAULT_PRICE = 2000;

export const AssetSchema = z
  .object({
    /** Name used by `venueAsset`, oracles (`asset`), the AMM and `spotOf(name)`. */
    name: z.string().regex(/^[A-Za-z0-9_.-]+$/, 'expected a name made of letters, digits, "_", "." and "-"'),
    initialPrice: z.number().positive(),
    process: ProcessSchema.default({ ...DEFAULT_PROCESS }),
    shocks: z.array(ShockSchema).default([]),
  })
  .strict();
export type AssetConfig = z.infer<typeof AssetSchema>;

const MarketFields = z
  .object({
    /** Single-asset form: the price before step 0. */
    initialPrice: z.number().positive().optional(),
    /** Single-asset form: the price process (default gbm, sigma 0.8). */
    process: ProcessSchema.optional(),
    /** Single-asset form: scripted shocks, applied after the process in the order listed. */
    shocks: z.array(ShockSchema).optional(),
    /** Multi-asset form: every asset with its own process and shocks (replaces the three keys above). */
    assets: z.array(AssetSchema).min(1).optional(),
    /** Correlation of the assets' normal draws (n x n, symmetric, unit diagonal, positive definite). */
    correlation: z.array(z.array(z.number().min(-1).max(1))).optional(),
    /** The asset the venue trades (default: the first). */
    venueAsset: z.string().min(1).optional(),
  })
  .strict();

/**
 * The validated market. The single-asset keys are always filled: in the multi-asset form they mirror the venue
 * asset (the same objects), so code that reads `market.initialPrice` or `market.process` sees the venue's asset.
 */
export interface MarketConfig {
  initialPrice: number;
  process: ProcessConfig;
  shocks: ShockConfig[];
  assets?: AssetConfig[];
  correlation?: number[][];
  venueAsset?: string;
}

export const MarketSchema = MarketFields.superRefine((v, ctx) => {
  if (v.assets === undefined) {
    for (const k of ['correlation', 'venueAsset'] as const) {
      if (v[k] !== undefined) ctx.addIssue({ code: 'custom', path: [k], message: `'${k}' needs the multi-asset form (market.assets)` });
    }
    return;
  }
  for (const k of ['initialPrice', 'process', 'shocks'] as const) {
    if (v[k] !== undefined) ctx.addIssue({ code: 'custom', path: [k], message: `with market.assets, give '${k}' for each asset instead` });
  }
  const names = v.assets.map((a) => a.name);
  names.forEach((n, i) => {
    if (names.indexOf(n) !== i) ctx.addIssue({ code: 'custom', path: ['assets', i, 'name'], message: `duplicate asset name '${n}'` });
  });
  if (v.venueAsset !== undefined && !names.includes(v.venueAsset)) {
    ctx.addIssue({ code: 'custom', path: ['venueAsset'], message: `no asset named '${v.venueAsset}'; expected one of: ${names.join(', ')}` });
  }
  if (v.correlation !== undefined) {
    for (const [p, message] of correlationProblems(v.correlation, names)) ctx.addIssue({ code: 'custom', path: ['correlation', ...p], message });
  }
}).transform((v): MarketConfig => {
  if (v.assets === undefined) return { initialPrice: v.initialPrice ?? DEFAULT_PRICE, process: v.process ?? { ...DEFAULT_PROCESS }, shocks: v.shocks ?? [] };
  const venue = v.assets.find((a) => a.name === v.venueAsset) ?? v.assets[0];
  const out: MarketConfig = { initialPrice: venue.initialPrice, process: venue.process, shocks: venue.shocks, assets: v.assets };
  if (v.correlation !== undefined) out.correlation = v.correlation;
  if (v.venueAsset !== undefined) out.venueAsset = v.venueAsset;
  return out;
});

/** The assets a market config describes, in order (the single-asset form is one asset named `main`). */
export function assetsOf(cfg: MarketConfig): AssetConfig[] {
  return cfg.assets ?? [{ name: 'main', initialPrice: cfg.initialPrice, process: cfg.process, shocks: cfg.shocks }];
}

/** Ramps [start, end, per-step factor] of a shock list, `crash` expanded into its two ramps. */
export function expandShocks(shocks: readonly ShockConfig[], steps: number): { start: number; end: number; factor: number }[] {
  const out: { start: number; end: number; factor: number }[] = [];
  const ramp = (start: number, n: number, factor: number) => out.push({ start, end: start + n, factor: Math.exp(Math.log(factor) / n) });
  for (const s of shocks) {
    const at = resolveStep(s.at, steps);
    if (s.kind === 'ramp') ramp(at, s.steps, s.factor);
    else {
      ramp(at, s.steps, 1 - s.drop);
      if (s.recover > 0) ramp(at + s.steps + s.hold, s.recoverSteps ?? s.steps, 1 + s.recover);
    }
  }
  return out;
}

export interface MarketEnv {
  steps: number;
  /** Step length in years. */
  dt: number;
  stepSeconds: number;
  /** Directory of the scenario file (replay paths). */
  baseDir: string;
}

/**
 * Steps every asset: its process's factor, then each active scripted shock's factor (ramp: exp(ln(factor)/steps)),
 * in the order listed. Asset 0 draws its normals from the `market` stream (so the single-asset form draws exactly as
 * it always has), asset i > 0 from `market:<name>`; auxiliary draws (jumps, regime changes) from `<stream>/jumps`,
 * `<stream>/regime`. With a correlation matrix every asset draws one normal a step and they are mixed by its
 * Cholesky factor L (z = L e; z_0 = e_0).
 */
export class Market {
  readonly names: readonly string[];
  /** Each asset's price after the last step (before step 0: the initial prices). */
  readonly prices: Float64Array;
  readonly initialPrices: Float64Array;
  readonly venueIndex: number;
  readonly processes: readonly PriceProcess[];
  /** Recorded price paths of the assets other than the venue's (whose path is the series' spot); null for the venue's. */
  readonly paths: (Float64Array | null)[];
  private readonly base: (Stream | null)[];
  private readonly chol: Float64Array | null;
  private readonly e: Float64Array;
  private readonly z: Float64Array;
  private readonly shockAsset: Int32Array;
  private readonly shockStart: Int32Array;
  private readonly shockEnd: Int32Array;
  private readonly shockFactor: Float64Array;

  constructor(cfg: MarketConfig, env: MarketEnv, streams: Streams) {
    const assets = assetsOf(cfg);
    const n = assets.length;
    this.names = assets.map((a) => a.name);
    this.venueIndex = cfg.venueAsset === undefined ? 0 : this.names.indexOf(cfg.venueAsset);
    this.prices = Float64Array.from(assets, (a) => a.initialPrice);
    this.initialPrices = Float64Array.from(this.prices);
    this.chol = cfg.correlation !== undefined && n > 1 ? cholesky(cfg.correlation).L : null;
    this.e = new Float64Array(n);
    this.z = new Float64Array(n);
    const streamName = (i: number) => (i === 0 ? 'market' : `market:${this.names[i]}`);
    const aux = new Map<string, Stream>();
    this.processes = assets.map((a, i) =>
      createProcess(a.process, {
        dt: env.dt,
        stepSeconds: env.stepSeconds,
        steps: env.steps,
        baseDir: env.baseDir,
        path: cfg.assets === undefined ? 'market.process' : `market.assets[${i}].process`,
        initialPrice: a.initialPrice,
        stream: (what) => {
          const name = `${streamName(i)}/${what}`;
          if (!aux.has(name)) aux.set(name, streams.get(name));
          return aux.get(name)!;
        },
      }),
    );
    this.base = this.processes.map((p, i) => (p.usesNormal || this.chol !== null || i === 0 ? streams.get(streamName(i)) : null));
    this.paths = this.processes.map((_, i) => (i === this.venueIndex ? null : new Float64Array(env.steps)));
    const ramps = assets.flatMap((a, i) => expandShocks(a.shocks, env.steps).map((r) => ({ ...r, asset: i })));
    this.shockAsset = Int32Array.from(ramps, (r) => r.asset);
    this.shockStart = Int32Array.from(ramps, (r) => r.start);
    this.shockEnd = Int32Array.from(ramps, (r) => r.end);
    this.shockFactor = Float64Array.from(ramps, (r) => r.factor);
  }

  /**
   * Moves every asset by one step t. The venue asset's factors are applied to `venue.mark` too, one at a time and in
   * the same order (process, then shocks), so the mark keeps its own deviation from the spot.
   */
  advance(t: number, venue: { mark: number }): void {
    const n = this.prices.length;
    if (this.chol !== null) {
      for (let i = 0; i < n; i++) this.e[i] = this.base[i]!.normal();
      correlate(this.chol, n, this.e, this.z);
    }
    const v = this.venueIndex;
    for (let i = 0; i < n; i++) {
      const proc = this.processes[i];
      const z = this.chol !== null ? this.z[i] : proc.usesNormal ? this.base[i]!.normal() : 0;
      let p = proc.next(this.prices[i], z, t);
      if (i === v) venue.mark = venue.mark * proc.factor;
      for (let j = 0; j < this.shockFactor.length; j++) {
        if (this.shockAsset[j] !== i || t < this.shockStart[j] || t >= this.shockEnd[j]) continue;
        const f = this.shockFactor[j];
        p = p * f;
        if (i === v) venue.mark = venue.mark * f;
      }
      this.prices[i] = p;
      const path = this.paths[i];
      if (path !== null) path[t] = p;
    }
  }

  /** Index of an asset by name (or a valid index), -1 if there is none. */
  indexOf(asset: string | number): number {
    if (typeof asset === 'number') return Number.isInteger(asset) && asset >= 0 && asset < this.prices.length ? asset : -1;
    return this.names.indexOf(asset);
  }

  /** The venue asset's price process. */
  get venueProcess(): PriceProcess {
    return this.processes[this.venueIndex];
  }
}
