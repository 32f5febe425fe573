// The venues a run set uses and what the report shows of each. The perpetuals venue has its own sections
// (run-sections.ts); the lending pool, the options venue and the cross-margin venue each get a per-policy table of
// their solvency numbers (the columns of the `bulwark run` tables, defined in reports/{lending,options,cross}-table.ts,
// as mean over seeds), a chart of their fund (or reserves) and bad debt over the steps (the cross venue also one of
// its margin ratios), and their bad debt across seeds. Which venues a run used is read from its summary (runs.arrow):
// see `used` below and docs/reports.md.
import type { RunSummary } from '../../sim/run.js';
import type { StepPanel } from '../charts/fund-and-debt.js';
import { CROSS_COLUMNS } from '../cross-table.js';
import { LENDING_COLUMNS } from '../lending-table.js';
import { OPTIONS_COLUMNS } from '../options-table.js';
import type { ColumnKind, VenueColumn } from '../venue-columns.js';
import type { ReportRun, StepColumn } from './data.js';
import { count, dollars, dollarsShort, pct, ratio } from './format.js';
import { htmlTable, note } from './html.js';

/** A number of a run's summary and how the report prints it. */
export interface Metric {
  header: string;
  value: (s: RunSummary) => number;
  format: (v: number) => string;
  /** Left out of a table when it is 0 in every run shown (a rare loss that would otherwise widen every table). */
  hideWhenZero?: boolean;
}

export const usd = (header: string, value: (s: RunSummary) => number): Metric => ({ header, value, format: dollars });
/** USD in the narrow tables beside charts: $3.53M. */
const short = (header: string, value: (s: RunSummary) => number): Metric => ({ header, value, format: dollarsShort });
export const int = (header: string, value: (s: RunSummary) => number): Metric => ({ header, value, format: count });

/** The report's format of each kind of column: whole dollars, counts, 3 decimals, a share; `n/a` for no number. */
const FORMAT: Record<ColumnKind, (v: number) => string> = { usd: dollars, int: count, ratio, pct };
/** A venue's `bulwark run` columns as the report shows them: its headers and formats, without the columns it shows elsewhere. */
const runColumns = (columns: readonly VenueColumn[]): Metric[] =>
  columns.flatMap((c) => (c.report === false ? [] : [{ header: c.report ?? c.header, value: c.value, format: FORMAT[c.kind] }]));

/** Whether a run had anything on the perpetuals venue (reports/stats/liquidations.ts, shared with `compare`). */
export { perpUsed } from '../stats/liquidations.js';

export interface Venue {
  id: 'lending' | 'options' | 'cross';
  /** Heading, e.g. `Cross-margin venue`. */
  title: string;
  /** Prefix of labels, e.g. `cross` in `cross bad debt`. */
  short: string;
  /** Whether a run used the venue (any run of a group is enough to show its section). */
  used(s: RunSummary): boolean;
  /** What the venue held, for the line under the heading. */
  size(runs: readonly ReportRun[]): string;
  /** Per-policy table: the columns of the venue's `bulwark run` table. */
  table: readonly Metric[];
  /** Per-policy table beside the fund chart, on the chart's seed. */
  fund: readonly Metric[];
  /** The fund chart: title, caption, panels (fund or reserves, cumulative bad debt). */
  chart: { title: string; description: string; panels: readonly StepPanel[] };
  /** More step charts after the fund chart (one line per policy, same seed), each with its table. */
  charts?: readonly { kind: string; title: string; description: string; panels: readonly StepPanel[]; aside: (runs: readonly ReportRun[]) => string }[];
  /** Per-step liquidations (counted in the liquidation bars of the price charts). */
  liquidations: StepColumn;
  /** Per-run losses whose distribution across seeds is shown (the first is charted). */
  losses: readonly Metric[];
  /** Lines of the per-run table beside each price chart. */
  perRun: readonly Metric[];
}

