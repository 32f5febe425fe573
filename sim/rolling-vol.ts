// Realised volatility over a rolling window of log returns (zero-mean RMS), O(1) per step.

export class RollingVol {
  private readonly sq: Float64Array;
  private n = 0;
  private i = 0;
  private sum = 0;

  constructor(readonly window: number) {
    this.sq = new Float64Array(Math.max(1, window));
  }

  /** Adds one log return. */
  push(r: number): void {
    const x = Number.isFinite(r) ? r * r : 0;
    if (this.n < this.sq.length) this.n++;
    else this.sum -= this.sq[this.i];
    this.sq[this.i] = x;
    this.sum += x;
    this.i = this.i + 1 === this.sq.length ? 0 : this.i + 1;
    // the running sum drifts by rounding; resum once per lap so it stays exact to a few ulps
    if (this.i === 0) {
      let s = 0;
      for (let k = 0; k < this.n; k++) s += this.sq[k];
      this.sum = s;
    }
  }

  /** Returns seen, up to the window. */
  get count(): number {
    return this.n;
  }

  /** sqrt(mean r^2) over the returns in the window (0 before any). */
  perStep(): number {
    return this.n === 0 ? 0 : Math.sqrt(Math.max(0, this.sum) / this.n);
  }

  /** Annualised: perStep / sqrt(dt). */
  annual(dt: number): number {
    return this.perStep() / Math.sqrt(dt);
  }
}
