// Merton (1976) jump-diffusion: GBM plus Poisson jumps with normal log-sizes, drift-compensated (mechanics.md 5.3).
import { z } from 'zod';
import type { Stream } from '../rng.js';
import type { PriceProcess, ProcessEnv } from './types.js';

/**
 * Defaults: ETH (mechanics.md 5.4): diffusion vol ex-jumps 89%/yr, 10.3 threshold jumps a year, down-jumps ~ -22%;
 * jump sizes ln Y ~ N(-0.05, 0.20^2) make the total vol sqrt(0.89^2 + 10.3 (0.05^2 + 0.20^2)) = 111%/yr.
 */
export const MertonSchema = z
  .object({
    kind: z.literal('merton'),
    /** Annualised diffusion volatility (jumps excluded). */
    sigma: z.number().min(0).default(0.89),
    /** Annualised drift mu of the price (the jump compensator -lambda kappa keeps E[S_t] = S_0 e^(mu t)). */
    drift: z.number().default(0),
    /** Jumps per year (lambda). */
    intensity: z.number().min(0).default(10.3),
    /** Mean of the log jump size (mu_J). */
    jumpMean: z.number().default(-0.05),
    /** Standard deviation of the log jump size (sigma_J). */
    jumpStdev: z.number().min(0).default(0.2),
  })
  .strict();
export type MertonConfig = z.infer<typeof MertonSchema>;

/**
 * log-return per step = (mu - sigma^2/2 - lambda kappa) dt + sigma sqrt(dt) Z + sum_{i<N} ln Y_i, N ~ Poisson(lambda dt),
 * kappa = exp(mu_J + sigma_J^2/2) - 1. Z comes from the market; N and ln Y from the asset's own `jumps` stream.
 */
export class Merton implements PriceProcess {
  readonly usesNormal = true;
  readonly annualVol: number;
  factor = 1;
  private readonly a: number;
  private readonly b: number;
  private readonly lam: number;
  private readonly jumps: Stream | null;
  /** Jumps in the last step (for tests and inspection). */
  lastJumps = 0;

  constructor(private readonly cfg: MertonConfig, env: Pick<ProcessEnv, 'dt' | 'stream'>) {
    const kappa = Math.exp(cfg.jumpMean + 0.5 * cfg.jumpStdev * cfg.jumpStdev) - 1;
    this.a = (cfg.drift - 0.5 * cfg.sigma * cfg.sigma - cfg.intensity * kappa) * env.dt;
    this.b = cfg.sigma * Math.sqrt(env.dt);
    this.lam = cfg.intensity * env.dt;
    this.jumps = this.lam > 0 ? env.stream('jumps') : null;
    this.annualVol = Math.sqrt(cfg.sigma * cfg.sigma + cfg.intensity * (cfg.jumpMean * cfg.jumpMean + cfg.jumpStdev * cfg.jumpStdev));
  }

  next(p: number, z: number): number {
    let x = this.a + this.b * z;
    let n = 0;
    if (this.jumps !== null) {
      n = this.jumps.poisson(this.lam);
      for (let i = 0; i < n; i++) x += this.cfg.jumpMean + this.cfg.jumpStdev * this.jumps.normal();
    }
    this.lastJumps = n;
    const f = Math.exp(x);
    this.factor = f;
    return p * f;
  }
}
