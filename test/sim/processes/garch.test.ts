// GARCH(1,1): the recursion exactly on a fixed sequence, Nelson's per-step scaling, and the unconditional variance.
import { describe, expect, it } from 'vitest';
import { ETH_DAILY_GARCH, Garch, GarchSchema, scaleDailyGarch } from '../../../sim/processes/garch.js';
import { Stream } from '../../../sim/rng.js';
import { env, moments, YEAR } from './env.js';

describe('garch', () => {
  it('follows sigma^2_{t+1} = omega + alpha eps_t^2 + beta sigma^2_t exactly on a fixed sequence', () => {
    const omega = 1e-6;
    const alpha = 0.1;
    const beta = 0.85;
    const g = new Garch(GarchSchema.parse({ kind: 'garch', perStep: { omega, alpha, beta } }), env(60));
    let v = omega / (1 - alpha - beta);
    expect(g.variance).toBe(v);
    let p = 100;
    for (const z of [1, -2, 0.5, 0, 3]) {
      const eps = Math.sqrt(v) * z;
      const want = p * Math.exp(0 - 0.5 * v + eps);
      const got = g.next(p, z);
      expect(got).toBe(want);
      expect(g.lastInnovation).toBe(eps);
      v = omega + alpha * eps * eps + beta * v;
      expect(g.variance).toBe(v);
      p = got;
    }
  });

  it('scales the daily figures by Nelson (1990): alpha/sqrt(n), (1 - alpha - beta)/n, omega/n^2', () => {
    const s = scaleDailyGarch(ETH_DAILY_GARCH, 60);
    const n = 1440;
    expect(s.alpha).toBeCloseTo(0.158 / Math.sqrt(n), 15);
    expect(1 - s.alpha - s.beta).toBeCloseTo(0.066 / n, 12);
    expect(s.omega).toBeCloseTo(2.59e-4 / (n * n), 18);
    // the unconditional variance per unit of time is kept: 120%/yr for ETH
    const annual = (d: { omega: number; alpha: number; beta: number }, seconds: number) => Math.sqrt((d.omega / (1 - d.alpha - d.beta)) * (YEAR / seconds));
    expect(annual(s, 60)).toBeCloseTo(annual(ETH_DAILY_GARCH, 86400), 10);
    expect(annual(s, 60)).toBeCloseTo(1.197, 3);
    // so is the half-life of volatility shocks in time (to first order in 1 - alpha - beta)
    const halfLife = (d: { alpha: number; beta: number }, seconds: number) => (Math.log(0.5) / Math.log(d.alpha + d.beta)) * seconds;
    expect(halfLife(s, 60) / halfLife(ETH_DAILY_GARCH, 86400)).toBeGreaterThan(0.95);
    expect(halfLife(s, 60) / halfLife(ETH_DAILY_GARCH, 86400)).toBeLessThan(1.05);
    // and one step of the daily process is the daily figures
    const one = scaleDailyGarch(ETH_DAILY_GARCH, 86400);
    expect(one.omega).toBe(2.59e-4);
    expect(one.alpha).toBe(0.158);
    expect(one.beta).toBeCloseTo(0.776, 14);
  });

  it('simulated innovations have the unconditional variance and clustered volatility', () => {
    const p = { omega: 2e-6, alpha: 0.08, beta: 0.9 };
    const g = new Garch(GarchSchema.parse({ kind: 'garch', perStep: p }), env(3600));
    const rng = new Stream(11, 'market');
    const n = 400_000;
    const eps = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      g.next(100, rng.normal());
      eps[i] = g.lastInnovation;
    }
    const m = moments(eps);
    expect(Math.abs(m.variance / (p.omega / (1 - p.alpha - p.beta)) - 1)).toBeLessThan(0.05);
    expect(m.kurtosis).toBeGreaterThan(3.3);
    // autocorrelation of squared innovations is positive (volatility clustering)
    const sq = eps.map((x) => x * x);
    const ms = moments(sq);
    let c = 0;
    for (let i = 1; i < n; i++) c += (sq[i] - ms.mean) * (sq[i - 1] - ms.mean);
    expect(c / (n - 1) / ms.variance).toBeGreaterThan(0.05);
  });

  it('rejects a non-stationary fit, with its path', () => {
    const r = GarchSchema.safeParse({ kind: 'garch', perStep: { omega: 1e-6, alpha: 0.3, beta: 0.75 } });
    expect(r.success).toBe(false);
    expect(r.error!.issues[0].path).toEqual(['perStep', 'beta']);
  });
});
