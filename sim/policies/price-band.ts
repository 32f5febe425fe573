// Price band (limit-up/limit-down): halts new risk (or all trading) for H steps when the price leaves a band around a reference.
import { z } from 'zod';
import type { PolicyKind, RunView } from '../types.js';
import { HaltMode, HaltTimer, pct, num } from './common.js';

export const PriceBandParams = z
  .object({
    kind: z.literal('price-band'),
    name: z.string().min(1).optional(),
    /** Half-width of the band: trigger when |P / reference - 1| > band. LULD Tier 1: 5% (mechanics.md 5.1). */
    band: z.number().positive().default(0.05),
    /**
     * The reference price: `window-mean` the average over the previous `window` steps (LULD: 5-minute average),
     * `window-start` the price `window` steps ago (CME dynamic circuit breaker: a rolling window), `previous-close`
     * the last price of the previous session of `sessionSteps` (CME price limits: prior settlement).
     */
    reference: z.enum(['window-mean', 'window-start', 'previous-close']).default('window-mean'),
    /** Steps of the rolling reference (5 one-minute steps = LULD's 5-minute average). */
    window: z.number().int().min(1).default(5),
    /** Length of a session for `previous-close` (1,440 one-minute steps = one day). */
    sessionSteps: z.number().int().min(1).default(1440),
    /** Steps the halt lasts once triggered; re-triggering extends it (LULD: 5-minute trading pause). */
    haltSteps: z.number().int().min(1).default(5),
    mode: HaltMode.default('new-risk'),
    /** Which price is held to the band: the validated oracle (index) or the venue's own mark. */
    price: z.enum(['oracle', 'mark']).default('oracle'),
  })
  .strict();
export type PriceBandParams = z.infer<typeof PriceBandParams>;

/** Reference price at step t (t >= 1), from prices strictly before t; NaN when there is none yet. */
export function bandReference(p: Pick<PriceBandParams, 'reference' | 'window' | 'sessionSteps'>, t: number, priceAt: (s: number) => number): number {
  if (t < 1) return NaN;
  if (p.reference === 'window-start') return priceAt(t >= p.window ? t - p.window : 0);
  if (p.reference === 'previous-close') {
    const start = Math.floor(t / p.sessionSteps) * p.sessionSteps;
    return priceAt(start > 0 ? start - 1 : 0);
  }
  const from = t >= p.window ? t - p.window : 0;
  let s = 0;
  for (let k = from; k < t; k++) s += priceAt(k);
  return s / (t - from);
}

/**
 * Limit-up/limit-down (US equities LULD plan: band around a 5-minute average reference, a 5-minute pause when the
 * price stays at the band) and exchange price limits (CME: 7% vs the prior settlement; dynamic circuit breaker 3.5%
 * within a rolling hour), ../shared mechanics.md section 5.1. The simulator has no order book to hold trades inside
 * the band, so leaving it halts trading of new risk (or all trading) for `haltSteps`.
 */
export const priceBand: PolicyKind<PriceBandParams> = {
  kind: 'price-band',
  summary: 'Halt new risk (or all trading) for haltSteps when the price leaves a band of +-band around a reference (LULD, CME limits).',
  params: PriceBandParams,
  create(p, env) {
    const timer = new HaltTimer(env, p.mode, p.haltSteps);
    const priceAt = (view: RunView) => (p.price === 'mark' ? (s: number) => view.markAt(s) : (s: number) => view.oracleAt(s));
    return {
      name: env.name,
      gate(view, gate) {
        const t = view.step;
        const ref = bandReference(p, t, priceAt(view));
        if (ref > 0) {
          const px = p.price === 'mark' ? view.mark : view.oracle;
          const move = px / ref - 1;
          if (Math.abs(move) > p.band) {
            timer.trigger(t, `${p.price} ${num(px)} is ${pct(move)} from the ${p.reference} reference ${num(ref)}; band +-${pct(p.band)}`, move, p.band);
          }
        }
        timer.apply(t, gate);
      },
    };
  },
};
