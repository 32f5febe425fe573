// Entropic value at risk (EVaR) of a loss sample at a level.
/**
 * EVaR (Ahmadi-Javid 2012) at level c over the empirical distribution of the sample:
 *   EVaR = inf over t > 0 of  t * ( ln( (1/n) sum_i exp(L_i / t) ) - ln(1 - c) ),
 * the tightest upper bound on VaR from the Chernoff inequality: CVaR <= EVaR <= max. Its limit as t -> 0 is the
 * largest loss, so EVaR = max whenever the largest value holds at least a (1 - c) share of the sample (e.g. any sample
 * of n <= 100 at c = 0.99). Minimised by golden-section search over ln t (the objective is convex in t).
 */
export function entropicValueAtRisk(losses: Iterable<number>, level: number): number {
  const x = Float64Array.from(losses);
  const n = x.length;
  if (n === 0) return NaN;
  if (!(level >= 0 && level < 1)) throw new RangeError(`EVaR level must be in [0, 1), found ${level}`);
  let max = -Infinity;
  let min = Infinity;
  for (const v of x) {
    if (v > max) max = v;
    if (v < min) min = v;
  }
  const spread = max - min;
  if (!(spread > 0)) return max;
  const logTail = Math.log(1 - level);
  // t * (ln mean exp(L/t) - ln(1-c)), written around the max so that exp never overflows
  const g = (t: number): number => {
    let s = 0;
    for (const v of x) s += Math.exp((v - max) / t);
    return max + t * (Math.log(s / n) - logTail);
  };
  let a = Math.log(spread * 1e-6);
  let b = Math.log(spread * 1e6);
  const r = (Math.sqrt(5) - 1) / 2;
  let c = b - r * (b - a);
  let d = a + r * (b - a);
  let gc = g(Math.exp(c));
  let gd = g(Math.exp(d));
  for (let i = 0; i < 200 && b - a > 1e-12; i++) {
    if (gc < gd) {
      b = d;
      d = c;
      gd = gc;
      c = b - r * (b - a);
      gc = g(Math.exp(c));
    } else {
      a = c;
      c = d;
      gc = gd;
      d = a + r * (b - a);
      gd = g(Math.exp(d));
    }
  }
  return Math.min(max, gc, gd);
}
