// The cross-margin venue's comparison table `bulwark run` prints for a scenario with `cross:` (one row per policy);
// its columns are also the report's per-policy table of the venue (reports/report/venues.ts).
import type { RunSummary } from '../sim/run.js';
import { venueTable, type VenueColumn } from './venue-columns.js';

export const CROSS_COLUMNS: readonly VenueColumn[] = [
  { header: 'bad debt', kind: 'usd', value: (r) => r.cross_bad_debt },
  { header: 'uncovered', report: 'uncovered bad debt', kind: 'usd', value: (r) => r.cross_uncovered_bad_debt },
  { header: 'liquidations', kind: 'int', value: (r) => r.cross_liquidations },
  { header: 'liq. notional', report: 'liquidated notional', kind: 'usd', value: (r) => r.cross_liquidated_notional },
  { header: 'collateral sold', kind: 'usd', value: (r) => r.cross_collateral_sold },
  { header: 'slippage', kind: 'usd', value: (r) => r.cross_slippage },
  { header: 'min fund', report: 'lowest insurance fund', kind: 'usd', value: (r) => r.cross_insurance_fund_min },
  { header: 'min margin ratio', report: 'lowest margin ratio', kind: 'ratio', value: (r) => r.cross_min_margin_ratio },
  { header: 'netting at start', kind: 'pct', value: (r) => r.cross_netting_initial },
];

export function crossTable(rows: readonly RunSummary[]): string {
  return venueTable(rows, CROSS_COLUMNS);
}
