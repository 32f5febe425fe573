// Plain-text tables for the terminal: right-aligned numbers, one header row, no dependencies.
import type { RunSummary } from '../sim/run.js';

export interface Column<T> {
  header: string;
  value: (row: T) => string;
  align?: 'left' | 'right';
}

export function renderTable<T>(rows: readonly T[], columns: readonly Column<T>[]): string {
  const cells = rows.map((r) => columns.map((c) => c.value(r)));
  const widths = columns.map((c, j) => Math.max(c.header.length, ...cells.map((row) => row[j].length)));
  const pad = (s: string, j: number): string => ((columns[j].align ?? 'right') === 'left' ? s.padEnd(widths[j]) : s.padStart(widths[j]));
  const lines = [columns.map((c, j) => pad(c.header, j)).join('  '), widths.map((w) => '-'.repeat(w)).join('  ')];
  for (const row of cells) lines.push(row.map((s, j) => pad(s, j)).join('  '));
  return lines.join('\n');
}

/** USD with thousands separators and cents. */
export function usd(v: number): string {
  return v.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
}

export function int(v: number): string {
  return v.toLocaleString('en-US', { maximumFractionDigits: 0 });
}

/** The comparison `bulwark run` prints: one row per policy on the same seed. */
export function comparisonTable(rows: readonly RunSummary[]): string {
  const columns: Column<RunSummary>[] = [
    { header: 'policy', value: (r) => r.policy, align: 'left' },
    { header: 'bad debt', value: (r) => usd(r.bad_debt) },
    { header: 'uncovered', value: (r) => usd(r.uncovered_bad_debt) },
    { header: 'liquidations', value: (r) => int(r.liquidations) },
    { header: 'liq. notional', value: (r) => usd(r.liquidated_notional) },
    { header: 'slippage', value: (r) => usd(r.liquidation_slippage) },
    { header: 'min fund', value: (r) => usd(r.insurance_fund_min) },
    { header: 'halted steps', value: (r) => int(r.steps_halted) },
    { header: 'blocked opens', value: (r) => int(r.blocked_opens) },
  ];
  // only where some run has them, so that tables of scenarios without them are unchanged
  if (rows.some((r) => r.unrealized_bad_debt > 0)) columns.push({ header: 'open under water', value: (r) => usd(r.unrealized_bad_debt) });
  if (rows.some((r) => r.attacker_pnl !== 0 || r.attacker_cost !== 0)) {
    columns.push({ header: 'attacker P&L', value: (r) => usd(r.attacker_pnl) }, { header: 'attacker cost', value: (r) => usd(r.attacker_cost) });
  }
  return renderTable(rows, columns);
}
