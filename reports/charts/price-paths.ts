// Chart: spot, oracle and mark of one run, halts shaded, liquidations per bucket as bars beneath (shared step axis).
import type { TopLevelSpec } from 'vega-lite';
import { bucketSums, levelIntervals, minMaxIndices } from '../report/downsample.js';
import type { RunSteps } from '../report/data.js';
import { CONFIG, HALT_COLORS, LIQUIDATION_COLOR, PRICE_AXIS, SERIES_COLORS, WIDTH } from './theme.js';

export interface PricePathsInput {
  policy: string;
  seed: number;
  steps: RunSteps;
  /** Buckets of the downsampled lines and of the liquidation bars. */
  buckets?: number;
  /** Liquidations per step to draw and what they are (default: the perpetuals venue's, `liquidations`). */
  liquidations?: { values: ArrayLike<number>; label: string };
}

const SERIES = ['spot', 'oracle', 'mark'] as const;
const LABEL = { spot: 'spot (reference market)', oracle: 'oracle in force', mark: 'venue mark' } as const;
const HALT_LABEL = { 1: 'new risk halted', 2: 'all trading halted' } as const;

/** Steps around the largest liquidation burst (or the lowest mark when nothing was liquidated), for the detail panel. */
export function detailWindow(steps: RunSteps, liquidations: ArrayLike<number> = steps.liquidations): [number, number] {
  const n = steps.mark.length;
  let at = 0;
  for (let i = 1; i < n; i++) if (liquidations[i] > liquidations[at]) at = i;
  if (liquidations[at] === 0) for (let i = 1; i < n; i++) if (steps.mark[i] < steps.mark[at]) at = i;
  const half = Math.max(20, Math.round(n / 40));
  const lo = Math.max(0, at - half);
  return [lo, Math.min(n, lo + 2 * half)];
}

function priceLayers(steps: RunSteps, from: number, to: number, buckets: number, x: object, legend: boolean): any[] {
  const prices: { step: number; series: string; price: number }[] = [];
  for (const s of SERIES) {
    const col = steps[s].subarray(from, to);
    for (const i of minMaxIndices(col, buckets)) prices.push({ step: from + i, series: LABEL[s], price: col[i] });
  }
  const halts = levelIntervals(steps.halted.subarray(from, to), 150, Math.ceil((to - from) / buckets)).map((h) => ({
    start: from + h.start,
    end: from + h.end,
    halt: HALT_LABEL[h.level as 1 | 2] ?? 'halted',
  }));
  const layers: any[] = [];
  if (halts.length > 0) {
    layers.push({
      data: { values: halts },
      mark: { type: 'rect', opacity: 0.8, clip: true },
      encoding: {
        x: { field: 'start', type: 'quantitative', ...x },
        x2: { field: 'end' },
        fill: { field: 'halt', type: 'nominal', scale: { domain: Object.keys(HALT_COLORS), range: Object.values(HALT_COLORS) }, legend: legend ? { title: null, labelLimit: 300 } : null },
      },
    });
  }
  const domain = SERIES.map((s) => LABEL[s]);
  layers.push({
    data: { values: prices },
    mark: { type: 'line', interpolate: 'linear', clip: true },
    encoding: {
      x: { field: 'step', type: 'quantitative', ...x },
      y: { field: 'price', type: 'quantitative', scale: { zero: false }, axis: { title: 'price (USD)', format: PRICE_AXIS } },
      color: { field: 'series', type: 'nominal', scale: { domain, range: SERIES.map((s) => SERIES_COLORS[s]) }, legend: legend ? { title: null, labelLimit: 300 } : null },
      strokeDash: { field: 'series', type: 'nominal', scale: { domain, range: [[1, 0], [5, 3], [1, 0]] }, legend: null },
      order: { field: 'step', type: 'quantitative' },
    },
  });
  return layers;
}

export function pricePathsSpec({ policy, seed, steps, buckets = 400, liquidations = { values: steps.liquidations, label: 'liquidations' } }: PricePathsInput): TopLevelSpec {
  const n = steps.mark.length;
  const barBuckets = Math.min(Math.floor(buckets / 2), n);
  const liqs = liquidations.values;
  const liq = bucketSums(liqs, barBuckets).map((b) => ({ start: b.start, end: b.end, liquidations: b.sum }));
  const per = Math.max(1, Math.round(n / barBuckets));
  const x = (domain: [number, number], title: string | null) => ({ scale: { domain, nice: false, zero: false }, axis: { title, format: ',d' } });
  const [lo, hi] = detailWindow(steps, liqs);
  const burst: { step: number; price: number; liquidations: number }[] = [];
  for (let i = lo; i < hi; i++) if (liqs[i] > 0) burst.push({ step: i, price: steps.mark[i], liquidations: liqs[i] });
  const detail = [
    ...priceLayers(steps, lo, hi, buckets, x([lo, hi - 1], 'step'), false),
    {
      data: { values: burst },
      mark: { type: 'point', filled: true, color: LIQUIDATION_COLOR, opacity: 0.85 },
      encoding: {
        x: { field: 'step', type: 'quantitative', ...x([lo, hi - 1], 'step') },
        y: { field: 'price', type: 'quantitative' },
        size: { field: 'liquidations', type: 'quantitative', scale: { range: [15, 350] }, legend: { title: `${liquidations.label} in a step`, titleLimit: 300, symbolFillColor: LIQUIDATION_COLOR, symbolStrokeWidth: 0 } },
      },
    },
  ];
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    config: CONFIG,
    title: `Prices under '${policy}' (seed ${seed})`,
    description: `Spot, the oracle price in force and the venue's mark; shaded: trading halted. Bars: ${liquidations.label} per ${per} step${per > 1 ? 's' : ''}. Bottom: steps ${lo}-${hi - 1} around the largest liquidation burst at full resolution; dots: ${liquidations.label} in a step.`,
    vconcat: [
      { width: WIDTH, height: 220, layer: priceLayers(steps, 0, n, buckets, x([0, n - 1], null), true), resolve: { scale: { color: 'independent' } } },
      {
        width: WIDTH,
        height: 60,
        data: { values: liq },
        mark: { type: 'rect', color: LIQUIDATION_COLOR },
        encoding: {
          x: { field: 'start', type: 'quantitative', ...x([0, n - 1], 'step') },
          x2: { field: 'end' },
          y: { field: 'liquidations', type: 'quantitative', axis: { title: liquidations.label, tickCount: 3, format: ',d' } },
        },
      },
      { width: WIDTH, height: 200, layer: detail, resolve: { scale: { color: 'independent' } } },
    ],
    resolve: { scale: { color: 'independent', x: 'independent' } },
  } as unknown as TopLevelSpec;
}
