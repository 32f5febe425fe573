// Chart: liquidation slippage per policy: cumulative cost over time, and each liquidation's slippage in basis points.
import type { TopLevelSpec } from 'vega-lite';
import { bucketBounds, minMaxIndices } from '../report/downsample.js';
import type { RunLiquidations } from '../report/data.js';
import { CONFIG, policyScale, USD_AXIS, WIDTH } from './theme.js';

export interface SlippageInput {
  seed: number;
  steps: number;
  runs: readonly { policy: string; liquidations: RunLiquidations }[];
  policies: readonly string[];
  buckets?: number;
  /** Most points per policy in the scatter; beyond it each bucket keeps its smallest and largest slippage. */
  maxPoints?: number;
}

/** Indices of the events to plot: all, or per step bucket the one with the least and the one with the most slippage. */
function sampleEvents(l: RunLiquidations, bps: Float64Array, steps: number, buckets: number, maxPoints: number): number[] {
  if (l.step.length <= maxPoints) return Array.from({ length: l.step.length }, (_, i) => i);
  const bounds = bucketBounds(steps, buckets);
  const keep: number[] = [];
  let b = 0;
  let lo = -1;
  let hi = -1;
  const flush = () => {
    if (lo >= 0) keep.push(...(lo === hi ? [lo] : [Math.min(lo, hi), Math.max(lo, hi)]));
    lo = hi = -1;
  };
  for (let i = 0; i < l.step.length; i++) {
    while (b + 1 < bounds.length - 1 && l.step[i] >= bounds[b + 1]) {
      flush();
      b++;
    }
    if (lo < 0 || bps[i] < bps[lo]) lo = i;
    if (hi < 0 || bps[i] > bps[hi]) hi = i;
  }
  flush();
  return keep;
}

export function liquidationSlippageSpec({ seed, steps, runs, policies, buckets = 300, maxPoints = 400 }: SlippageInput): TopLevelSpec {
  const cumulative: { step: number; policy: string; usd: number }[] = [];
  const points: { step: number; policy: string; bps: number; notional: number }[] = [];
  for (const r of runs) {
    const l = r.liquidations;
    const cum = new Float64Array(steps);
    for (let i = 0; i < l.step.length; i++) if (l.step[i] < steps) cum[l.step[i]] += l.slippage[i];
    for (let t = 1; t < steps; t++) cum[t] += cum[t - 1];
    for (const t of minMaxIndices(cum, buckets)) cumulative.push({ step: t, policy: r.policy, usd: cum[t] });
    const bps = Float64Array.from(l.notional, (v, i) => (v > 0 ? (1e4 * l.slippage[i]) / v : 0));
    for (const i of sampleEvents(l, bps, steps, Math.max(1, Math.floor(maxPoints / 2)), maxPoints)) points.push({ step: l.step[i], policy: r.policy, bps: bps[i], notional: l.notional[i] });
  }
  const color = { field: 'policy', type: 'nominal', scale: policyScale(policies), legend: { title: 'policy', labelLimit: 300 } } as const;
  const x = (title: string | null) => ({ field: 'step', type: 'quantitative', scale: { domain: [0, steps - 1], nice: false }, axis: { title, format: ',d' } }) as const;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    config: CONFIG,
    title: `Liquidation slippage (seed ${seed})`,
    description: "Top: cumulative cost of liquidating through the book, |size| x |mark - execution price|. Bottom: each liquidation's slippage in basis points of its notional (beyond 400 liquidations, the least and the most in each of 200 step buckets).",
    vconcat: [
      {
        width: WIDTH,
        height: 170,
        data: { values: cumulative },
        mark: { type: 'line', clip: true },
        encoding: { x: x(null), y: { field: 'usd', type: 'quantitative', axis: { title: 'cumulative slippage (USD)', format: USD_AXIS } }, color, order: { field: 'step', type: 'quantitative' } },
      },
      {
        width: WIDTH,
        height: 150,
        data: { values: points },
        mark: { type: 'point', filled: true, size: 18, opacity: 0.6, clip: true },
        encoding: { x: x('step'), y: { field: 'bps', type: 'quantitative', axis: { title: 'slippage (bps of notional)', format: ',.0f' } }, color },
      },
    ],
  } as unknown as TopLevelSpec;
}
