// What every oracle source shares: its current answer, confidence, outages, latency, and what it reads from the world.
import { z } from 'zod';
import type { AmmPool } from '../amm.js';
import type { Network } from '../network.js';
import type { Stream } from '../rng.js';
import { inRanges, StepRange } from '../steps.js';

/** Keys every source kind accepts. */
export const sourceFields = {
  /** Name in `oracleSources` and of the source's random stream (`oracle:<name>`); default: its kind. */
  name: z.string().min(1).optional(),
  /** Steps between the market and what the source sees (0 = this step's price). */
  latencySteps: z.number().int().min(0).default(0),
  /** Steps [from, to) in which the source does not update: its answer stays frozen. */
  outages: z.array(StepRange).optional(),
};

/** Keys of sources that read an asset's spot (spot, push, pull). */
export const assetField = {
  /** Asset whose spot the source reports (default: the venue asset). */
  asset: z.string().min(1).optional(),
};

/** What sources read: recorded spot paths, the pool, the network, their own streams. */
export interface OracleEnv {
  readonly steps: number;
  readonly dt: number;
  /** Index of an asset by name (undefined: the venue asset). */
  assetIndex(name: string | undefined): number;
  /** Price of an asset before step 0. */
  initialPrice(asset: number): number;
  /** Recorded spot path of an asset (entries 0..t are set when sources update at step t). */
  pathOf(asset: number): Float64Array;
  readonly pool: AmmPool | null;
  readonly network: Network | null;
  stream(name: string): Stream;
}

/** A source's state as policies see it (RunView.oracleSources). */
export interface OracleSourceView {
  readonly name: string;
  readonly kind: string;
  /** Current answer (NaN while the source has none). */
  readonly price: number;
  /** Confidence half-width in USD (pull sources; 0 for the others). */
  readonly confidence: number;
  /** Last step the source published (a push round landed, a pull or spot read happened); frozen during outages. */
  readonly updatedStep: number;
  /** True when the answer sits at a min/max clamp (push sources): such an answer is not the market's. */
  readonly atBound: boolean;
}

export abstract class OracleSource implements OracleSourceView {
  price: number;
  confidence = 0;
  updatedStep = 0;
  atBound = false;
  private readonly outages: Int32Array;

  constructor(
    readonly name: string,
    readonly kind: string,
    outages: Int32Array,
    initial: number,
  ) {
    this.outages = outages;
    this.price = initial;
  }

  /** Updates the source for step t unless it is in an outage. */
  step(t: number): void {
    if (this.outages.length > 0 && inRanges(this.outages, t)) return;
    this.update(t);
  }

  protected abstract update(t: number): void;
}

/** path[t - latency], or path[0] before enough steps exist (the spot oracle's long-standing rule). */
export function lagged(path: Float64Array, t: number, latency: number): number {
  const s = t - latency;
  return path[s < 0 ? 0 : s];
}
