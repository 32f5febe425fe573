// Geometric Brownian motion: P <- P exp((mu - sigma^2/2) dt + sigma sqrt(dt) Z) (mechanics.md 5.3).
import { z } from 'zod';
import type { PriceProcess, ProcessEnv } from './types.js';

export const GbmSchema = z
  .object({
    kind: z.literal('gbm'),
    /** Annualised volatility. */
    sigma: z.number().min(0).default(0.8),
    /** Annualised drift. */
    drift: z.number().default(0),
  })
  .strict();
export type GbmConfig = z.infer<typeof GbmSchema>;

/** Exact GBM step in the reference operation order (benchmark.md step 1): the cascade golden depends on it. */
export class Gbm implements PriceProcess {
  readonly usesNormal = true;
  readonly annualVol: number;
  factor = 1;
  private readonly a: number;
  private readonly b: number;

  constructor(cfg: { sigma: number; drift: number }, env: Pick<ProcessEnv, 'dt'>) {
    this.a = (cfg.drift - 0.5 * cfg.sigma * cfg.sigma) * env.dt;
    this.b = cfg.sigma * Math.sqrt(env.dt);
    this.annualVol = cfg.sigma;
  }

  next(p: number, z: number): number {
    const f = Math.exp(this.a + this.b * z);
    this.factor = f;
    return p * f;
  }
}
