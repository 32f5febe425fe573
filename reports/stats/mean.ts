// Arithmetic mean of a sample (NaN when empty).
import { mean as d3mean } from 'd3-array';

export function mean(values: Iterable<number>): number {
  return d3mean(values) ?? NaN;
}
