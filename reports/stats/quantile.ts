// The p-quantile of a sample, interpolated between order statistics (R-7, as numpy and d3).
import { quantile as d3quantile } from 'd3-array';

/** Sorted ascending x[0] <= ... <= x[n-1], h = (n - 1) p: Q(p) = x[floor h] + (h - floor h) (x[floor h + 1] - x[floor h]). NaN when empty. */
export function quantile(values: Iterable<number>, p: number): number {
  return d3quantile(values, p) ?? NaN;
}
