// Number formats of the report's tables (USD, counts, prices, ratios) and the mean they use.

export const dollars = (v: number): string => (Number.isFinite(v) ? `${v < 0 ? '-' : ''}$${Math.abs(v).toLocaleString('en-US', { maximumFractionDigits: 0 })}` : 'n/a');
export const count = (v: number): string => (Number.isFinite(v) ? v.toLocaleString('en-US', { maximumFractionDigits: 0 }) : 'n/a');
/** Compact USD for narrow tables: $3.53M, $675.5k, $812. */
export const dollarsShort = (v: number): string => {
  const a = Math.abs(v);
  const [d, u] = a >= 1e9 ? [1e9, 'B'] : a >= 1e6 ? [1e6, 'M'] : a >= 1e4 ? [1e3, 'k'] : [1, ''];
  return Number.isFinite(v) ? `${v < 0 ? '-' : ''}$${(a / d).toLocaleString('en-US', { maximumFractionDigits: d === 1 ? 0 : a / d >= 100 ? 1 : 2 })}${u}` : 'n/a';
};
export const price = (v: number): string => `$${v.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
/** Dimensionless ratios (health factor, margin ratio) to 3 decimals. */
export const ratio = (v: number): string => (Number.isFinite(v) ? v.toFixed(3) : 'n/a');
export const pct = (v: number): string => (Number.isFinite(v) ? `${(100 * v).toFixed(1)}%` : 'n/a');
export const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
