import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { TriggerIndex } from '../../sim/trigger-index.js';

/** Naive reference: smallest i >= lo with v[i] > x, or -1. */
function naiveFirstAbove(v: readonly number[], lo: number, x: number): number {
  for (let i = Math.max(0, lo); i < v.length; i++) if (v[i] > x) return i;
  return -1;
}

function naiveMax(v: readonly number[]): number {
  let m = -Infinity;
  for (const a of v) if (a > m) m = a;
  return m;
}

function build(values: readonly number[], capacity = values.length): TriggerIndex {
  const t = new TriggerIndex(capacity);
  values.forEach((v, i) => t.set(i, v));
  return t;
}

describe('TriggerIndex: unit cases', () => {
  it('empty index: max is -Infinity and firstAbove finds nothing', () => {
    const t = new TriggerIndex(0);
    expect(t.capacity).toBe(1);
    expect(t.max()).toBe(-Infinity);
    expect(t.firstAbove(0, -1e300)).toBe(-1);
    expect(t.firstAbove(0, -Infinity)).toBe(-1);
    const t8 = new TriggerIndex(8);
    expect(t8.capacity).toBe(8);
    for (let lo = 0; lo <= 9; lo++) expect(t8.firstAbove(lo, 0)).toBe(-1);
  });

  it('capacity rounds up to a power of two', () => {
    expect(new TriggerIndex(5).capacity).toBe(8);
    expect(new TriggerIndex(8).capacity).toBe(8);
    expect(new TriggerIndex(9).capacity).toBe(16);
    expect(new TriggerIndex(1).capacity).toBe(1);
  });

  it('single value', () => {
    const t = new TriggerIndex(1);
    t.set(0, 5);
    expect(t.max()).toBe(5);
    expect(t.get(0)).toBe(5);
    expect(t.firstAbove(0, 4.999)).toBe(0);
    expect(t.firstAbove(0, 5)).toBe(-1); // strictly above
    expect(t.firstAbove(1, 0)).toBe(-1); // lo past the end
    const t2 = new TriggerIndex(16);
    t2.set(11, 3);
    expect(t2.max()).toBe(3);
    expect(t2.firstAbove(0, 2)).toBe(11);
    expect(t2.firstAbove(11, 2)).toBe(11);
    expect(t2.firstAbove(12, 2)).toBe(-1);
    expect(t2.firstAbove(0, 3)).toBe(-1);
  });

  it('firstAbove from various lo', () => {
    //             0  1  2   3  4  5  6  7  8   9
    const vals = [1, 7, 2, 9, 3, 3, 0, 8, 1, 10];
    const t = build(vals, 10);
    expect(t.capacity).toBe(16);
    expect(t.max()).toBe(10);
    expect(t.firstAbove(0, 5)).toBe(1);
    expect(t.firstAbove(1, 5)).toBe(1);
    expect(t.firstAbove(2, 5)).toBe(3);
    expect(t.firstAbove(4, 5)).toBe(7);
    expect(t.firstAbove(8, 5)).toBe(9);
    expect(t.firstAbove(10, 5)).toBe(-1);
    expect(t.firstAbove(15, -Infinity)).toBe(-1); // padding leaves are -Infinity
    expect(t.firstAbove(16, -1e300)).toBe(-1);
    expect(t.firstAbove(0, 9)).toBe(9);
    expect(t.firstAbove(0, 10)).toBe(-1);
    expect(t.firstAbove(5, 2.5)).toBe(5);
    expect(t.firstAbove(6, 2.5)).toBe(7);
    expect(t.firstAbove(0, -Infinity)).toBe(0);
    expect(t.firstAbove(6, -Infinity)).toBe(6); // 0 > -Infinity
  });

  it('setting a value to -Infinity removes it', () => {
    const t = build([4, 6, 5, 6], 4);
    expect(t.firstAbove(0, 5)).toBe(1);
    t.set(1, -Infinity);
    expect(t.get(1)).toBe(-Infinity);
    expect(t.max()).toBe(6);
    expect(t.firstAbove(0, 5)).toBe(3);
    t.set(3, -Infinity);
    expect(t.max()).toBe(5);
    expect(t.firstAbove(0, 5)).toBe(-1);
    expect(t.firstAbove(0, 4)).toBe(2);
    for (let i = 0; i < 4; i++) t.set(i, -Infinity);
    expect(t.max()).toBe(-Infinity);
    expect(t.firstAbove(0, -1e308)).toBe(-1);
  });

  it('lowering a value that was the max repairs ancestors', () => {
    const t = build([1, 100, 2, 3, 4, 5, 6, 7], 8);
    expect(t.max()).toBe(100);
    t.set(1, 0);
    expect(t.max()).toBe(7);
    expect(t.firstAbove(0, 6.5)).toBe(7);
    t.set(1, 6.75);
    expect(t.firstAbove(0, 6.5)).toBe(1);
  });

  it('setRaw + rebuild equals a sequence of set', () => {
    const vals = [3, -2, 8, 8, -Infinity, 1, 0.5];
    const a = new TriggerIndex(7);
    vals.forEach((v, i) => a.setRaw(i, v));
    a.rebuild();
    const b = build(vals, 7);
    expect(a.max()).toBe(b.max());
    for (let lo = 0; lo < 9; lo++) for (const x of [-3, 0, 0.5, 1, 7.9, 8]) expect(a.firstAbove(lo, x)).toBe(b.firstAbove(lo, x));
  });

  it('grow keeps values and answers the same queries', () => {
    const vals = [5, 1, 9, 2, 7];
    const t = build(vals, 5);
    expect(t.capacity).toBe(8);
    t.grow(4); // no-op: smaller
    expect(t.capacity).toBe(8);
    t.grow(20);
    expect(t.capacity).toBe(32);
    for (let i = 0; i < vals.length; i++) expect(t.get(i)).toBe(vals[i]);
    for (let i = vals.length; i < 32; i++) expect(t.get(i)).toBe(-Infinity);
    expect(t.max()).toBe(9);
    expect(t.firstAbove(0, 6)).toBe(2);
    expect(t.firstAbove(3, 6)).toBe(4);
    expect(t.firstAbove(5, -1e300)).toBe(-1);
    t.set(25, 100);
    expect(t.max()).toBe(100);
    expect(t.firstAbove(5, 6)).toBe(25);
    expect(t.firstAbove(0, 9)).toBe(25);
  });
});

