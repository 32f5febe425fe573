// The options venue's comparison table for `bulwark run` (printed when the scenario has an `options:` section); its
// columns are also the report's per-policy table of the venue (reports/report/venues.ts).
import type { RunSummary } from '../sim/run.js';
import { venueTable, type VenueColumn } from './venue-columns.js';

/** The options venue's losses, liquidations, policy actions, peak writer Greeks and hedge P&L. */
export const OPTIONS_COLUMNS: readonly VenueColumn[] = [
  { header: 'opt. bad debt', report: 'bad debt', kind: 'usd', value: (r) => r.options_bad_debt },
  { header: 'uncovered', report: 'uncovered bad debt', kind: 'usd', value: (r) => r.options_uncovered_bad_debt },
  { header: 'liquidations', kind: 'int', value: (r) => r.options_liquidations },
  { header: 'reductions', kind: 'int', value: (r) => r.options_reductions },
  { header: 'hedges', report: 'forced hedges', kind: 'int', value: (r) => r.options_forced_hedges },
  { header: 'final fund', report: 'fund at end', kind: 'usd', value: (r) => r.options_insurance_fund_final },
  { header: 'peak |delta|', kind: 'usd', value: (r) => r.options_peak_writer_delta },
  { header: 'peak |gamma|', kind: 'usd', value: (r) => r.options_peak_writer_gamma },
  { header: 'hedge P&L', kind: 'usd', value: (r) => r.options_hedge_pnl },
];

/** One row per policy. */
export function optionsTable(rows: readonly RunSummary[]): string {
  return venueTable(rows, OPTIONS_COLUMNS);
}
