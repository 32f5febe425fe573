// Median of the oracle's sources with outlier rejection: drops sources outside a band around the median, needs a quorum.
import { z } from 'zod';
import type { PolicyKind, RunView } from '../types.js';
import { num, pct } from './common.js';

export const MedianSourcesParams = z
  .object({
    kind: z.literal('median-sources'),
    name: z.string().min(1).optional(),
    /** Drop a source when |p_i / median - 1| > band (mechanics.md 4.5: Compound's anchor band, 20%). */
    band: z.number().positive().default(0.2),
    /** Sources that must survive, or the answer is rejected: a number, or `majority` (more than half of them). */
    quorum: z.union([z.literal('majority'), z.number().int().min(1)]).default('majority'),
    /** Drop a source sitting at its min/max clamp (a clamped answer is not the market's: LUNA, mechanics.md 4.1). */
    dropAtBound: z.boolean().default(true),
    /** Drop a source that has not published for more than this many seconds; null: off. */
    staleSeconds: z.number().positive().nullable().default(null),
  })
  .strict();
export type MedianSourcesParams = z.infer<typeof MedianSourcesParams>;

/** Median of the values (mean of the middle two for an even count); NaN if empty. */
export function medianOf(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const v = values.slice().sort((a, b) => a - b);
  const m = v.length >> 1;
  return v.length % 2 === 1 ? v[m] : 0.5 * (v[m - 1] + v[m]);
}

/** Sources needed: `majority` = floor(n / 2) + 1 of n. */
export function quorumOf(q: MedianSourcesParams['quorum'], n: number): number {
  return q === 'majority' ? Math.floor(n / 2) + 1 : q;
}

export interface SourceVerdict {
  /** The answer: the median of the kept sources, NaN when fewer than the quorum remain. */
  price: number;
  /** Median of the usable sources the band is measured from. */
  median: number;
  /** Indices of the sources kept. */
  kept: number[];
  /** Per source: why it was dropped ('' = kept). */
  dropped: string[];
}

/**
 * One step of the rule: usable = finite positive answers (not at a clamp, not stale); m = median(usable);
 * kept = usable with |p_i / m - 1| <= band; answer = median(kept) if |kept| >= quorum, else rejected.
 */
export function filterSources(
  p: Pick<MedianSourcesParams, 'band' | 'quorum' | 'dropAtBound' | 'staleSeconds'>,
  sources: readonly { price: number; atBound: boolean; updatedStep: number }[],
  step: number,
  stepSeconds: number,
): SourceVerdict {
  const dropped: string[] = sources.map(() => '');
  const usable: number[] = [];
  sources.forEach((s, i) => {
    if (!(s.price > 0 && Number.isFinite(s.price))) dropped[i] = 'no answer';
    else if (p.dropAtBound && s.atBound) dropped[i] = 'at its min/max clamp';
    else if (p.staleSeconds !== null && (step - s.updatedStep) * stepSeconds > p.staleSeconds) dropped[i] = `stale (${(step - s.updatedStep) * stepSeconds} s)`;
    else usable.push(i);
  });
  const m = medianOf(usable.map((i) => sources[i].price));
  const kept: number[] = [];
  for (const i of usable) {
    const dev = sources[i].price / m - 1;
    if (Math.abs(dev) > p.band) dropped[i] = `${pct(dev)} from the median`;
    else kept.push(i);
  }
  const price = kept.length >= quorumOf(p.quorum, sources.length) ? medianOf(kept.map((i) => sources[i].price)) : NaN;
  return { price, median: m, kept, dropped };
}

/**
 * Median-of-sources validation (../shared mechanics.md 4.5 item 4: median of >= 3 sources, reject a source deviating
 * more than d from the median; Chronicle's medianizer needs a quorum `bar`, 4.4; Hyperliquid and dYdX take medians of
 * exchange prices, 1.1 and 1.2). The answer is replaced by the median of the surviving sources of
 * `view.oracleSources`; with fewer survivors than the quorum it is rejected and the last good price stays. Where the
 * feed's own median is robust (an odd number of sources, one outlier) this changes little; it matters with an even
 * number of sources (the plain median averages a bad source in), several bad sources, clamped or stale sources.
 */
export const medianSources: PolicyKind<MedianSourcesParams> = {
  kind: 'median-sources',
  summary: 'Median of the oracle sources after dropping those outside +-band of the median (and clamped or stale ones); needs a quorum.',
  params: MedianSourcesParams,
  create(p, env) {
    let droppedBefore: string[] = [];
    let rejectedSince = -1;
    const names = (view: RunView, idx: number[]) => idx.map((i) => view.oracleSources[i].name).join(', ');
    return {
      name: env.name,
      oracle(view, price) {
        if (price !== price) return price; // rejected upstream: stays rejected
        const t = view.step;
        const src = view.oracleSources;
        const v = filterSources(p, src, t, env.stepSeconds);
        // one entry when a source is dropped or comes back
        for (let i = 0; i < src.length; i++) {
          const was = droppedBefore[i] ?? '';
          const now = v.dropped[i];
          if (now !== '' && was === '') env.log('drop-source', `source '${src[i].name}' ${num(src[i].price)} dropped (${now}); median of the usable sources ${num(v.median)}, band +-${pct(p.band)}`, src[i].price / v.median - 1, p.band);
          else if (now === '' && was !== '') env.log('restore-source', `source '${src[i].name}' ${num(src[i].price)} within +-${pct(p.band)} of the median ${num(v.median)} again`, src[i].price / v.median - 1, p.band);
        }
        droppedBefore = v.dropped;
        const need = quorumOf(p.quorum, src.length);
        if (v.price !== v.price) {
          if (rejectedSince < 0) {
            rejectedSince = t;
            env.log('reject-oracle', `only ${v.kept.length} of ${src.length} sources agree (${names(view, v.kept) || 'none'}); quorum ${need}: keeping the last good price ${num(view.oracle)}`, v.kept.length, need);
          }
          return NaN;
        }
        if (rejectedSince >= 0) {
          env.log('accept-oracle', `${v.kept.length} of ${src.length} sources agree again after ${t - rejectedSince} rejected steps; answer ${num(v.price)}`, v.kept.length, need);
          rejectedSince = -1;
        }
        return v.price;
      },
    };
  },
};