describe('TriggerIndex: properties against a naive scan', () => {
  const value = fc.oneof(
    { weight: 1, arbitrary: fc.constant(-Infinity) },
    { weight: 6, arbitrary: fc.integer({ min: -20, max: 20 }) }, // many ties
    { weight: 3, arbitrary: fc.double({ min: -1e6, max: 1e6, noNaN: true }) },
  );

  it('firstAbove(lo, x) equals a linear scan', () => {
    fc.assert(
      fc.property(
        fc.array(value, { minLength: 0, maxLength: 70 }),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 140 }), fc.oneof(fc.integer({ min: -22, max: 22 }), fc.double({ min: -1e6, max: 1e6, noNaN: true }))), { minLength: 1, maxLength: 30 }),
        (vals, queries) => {
          const t = build(vals);
          expect(t.max()).toBe(naiveMax(vals));
          for (const [lo, x] of queries) {
            expect(t.firstAbove(lo, x)).toBe(naiveFirstAbove(vals, lo, x));
          }
          // every lo, for one threshold per value present
          for (let lo = 0; lo <= vals.length + 1; lo++) {
            for (const x of [vals[lo % Math.max(1, vals.length)] ?? 0, -Infinity]) {
              expect(t.firstAbove(lo, x)).toBe(naiveFirstAbove(vals, lo, x));
            }
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('random sequences of set (including -Infinity) and grow keep max() and firstAbove equal to naive', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }),
        fc.array(
          fc.oneof(
            { weight: 8, arbitrary: fc.record({ op: fc.constant('set' as const), i: fc.nat(), v: value }) },
            { weight: 1, arbitrary: fc.record({ op: fc.constant('grow' as const), i: fc.integer({ min: 1, max: 100 }), v: fc.constant(0) }) },
          ),
          { minLength: 1, maxLength: 120 },
        ),
        fc.integer({ min: -21, max: 21 }),
        (cap0, ops, x) => {
          const t = new TriggerIndex(cap0);
          let naive: number[] = new Array(t.capacity).fill(-Infinity);
          for (const o of ops) {
            if (o.op === 'grow') {
              t.grow(o.i);
              while (naive.length < t.capacity) naive.push(-Infinity);
            } else {
              const i = o.i % t.capacity;
              t.set(i, o.v);
              naive[i] = o.v;
            }
            expect(t.capacity).toBe(naive.length);
            // + 0 folds -0 into 0: the tree may keep -0 where 0 is now the max (equal under every comparison it answers)
            expect(t.max() + 0).toBe(naiveMax(naive) + 0);
          }
          for (let lo = 0; lo <= naive.length; lo++) expect(t.firstAbove(lo, x)).toBe(naiveFirstAbove(naive, lo, x));
          naive = [];
        },
      ),
      { numRuns: 300 },
    );
  });
});
