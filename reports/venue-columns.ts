// The columns of the other venues' per-policy tables, defined once (in reports/{lending,options,cross}-table.ts) for
// both places that show them: the tables `bulwark run` prints (a run per row) and the venue sections of the report
// (reports/report/venues.ts: per policy, the mean over seeds). A column reads a number of a run's summary and names
// its kind; each place prints the kinds in its own format and may use its own, longer header.
import type { RunSummary } from '../sim/run.js';
import { int, renderTable, usd } from './table.js';

/** What a column's number is: USD, a count, a ratio (health factor, margin ratio) or a share. */
export type ColumnKind = 'usd' | 'int' | 'ratio' | 'pct';

export interface VenueColumn {
  /** Header in the `bulwark run` table. */
  header: string;
  /** Header in the report (default: `header`); `false`: not in the report's table (it shows the number elsewhere). */
  report?: string | false;
  kind: ColumnKind;
  value: (s: RunSummary) => number;
}

/** The terminal's formats: cents, whole counts, 3 decimals; `-` for a ratio or share that is not a number. */
const TERMINAL: Record<ColumnKind, (v: number) => string> = {
  usd,
  int,
  ratio: (v) => (Number.isFinite(v) ? v.toFixed(3) : '-'),
  pct: (v) => (Number.isFinite(v) ? `${(100 * v).toFixed(1)}%` : '-'),
};

/** A venue's `bulwark run` table: one row per policy, its columns after the policy's name. */
export function venueTable(rows: readonly RunSummary[], columns: readonly VenueColumn[]): string {
  return renderTable(rows, [
    { header: 'policy', value: (r) => r.policy, align: 'left' },
    ...columns.map((c) => ({ header: c.header, value: (r: RunSummary) => TERMINAL[c.kind](c.value(r)) })),
  ]);
}
