// GARCH(1,1) volatility: sigma^2_{t+1} = omega + alpha eps_t^2 + beta sigma^2_t on per-step returns (mechanics.md 5.3).
import { z } from 'zod';
import type { PriceProcess, ProcessEnv } from './types.js';

const Params = z
  .object({
    omega: z.number().gt(0),
    alpha: z.number().min(0),
    beta: z.number().min(0),
  })
  .strict()
  .refine((p) => p.alpha + p.beta < 1, { message: 'alpha + beta must be below 1 (a stationary variance)', path: ['beta'] });

/** ETH daily fit (mechanics.md 5.4): omega 2.59e-4, alpha 0.158, beta 0.776 (unconditional 120%/yr). */
export const ETH_DAILY_GARCH = { omega: 2.59e-4, alpha: 0.158, beta: 0.776 };

export const GarchSchema = z
  .object({
    kind: z.literal('garch'),
    /** Annualised drift of the price. */
    drift: z.number().default(0),
    /** Parameters on daily log returns, scaled to the step (docs/models.md). Ignored when `perStep` is given. */
    daily: Params.default(ETH_DAILY_GARCH),
    /** Parameters on per-step log returns, used as they are. */
    perStep: Params.optional(),
    /** Annualised volatility at step 0 (default: the unconditional volatility). */
    initialVol: z.number().positive().optional(),
  })
  .strict();
export type GarchConfig = z.infer<typeof GarchSchema>;

export interface GarchParams {
  omega: number;
  alpha: number;
  beta: number;
}

/**
 * Daily parameters to a step of `stepSeconds` by Nelson's (1990) diffusion-limit scaling, with n steps a day:
 * alpha_s = alpha / sqrt(n), 1 - (alpha_s + beta_s) = (1 - alpha - beta) / n, omega_s = omega / n^2. This keeps the
 * unconditional variance per unit of time and the half-life of volatility shocks in time (docs/models.md).
 */
export function scaleDailyGarch(d: GarchParams, stepSeconds: number): GarchParams {
  const n = 86400 / stepSeconds;
  const alpha = d.alpha / Math.sqrt(n);
  const persistence = 1 - (1 - d.alpha - d.beta) / n;
  return { omega: d.omega / (n * n), alpha, beta: persistence - alpha };
}

/** The per-step parameters a config stands for (throws a plain Error when the scaled figures are not valid). */
export function garchParams(cfg: GarchConfig, stepSeconds: number): GarchParams {
  if (cfg.perStep) return cfg.perStep;
  const p = scaleDailyGarch(cfg.daily, stepSeconds);
  if (!(p.beta >= 0 && p.alpha + p.beta < 1 && p.omega > 0)) {
    throw new Error(`the daily GARCH figures scale to invalid per-step ones for ${stepSeconds}s steps (alpha ${p.alpha}, beta ${p.beta}); give 'perStep'`);
  }
  return p;
}

/**
 * eps_t = sigma_t Z_t; log-return r_t = mu dt - sigma_t^2 / 2 + eps_t (so E[S] grows at mu); then
 * sigma^2_{t+1} = omega + alpha eps_t^2 + beta sigma^2_t.
 */
export class Garch implements PriceProcess {
  readonly usesNormal = true;
  readonly annualVol: number;
  factor = 1;
  /** sigma^2 of the next step's return. */
  variance: number;
  /** The last step's innovation eps_t. */
  lastInnovation = 0;
  private readonly mu: number;
  readonly params: GarchParams;

  constructor(cfg: GarchConfig, env: Pick<ProcessEnv, 'dt' | 'stepSeconds'>) {
    this.params = garchParams(cfg, env.stepSeconds);
    const p = this.params;
    const unconditional = p.omega / (1 - p.alpha - p.beta);
    this.annualVol = Math.sqrt(unconditional / env.dt);
    this.variance = cfg.initialVol !== undefined ? cfg.initialVol * cfg.initialVol * env.dt : unconditional;
    this.mu = cfg.drift * env.dt;
  }

  next(price: number, z: number): number {
    const p = this.params;
    const v = this.variance;
    const eps = Math.sqrt(v) * z;
    const f = Math.exp(this.mu - 0.5 * v + eps);
    this.lastInnovation = eps;
    this.variance = p.omega + p.alpha * eps * eps + p.beta * v;
    this.factor = f;
    return price * f;
  }
}
