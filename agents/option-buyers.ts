// Option buyers: a population holding long calls and puts (premium paid in full), with a starting book and arrivals.
import { z } from 'zod';
import { Distribution } from '../sim/distribution.js';
import { bsmPrice } from '../sim/options/black-scholes.js';
import type { AgentKind } from '../sim/types.js';
import { noDraws, optionPopulation } from './option-orders.js';

export const OptionBuyersParams = z
  .object({
    kind: z.literal('option-buyers'),
    name: z.string().min(1).optional(),
    /** Accounts in the starting book, each long one series bought at the step-0 mark. */
    count: z.number().int().min(0).default(100),
    /** Names of the series bought (default: every series), picked uniformly per account. */
    series: z.array(z.string().min(1)).min(1).optional(),
    contracts: Distribution.default({ uniform: [1, 10] }),
    /**
     * New buyers during the run (Poisson per step), paying at most (1 + maxPremium) times their fair value: at
     * `fairVol` when given, else at the venue's own IV (the mark).
     */
    arrivals: z
      .object({
        perStep: z.number().min(0),
        contracts: Distribution.default({ uniform: [1, 10] }),
        maxPremium: z.number().min(0).default(0.25),
        fairVol: z.number().positive().optional(),
      })
      .strict()
      .optional(),
  })
  .strict();
export type OptionBuyersParams = z.infer<typeof OptionBuyersParams>;

/** Buyers hold to expiry and are paid the intrinsic value at settlement. */
export const optionBuyers: AgentKind<OptionBuyersParams> = {
  kind: 'option-buyers',
  summary: 'Option buyers: long calls and puts paid in full, held to expiry; a starting book plus arrivals.',
  params: OptionBuyersParams,
  create(p, env) {
    return optionPopulation(env, {
      kind: 'option-buyers',
      series: p.series,
      count: p.count,
      contracts: p.contracts,
      startDraws: noDraws,
      seed(o, _book, j, c) {
        const i = o.seedAccount(env.index, c * o.mark[j]);
        o.seedPosition(i, j, c);
      },
      arrivals: p.arrivals,
      arrivalDraws: noDraws,
      arrive(o, view, out, a, j, c) {
        const fair = a.fairVol === undefined ? o.mark[j] : bsmPrice(o.isCall[j] === 1, o.index, o.strike[j], o.timeToExpiry(j, view.step), o.riskFreeRate, o.dividendYield, a.fairVol);
        const limit = fair * (1 + a.maxPremium);
        if (!(o.ask[j] <= limit)) return;
        // the premium at the ask plus a margin for the fee (at most 12.5% of the price under the default fee cap)
        out.optionTrade(env.index, -1, j, c, c * o.ask[j] * 1.2, limit);
      },
    });
  },
};