const finite = (v: number | null): boolean => v !== null && Number.isFinite(v);
/** `x`, or `lo to hi` when the runs differ. */
function range(xs: readonly number[], format: (v: number) => string): string {
  const lo = Math.min(...xs);
  const hi = Math.max(...xs);
  return lo === hi ? format(lo) : `${format(lo)} to ${format(hi)}`;
}

/** Beside the margin-ratio chart: per policy, accounts at the start and open at the end, the lowest p5 and ratio. */
function crossRatioAside(runs: readonly ReportRun[]): string {
  const lowest = (a: ArrayLike<number> | undefined) => {
    let m = NaN;
    if (a) for (let i = 0; i < a.length; i++) if (!Number.isNaN(a[i]) && (Number.isNaN(m) || a[i] < m)) m = a[i];
    return m;
  };
  return (
    htmlTable(
      ['policy', 'accounts', 'open at end', 'lowest p5', 'lowest ratio'],
      runs.map((r) => {
        const open = r.steps?.cross_open_accounts;
        return [r.summary.policy, count(r.summary.cross_accounts), count(open && open.length > 0 ? open[open.length - 1] : NaN), ratio(lowest(r.steps?.cross_ratio_p5)), ratio(r.summary.cross_min_margin_ratio)];
      }),
      'Cross-margin accounts',
    ) + note('lowest p5: the lowest 5th percentile of the margin ratio over the steps; lowest ratio: the lowest of any account (runs.cross_min_margin_ratio).')
  );
}

