// Deterministic downsampling of long per-step series for charts: min and max per bucket, halts as merged intervals.

/** Buckets of `[0, n)`: bucket b covers `[floor(b n / count), floor((b + 1) n / count))`; one step each when n <= count. */
export function bucketBounds(n: number, count: number): Int32Array {
  const k = Math.max(1, Math.min(n, count));
  const bounds = new Int32Array(k + 1);
  for (let b = 0; b <= k; b++) bounds[b] = Math.floor((b * n) / k);
  return bounds;
}

/**
 * Indices to keep so that a line through them shows every extreme of `values`: the first and last index, and in each
 * bucket the index of its minimum and of its maximum (first occurrence), in ascending order. NaN values are skipped.
 * With n <= 2 * buckets every index is kept.
 */
export function minMaxIndices(values: ArrayLike<number>, buckets: number): number[] {
  const n = values.length;
  if (n <= 2 * buckets) return Array.from({ length: n }, (_, i) => i);
  const bounds = bucketBounds(n, buckets);
  const keep: number[] = [0];
  for (let b = 0; b + 1 < bounds.length; b++) {
    let lo = -1;
    let hi = -1;
    for (let i = bounds[b]; i < bounds[b + 1]; i++) {
      const v = values[i];
      if (Number.isNaN(v)) continue;
      if (lo < 0 || v < values[lo]) lo = i;
      if (hi < 0 || v > values[hi]) hi = i;
    }
    if (lo < 0) continue;
    const a = Math.min(lo, hi);
    const z = Math.max(lo, hi);
    if (a !== keep[keep.length - 1]) keep.push(a);
    if (z !== a) keep.push(z);
  }
  if (keep[keep.length - 1] !== n - 1) keep.push(n - 1);
  return keep;
}

/** Sums of `values` per bucket, with each bucket's first step and end (exclusive). Empty buckets are left out. */
export function bucketSums(values: ArrayLike<number>, buckets: number): { start: number; end: number; sum: number }[] {
  const bounds = bucketBounds(values.length, buckets);
  const out: { start: number; end: number; sum: number }[] = [];
  for (let b = 0; b + 1 < bounds.length; b++) {
    let s = 0;
    for (let i = bounds[b]; i < bounds[b + 1]; i++) s += values[i];
    if (s !== 0) out.push({ start: bounds[b], end: bounds[b + 1], sum: s });
  }
  return out;
}

export interface Interval {
  /** First step of the interval. */
  start: number;
  /** One past its last step. */
  end: number;
  /** Largest level in it (halts: 1 new risk halted, 2 all trading halted). */
  level: number;
}

/**
 * Runs of consecutive steps with `level[i] > 0`, split where the level changes. When there are more than `max`,
 * intervals closer than `minGap` steps are merged (taking the larger level), the gap doubled until they fit, so a
 * chart never draws thousands of slivers. Deterministic: depends on the values only.
 */
export function levelIntervals(level: ArrayLike<number>, max = 200, minGap = 1): Interval[] {
  let out: Interval[] = [];
  for (let i = 0; i < level.length; ) {
    const v = level[i];
    if (!(v > 0)) {
      i++;
      continue;
    }
    let j = i + 1;
    while (j < level.length && level[j] === v) j++;
    out.push({ start: i, end: j, level: v });
    i = j;
  }
  let gap = Math.max(1, minGap);
  while (out.length > max) {
    const merged: Interval[] = [];
    for (const iv of out) {
      const last = merged[merged.length - 1];
      if (last && iv.start - last.end <= gap) {
        last.end = iv.end;
        last.level = Math.max(last.level, iv.level);
      } else merged.push({ ...iv });
    }
    out = merged;
    gap *= 2;
  }
  return out;
}
