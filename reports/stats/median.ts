// Median of a sample: the 0.5-quantile, interpolated as in quantile() (NaN when empty).
import { median as d3median } from 'd3-array';

export function median(values: Iterable<number>): number {
  return d3median(values) ?? NaN;
}