export const VENUES: readonly Venue[] = [
  {
    id: 'lending',
    title: 'Lending pool',
    short: 'lending',
    // a pool with borrowers has a finite lowest health factor (NaN without `lending:` or without debt); reserves,
    // liquidations, bad debt and interest catch a pool that ended with none
    used: (s) => finite(s.lending_min_hf) || s.lending_reserves_initial !== 0 || s.lending_reserves !== 0 || s.lending_liquidations > 0 || s.lending_bad_debt > 0 || s.lending_interest > 0,
    size: (runs) => {
      const debt = runs.flatMap((r) => (r.steps?.lending_debt && r.steps.lending_debt.length > 0 ? [r.steps.lending_debt[0]] : []));
      const reserves = range(runs.map((r) => r.summary.lending_reserves_initial), dollars);
      return debt.length > 0 ? `Debt after the first step ${range(debt, dollars)}; starting reserves ${reserves}.` : `Starting reserves ${reserves}.`;
    },
    table: runColumns(LENDING_COLUMNS),
    fund: [
      short('reserves at start', (s) => s.lending_reserves_initial),
      short('lowest', (s) => s.lending_reserves_min),
      short('at end', (s) => s.lending_reserves),
      short('bad debt', (s) => s.lending_bad_debt),
    ],
    chart: {
      title: 'Lending reserves and bad debt',
      description: 'Every policy on the same market path. Bad debt is cumulative; the pool pays it from its reserves, and reserves below zero are a deficit the lenders bear.',
      panels: [
        { column: 'lending_reserves', title: 'lending reserves (USD)' },
        { column: 'lending_bad_debt', title: 'lending bad debt (USD)' },
      ],
    },
    liquidations: 'lending_liquidations',
    losses: [usd('lending bad debt', (s) => s.lending_bad_debt), usd('lending reserves at end', (s) => s.lending_reserves)],
    perRun: [int('lending liquidations', (s) => s.lending_liquidations), usd('lending bad debt', (s) => s.lending_bad_debt), usd('lending reserves at end', (s) => s.lending_reserves)],
  },
  {
    id: 'options',
    title: 'Options venue',
    short: 'options',
    // trades (the writers' and buyers' opening trades included), a fund, liquidations or bad debt
    used: (s) => s.options_trades > 0 || s.options_insurance_fund_initial > 0 || s.options_liquidations > 0 || s.options_bad_debt > 0,
    size: (runs) => `${range(runs.map((r) => r.summary.options_trades), count)} trades a run; starting insurance fund ${range(runs.map((r) => r.summary.options_insurance_fund_initial), dollars)}.`,
    table: runColumns(OPTIONS_COLUMNS),
    fund: [
      short('fund at start', (s) => s.options_insurance_fund_initial),
      short('at end', (s) => s.options_insurance_fund_final),
      short('bad debt', (s) => s.options_bad_debt),
      short('uncovered', (s) => s.options_uncovered_bad_debt),
    ],
    chart: {
      // the steps table has no options fund column: its start and end are in the table beside the chart
      title: "Options bad debt and writers' delta",
      description: "Every policy on the same market path. Bad debt is cumulative (the fund's start and end are beside the chart); the writers' net delta is their P&L (USD) for a 100% rise of the underlying, to first order.",
      panels: [
        { column: 'options_bad_debt', title: 'options bad debt (USD)' },
        { column: 'options_net_delta', title: "writers' net delta (USD)" },
      ],
    },
    liquidations: 'options_liquidations',
    losses: [usd('options bad debt', (s) => s.options_bad_debt), usd('options uncovered bad debt', (s) => s.options_uncovered_bad_debt)],
    perRun: [int('options liquidations', (s) => s.options_liquidations), usd('options bad debt', (s) => s.options_bad_debt), usd('options uncovered bad debt', (s) => s.options_uncovered_bad_debt)],
  },
  {
    id: 'cross',
    title: 'Cross-margin venue',
    short: 'cross',
    // accounts opened before step 0 (0 without `cross:`), or a fund
    used: (s) => s.cross_accounts > 0 || s.cross_insurance_fund_initial > 0 || s.cross_liquidations > 0 || s.cross_bad_debt > 0,
    size: (runs) => `${range(runs.map((r) => r.summary.cross_accounts), count)} accounts at the start; starting insurance fund ${range(runs.map((r) => r.summary.cross_insurance_fund_initial), dollars)}.`,
    table: runColumns(CROSS_COLUMNS),
    fund: [
      short('fund at start', (s) => s.cross_insurance_fund_initial),
      short('lowest', (s) => s.cross_insurance_fund_min),
      short('at end', (s) => s.cross_insurance_fund_final),
      short('uncovered', (s) => s.cross_uncovered_bad_debt),
      { ...short('unrealized', (s) => s.cross_unrealized_bad_debt), hideWhenZero: true },
    ],
    chart: {
      title: 'Cross-margin insurance fund and bad debt',
      description: 'Every policy on the same market path. Bad debt is cumulative, before the fund pays it (the part it could not pay is beside the chart); liquidation fees flow into the fund.',
      panels: [
        { column: 'cross_insurance_fund', title: 'cross insurance fund (USD)' },
        { column: 'cross_bad_debt', title: 'cross bad debt (USD)' },
      ],
    },
    charts: [
      {
        kind: 'margin-ratio',
        title: 'Cross-margin ratios',
        description:
          'Equity / maintenance requirement over the open accounts at the end of each step: the median and the 5th percentile (an account is liquidated below 1, and is under water below 0). Closed accounts leave the distribution, so it can rise after a wave of liquidations.',
        panels: [
          { column: 'cross_ratio_p50', title: 'median margin ratio', format: '.3~f', rule: { value: 1, label: 'liquidated below 1' } },
          { column: 'cross_ratio_p5', title: '5th percentile margin ratio', format: '.3~f', rule: { value: 1, label: 'liquidated below 1' } },
        ],
        aside: crossRatioAside,
      },
    ],
    liquidations: 'cross_liquidations',
    losses: [usd('cross bad debt', (s) => s.cross_bad_debt), usd('cross uncovered bad debt', (s) => s.cross_uncovered_bad_debt)],
    perRun: [int('cross liquidations', (s) => s.cross_liquidations), usd('cross bad debt', (s) => s.cross_bad_debt), usd('cross uncovered bad debt', (s) => s.cross_uncovered_bad_debt)],
  },
];
