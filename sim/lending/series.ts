// Per-step columns of the lending pool (part of the `steps` results table; NaN / 0 in runs without `lending:`).

/** Names of the lending columns, in the order they appear in the `steps` table (after the venue's). */
export const LENDING_SERIES_COLUMNS = [
  'lending_debt',
  'lending_utilization',
  'lending_borrow_rate',
  'lending_supply_rate',
  'lending_liquidations',
  'lending_pending',
  'lending_bad_debt',
  'lending_reserves',
  'lending_min_hf',
  'lending_hf_p1',
  'lending_hf_p5',
  'lending_hf_p50',
  'lending_debt_below_1_05',
] as const;
export type LendingSeriesColumn = (typeof LENDING_SERIES_COLUMNS)[number];

export class LendingSeries {
  /** Total debt (USD). */
  debt: Float64Array;
  utilization: Float64Array;
  /** Annual rates in force after the step's accrual. */
  borrowRate: Float64Array;
  supplyRate: Float64Array;
  liquidations: Int32Array;
  pending: Int32Array;
  /** cumulative */
  badDebt: Float64Array;
  reserves: Float64Array;
  /** Health factors over positions with debt at the end of the step (NaN when there is none). */
  minHf: Float64Array;
  hfP1: Float64Array;
  hfP5: Float64Array;
  hfP50: Float64Array;
  /** Share of debt held by positions with HF < 1.05. */
  debtBelow105: Float64Array;

  constructor(steps: number) {
    this.debt = new Float64Array(steps);
    this.utilization = new Float64Array(steps);
    this.borrowRate = new Float64Array(steps);
    this.supplyRate = new Float64Array(steps);
    this.liquidations = new Int32Array(steps);
    this.pending = new Int32Array(steps);
    this.badDebt = new Float64Array(steps);
    this.reserves = new Float64Array(steps);
    this.minHf = new Float64Array(steps).fill(NaN);
    this.hfP1 = new Float64Array(steps).fill(NaN);
    this.hfP5 = new Float64Array(steps).fill(NaN);
    this.hfP50 = new Float64Array(steps).fill(NaN);
    this.debtBelow105 = new Float64Array(steps);
  }

  column(name: LendingSeriesColumn): Float64Array | Int32Array {
    switch (name) {
      case 'lending_debt': return this.debt;
      case 'lending_utilization': return this.utilization;
      case 'lending_borrow_rate': return this.borrowRate;
      case 'lending_supply_rate': return this.supplyRate;
      case 'lending_liquidations': return this.liquidations;
      case 'lending_pending': return this.pending;
      case 'lending_bad_debt': return this.badDebt;
      case 'lending_reserves': return this.reserves;
      case 'lending_min_hf': return this.minHf;
      case 'lending_hf_p1': return this.hfP1;
      case 'lending_hf_p5': return this.hfP5;
      case 'lending_hf_p50': return this.hfP50;
      case 'lending_debt_below_1_05': return this.debtBelow105;
    }
  }
}
