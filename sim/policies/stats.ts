// Small numeric helpers of the liquidation, backstop and exposure policies: normal CDF, EWMA volatility, number formats.

/**
 * Standard normal CDF N(x) = erfc(-x / sqrt 2) / 2, with erfc from the Chebyshev fit of Numerical Recipes (erfcc,
 * fractional error below 1.2e-7 everywhere).
 */
export function normCdf(x: number): number {
  return 0.5 * erfc(-x / Math.SQRT2);
}

function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}

/**
 * EWMA of squared log returns of a price sampled once a step (RiskMetrics, J.P. Morgan 1996; lambda 0.94 for daily
 * data, mechanics.md 5.2): var <- lambda var + (1 - lambda) r^2. Starts at `initialVol` (annualised).
 */
export class EwmaVol {
  private variance: number;
  private last = NaN;
  private lastStep = -1;

  constructor(
    private readonly lambda: number,
    initialVol: number,
    private readonly dt: number,
  ) {
    this.variance = initialVol * initialVol * dt;
  }

  /** Feeds the price of step t (once per step; a second call in the same step is ignored). */
  update(t: number, price: number): void {
    if (t === this.lastStep) return;
    this.lastStep = t;
    if (this.last > 0 && price > 0) {
      const r = Math.log(price / this.last);
      this.variance = this.lambda * this.variance + (1 - this.lambda) * r * r;
    }
    this.last = price;
  }

  /** Annualised volatility. */
  get annual(): number {
    return Math.sqrt(this.variance / this.dt);
  }
}

/** USD with thousands separators, no cents. */
export const usd0 = (v: number): string => `$${Math.round(v).toLocaleString('en-US')}`;
export const pct2 = (x: number): string => `${(100 * x).toFixed(2)}%`;
