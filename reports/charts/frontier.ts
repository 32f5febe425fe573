// Chart: the parameter frontier of a sweep: tail risk of protocol loss against capital efficiency, one line per policy.
import type { TopLevelSpec } from 'vega-lite';
import { CONFIG, policyScale, USD_AXIS, USD_TOOLTIP } from './theme.js';

export interface FrontierPoint {
  policy: string;
  /** Parameter values, e.g. `venue.maintenanceMargin=0.04`. */
  label: string;
  /** The values alone, drawn beside the dot. */
  short: string;
  efficiency: number;
  risk: number;
}

export interface FrontierInput {
  points: readonly FrontierPoint[];
  policies: readonly string[];
  /** Axis titles with units, e.g. `peak open interest (USD, mean over seeds)`. */
  efficiencyTitle: string;
  efficiencyFormat: string;
  riskTitle: string;
}

export function frontierSpec({ points, policies, efficiencyTitle, efficiencyFormat, riskTitle }: FrontierInput): TopLevelSpec {
  const color = { field: 'policy', type: 'nominal', scale: policyScale(policies), legend: { title: 'policy', labelLimit: 300 } } as const;
  const x = { field: 'efficiency', type: 'quantitative', scale: { zero: false, nice: true }, axis: { title: efficiencyTitle, format: efficiencyFormat } } as const;
  const y = { field: 'risk', type: 'quantitative', axis: { title: riskTitle, format: USD_AXIS } } as const;
  const many = points.length > 24;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    config: CONFIG,
    title: 'Parameter frontier: risk against capital efficiency',
    description:
      'Each dot is one parameter setting of the sweep under one policy (statistics over its seeds); lines join a policy\'s settings in order of capital efficiency. Down and to the right is better: less risk for more efficiency.',
    width: 560,
    height: 320,
    data: { values: points.map((p) => ({ ...p })) },
    layer: [
      { mark: { type: 'line', strokeWidth: 1.6, opacity: 0.8 }, encoding: { x, y, color, order: { field: 'efficiency', type: 'quantitative' } } },
      { mark: { type: 'point', filled: true, size: 60, opacity: 0.95 }, encoding: { x, y, color, tooltip: [{ field: 'policy' }, { field: 'label', title: 'setting' }, { field: 'risk', format: USD_TOOLTIP, title: riskTitle }] } },
      ...(many ? [] : [{ mark: { type: 'text', align: 'left', dx: 7, dy: -7, fontSize: 10, color: '#444' }, encoding: { x, y, text: { field: 'short' } } }]),
    ],
  } as unknown as TopLevelSpec;
}
