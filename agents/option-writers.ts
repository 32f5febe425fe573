// Option writers: a population selling calls and puts, covered (holding the underlying's value) or naked (margined),
// with a starting book and Poisson arrivals that sell only at a premium over their own fair value.
import { z } from 'zod';
import { Distribution, sample } from '../sim/distribution.js';
import { bsmPrice } from '../sim/options/black-scholes.js';
import type { Stream } from '../sim/rng.js';
import type { AgentKind } from '../sim/types.js';
import { optionPopulation } from './option-orders.js';

export const OptionWritersParams = z
  .object({
    kind: z.literal('option-writers'),
    name: z.string().min(1).optional(),
    /** Accounts in the starting book, each short one series (sold at the step-0 mark). */
    count: z.number().int().min(0).default(200),
    /** Names of the series this population writes (default: every series), picked uniformly per account. */
    series: z.array(z.string().min(1)).min(1).optional(),
    /** Contracts sold per account (one contract = one unit of the underlying). */
    contracts: Distribution.default({ uniform: [1, 10] }),
    /**
     * Share of accounts that are covered: a covered call holds one unit of the underlying per contract (bought on the
     * spot market with the collateral), a covered put holds the strike in cash. The others are naked.
     */
    coveredShare: z.number().min(0).max(1).default(0.25),
    /** Naked accounts post this multiple of the initial requirement of their position. */
    margin: Distribution.default({ uniform: [1.05, 2] }),
    /**
     * New writers during the run (Poisson per step): each sells a live series only when the venue's bid is at least
     * (1 + premium) times its fair value at the writers' own volatility estimate `fairVol`: they sell into IV spikes.
     */
    arrivals: z
      .object({
        perStep: z.number().min(0),
        contracts: Distribution.default({ uniform: [1, 10] }),
        coveredShare: z.number().min(0).max(1).default(0.25),
        margin: Distribution.default({ uniform: [1.05, 2] }),
        premium: z.number().min(0).default(0.05),
        fairVol: z.number().positive().default(0.8),
      })
      .strict()
      .optional(),
  })
  .strict();
export type OptionWritersParams = z.infer<typeof OptionWritersParams>;

/** A writer's own draws per order: covered or naked, and the multiple of the requirement a naked one posts. */
function writerDraws(rng: Stream, coveredShare: number, margin: Distribution): { covered: boolean; m: number } {
  return { covered: rng.uniform() < coveredShare, m: sample(margin, rng) };
}

/** Writers act through OPTION_TRADE intents; the venue checks margin, limits and halts. */
export const optionWriters: AgentKind<OptionWritersParams> = {
  kind: 'option-writers',
  summary: 'Option writers: covered and naked sellers of calls and puts, a starting book plus arrivals selling at a premium over fair value.',
  params: OptionWritersParams,
  create(p, env) {
    return optionPopulation(env, {
      kind: 'option-writers',
      series: p.series,
      count: p.count,
      contracts: p.contracts,
      startDraws: (rng) => writerDraws(rng, p.coveredShare, p.margin),
      seed(o, book, j, c, { covered, m }) {
        if (covered && o.isCall[j] === 1) {
          const i = o.seedAccount(env.index, c * book.initialPrice);
          o.seedUnits(i, c);
          o.seedPosition(i, j, -c);
        } else if (covered) {
          const i = o.seedAccount(env.index, c * o.strike[j]);
          o.seedPosition(i, j, -c);
        } else {
          const i = o.seedAccount(env.index, m * o.initialFor(j, -c));
          o.seedPosition(i, j, -c);
        }
      },
      arrivals: p.arrivals,
      arrivalDraws: (rng, a) => writerDraws(rng, a.coveredShare, a.margin),
      arrive(o, view, out, a, j, c, { covered, m }) {
        const call = o.isCall[j] === 1;
        const fair = bsmPrice(call, o.index, o.strike[j], o.timeToExpiry(j, view.step), o.riskFreeRate, o.dividendYield, a.fairVol);
        const limit = fair * (1 + a.premium);
        if (!(o.bid[j] >= limit && o.bid[j] > 0)) return;
        // covered calls: the collateral buys the underlying (plus 1% for its cost); covered puts: the strike in cash
        const collateral = covered ? (call ? c * o.index * 1.01 : c * o.strike[j]) : m * o.initialFor(j, -c);
        out.optionTrade(env.index, -1, j, -c, collateral, limit, covered && call);
      },
    });
  },
};
