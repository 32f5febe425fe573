// Liquidity thinning: the depth multiplier formula, off by default, and depth falling in a crash and coming back.
import { describe, expect, it } from 'vitest';
import { depthMultiplier, ThinningSchema } from '../../sim/liquidity.js';
import { runScenario } from '../../sim/run.js';
import { InputError } from '../../sim/errors.js';
import { scenario } from './helpers.js';

describe('liquidity thinning', () => {
  it('multiplier = max(floor, 1 / (1 + k (rv / ref - 1)+))', () => {
    expect(depthMultiplier(0.5, 1, 2, 0.1)).toBe(1);
    expect(depthMultiplier(1, 1, 2, 0.1)).toBe(1);
    expect(depthMultiplier(2, 1, 1, 0.1)).toBe(0.5);
    expect(depthMultiplier(3, 1, 2, 0.1)).toBe(0.2);
    expect(depthMultiplier(100, 1, 2, 0.1)).toBe(0.1);
    expect(ThinningSchema.parse({})).toEqual({ window: 60, sensitivity: 1, floor: 0.02 });
  });

  const s = (thinning?: Record<string, unknown>) =>
    scenario({
      steps: 200,
      market: { initialPrice: 2000, process: { kind: 'gbm', sigma: 0.8 }, shocks: [{ kind: 'crash', at: 100, drop: 0.25, steps: 5 }] },
      venue: { liquidity: thinning ? { thinning } : {} },
      agents: [{ kind: 'leveraged-traders', count: 50 }],
    });

  it('is off by default: the depth never moves', () => {
    const depths = new Set<number>();
    runScenario(s(), { policy: 'none', seed: 2, baseDir: '.', onStep: (w) => depths.add(w.venue.depth) });
    expect(depths.size).toBe(1);
  });

  it('thins the depth during a crash, down to the floor at most, and restores it after the window', () => {
    const d: number[] = [];
    let base = 0;
    const r = runScenario(s({ window: 10, sensitivity: 1, floor: 0.05 }), {
      policy: 'none',
      seed: 2,
      baseDir: '.',
      onStep: (w) => {
        base = w.thinning!.baseDepth;
        expect(w.thinning!.referenceVol).toBe(0.8);
        d.push(w.venue.depth / base);
      },
    });
    expect(r.error).toBeUndefined();
    expect(Math.min(...d.slice(100, 110))).toBeLessThan(0.1);
    expect(Math.min(...d)).toBeGreaterThanOrEqual(0.05);
    expect(Math.max(...d.slice(150))).toBeGreaterThan(0.5);
  });

  it('a process without a volatility needs referenceVol', () => {
    const input = { steps: 5, market: { process: { kind: 'constant' } }, venue: { liquidity: { thinning: {} } }, agents: [{ kind: 'leveraged-traders', count: 5 }] };
    expect(() => scenario(input)).toThrow(/needs 'referenceVol'/);
    const ok = scenario({ ...input, venue: { liquidity: { thinning: { referenceVol: 0.5 } } } });
    expect(runScenario(ok, { policy: 'none', seed: 1, baseDir: '.' }).error).toBeUndefined();
    // the run itself refuses too (a scenario edited after validation)
    (ok.venue.liquidity.thinning as { referenceVol?: number }).referenceVol = undefined;
    expect(() => runScenario(ok, { policy: 'none', seed: 1, baseDir: '.' })).toThrow(InputError);
  });
});
