import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { Stream, Streams } from '../../sim/rng.js';

const draws = (s: Stream, n: number): number[] => Array.from({ length: n }, () => s.uniform());

describe('Stream', () => {
  it('same (seed, name) gives the same sequence, across every draw kind', () => {
    const a = new Stream(7, 'market');
    const b = new Stream(7, 'market');
    for (let k = 0; k < 200; k++) {
      expect(a.uniform()).toBe(b.uniform());
      expect(a.normal()).toBe(b.normal());
      expect(a.poisson(3.5)).toBe(b.poisson(3.5));
      expect(a.int(10)).toBe(b.int(10));
      expect(a.between(-2, 5)).toBe(b.between(-2, 5));
    }
    // a numeric seed and its string spell the same stream
    expect(draws(new Stream(7, 'x'), 5)).toEqual(draws(new Stream('7', 'x'), 5));
  });

  it('different names or seeds give different sequences', () => {
    const base = draws(new Stream(1, 'market'), 20);
    expect(draws(new Stream(1, 'schedule'), 20)).not.toEqual(base);
    expect(draws(new Stream(2, 'market'), 20)).not.toEqual(base);
    expect(draws(new Stream(1, 'agent:traders'), 20)).not.toEqual(draws(new Stream(1, 'agent:liquidator'), 20));
    // no value in common in the first draws (53-bit doubles: a shared value would mean shared draws)
    const other = new Set(draws(new Stream(1, 'schedule'), 1000));
    expect(draws(new Stream(1, 'market'), 1000).filter((v) => other.has(v))).toEqual([]);
  });

  it('uniform stays in [0,1), between in [lo,hi), int in [0,n)', () => {
    const s = new Stream(3, 'ranges');
    let bad = 0;
    const seen = new Set<number>();
    for (let k = 0; k < 20000; k++) {
      const u = s.uniform();
      if (!(u >= 0 && u < 1)) bad++;
      const b = s.between(1000, 10000);
      if (!(b >= 1000 && b < 10000)) bad++;
      const i = s.int(7);
      if (!(Number.isInteger(i) && i >= 0 && i < 7)) bad++;
      seen.add(i);
    }
    expect(bad).toBe(0);
    expect(seen.size).toBe(7);
  });

  it('uniform mean and variance', () => {
    const s = new Stream(11, 'u');
    const n = 100_000;
    let m = 0;
    let m2 = 0;
    for (let k = 0; k < n; k++) {
      const u = s.uniform();
      m += u;
      m2 += u * u;
    }
    m /= n;
    const v = m2 / n - m * m;
    expect(Math.abs(m - 0.5)).toBeLessThan(0.005); // sd of mean ~ 0.0009
    expect(Math.abs(v - 1 / 12)).toBeLessThan(0.002);
  });

  it('normal(): mean ~ 0, variance ~ 1, tails plausible over 1e5 draws', () => {
    const s = new Stream(1, 'normal');
    const n = 100_000;
    let m = 0;
    let m2 = 0;
    let m4 = 0;
    let beyond2 = 0;
    for (let k = 0; k < n; k++) {
      const z = s.normal();
      m += z;
      m2 += z * z;
      m4 += z * z * z * z;
      if (Math.abs(z) > 2) beyond2++;
    }
    const mean = m / n;
    const variance = m2 / n - mean * mean;
    expect(Math.abs(mean)).toBeLessThan(0.015); // sd of mean ~ 0.0032
    expect(Math.abs(variance - 1)).toBeLessThan(0.02); // sd ~ 0.0045
    expect(Math.abs(m4 / n - 3)).toBeLessThan(0.15); // kurtosis of a normal
    expect(Math.abs(beyond2 / n - 0.0455)).toBeLessThan(0.004);
  });

  it('normal() returns the cached spare as the second draw of a pair (both distinct)', () => {
    const s = new Stream(5, 'pair');
    const a = s.normal();
    const b = s.normal();
    expect(a).not.toBe(b);
    expect(Number.isFinite(a) && Number.isFinite(b)).toBe(true);
  });

  it('poisson(): mean and variance match, small and large means; non-positive mean gives 0', () => {
    const s = new Stream(2, 'poisson');
    let bad = 0;
    for (const mean of [0.3, 4, 20, 80]) {
      const n = 20_000;
      let m = 0;
      let m2 = 0;
      for (let k = 0; k < n; k++) {
        const x = s.poisson(mean);
        if (!(Number.isInteger(x) && x >= 0)) bad++;
        m += x;
        m2 += x * x;
      }
      const mu = m / n;
      const v = m2 / n - mu * mu;
      const se = Math.sqrt(mean / n);
      expect(Math.abs(mu - mean)).toBeLessThan(6 * se + 0.01);
      expect(Math.abs(v / mean - 1)).toBeLessThan(0.08);
    }
    expect(bad).toBe(0);
    expect(s.poisson(0)).toBe(0);
    expect(s.poisson(-3)).toBe(0);
  });

  it('shuffle is a permutation (property), leaves entries past n untouched', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 0, max: 60 }), fc.integer({ min: 0, max: 10 }), (seed, n, extra) => {
        const a = new Int32Array(n + extra);
        for (let i = 0; i < a.length; i++) a[i] = i * 3 + 1;
        const before = Array.from(a);
        new Stream(seed, 'shuffle').shuffle(a, n);
        expect(Array.from(a.subarray(0, n)).sort((x, y) => x - y)).toEqual(before.slice(0, n));
        expect(Array.from(a.subarray(n))).toEqual(before.slice(n));
      }),
      { numRuns: 200 },
    );
  });

  it('shuffle is deterministic and spreads positions roughly uniformly', () => {
    const a = Int32Array.from([0, 1, 2, 3, 4]);
    const b = Int32Array.from([0, 1, 2, 3, 4]);
    new Stream(9, 's').shuffle(a);
    new Stream(9, 's').shuffle(b);
    expect(Array.from(a)).toEqual(Array.from(b));
    const s = new Stream(4, 'spread');
    const counts = Array.from({ length: 4 }, () => new Array(4).fill(0));
    const trials = 40_000;
    const x = new Int32Array(4);
    for (let k = 0; k < trials; k++) {
      for (let i = 0; i < 4; i++) x[i] = i;
      s.shuffle(x);
      for (let pos = 0; pos < 4; pos++) counts[x[pos]][pos]++;
    }
    for (const row of counts) for (const c of row) expect(Math.abs(c / trials - 0.25)).toBeLessThan(0.015);
  });
});

describe('Streams', () => {
  it('get twice with the same name throws; distinct names are fine', () => {
    const s = new Streams(1);
    const m = s.get('market');
    s.get('schedule');
    expect(() => s.get('market')).toThrow(/requested twice/);
    expect(m.name).toBe('market');
    // a fresh Streams hands out the same stream again
    expect(draws(new Streams(1).get('market'), 5)).toEqual(draws(new Stream(1, 'market'), 5));
  });

  it('a stream does not depend on which other streams were requested, nor in what order', () => {
    const a = new Streams(42);
    a.get('x');
    a.get('y');
    const za = draws(a.get('z'), 10);
    const b = new Streams(42);
    const zb = draws(b.get('z'), 10);
    expect(za).toEqual(zb);
  });
});
