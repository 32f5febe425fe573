// Brownian bridge: the target is hit exactly at its step; the conditional mean and variance along the way.
import { describe, expect, it } from 'vitest';
import { Bridge, BridgeSchema } from '../../../sim/processes/bridge.js';
import { Stream } from '../../../sim/rng.js';
import { env, moments } from './env.js';

describe('bridge', () => {
  it('hits the target exactly at its step, whatever the draws, then continues as GBM', () => {
    for (const seed of [1, 2, 3]) {
      const b = new Bridge(BridgeSchema.parse({ kind: 'bridge', target: 1234.5, at: 40 }), env(60, 100));
      const z = new Stream(seed, 'market');
      let p = 2000;
      for (let t = 0; t <= 40; t++) p = b.next(p, z.normal(), t);
      expect(p).toBe(1234.5);
      const q = b.next(p, z.normal(), 41);
      expect(q).not.toBe(p);
      expect(Math.abs(Math.log(q / p))).toBeLessThan(0.01);
    }
  });

  it('resolves "50%" against the run and has the bridge mean and variance at the midpoint', () => {
    const steps = 100;
    const cfg = BridgeSchema.parse({ kind: 'bridge', target: 500, at: '50%', sigma: 1 });
    const e = env(3600, steps);
    const T = 50;
    const mid = 24;
    const x0 = Math.log(1000);
    const xT = Math.log(500);
    const n = 4000;
    const at = new Float64Array(n);
    for (let s = 0; s < n; s++) {
      const b = new Bridge(cfg, e);
      expect(b.at).toBe(T);
      const z = new Stream(s, 'market');
      let p = 1000;
      for (let t = 0; t <= mid; t++) p = b.next(p, z.normal(), t);
      at[s] = Math.log(p);
    }
    // after mid+1 of T+1 moves: mean x0 + (xT - x0) (mid+1)/(T+1), variance sigma^2 dt (mid+1)(T-mid)/(T+1)
    const mean = x0 + ((xT - x0) * (mid + 1)) / (T + 1);
    const variance = (e.dt * (mid + 1) * (T - mid)) / (T + 1);
    const m = moments(at);
    expect(Math.abs(m.mean - mean)).toBeLessThan(4 * Math.sqrt(variance / n));
    expect(Math.abs(m.variance / variance - 1)).toBeLessThan(0.1);
  });
});
