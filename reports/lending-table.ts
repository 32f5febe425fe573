// The lending pool's comparison table `bulwark run` prints for a scenario with `lending:` (one row per policy).
import type { RunSummary } from '../sim/run.js';
import { int, renderTable, usd } from './table.js';

const hf = (v: number): string => (Number.isFinite(v) ? v.toFixed(3) : '-');

export function lendingTable(rows: readonly RunSummary[]): string {
  return renderTable(rows, [
    { header: 'policy', value: (r) => r.policy, align: 'left' },
    { header: 'bad debt', value: (r) => usd(r.lending_bad_debt) },
    { header: 'reserves', value: (r) => usd(r.lending_reserves) },
    { header: 'liquidations', value: (r) => int(r.lending_liquidations) },
    { header: 'debt liquidated', value: (r) => usd(r.lending_liquidated_debt) },
    { header: 'sold on spot', value: (r) => usd(r.lending_sold_notional) },
    { header: 'liquidator P&L', value: (r) => usd(r.lending_liquidator_pnl) },
    { header: 'protocol fees', value: (r) => usd(r.lending_protocol_fees) },
    { header: 'min HF', value: (r) => hf(r.lending_min_hf) },
    { header: 'min price', value: (r) => usd(r.min_price) },
    { header: 'blocked borrows', value: (r) => int(r.lending_blocked_borrows) },
  ]);
}
