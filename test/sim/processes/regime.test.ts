// Regime switching: the chain's stationary distribution, per-regime volatility, matrix validation.
import { describe, expect, it } from 'vitest';
import { RegimeProcessSchema, RegimeSwitching, stationary } from '../../../sim/processes/regime.js';
import { Stream } from '../../../sim/rng.js';
import { env } from './env.js';

describe('regime switching', () => {
  it('stationary distribution of a 2-state chain is (q, p) / (p + q)', () => {
    const pi = stationary([
      [0.99, 0.01],
      [0.02, 0.98],
    ]);
    expect(pi[0]).toBeCloseTo(2 / 3, 12);
    expect(pi[1]).toBeCloseTo(1 / 3, 12);
  });

  it('spends the stationary share of steps in each regime, each with its own volatility', () => {
    const cfg = RegimeProcessSchema.parse({
      kind: 'regime',
      regimes: [{ sigma: 0.5 }, { sigma: 2 }],
      transitions: [
        [0.99, 0.01],
        [0.02, 0.98],
      ],
    });
    const e = env(3600, 1000, 5);
    const proc = new RegimeSwitching(cfg, e);
    expect(proc.annualVol).toBeCloseTo(Math.sqrt((2 / 3) * 0.25 + (1 / 3) * 4), 12);
    const z = new Stream(5, 'market');
    const n = 300_000;
    const count = [0, 0];
    const ss = [0, 0];
    for (let i = 0; i < n; i++) {
      const k = proc.regime;
      const r = Math.log(proc.next(100, z.normal()) / 100);
      count[k]++;
      ss[k] += r * r;
    }
    expect(Math.abs(count[0] / n - 2 / 3)).toBeLessThan(0.03);
    expect(Math.sqrt(ss[0] / count[0] / e.dt)).toBeCloseTo(0.5, 1);
    expect(Math.sqrt(ss[1] / count[1] / e.dt)).toBeCloseTo(2, 1);
  });

  it('defaults: calm 69% and stressed 188% (ETH 30-day RV percentiles), stress a fifth of the time at one-minute steps', () => {
    const cfg = RegimeProcessSchema.parse({ kind: 'regime' });
    expect(cfg.regimes.map((r) => r.sigma)).toEqual([0.69, 1.88]);
    expect(stationary(cfg.transitions)[1]).toBeCloseTo(0.2, 10);
    expect(new RegimeSwitching(cfg, env(60)).annualVol).toBeCloseTo(1.04, 2);
  });

  it('rejects a matrix whose rows do not sum to 1 or do not match the regimes', () => {
    const bad = RegimeProcessSchema.safeParse({ kind: 'regime', regimes: [{ sigma: 1 }, { sigma: 2 }], transitions: [[0.9, 0.2], [0.5, 0.5]] });
    expect(bad.success).toBe(false);
    expect(bad.error!.issues[0].path).toEqual(['transitions', 0]);
    expect(bad.error!.issues[0].message).toContain('sums to');
    const shape = RegimeProcessSchema.safeParse({ kind: 'regime', regimes: [{ sigma: 1 }], transitions: [[0.5, 0.5], [0.5, 0.5]] });
    expect(shape.error!.issues[0].message).toContain('1x1');
  });
});
