// The p-quantile of a sample, linearly interpolated between order statistics (R-7, as numpy and d3): with the values
// sorted ascending x[0] <= ... <= x[n-1], h = (n - 1) p, Q(p) = x[floor h] + (h - floor h) (x[floor h + 1] - x[floor h]).
import { quantile as d3quantile } from 'd3-array';

export function quantile(values: Iterable<number>, p: number): number {
  return d3quantile(values, p) ?? NaN;
}
