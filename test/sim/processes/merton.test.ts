// Merton jump-diffusion: log-return moments, the drift compensator (E[S_t+1 / S_t] = e^(mu dt)), jump counts.
import { describe, expect, it } from 'vitest';
import { Merton, MertonSchema } from '../../../sim/processes/merton.js';
import { Stream } from '../../../sim/rng.js';
import { DAY, env, moments } from './env.js';

describe('merton', () => {
  const cfg = MertonSchema.parse({ kind: 'merton', sigma: 0.5, drift: 0.2, intensity: 25, jumpMean: -0.05, jumpStdev: 0.1 });
  const e = env(DAY);
  const n = 300_000;
  const m = new Merton(cfg, e);
  const z = new Stream(3, 'market');
  const r = new Float64Array(n);
  const f = new Float64Array(n);
  let jumps = 0;
  for (let i = 0; i < n; i++) {
    const q = m.next(100, z.normal());
    r[i] = Math.log(q / 100);
    f[i] = q / 100;
    jumps += m.lastJumps;
  }
  const lam = cfg.intensity * e.dt;
  const kappa = Math.exp(cfg.jumpMean + 0.5 * cfg.jumpStdev ** 2) - 1;

  it('defaults are the ETH calibration: total volatility 111%/yr', () => {
    const d = MertonSchema.parse({ kind: 'merton' });
    expect(d).toEqual({ kind: 'merton', sigma: 0.89, drift: 0, intensity: 10.3, jumpMean: -0.05, jumpStdev: 0.2 });
    expect(new Merton(d, env(60)).annualVol).toBeCloseTo(1.109, 3);
  });

  it('jumps arrive as Poisson(lambda dt) per step', () => {
    const want = lam * n;
    expect(Math.abs(jumps - want)).toBeLessThan(4 * Math.sqrt(want));
  });

  it('log returns: mean (mu - sigma^2/2 - lambda kappa) dt + lambda dt mu_J, variance sigma^2 dt + lambda dt (mu_J^2 + sigma_J^2)', () => {
    const mo = moments(r);
    const mean = (cfg.drift - 0.5 * cfg.sigma ** 2 - cfg.intensity * kappa) * e.dt + lam * cfg.jumpMean;
    const variance = cfg.sigma ** 2 * e.dt + lam * (cfg.jumpMean ** 2 + cfg.jumpStdev ** 2);
    expect(Math.abs(mo.mean - mean)).toBeLessThan(4 * Math.sqrt(variance / n));
    expect(Math.abs(mo.variance / variance - 1)).toBeLessThan(0.03);
    expect(mo.kurtosis).toBeGreaterThan(3.5); // fat tails from the jumps
  });

  it('is drift-compensated: the mean price factor is e^(mu dt)', () => {
    const mo = moments(f);
    expect(Math.abs(mo.mean - Math.exp(cfg.drift * e.dt))).toBeLessThan(4 * Math.sqrt(mo.variance / n));
  });

  it('without jumps it is GBM and takes no jump stream', () => {
    const names: string[] = [];
    const g = new Merton(MertonSchema.parse({ kind: 'merton', intensity: 0, sigma: 0.8 }), { ...env(60), stream: (w) => (names.push(w), new Stream(1, w)) });
    expect(names).toEqual([]);
    const e60 = env(60);
    expect(g.next(100, 0.5)).toBe(100 * Math.exp((0 - 0.5 * 0.64) * e60.dt + 0.8 * Math.sqrt(e60.dt) * 0.5));
  });
});
