// A large volatility seller: one account short a strip of series (e.g. straddles), thinly margined, that sells more
// when implied volatility spikes: the book whose blow-up Greeks limits are meant to prevent.
import { z } from 'zod';
import type { AgentKind } from '../sim/types.js';
import { isLive, needOptions, pickSeries } from './option-orders.js';

export const VolWhaleParams = z
  .object({
    kind: z.literal('vol-whale'),
    name: z.string().min(1).optional(),
    /** Series sold (default: every series). */
    series: z.array(z.string().min(1)).min(1).optional(),
    /** Contracts sold of each series in the starting book. */
    contracts: z.number().positive().default(1000),
    /** Collateral as a multiple of the sum of the positions' initial requirements. */
    margin: z.number().min(1).default(1.2),
    /**
     * Selling into spikes: while IV >= `ivAbove`, every `everySteps` steps sell `contracts` more of each live series
     * (collateral: `margin` times their initial requirement), at most `max` times. Stops once the account is closed.
     */
    adds: z
      .object({
        ivAbove: z.number().positive(),
        contracts: z.number().positive(),
        everySteps: z.number().int().min(1).default(60),
        max: z.number().int().min(0).default(10),
      })
      .strict()
      .optional(),
  })
  .strict();
export type VolWhaleParams = z.infer<typeof VolWhaleParams>;

export const volWhale: AgentKind<VolWhaleParams> = {
  kind: 'vol-whale',
  summary: 'A large volatility seller: one thinly margined short strip that sells more into IV spikes.',
  params: VolWhaleParams,
  create(p, env) {
    let set: Int32Array = new Int32Array(0);
    let account = -1;
    let last = -Infinity;
    let added = 0;
    return {
      name: env.name,
      init(book) {
        const o = needOptions(book.options, env.name, 'vol-whale');
        set = pickSeries(o, p.series, env.name);
        let im = 0;
        for (const j of set) im += o.initialFor(j, -p.contracts);
        account = o.seedAccount(env.index, p.margin * im);
        for (const j of set) o.seedPosition(account, j, -p.contracts);
      },
      decide(view, _rng, out) {
        const a = p.adds;
        const o = view.options;
        if (a === undefined || o === undefined || account < 0 || added >= a.max) return;
        if (o.accounts.open[account] !== 1 || o.iv < a.ivAbove || view.step - last < a.everySteps) return;
        last = view.step;
        added++;
        for (const j of set) {
          if (!isLive(o, j, view.step)) continue;
          out.optionTrade(env.index, account, j, -a.contracts, p.margin * o.initialFor(j, -a.contracts));
        }
      },
    };
  },
};
