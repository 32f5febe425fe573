// Median oracle: the median of several named sources (each a spot, push, pull or twap source).
import { resolveRanges } from '../steps.js';
import { OracleSource, type OracleEnv } from './source.js';

/** Median of the finite positive values among the first n of `a` (mean of the middle two for an even count); NaN if none. */
export function median(a: Float64Array, n: number): number {
  const v: number[] = [];
  for (let i = 0; i < n; i++) if (Number.isFinite(a[i]) && a[i] > 0) v.push(a[i]);
  if (v.length === 0) return NaN;
  v.sort((x, y) => x - y);
  const m = v.length >> 1;
  return v.length % 2 === 1 ? v[m] : 0.5 * (v[m - 1] + v[m]);
}

/** Updates its sources (each with its own outages), then answers their median; confidence: the median of theirs. */
export class MedianOracle extends OracleSource {
  private readonly prices: Float64Array;
  private readonly confs: Float64Array;

  constructor(
    readonly sources: readonly OracleSource[],
    name: string,
    outages: { from: number | string; to: number | string }[] | undefined,
    env: OracleEnv,
  ) {
    super(name, 'median', resolveRanges(outages, env.steps), NaN);
    this.prices = new Float64Array(sources.length);
    this.confs = new Float64Array(sources.length);
    this.aggregate();
  }

  private aggregate(): void {
    const n = this.sources.length;
    for (let i = 0; i < n; i++) {
      this.prices[i] = this.sources[i].price;
      this.confs[i] = this.sources[i].confidence;
    }
    const m = median(this.prices, n);
    if (Number.isFinite(m)) this.price = m;
    let c = 0;
    const cs: number[] = [];
    for (let i = 0; i < n; i++) if (Number.isFinite(this.prices[i]) && this.prices[i] > 0) cs.push(this.confs[i]);
    if (cs.length > 0) {
      cs.sort((x, y) => x - y);
      const k = cs.length >> 1;
      c = cs.length % 2 === 1 ? cs[k] : 0.5 * (cs[k - 1] + cs[k]);
    }
    this.confidence = c;
  }

  protected update(t: number): void {
    for (const s of this.sources) s.step(t);
    this.aggregate();
    this.updatedStep = t;
  }
}
