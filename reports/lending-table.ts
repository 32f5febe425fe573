// The lending pool's comparison table `bulwark run` prints for a scenario with `lending:` (one row per policy); its
// columns are also the report's per-policy table of the pool (reports/report/venues.ts).
import type { RunSummary } from '../sim/run.js';
import { venueTable, type VenueColumn } from './venue-columns.js';

export const LENDING_COLUMNS: readonly VenueColumn[] = [
  { header: 'bad debt', kind: 'usd', value: (r) => r.lending_bad_debt },
  { header: 'reserves', report: 'reserves at end', kind: 'usd', value: (r) => r.lending_reserves },
  { header: 'liquidations', kind: 'int', value: (r) => r.lending_liquidations },
  { header: 'debt liquidated', kind: 'usd', value: (r) => r.lending_liquidated_debt },
  { header: 'sold on spot', kind: 'usd', value: (r) => r.lending_sold_notional },
  { header: 'liquidator P&L', kind: 'usd', value: (r) => r.lending_liquidator_pnl },
  { header: 'protocol fees', kind: 'usd', value: (r) => r.lending_protocol_fees },
  { header: 'min HF', report: 'lowest health factor', kind: 'ratio', value: (r) => r.lending_min_hf },
  // the report has the lowest mark in its market table
  { header: 'min price', report: false, kind: 'usd', value: (r) => r.min_price },
  { header: 'blocked borrows', kind: 'int', value: (r) => r.lending_blocked_borrows },
];

export function lendingTable(rows: readonly RunSummary[]): string {
  return venueTable(rows, LENDING_COLUMNS);
}
