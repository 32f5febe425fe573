// Exogenous market: a price process plus scripted shocks, applied as per-step multiplicative factors.
import { z } from 'zod';
import type { Stream } from './rng.js';

/** A step index: a number, or a share of the run with an optional offset, e.g. "50%" or "50%+10". */
export const StepRef = z.union([
  z.number().int().min(0),
  z.string().regex(/^\d+(\.\d+)?%([+-]\d+)?$/, 'expected a step number or a share of the run such as "50%" or "50%+10"'),
]);
export type StepRef = z.infer<typeof StepRef>;

export function resolveStep(ref: StepRef, steps: number): number {
  if (typeof ref === 'number') return ref;
  const m = /^(\d+(?:\.\d+)?)%([+-]\d+)?$/.exec(ref)!;
  return Math.floor((steps * Number(m[1])) / 100) + (m[2] ? Number(m[2]) : 0);
}

export const ProcessSchema = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('gbm'),
      /** Annualised volatility. */
      sigma: z.number().min(0).default(0.8),
      /** Annualised drift. */
      drift: z.number().default(0),
    })
    .strict(),
  z.object({ kind: z.literal('constant') }).strict(),
]);

export const ShockSchema = z
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

export const MarketSchema = z
  .object({
    initialPrice: z.number().positive().default(2000),
    process: ProcessSchema.default({ kind: 'gbm', sigma: 0.8, drift: 0 }),
    shocks: z.array(ShockSchema).default([]),
  })
  .strict();
export type MarketConfig = z.infer<typeof MarketSchema>;

/**
 * GBM per ../shared/reference/benchmark.md step 1: P <- P * exp((mu - sigma^2/2) dt + sigma sqrt(dt) Z), then each
 * active scripted shock multiplies by exp(ln(factor)/steps), in the order listed.
 */
export class Market {
  private readonly a: number;
  private readonly b: number;
  private readonly diffuse: boolean;
  private readonly shockStart: Int32Array;
  private readonly shockEnd: Int32Array;
  private readonly shockFactor: Float64Array;

  constructor(cfg: MarketConfig, steps: number, dt: number, private readonly rng: Stream) {
    const proc = cfg.process;
    if (proc.kind === 'gbm') {
      this.a = (proc.drift - 0.5 * proc.sigma * proc.sigma) * dt;
      this.b = proc.sigma * Math.sqrt(dt);
      this.diffuse = true;
    } else {
      this.a = 0;
      this.b = 0;
      this.diffuse = false;
    }
    const n = cfg.shocks.length;
    this.shockStart = new Int32Array(n);
    this.shockEnd = new Int32Array(n);
    this.shockFactor = new Float64Array(n);
    cfg.shocks.forEach((s, i) => {
      this.shockStart[i] = resolveStep(s.at, steps);
      this.shockEnd[i] = this.shockStart[i] + s.steps;
      this.shockFactor[i] = Math.exp(Math.log(s.factor) / s.steps);
    });
  }

  /** This step's diffusion factor (draws from the market stream; 1 for a constant process). */
  diffusionFactor(): number {
    return this.diffuse ? Math.exp(this.a + this.b * this.rng.normal()) : 1;
  }

  /** Scripted factor of shock j at step t (1 when inactive). */
  shockAt(j: number, t: number): number {
    return t >= this.shockStart[j] && t < this.shockEnd[j] ? this.shockFactor[j] : 1;
  }

  get shockCount(): number {
    return this.shockFactor.length;
  }

  get diffusive(): boolean {
    return this.diffuse;
  }
}
