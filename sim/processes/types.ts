// The contract every price process implements, and what a process gets when the market builds it.
import type { Stream } from '../rng.js';

/** What a process is built with. */
export interface ProcessEnv {
  /** Step length in years. */
  readonly dt: number;
  readonly stepSeconds: number;
  /** Steps in the run. */
  readonly steps: number;
  /** Directory of the scenario file (relative data paths). */
  readonly baseDir: string;
  /** Where the process sits in the scenario, for messages: `market.process`, `market.assets[1].process`. */
  readonly path: string;
  /** The asset's price before step 0. */
  readonly initialPrice: number;
  /** One of the asset's auxiliary streams (`jumps`, `regime`): its own named stream, so it never shifts other draws. */
  stream(what: string): Stream;
}

/** One asset's price process, stepped by the market once per step. */
export interface PriceProcess {
  /** True when the process uses one standard normal per step (its diffusion); the market supplies it. */
  readonly usesNormal: boolean;
  /** Annualised volatility the process is calibrated to (NaN when it has none, e.g. a replay or a constant). */
  readonly annualVol: number;
  /** The price after step t, from the price p before it and this step's standard normal z (0 if unused). */
  next(p: number, z: number, t: number): number;
  /** New price / old price of the last `next` (the factor the venue's mark moves by). */
  factor: number;
}
