// Chart: distribution of a per-run loss (bad debt by default) for each policy across seeds: box plot and every seed's value.
import type { TopLevelSpec } from 'vega-lite';
import { CONFIG, policyScale, USD_AXIS, USD_TOOLTIP } from './theme.js';

export interface DistributionInput {
  /** One value per (policy, seed); `row` (default: the policy) is the row the value goes in, e.g. `none @ mm=0.04`. */
  values: readonly { policy: string; seed: number; usd: number; row?: string }[];
  /** Row order (default: the policies). */
  rows?: readonly string[];
  policies: readonly string[];
  /** What the values are, e.g. `bad debt`. */
  metric?: string;
}

export function badDebtDistributionSpec({ values, policies, rows, metric = 'bad debt' }: DistributionInput): TopLevelSpec {
  const seeds = new Set(values.map((v) => v.seed)).size;
  const color = { field: 'policy', type: 'nominal', scale: policyScale(policies), legend: null } as const;
  const y = { field: 'row', type: 'nominal', sort: [...(rows ?? policies)], axis: { title: null, labelLimit: 260 } } as const;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    config: CONFIG,
    title: `Distribution of ${metric} across ${seeds} seeds`,
    description: 'Box: quartiles and median; whiskers: min and max; dots: one seed each.',
    width: 520,
    height: { step: rows && rows.length > 8 ? 30 : 46 },
    data: { values: values.map((v) => ({ ...v, row: v.row ?? v.policy })) },
    layer: [
      {
        mark: { type: 'boxplot', extent: 'min-max', size: rows && rows.length > 8 ? 18 : 26, opacity: 0.35, median: { color: '#1b1b1b', strokeWidth: 2 }, ticks: true },
        encoding: { y, x: { field: 'usd', type: 'quantitative', axis: { title: `${metric} per run (USD)`, format: USD_AXIS } }, color },
      },
      {
        mark: { type: 'point', filled: true, size: 36, opacity: 0.75, stroke: 'white', strokeWidth: 0.8 },
        encoding: {
          y,
          x: { field: 'usd', type: 'quantitative' },
          color,
          tooltip: [{ field: 'seed' }, { field: 'usd', format: USD_TOOLTIP, title: metric }],
        },
      },
    ],
  } as unknown as TopLevelSpec;
}
