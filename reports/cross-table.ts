// The cross-margin venue's comparison table `bulwark run` prints for a scenario with `cross:` (one row per policy).
import type { RunSummary } from '../sim/run.js';
import { int, renderTable, usd } from './table.js';

const ratio = (v: number): string => (Number.isFinite(v) ? v.toFixed(3) : '-');
const pct = (v: number): string => (Number.isFinite(v) ? `${(100 * v).toFixed(1)}%` : '-');

export function crossTable(rows: readonly RunSummary[]): string {
  return renderTable(rows, [
    { header: 'policy', value: (r) => r.policy, align: 'left' },
    { header: 'bad debt', value: (r) => usd(r.cross_bad_debt) },
    { header: 'uncovered', value: (r) => usd(r.cross_uncovered_bad_debt) },
    { header: 'liquidations', value: (r) => int(r.cross_liquidations) },
    { header: 'liq. notional', value: (r) => usd(r.cross_liquidated_notional) },
    { header: 'collateral sold', value: (r) => usd(r.cross_collateral_sold) },
    { header: 'slippage', value: (r) => usd(r.cross_slippage) },
    { header: 'min fund', value: (r) => usd(r.cross_insurance_fund_min) },
    { header: 'min margin ratio', value: (r) => ratio(r.cross_min_margin_ratio) },
    { header: 'netting at start', value: (r) => pct(r.cross_netting_initial) },
  ]);
}
