// Shared look of the report's charts: fonts, sizes, the colour of each policy and series, number formats.
import type { Config } from 'vega-lite';

export const FONT = 'system-ui, -apple-system, "Segoe UI", "DejaVu Sans", "Liberation Sans", Arial, sans-serif';
/** Width of a full-size chart's plotting area, px (leaves room for a table beside it in a 1280 px window). */
export const WIDTH = 640;

/** Colour-blind-safe categorical palette (Okabe-Ito), in the order policies are first met. */
export const POLICY_COLORS = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000', '#F0E442'];

/** Scale mapping each policy to its colour, the same in every chart of a report. */
export function policyScale(policies: readonly string[]) {
  return { domain: [...policies], range: policies.map((_, i) => POLICY_COLORS[i % POLICY_COLORS.length]) };
}

export const SERIES_COLORS = { spot: '#7f7f7f', oracle: '#E69F00', mark: '#0072B2' } as const;
export const HALT_COLORS = { 'new risk halted': '#fde2a7', 'all trading halted': '#f7b6b2' } as const;
export const LIQUIDATION_COLOR = '#b2182b';

/** d3 formats: USD with SI suffix ($3.7M), counts, prices. */
export const USD_AXIS = '$.3~s';
export const USD_TOOLTIP = '$,.2f';
export const PRICE_AXIS = '$,.0f';

export const CONFIG: Config = {
  font: FONT,
  background: 'white',
  padding: 8,
  view: { stroke: '#d0d0d0' },
  title: { fontSize: 15, fontWeight: 600, anchor: 'start', color: '#1b1b1b', subtitleColor: '#555', subtitleFontSize: 12, offset: 10 },
  axis: { labelFontSize: 11, titleFontSize: 12, titleFontWeight: 500, titleColor: '#333', labelColor: '#444', gridColor: '#ececec', domainColor: '#888', tickColor: '#888' },
  legend: { labelFontSize: 11, titleFontSize: 12, titleFontWeight: 500, orient: 'top', direction: 'horizontal', symbolStrokeWidth: 2.5 },
  line: { strokeWidth: 1.6 },
  concat: { spacing: 14 },
};
