// Correlated assets: the Cholesky factor reproduces the matrix, draws have that correlation, bad matrices are named.
import { describe, expect, it } from 'vitest';
import { cholesky, correlationProblems } from '../../../sim/processes/correlation.js';
import { Market, MarketSchema } from '../../../sim/market.js';
import { Streams } from '../../../sim/rng.js';
import { DAY, moments, YEAR } from './env.js';

const C = [
  [1, 0.8, 0.3],
  [0.8, 1, 0.5],
  [0.3, 0.5, 1],
];

describe('correlation', () => {
  it('L L^T reproduces the matrix', () => {
    const { L, failedAt } = cholesky(C);
    expect(failedAt).toBe(-1);
    for (let i = 0; i < 3; i++)
      for (let j = 0; j < 3; j++) {
        let s = 0;
        for (let k = 0; k < 3; k++) s += L[i * 3 + k] * L[j * 3 + k];
        expect(s).toBeCloseTo(C[i][j], 14);
      }
    expect(L[0]).toBe(1);
  });

  it("the market's log returns have the matrix's correlation, and the first asset draws like the single-asset form", () => {
    const cfg = MarketSchema.parse({
      assets: [
        { name: 'BTC', initialPrice: 60000, process: { kind: 'gbm', sigma: 0.71 } },
        { name: 'ETH', initialPrice: 3000, process: { kind: 'gbm', sigma: 1.11 } },
        { name: 'SOL', initialPrice: 150, process: { kind: 'gbm', sigma: 1.5 } },
      ],
      correlation: C,
      venueAsset: 'ETH',
    });
    const steps = 100_000;
    const env = { steps, dt: DAY / YEAR, stepSeconds: DAY, baseDir: '.' };
    const m = new Market(cfg, env, new Streams(9));
    const single = new Market(MarketSchema.parse({ initialPrice: 60000, process: { kind: 'gbm', sigma: 0.71 } }), env, new Streams(9));
    expect(m.venueIndex).toBe(1);
    const r = [new Float64Array(steps), new Float64Array(steps), new Float64Array(steps)];
    const mark = { mark: 3000 };
    const other = { mark: 0 };
    const first = new Float64Array(steps);
    const alone = new Float64Array(steps);
    const before = new Float64Array(3);
    for (let t = 0; t < steps; t++) {
      before.set(m.prices);
      m.advance(t, mark);
      single.advance(t, other);
      for (let k = 0; k < 3; k++) r[k][t] = Math.log(m.prices[k] / before[k]);
      first[t] = m.prices[0];
      alone[t] = single.prices[0];
    }
    expect(first).toEqual(alone);
    expect(mark.mark).toBe(m.prices[1]);
    const mo = r.map(moments);
    for (let i = 0; i < 3; i++)
      for (let j = 0; j < i; j++) {
        let c = 0;
        for (let t = 0; t < steps; t++) c += (r[i][t] - mo[i].mean) * (r[j][t] - mo[j].mean);
        const rho = c / (steps - 1) / Math.sqrt(mo[i].variance * mo[j].variance);
        expect(Math.abs(rho - C[i][j])).toBeLessThan(0.015);
      }
  });

  it('names what is wrong with a matrix', () => {
    const names = ['A', 'B', 'C'];
    expect(correlationProblems(C, names)).toEqual([]);
    expect(correlationProblems([[1, 0.5], [0.5, 1]], names)[0][1]).toContain('3x3');
    expect(correlationProblems([[1, 0.5, 0], [0.4, 1, 0], [0, 0, 1]], names)[0]).toEqual([[1, 0], 'the matrix must be symmetric: [1][0] = 0.4 but [0][1] = 0.5']);
    const np = correlationProblems(
      [
        [1, 0.9, -0.9],
        [0.9, 1, 0.9],
        [-0.9, 0.9, 1],
      ],
      names,
    );
    expect(np[0][1]).toContain('not positive definite');
    expect(np[0][1]).toContain('row 2, C');
  });
});
