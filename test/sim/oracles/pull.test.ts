// Pull oracle: confidence proportional to recent volatility (plus noise), the EMA's half-life, determinism.
import { describe, expect, it } from 'vitest';
import { PullOracle, PullOracleSchema } from '../../../sim/oracles/pull.js';
import { oracleEnv } from './env.js';

const pull = (cfg: Record<string, unknown>, path: number[], p0: number, seed = 1) =>
  new PullOracle(PullOracleSchema.parse({ kind: 'pull', ...cfg }), 'pyth', oracleEnv(path, p0, { seed }));

describe('pull oracle', () => {
  it('conf = price (base + volMultiple * per-step realised vol) without noise', () => {
    const path = [100, 101, 100, 101, 100];
    const o = pull({ confidence: { base: 0.001, volMultiple: 2, window: 2, noise: 0 } }, path, 100);
    const r = [0, Math.log(1.01), Math.log(100 / 101), Math.log(1.01), Math.log(100 / 101)];
    for (let t = 0; t < path.length; t++) {
      o.step(t);
      const w = r.slice(Math.max(0, t - 1), t + 1);
      const rv = Math.sqrt(w.reduce((s, x) => s + x * x, 0) / w.length);
      expect(o.price).toBe(path[t]);
      expect(o.confidence).toBeCloseTo(path[t] * (0.001 + 2 * rv), 12);
    }
  });

  it('confidence widens when the market moves fast', () => {
    const calm = Array.from({ length: 100 }, (_, t) => 100 * (1 + 0.0005 * Math.sin(t)));
    const wild = Array.from({ length: 100 }, (_, t) => 100 * (1 + 0.05 * Math.sin(t)));
    const a = pull({}, calm, 100);
    const b = pull({}, wild, 100);
    for (let t = 0; t < 100; t++) {
      a.step(t);
      b.step(t);
    }
    expect(b.confidence / b.price).toBeGreaterThan(10 * (a.confidence / a.price));
  });

  it('the EMA moves halfway to a new level in one half-life (constant confidence), and can be the answer', () => {
    const path = Array.from({ length: 40 }, () => 200);
    const o = pull({ confidence: { base: 0.001, volMultiple: 0, noise: 0 }, emaHalfLifeSteps: 10 }, [100, ...path], 100);
    o.step(0);
    expect(o.ema).toBe(100);
    for (let t = 1; t <= 10; t++) o.step(t);
    // eleven prints (100 at step 0, then 200), weights 2^(-age/10) / conf: the confidence-weighted EMA
    const w = (k: number) => Math.pow(2, -k / 10);
    let num = 0;
    let den = 0;
    for (let k = 0; k <= 10; k++) {
      const p = k === 10 ? 100 : 200;
      num += (w(k) * p) / (0.001 * p);
      den += w(k) / (0.001 * p);
    }
    expect(o.ema).toBeCloseTo(num / den, 9);
    const e = pull({ use: 'ema', confidence: { noise: 0 } }, [100, 200, 200], 100);
    e.step(0);
    e.step(1);
    expect(e.price).toBe(e.ema);
    expect(e.price).toBeGreaterThan(100);
    expect(e.price).toBeLessThan(200);
    expect(e.confidence).toBe(e.emaConf);
  });

  it('noise comes from its own stream: same seed same answers, different seed different confidence', () => {
    const path = Array.from({ length: 30 }, (_, t) => 100 + t);
    const run = (seed: number) => {
      const o = pull({}, path, 100, seed);
      const c: number[] = [];
      for (let t = 0; t < 30; t++) {
        o.step(t);
        c.push(o.confidence);
      }
      return c;
    };
    expect(run(1)).toEqual(run(1));
    expect(run(1)).not.toEqual(run(2));
  });
});
