// Chart: per-step columns of one seed, one line per policy, one panel per column: by default the perpetuals venue's
// insurance fund and cumulative uncovered bad debt; with other panels another venue's fund (or reserves) and bad
// debt, or the cross venue's margin ratios.
import type { TopLevelSpec } from 'vega-lite';
import { minMaxIndices } from '../report/downsample.js';
import type { RunSteps, StepColumn } from '../report/data.js';
import { CONFIG, policyScale, USD_AXIS, WIDTH } from './theme.js';

/** One panel: a column of the steps table, its axis title (with units) and format. */
export interface StepPanel {
  column: StepColumn;
  title: string;
  /** d3 format of the y axis (default: USD with SI suffix). */
  format?: string;
  /** A horizontal reference line, e.g. margin ratio 1, below which an account is liquidated. */
  rule?: { value: number; label: string };
}

export interface FundAndDebtInput {
  seed: number;
  /** Policies in report order, each with its run's steps on `seed`. */
  runs: readonly { policy: string; steps: RunSteps }[];
  /** All policies of the report (fixes the colours). */
  policies: readonly string[];
  buckets?: number;
  /** The panels, top to bottom (default: the perpetuals venue's insurance fund and uncovered bad debt). */
  panels?: readonly StepPanel[];
  /** Chart title (the seed is appended) and caption. */
  title?: string;
  description?: string;
}

export const PERP_FUND_PANELS: readonly StepPanel[] = [
  { column: 'insurance_fund', title: 'insurance fund (USD)' },
  { column: 'uncovered_bad_debt', title: 'uncovered bad debt (USD)' },
];

export function fundAndDebtSpec({
  seed,
  runs,
  policies,
  buckets = 400,
  panels = PERP_FUND_PANELS,
  title = 'Insurance fund and uncovered bad debt',
  description = 'Every policy on the same market path. Uncovered bad debt is what the fund could not pay, cumulative.',
}: FundAndDebtInput): TopLevelSpec {
  const n = Math.max(1, ...runs.map((r) => r.steps.mark.length));
  const rows = (col: StepColumn, valueKey: string) => {
    const out: Record<string, number | string>[] = [];
    for (const r of runs) {
      const values = r.steps[col];
      if (!values) continue;
      for (const i of minMaxIndices(values, buckets)) out.push({ step: i, policy: r.policy, [valueKey]: values[i] });
    }
    return out;
  };
  const color = { field: 'policy', type: 'nominal', scale: policyScale(policies), legend: { title: 'policy', labelLimit: 300 } } as const;
  const x = (xTitle: string | null) => ({ field: 'step', type: 'quantitative', scale: { domain: [0, n - 1], nice: false }, axis: { title: xTitle, format: ',d' } }) as const;
  const panel = (p: StepPanel, xTitle: string | null) => {
    // USD panels name the value `usd` (as the perpetuals chart always has), others `value`
    const field = p.format === undefined ? 'usd' : 'value';
    const line = {
      mark: { type: 'line', clip: true },
      encoding: {
        x: x(xTitle),
        y: { field, type: 'quantitative', ...(p.rule ? { scale: { zero: false } } : {}), axis: { title: p.title, format: p.format ?? USD_AXIS } },
        color,
        order: { field: 'step', type: 'quantitative' },
      },
    };
    if (!p.rule) return { width: WIDTH, height: 170, data: { values: rows(p.column, field) }, ...line };
    return {
      width: WIDTH,
      height: 170,
      data: { values: rows(p.column, field) },
      layer: [
        line,
        { data: { values: [{ y: p.rule.value, label: p.rule.label }] }, mark: { type: 'rule', color: '#b2182b', strokeDash: [4, 3], strokeWidth: 1.2 }, encoding: { y: { field: 'y', type: 'quantitative' } } },
        {
          data: { values: [{ y: p.rule.value, label: p.rule.label }] },
          mark: { type: 'text', align: 'left', baseline: 'bottom', dx: 4, dy: -2, fontSize: 10, color: '#b2182b' },
          encoding: { y: { field: 'y', type: 'quantitative' }, x: { value: 0 }, text: { field: 'label' } },
        },
      ],
    };
  };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    config: CONFIG,
    title: `${title} (seed ${seed})`,
    description,
    vconcat: panels.map((p, k) => panel(p, k === panels.length - 1 ? 'step' : null)),
  } as unknown as TopLevelSpec;
}
