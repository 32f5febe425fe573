// Shared helper for the process tests (not a test file itself): a process environment with its own streams.
import { Stream } from '../../../sim/rng.js';
import type { ProcessEnv } from '../../../sim/processes/types.js';

export const DAY = 86400;
export const YEAR = 365 * DAY;

/** An environment with steps of `stepSeconds`, streams named `test/<what>` for `seed`. */
export function env(stepSeconds: number, steps = 1000, seed = 1, extra: Partial<ProcessEnv> = {}): ProcessEnv {
  return {
    dt: stepSeconds / YEAR,
    stepSeconds,
    steps,
    baseDir: '.',
    path: 'market.process',
    initialPrice: 100,
    stream: (what) => new Stream(seed, `test/${what}`),
    ...extra,
  };
}

/** Mean and variance of an array. */
export function moments(x: ArrayLike<number>): { mean: number; variance: number; kurtosis: number } {
  let m = 0;
  for (let i = 0; i < x.length; i++) m += x[i];
  m /= x.length;
  let v = 0;
  let k = 0;
  for (let i = 0; i < x.length; i++) {
    const d = x[i] - m;
    v += d * d;
    k += d * d * d * d;
  }
  v /= x.length - 1;
  k = k / x.length / (v * v);
  return { mean: m, variance: v, kurtosis: k };
}
