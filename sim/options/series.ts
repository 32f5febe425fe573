// Per-step columns of the options venue (part of the `steps` results table; 0 in runs without `options:`).

/** Names of the options columns, in the order they appear in the `steps` table. */
export const OPTIONS_SERIES_COLUMNS = [
  'options_iv',
  'options_net_delta',
  'options_net_gamma',
  'options_net_vega',
  'options_liquidations',
  'options_bad_debt',
] as const;
export type OptionsSeriesColumn = (typeof OPTIONS_SERIES_COLUMNS)[number];

export class OptionsSeries {
  /** Implied volatility of the step (annualised). */
  iv: Float64Array;
  /** Writers' net delta (USD per 100% move), gamma (USD of delta per 1% move) and vega (USD per vol point). */
  netDelta: Float64Array;
  netGamma: Float64Array;
  netVega: Float64Array;
  liquidations: Int32Array;
  /** cumulative */
  badDebt: Float64Array;

  constructor(steps: number) {
    this.iv = new Float64Array(steps);
    this.netDelta = new Float64Array(steps);
    this.netGamma = new Float64Array(steps);
    this.netVega = new Float64Array(steps);
    this.liquidations = new Int32Array(steps);
    this.badDebt = new Float64Array(steps);
  }

  column(name: OptionsSeriesColumn): Float64Array | Int32Array {
    switch (name) {
      case 'options_iv': return this.iv;
      case 'options_net_delta': return this.netDelta;
      case 'options_net_gamma': return this.netGamma;
      case 'options_net_vega': return this.netVega;
      case 'options_liquidations': return this.liquidations;
      case 'options_bad_debt': return this.badDebt;
    }
  }
}
