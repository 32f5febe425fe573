// Chart: insurance fund and cumulative uncovered bad debt over time, one line per policy, all on the same seed.
import type { TopLevelSpec } from 'vega-lite';
import { minMaxIndices } from '../report/downsample.js';
import type { RunSteps } from '../report/data.js';
import { CONFIG, policyScale, USD_AXIS, WIDTH } from './theme.js';

export interface FundAndDebtInput {
  seed: number;
  /** Policies in report order, each with its run's steps on `seed`. */
  runs: readonly { policy: string; steps: RunSteps }[];
  /** All policies of the report (fixes the colours). */
  policies: readonly string[];
  buckets?: number;
}

export function fundAndDebtSpec({ seed, runs, policies, buckets = 400 }: FundAndDebtInput): TopLevelSpec {
  const n = Math.max(1, ...runs.map((r) => r.steps.mark.length));
  const rows = (col: 'insurance_fund' | 'uncovered_bad_debt') => {
    const out: { step: number; policy: string; usd: number }[] = [];
    for (const r of runs) for (const i of minMaxIndices(r.steps[col], buckets)) out.push({ step: i, policy: r.policy, usd: r.steps[col][i] });
    return out;
  };
  const color = { field: 'policy', type: 'nominal', scale: policyScale(policies), legend: { title: 'policy', labelLimit: 300 } } as const;
  const x = (title: string | null) => ({ field: 'step', type: 'quantitative', scale: { domain: [0, n - 1], nice: false }, axis: { title, format: ',d' } }) as const;
  const panel = (values: object[], title: string, xTitle: string | null) => ({
    width: WIDTH,
    height: 170,
    data: { values },
    mark: { type: 'line', clip: true },
    encoding: {
      x: x(xTitle),
      y: { field: 'usd', type: 'quantitative', axis: { title, format: USD_AXIS } },
      color,
      order: { field: 'step', type: 'quantitative' },
    },
  });
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    config: CONFIG,
    title: `Insurance fund and uncovered bad debt (seed ${seed})`,
    description: 'Every policy on the same market path. Uncovered bad debt is what the fund could not pay, cumulative.',
    vconcat: [panel(rows('insurance_fund'), 'insurance fund (USD)', null), panel(rows('uncovered_bad_debt'), 'uncovered bad debt (USD)', 'step')],
  } as unknown as TopLevelSpec;
}
