// Expected shortfall (CVaR) of a loss sample at a level: the mean of its worst (1 - level) share.
/**
 * With the n losses sorted descending L(1) >= L(2) >= ... and k = n (1 - level):
 *   ES = (L(1) + ... + L(floor k) + (k - floor k) L(floor k + 1)) / k
 * (the empirical ES of Acerbi and Tasche 2002: the tail mean, the boundary observation weighted by its share).
 * k <= 1 gives the largest loss. NaN when empty.
 */
export function expectedShortfall(losses: Iterable<number>, level: number): number {
  const sorted = Float64Array.from(losses).sort().reverse();
  const n = sorted.length;
  if (n === 0) return NaN;
  if (!(level >= 0 && level < 1)) throw new RangeError(`expected shortfall level must be in [0, 1), found ${level}`);
  const k = Math.round(n * (1 - level) * 1e9) / 1e9; // 20 * (1 - 0.95) is 1.0000000000000009 in binary
  if (k <= 1) return sorted[0];
  const whole = Math.floor(k);
  let sum = 0;
  for (let i = 0; i < whole; i++) sum += sorted[i];
  if (whole < n) sum += (k - whole) * sorted[whole];
  return sum / k;
}
