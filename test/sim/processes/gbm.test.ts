// GBM: the exact step formula, its log-return moments over many draws, and the market stream drawing as it always has.
import { describe, expect, it } from 'vitest';
import { Gbm } from '../../../sim/processes/gbm.js';
import { Stream } from '../../../sim/rng.js';
import { DAY, env, moments } from './env.js';

describe('gbm', () => {
  it('one step is P exp((mu - sigma^2/2) dt + sigma sqrt(dt) Z), bit for bit', () => {
    const e = env(60);
    const g = new Gbm({ sigma: 0.8, drift: 0.1 }, e);
    const z = 1.2345;
    const want = 2000 * Math.exp((0.1 - 0.5 * 0.8 * 0.8) * e.dt + 0.8 * Math.sqrt(e.dt) * z);
    expect(g.next(2000, z)).toBe(want);
    expect(g.factor).toBe(Math.exp((0.1 - 0.5 * 0.8 * 0.8) * e.dt + 0.8 * Math.sqrt(e.dt) * z));
    expect(g.annualVol).toBe(0.8);
  });

  it('log returns have mean (mu - sigma^2/2) dt and variance sigma^2 dt over 200,000 draws', () => {
    const e = env(DAY);
    const sigma = 0.8;
    const mu = 0.3;
    const g = new Gbm({ sigma, drift: mu }, e);
    const rng = new Stream(7, 'market');
    const n = 200_000;
    const r = new Float64Array(n);
    let p = 100;
    for (let i = 0; i < n; i++) {
      const q = g.next(p, rng.normal());
      r[i] = Math.log(q / p);
      p = 100; // restart each step: returns are i.i.d. either way, this keeps p in range
    }
    const m = moments(r);
    const sd = sigma * Math.sqrt(e.dt);
    expect(Math.abs(m.mean - (mu - 0.5 * sigma * sigma) * e.dt)).toBeLessThan((4 * sd) / Math.sqrt(n));
    expect(m.variance / (sd * sd)).toBeCloseTo(1, 1);
    expect(Math.abs(m.variance / (sd * sd) - 1)).toBeLessThan(0.02);
    expect(Math.abs(m.kurtosis - 3)).toBeLessThan(0.1);
  });
});
