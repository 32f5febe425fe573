// Market makers: quote depth on the venue each step; widen (quote less) as volatility rises, withdraw under stress.
import { z } from 'zod';
import type { AgentKind } from '../sim/types.js';
import { UsdOrShare } from '../sim/venue-config.js';

export const MarketMakersParams = z
  .object({
    kind: z.literal('market-makers'),
    name: z.string().min(1).optional(),
    /** Depth quoted in calm markets: USD, or a share of the open interest at step 0 (like venue.liquidity.depth). */
    depth: UsdOrShare.default({ openInterest: 0.5 }),
    /** Steps of mark returns in the realised volatility they watch. */
    window: z.number().int().min(2).default(10),
    /** Annualised volatility they consider normal. */
    referenceVol: z.number().positive().default(0.8),
    /** Widening: quote depth / (1 + sensitivity * max(0, rv / referenceVol - 1)). */
    sensitivity: z.number().min(0).default(1),
    /** Pull every quote when rv / referenceVol reaches this, ... */
    withdrawAbove: z.number().gt(1).default(5),
    /** ... or when the mark and the oracle differ by more than this (toxic flow against a stale price); null: off. */
    withdrawOnDivergence: z.number().positive().nullable().default(0.05),
    /** Steps they stay out after pulling their quotes. */
    returnAfter: z.number().int().min(0).default(30),
  })
  .strict();
export type MarketMakersParams = z.infer<typeof MarketMakersParams>;

/**
 * Liquidity providers on the venue's book. Each step they quote depth Q (a QUOTE intent; the venue's depth for the
 * step is its base depth plus every quote, sim/agent-actions.ts): with rv the annualised realised volatility of the
 * last `window` mark returns, sqrt(mean r^2 / dt),
 *   Q = depth / (1 + sensitivity * max(0, rv / referenceVol - 1)),   Q = 0 for `returnAfter` steps once
 *   rv / referenceVol >= withdrawAbove or |mark / oracle - 1| > withdrawOnDivergence.
 * This is how order-book depth vanishes in a crash: -98% on 10 Oct 2025 (mechanics.md section 6); market makers widen
 * and pull quotes when inventory risk and adverse selection jump (Glosten and Milgrom 1985). No randomness.
 */
export const marketMakers: AgentKind<MarketMakersParams> = {
  kind: 'market-makers',
  role: 'market-maker',
  summary: 'Quote venue depth each step; widen as realised volatility rises; pull every quote under stress for returnAfter steps.',
  params: MarketMakersParams,
  create(p, env) {
    let depth = typeof p.depth === 'number' ? p.depth : NaN;
    let outUntil = -1;
    return {
      name: env.name,
      decide(view, _rng, out) {
        const t = view.step;
        if (depth !== depth) depth = typeof p.depth === 'number' ? p.depth : p.depth.openInterest * view.openInterest;
        const rv = realisedVol(view.mark, (s) => view.markAt(s), t, p.window, view.dt);
        const ratio = rv / p.referenceVol;
        const diverged = p.withdrawOnDivergence !== null && Math.abs(view.mark / view.oracle - 1) > p.withdrawOnDivergence;
        if (ratio >= p.withdrawAbove || diverged) outUntil = t + p.returnAfter;
        if (t < outUntil) return;
        out.quote(env.index, depth / (1 + p.sensitivity * Math.max(0, ratio - 1)));
      },
    };
  },
};

/** Annualised realised volatility of the last `window` log returns of a price series ending at `now` (step t). */
export function realisedVol(now: number, at: (s: number) => number, t: number, window: number, dt: number): number {
  const n = Math.min(window, t);
  if (n < 1) return 0;
  let sum = 0;
  let prev = now;
  for (let k = 1; k <= n; k++) {
    const p = at(t - k);
    const r = Math.log(prev / p);
    sum += r * r;
    prev = p;
  }
  return Math.sqrt(sum / n / dt);
}
