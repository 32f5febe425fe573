// A population of leveraged traders: a starting book drawn from distributions (or a CSV file) plus new arrivals.
import path from 'node:path';
import { z } from 'zod';
import { Distribution, sample } from '../sim/distribution.js';
import type { AgentKind } from '../sim/types.js';
import { readPopulationCsv } from './population-csv.js';

export const LeveragedTradersParams = z
  .object({
    kind: z.literal('leveraged-traders'),
    name: z.string().min(1).optional(),
    /** Accounts in the starting book (ignored when `population` is given). */
    count: z.number().int().min(0).default(1000),
    /** Collateral per account, USD. */
    collateral: Distribution.default({ uniform: [1000, 10000] }),
    /** Leverage per account (notional / collateral). */
    leverage: Distribution.default({ uniform: [1.5, 15] }),
    /** `alternate`: even accounts long, odd short; or a probability of long. */
    side: z.union([z.literal('alternate'), z.literal('long'), z.literal('short'), z.object({ longShare: z.number().min(0).max(1) }).strict()]).default('alternate'),
    /** CSV file `collateral,leverage,side` (relative to the scenario file) replacing the drawn starting book. */
    population: z.string().min(1).optional(),
    /** New traders arriving during the run (Poisson per step), opening through the venue's liquidity. */
    arrivals: z
      .object({
        perStep: z.number().min(0),
        collateral: Distribution.default({ uniform: [1000, 10000] }),
        leverage: Distribution.default({ uniform: [2, 20] }),
        longShare: z.number().min(0).max(1).default(0.5),
      })
      .strict()
      .optional(),
  })
  .strict();
export type LeveragedTradersParams = z.infer<typeof LeveragedTradersParams>;

/**
 * cascade-bench's population (../shared/reference/benchmark.md): collateral ~ U(1000, 10000), leverage ~ U(1.5, 15),
 * even accounts long, entry at the initial price, size q = ((s*c)*L)/E in that operation order.
 */
export const leveragedTraders: AgentKind<LeveragedTradersParams> = {
  kind: 'leveraged-traders',
  summary: 'Leveraged traders: a starting book from distributions or a CSV file, plus Poisson arrivals.',
  params: LeveragedTradersParams,
  create(p, env) {
    return {
      name: env.name,
      init(book, rng) {
        const E = book.initialPrice;
        if (p.population !== undefined) {
          const pop = readPopulationCsv(path.resolve(env.baseDir, p.population));
          for (let i = 0; i < pop.collateral.length; i++) {
            const s = pop.side[i];
            const c = pop.collateral[i];
            book.seed(env.index, c, ((s * c) * pop.leverage[i]) / E, E);
          }
          return;
        }
        const side = p.side;
        for (let i = 0; i < p.count; i++) {
          const c = sample(p.collateral, rng);
          const L = sample(p.leverage, rng);
          let s: number;
          if (side === 'alternate') s = i % 2 === 0 ? 1 : -1;
          else if (side === 'long') s = 1;
          else if (side === 'short') s = -1;
          else s = rng.uniform() < side.longShare ? 1 : -1;
          book.seed(env.index, c, ((s * c) * L) / E, E);
        }
      },
      decide(_view, rng, out) {
        const a = p.arrivals;
        if (a === undefined || a.perStep === 0) return;
        const k = rng.poisson(a.perStep);
        for (let j = 0; j < k; j++) {
          const side = rng.uniform() < a.longShare ? 1 : -1;
          out.open(env.index, side, sample(a.collateral, rng), sample(a.leverage, rng));
        }
      },
    };
  },
};
