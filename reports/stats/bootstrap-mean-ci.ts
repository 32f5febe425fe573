// Percentile-bootstrap confidence interval of a sample's mean, seeded and deterministic.
import { Stream } from '../../sim/rng.js';
import { quantile } from './quantile.js';

export interface BootstrapOptions {
  level?: number;
  resamples?: number;
  seed?: number | string;
}

/**
 * `resamples` means of n draws with replacement (indices from the stream `bootstrap` of `seed`), and their
 * (1 - level)/2 and (1 + level)/2 quantiles. The same sample, level, resamples and seed give the same interval.
 */
export function bootstrapMeanCI(values: ArrayLike<number>, opts: BootstrapOptions = {}): [number, number] {
  const level = opts.level ?? 0.95;
  const resamples = opts.resamples ?? 2000;
  const n = values.length;
  if (n === 0) return [NaN, NaN];
  const rng = new Stream(opts.seed ?? 0, 'bootstrap');
  const means = new Float64Array(resamples);
  for (let b = 0; b < resamples; b++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += values[rng.int(n)];
    means[b] = s / n;
  }
  return [quantile(means, (1 - level) / 2), quantile(means, (1 + level) / 2)];
}
