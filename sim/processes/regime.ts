// Regime switching: a Markov chain over regimes, each a GBM with its own sigma and drift (per-step transitions).
import { z } from 'zod';
import type { Stream } from '../rng.js';
import type { PriceProcess, ProcessEnv } from './types.js';

const RegimeSchema = z
  .object({
    name: z.string().min(1).optional(),
    /** Annualised volatility in this regime. */
    sigma: z.number().min(0),
    /** Annualised drift in this regime. */
    drift: z.number().default(0),
  })
  .strict();

/** One-minute steps: calm lasts 20 days on average, stress 5 days. */
const CALM_EXIT = 1 / (20 * 1440);
const STRESS_EXIT = 1 / (5 * 1440);

/**
 * Defaults: ETH 30-day realised vol percentiles (mechanics.md 5.4): calm 69% (25th), stressed 188% (95th); stress
 * a fifth of the time, so the long-run vol is sqrt(0.8 * 0.69^2 + 0.2 * 1.88^2) = 104%/yr.
 */
export const RegimeProcessSchema = z
  .object({
    kind: z.literal('regime'),
    regimes: z
      .array(RegimeSchema)
      .min(1)
      .default([
        { name: 'calm', sigma: 0.69, drift: 0 },
        { name: 'stressed', sigma: 1.88, drift: 0 },
      ]),
    /** Row-stochastic matrix: transitions[i][j] = P(next step in j | this step in i). */
    transitions: z
      .array(z.array(z.number().min(0).max(1)))
      .default([
        [1 - CALM_EXIT, CALM_EXIT],
        [STRESS_EXIT, 1 - STRESS_EXIT],
      ]),
    /** Index of the regime at step 0. */
    initial: z.number().int().min(0).default(0),
  })
  .strict()
  .superRefine((v, ctx) => {
    const n = v.regimes.length;
    if (v.transitions.length !== n) {
      ctx.addIssue({ code: 'custom', path: ['transitions'], message: `expected a ${n}x${n} matrix (one row per regime)` });
      return;
    }
    v.transitions.forEach((row, i) => {
      if (row.length !== n) ctx.addIssue({ code: 'custom', path: ['transitions', i], message: `expected ${n} probabilities` });
      else {
        const s = row.reduce((a, b) => a + b, 0);
        if (Math.abs(s - 1) > 1e-9) ctx.addIssue({ code: 'custom', path: ['transitions', i], message: `row ${i} sums to ${s}; the probabilities of leaving a regime must sum to 1` });
      }
    });
    if (v.initial >= n) ctx.addIssue({ code: 'custom', path: ['initial'], message: `expected a regime index below ${n}` });
  });
export type RegimeConfig = z.infer<typeof RegimeProcessSchema>;

/** Stationary distribution pi of a row-stochastic matrix (pi P = pi, sum pi = 1), by Gaussian elimination. */
export function stationary(P: readonly (readonly number[])[]): number[] {
  const n = P.length;
  // (P^T - I) pi = 0 with the last equation replaced by sum pi = 1
  const A = Array.from({ length: n }, (_, i) => Array.from({ length: n + 1 }, (_, j) => (j === n ? 0 : P[j][i] - (i === j ? 1 : 0))));
  A[n - 1].fill(1);
  for (let c = 0; c < n; c++) {
    let piv = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(A[r][c]) > Math.abs(A[piv][c])) piv = r;
    [A[c], A[piv]] = [A[piv], A[c]];
    if (Math.abs(A[c][c]) < 1e-300) return Array.from({ length: n }, () => NaN);
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = A[r][c] / A[c][c];
      for (let j = c; j <= n; j++) A[r][j] -= f * A[c][j];
    }
  }
  return A.map((row, i) => row[n] / row[i]);
}

/** Diffuses with the current regime's GBM step, then moves the chain one step (one uniform from the `regime` stream). */
export class RegimeSwitching implements PriceProcess {
  readonly usesNormal = true;
  readonly annualVol: number;
  factor = 1;
  /** Index of the current regime. */
  regime: number;
  private readonly a: Float64Array;
  private readonly b: Float64Array;
  private readonly cum: Float64Array[];
  private readonly rng: Stream | null;

  constructor(cfg: RegimeConfig, env: Pick<ProcessEnv, 'dt' | 'stream'>) {
    const n = cfg.regimes.length;
    this.a = new Float64Array(n);
    this.b = new Float64Array(n);
    cfg.regimes.forEach((r, i) => {
      this.a[i] = (r.drift - 0.5 * r.sigma * r.sigma) * env.dt;
      this.b[i] = r.sigma * Math.sqrt(env.dt);
    });
    this.cum = cfg.transitions.map((row) => {
      const c = new Float64Array(n);
      let s = 0;
      for (let j = 0; j < n; j++) c[j] = s += row[j];
      return c;
    });
    this.regime = cfg.initial;
    this.rng = n > 1 ? env.stream('regime') : null;
    const pi = stationary(cfg.transitions);
    this.annualVol = Math.sqrt(cfg.regimes.reduce((s, r, i) => s + pi[i] * r.sigma * r.sigma, 0));
  }

  next(p: number, z: number): number {
    const k = this.regime;
    const f = Math.exp(this.a[k] + this.b[k] * z);
    this.factor = f;
    if (this.rng !== null) {
      const u = this.rng.uniform();
      const c = this.cum[k];
      let j = 0;
      while (j < c.length - 1 && u >= c[j]) j++;
      this.regime = j;
    }
    return p * f;
  }
}
