// The options venue's comparison table for `bulwark run` (printed when the scenario has an `options:` section).
import type { RunSummary } from '../sim/run.js';
import { int, renderTable, usd } from './table.js';

/** One row per policy: the options venue's losses, liquidations, policy actions, peak writer Greeks and hedge P&L. */
export function optionsTable(rows: readonly RunSummary[]): string {
  return renderTable(rows, [
    { header: 'policy', value: (r) => r.policy, align: 'left' },
    { header: 'opt. bad debt', value: (r) => usd(r.options_bad_debt) },
    { header: 'uncovered', value: (r) => usd(r.options_uncovered_bad_debt) },
    { header: 'liquidations', value: (r) => int(r.options_liquidations) },
    { header: 'reductions', value: (r) => int(r.options_reductions) },
    { header: 'hedges', value: (r) => int(r.options_forced_hedges) },
    { header: 'final fund', value: (r) => usd(r.options_insurance_fund_final) },
    { header: 'peak |delta|', value: (r) => usd(r.options_peak_writer_delta) },
    { header: 'peak |gamma|', value: (r) => usd(r.options_peak_writer_gamma) },
    { header: 'hedge P&L', value: (r) => usd(r.options_hedge_pnl) },
  ]);
}
