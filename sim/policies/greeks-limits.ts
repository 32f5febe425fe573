// Greeks limits for options accounts: when an account's |delta| or |gamma| (USD terms) leaves the protocol's bounds,
// partially liquidate its positions or force a delta hedge on the spot market.
import { z } from 'zod';
import type { PolicyKind } from '../types.js';

export const GreeksLimitsParams = z
  .object({
    kind: z.literal('greeks-limits'),
    name: z.string().min(1).optional(),
    /** Bound on |delta| in USD (change of the account's value per 100% move of the underlying); none by default. */
    maxDelta: z.number().positive().optional(),
    /** Bound on |gamma| in USD of delta per 1% move (gamma * S^2 / 100); none by default. */
    maxGamma: z.number().positive().optional(),
    /** Bound on |delta| as a multiple of the account's equity (delta leverage). */
    maxDeltaToEquity: z.number().positive().default(10),
    /** Bound on |gamma| as a multiple of the account's equity: a 1% move may change the USD delta by at most this * equity. */
    maxGammaToEquity: z.number().positive().default(1),
    /**
     * `reduce`: close the share of every position that brings the worst exposure back to `target` times its bound
     * (a partial liquidation through the venue's quotes, trading fee charged). `hedge`: a delta breach is answered by
     * buying or selling the underlying in the account down to `target` times the bound; a gamma breach still reduces.
     */
    action: z.enum(['reduce', 'hedge']).default('reduce'),
    /** Exposure after the action, as a share of the bound. */
    target: z.number().gt(0).max(1).default(0.8),
    /** Smallest share of the positions closed by one reduction. */
    minFraction: z.number().gt(0).max(1).default(0.05),
    /** Apply only to writers (accounts short at least one option); buyers' risk is their premium. */
    writersOnly: z.boolean().default(true),
  })
  .strict();
export type GreeksLimitsParams = z.infer<typeof GreeksLimitsParams>;

/**
 * Risk limits on Greeks are how options venues and market makers bound exposure beyond margin (mechanics.md 2.4:
 * "cap |net delta|, |net vega|", Lyra v1 AMM and CEX market-maker programs). Runs each step after the options
 * margin pass, in account order, on the Greeks of that pass; every action is logged with the breached measure.
 */
export const greeksLimits: PolicyKind<GreeksLimitsParams> = {
  kind: 'greeks-limits',
  summary: 'Options: partially liquidate (or delta-hedge) accounts whose |delta| or |gamma| in USD leaves its bounds.',
  params: GreeksLimitsParams,
  create(p, env) {
    const maxDelta = p.maxDelta ?? Infinity;
    const maxGamma = p.maxGamma ?? Infinity;
    return {
      name: env.name,
      options(_view, ctl) {
        const o = ctl.view;
        const a = o.accounts;
        const S = o.index;
        for (let i = 0; i < a.count; i++) {
          if (a.open[i] !== 1 || (p.writersOnly && a.writer[i] !== 1)) continue;
          const eq = a.equity[i] > 0 ? a.equity[i] : 0;
          const dBound = Math.min(maxDelta, p.maxDeltaToEquity * eq);
          const gBound = Math.min(maxGamma, p.maxGammaToEquity * eq);
          const d = a.delta[i];
          const g = a.gamma[i];
          const ad = Math.abs(d);
          const ag = Math.abs(g);
          const deltaOut = ad > dBound;
          const gammaOut = ag > gBound;
          if (!deltaOut && !gammaOut) continue;
          if (p.action === 'hedge' && deltaOut && !gammaOut) {
            const units = -(d - Math.sign(d) * p.target * dBound) / S;
            if (ctl.hedgeAccount(i, units)) {
              env.log('option-hedge', `account ${i}: |delta| ${ad.toFixed(0)} USD > bound ${dBound.toFixed(0)}; hedged ${units.toFixed(4)} units`, ad, dBound);
            }
            continue;
          }
          let f = 0;
          if (deltaOut) f = Math.max(f, ad > 0 && dBound > 0 ? 1 - (p.target * dBound) / ad : 1);
          if (gammaOut) f = Math.max(f, ag > 0 && gBound > 0 ? 1 - (p.target * gBound) / ag : 1);
          if (f < p.minFraction) f = p.minFraction;
          const what = gammaOut ? 'gamma' : 'delta';
          const value = gammaOut ? ag : ad;
          const bound = gammaOut ? gBound : dBound;
          if (ctl.reduce(i, f)) {
            env.log('option-reduce', `account ${i}: |${what}| ${value.toFixed(0)} USD > bound ${bound.toFixed(0)}; closed ${(100 * Math.min(f, 1)).toFixed(1)}% of its positions`, value, bound);
          }
        }
      },
    };
  },
};
