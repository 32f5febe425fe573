// Per-step series of a run, one typed column per metric, preallocated for the whole run.
import { LENDING_SERIES_COLUMNS, LendingSeries, type LendingSeriesColumn } from './lending/series.js';
import { OPTIONS_SERIES_COLUMNS, OptionsSeries } from './options/series.js';
import { CROSS_SERIES_COLUMNS, CrossSeries, type CrossSeriesColumn } from './cross/series.js';

/** Names of the per-step columns, in the order they appear in the `steps` results table. */
export const SERIES_COLUMNS = [
  'spot',
  'mark',
  'oracle',
  'open_interest',
  'insurance_fund',
  'liquidations',
  'liquidated_notional',
  'pending_liquidations',
  'bad_debt',
  'uncovered_bad_debt',
  'funding_rate',
  'maintenance_margin',
  'open_accounts',
  'blocked_opens',
  'halted',
  ...LENDING_SERIES_COLUMNS,
  ...OPTIONS_SERIES_COLUMNS,
  ...CROSS_SERIES_COLUMNS,
] as const;
export type SeriesColumn = (typeof SERIES_COLUMNS)[number];

export class Series {
  readonly length: number;
  spot: Float64Array;
  mark: Float64Array;
  oracle: Float64Array;
  openInterest: Float64Array;
  insuranceFund: Float64Array;
  liquidations: Int32Array;
  liquidatedNotional: Float64Array;
  pendingLiquidations: Int32Array;
  /** cumulative */
  badDebt: Float64Array;
  /** cumulative */
  uncoveredBadDebt: Float64Array;
  fundingRate: Float64Array;
  maintenanceMargin: Float64Array;
  openAccounts: Int32Array;
  blockedOpens: Int32Array;
  /** 0 trading, 1 new risk halted, 2 all trading halted */
  halted: Uint8Array;
  /** The lending pool's columns (sim/lending/series.ts). */
  readonly lending: LendingSeries;
  /** The options venue's columns (sim/options/series.ts). */
  readonly options: OptionsSeries;
  /** The cross-margin venue's columns (sim/cross/series.ts). */
  readonly cross: CrossSeries;

  constructor(steps: number) {
    this.length = steps;
    this.spot = new Float64Array(steps);
    this.mark = new Float64Array(steps);
    this.oracle = new Float64Array(steps);
    this.openInterest = new Float64Array(steps);
    this.insuranceFund = new Float64Array(steps);
    this.liquidations = new Int32Array(steps);
    this.liquidatedNotional = new Float64Array(steps);
    this.pendingLiquidations = new Int32Array(steps);
    this.badDebt = new Float64Array(steps);
    this.uncoveredBadDebt = new Float64Array(steps);
    this.fundingRate = new Float64Array(steps);
    this.maintenanceMargin = new Float64Array(steps);
    this.openAccounts = new Int32Array(steps);
    this.blockedOpens = new Int32Array(steps);
    this.halted = new Uint8Array(steps);
    this.lending = new LendingSeries(steps);
    this.options = new OptionsSeries(steps);
    this.cross = new CrossSeries(steps);
  }

  /** The column for a results-table name. */
  column(name: SeriesColumn): Float64Array | Int32Array | Uint8Array {
    switch (name) {
      case 'spot': return this.spot;
      case 'mark': return this.mark;
      case 'oracle': return this.oracle;
      case 'open_interest': return this.openInterest;
      case 'insurance_fund': return this.insuranceFund;
      case 'liquidations': return this.liquidations;
      case 'liquidated_notional': return this.liquidatedNotional;
      case 'pending_liquidations': return this.pendingLiquidations;
      case 'bad_debt': return this.badDebt;
      case 'uncovered_bad_debt': return this.uncoveredBadDebt;
      case 'funding_rate': return this.fundingRate;
      case 'maintenance_margin': return this.maintenanceMargin;
      case 'open_accounts': return this.openAccounts;
      case 'blocked_opens': return this.blockedOpens;
      case 'halted': return this.halted;
      case 'options_iv':
      case 'options_net_delta':
      case 'options_net_gamma':
      case 'options_net_vega':
      case 'options_liquidations':
      case 'options_bad_debt':
        return this.options.column(name);
      default:
        if (name.startsWith('cross_')) return this.cross.column(name as CrossSeriesColumn);
        return this.lending.column(name as LendingSeriesColumn);
    }
  }
}
