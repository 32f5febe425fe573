// Per-step columns of the cross-margin venue (part of the `steps` results table; 0 / NaN in runs without `cross:`).

/** Names of the cross-margin columns, in the order they appear in the `steps` table. */
export const CROSS_SERIES_COLUMNS = [
  'cross_open_accounts',
  'cross_equity',
  'cross_requirement',
  'cross_netting',
  'cross_collateral_value',
  'cross_liquidations',
  'cross_pending',
  'cross_bad_debt',
  'cross_insurance_fund',
  'cross_ratio_min',
  'cross_ratio_p5',
  'cross_ratio_p50',
] as const;
export type CrossSeriesColumn = (typeof CROSS_SERIES_COLUMNS)[number];

export class CrossSeries {
  openAccounts: Int32Array;
  /** Sums over open accounts: equity (USD) and the maintenance requirement in force. */
  equity: Float64Array;
  requirement: Float64Array;
  /** 1 - requirement in force / standard (summed) requirement: what netting saves (0 under standard margin). */
  netting: Float64Array;
  /** Haircut value of the open accounts' collateral. */
  collateralValue: Float64Array;
  liquidations: Int32Array;
  pending: Int32Array;
  /** cumulative */
  badDebt: Float64Array;
  insuranceFund: Float64Array;
  /** Distribution of equity / maintenance requirement over open accounts with a requirement (liquidated below 1). */
  ratioMin: Float64Array;
  ratioP5: Float64Array;
  ratioP50: Float64Array;

  constructor(steps: number) {
    this.openAccounts = new Int32Array(steps);
    this.equity = new Float64Array(steps);
    this.requirement = new Float64Array(steps);
    this.netting = new Float64Array(steps);
    this.collateralValue = new Float64Array(steps);
    this.liquidations = new Int32Array(steps);
    this.pending = new Int32Array(steps);
    this.badDebt = new Float64Array(steps);
    this.insuranceFund = new Float64Array(steps);
    this.ratioMin = new Float64Array(steps).fill(NaN);
    this.ratioP5 = new Float64Array(steps).fill(NaN);
    this.ratioP50 = new Float64Array(steps).fill(NaN);
  }

  column(name: CrossSeriesColumn): Float64Array | Int32Array {
    switch (name) {
      case 'cross_open_accounts': return this.openAccounts;
      case 'cross_equity': return this.equity;
      case 'cross_requirement': return this.requirement;
      case 'cross_netting': return this.netting;
      case 'cross_collateral_value': return this.collateralValue;
      case 'cross_liquidations': return this.liquidations;
      case 'cross_pending': return this.pending;
      case 'cross_bad_debt': return this.badDebt;
      case 'cross_insurance_fund': return this.insuranceFund;
      case 'cross_ratio_min': return this.ratioMin;
      case 'cross_ratio_p5': return this.ratioP5;
      case 'cross_ratio_p50': return this.ratioP50;
    }
  }
}
