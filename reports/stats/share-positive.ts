// Share of a sample that is > 0 (e.g. the probability of insolvency from uncovered bad debt); NaN when empty.
export function sharePositive(values: Iterable<number>): number {
  let n = 0;
  let k = 0;
  for (const v of values) {
    n++;
    if (v > 0) k++;
  }
  return n === 0 ? NaN : k / n;
}
