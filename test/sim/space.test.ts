// Parameter spaces: grid order, random and Latin-hypercube samples (deterministic, in range, stratified).
import { describe, expect, it } from 'vitest';
import { expandSpace, fromUnit, type Space } from '../../sim/space.js';

describe('grid', () => {
  it('is the Cartesian product, first parameter outermost', () => {
    const space: Space = { kind: 'grid', parameters: { a: [1, 2], b: ['x', 'y', 'z'] } };
    expect(expandSpace(space, 1)).toEqual([
      [1, 'x'],
      [1, 'y'],
      [1, 'z'],
      [2, 'x'],
      [2, 'y'],
      [2, 'z'],
    ]);
  });

  it('no space is one point with no parameters', () => {
    expect(expandSpace(undefined, 1)).toEqual([[]]);
  });
});

describe('distributions', () => {
  it('map u in [0, 1) by their inverse CDF', () => {
    expect(fromUnit({ uniform: [2, 4] }, 0.25)).toBe(2.5);
    expect(fromUnit({ logUniform: [1, 100] }, 0.5)).toBeCloseTo(10, 12);
    expect(fromUnit({ integer: [3, 5] }, 0)).toBe(3);
    expect(fromUnit({ integer: [3, 5] }, 0.34)).toBe(4);
    expect(fromUnit({ integer: [3, 5] }, 0.999)).toBe(5);
    expect(fromUnit({ choice: ['a', 'b', 'c', 'd'] }, 0.5)).toBe('c');
  });
});

describe('random and latin-hypercube', () => {
  const params = { m: { uniform: [0.02, 0.06] as [number, number] }, k: { integer: [1, 10] as [number, number] } };

  it('random: n points in range, a pure function of the sweep seed', () => {
    const a = expandSpace({ kind: 'random', samples: 20, parameters: params }, 5);
    expect(a).toHaveLength(20);
    for (const [m, k] of a as [number, number][]) {
      expect(m).toBeGreaterThanOrEqual(0.02);
      expect(m).toBeLessThan(0.06);
      expect(Number.isInteger(k) && k >= 1 && k <= 10).toBe(true);
    }
    expect(expandSpace({ kind: 'random', samples: 20, parameters: params }, 5)).toEqual(a);
    expect(expandSpace({ kind: 'random', samples: 20, parameters: params }, 6)).not.toEqual(a);
  });

  it('latin hypercube: every parameter hits each of the n strata exactly once', () => {
    const n = 16;
    const pts = expandSpace({ kind: 'latin-hypercube', samples: n, parameters: { u: { uniform: [0, 1] }, v: { uniform: [10, 20] } } }, 9) as [number, number][];
    expect(pts).toHaveLength(n);
    const strataU = pts.map(([u]) => Math.floor(u * n)).sort((x, y) => x - y);
    const strataV = pts.map(([, v]) => Math.floor(((v - 10) / 10) * n)).sort((x, y) => x - y);
    expect(strataU).toEqual(Array.from({ length: n }, (_, i) => i));
    expect(strataV).toEqual(Array.from({ length: n }, (_, i) => i));
    // the two columns are not in the same order (independent permutations)
    expect(pts.map(([u]) => Math.floor(u * n))).not.toEqual(pts.map(([, v]) => Math.floor(((v - 10) / 10) * n)));
    expect(expandSpace({ kind: 'latin-hypercube', samples: n, parameters: { u: { uniform: [0, 1] }, v: { uniform: [10, 20] } } }, 9)).toEqual(pts);
  });
});
