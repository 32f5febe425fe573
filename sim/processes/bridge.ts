// Brownian bridge: a log-price random walk pinned to a target level at a given step, then GBM.
import { z } from 'zod';
import { StepRef, resolveStep } from '../steps.js';
import type { PriceProcess, ProcessEnv } from './types.js';

export const BridgeSchema = z
  .object({
    kind: z.literal('bridge'),
    /** Price the path reaches exactly at step `at` (unless a scripted shock is active then). */
    target: z.number().positive(),
    /** The step whose price is `target`: a number or a share of the run such as "50%". */
    at: StepRef,
    /** Annualised volatility of the walk (ETH 111%/yr, mechanics.md 5.4). */
    sigma: z.number().min(0).default(1.11),
    /** Annualised drift after the target step. */
    drift: z.number().default(0),
  })
  .strict();
export type BridgeConfig = z.infer<typeof BridgeSchema>;

/**
 * Before step T = at, with n = T - t + 1 moves left (this one included) and x = ln P:
 * x <- x + (ln target - x) / n + sigma sqrt(dt) sqrt((n - 1) / n) Z, which is exactly the Brownian bridge's
 * conditional law; at t = T the price is set to `target` exactly. After T: GBM with `sigma` and `drift`.
 */
export class Bridge implements PriceProcess {
  readonly usesNormal = true;
  readonly annualVol: number;
  factor = 1;
  readonly at: number;
  private readonly logTarget: number;
  private readonly s: number;
  private readonly a: number;

  constructor(private readonly cfg: BridgeConfig, env: Pick<ProcessEnv, 'dt' | 'steps'>) {
    this.at = resolveStep(cfg.at, env.steps);
    this.logTarget = Math.log(cfg.target);
    this.s = cfg.sigma * Math.sqrt(env.dt);
    this.a = (cfg.drift - 0.5 * cfg.sigma * cfg.sigma) * env.dt;
    this.annualVol = cfg.sigma;
  }

  next(p: number, z: number, t: number): number {
    let q: number;
    if (t === this.at) q = this.cfg.target;
    else if (t < this.at) {
      const n = this.at - t + 1;
      const x = Math.log(p);
      q = Math.exp(x + (this.logTarget - x) / n + this.s * Math.sqrt((n - 1) / n) * z);
    } else q = p * Math.exp(this.a + this.s * z);
    this.factor = q / p;
    return q;
  }
}
