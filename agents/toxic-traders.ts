// Toxic traders: trade against a stale oracle. With oracle fills they buy below the market and close once the feed catches up.
import { z } from 'zod';
import type { AgentKind } from '../sim/types.js';
import { OwnedAccounts } from './owned.js';

export const ToxicTradersParams = z
  .object({
    kind: z.literal('toxic-traders'),
    name: z.string().min(1).optional(),
    /** Collateral per position, USD. */
    collateral: z.number().positive().default(10_000),
    leverage: z.number().positive().default(10),
    /** Smallest |spot / oracle - 1| they trade on: it must beat the venue's spread and fees both ways. */
    minEdge: z.number().positive().default(0.004),
    /** Close once the gap in their favour is below this (the feed caught up)... */
    exitGap: z.number().min(0).default(0.0005),
    /** ... or after this many steps. */
    maxHold: z.number().int().min(1).default(30),
    /** Positions open at once. */
    maxOpen: z.number().int().min(1).default(1),
  })
  .strict();
export type ToxicTradersParams = z.infer<typeof ToxicTradersParams>;

/**
 * Latency arbitrage against an oracle-priced venue (GMX v1/v2 front-running of Chainlink updates; the reason GMX v2
 * moved to keeper-executed orders at the next price and charges price impact, mechanics.md 1.3). They see the
 * reference market's spot before the venue's oracle does. With g = spot / oracle - 1: when |g| > minEdge they open
 * in the direction of g (with `venue.fillPrice: oracle` the fill is the stale oracle price plus the spread); they
 * close once the gap in their favour has fallen below exitGap (the feed caught up) or after maxHold steps. Against a
 * book-priced venue the same trades pay slippage and earn nothing: that is the comparison. Their P&L is the LPs'
 * (the counterparty's) loss. An adversary: P&L in the run's attacker_* columns, actions in the events table.
 * No randomness.
 */
export const toxicTraders: AgentKind<ToxicTradersParams> = {
  kind: 'toxic-traders',
  role: 'adversary',
  summary: 'Latency arbitrage: open when the spot leads the oracle by more than minEdge, close once the feed catches up.',
  params: ToxicTradersParams,
  create(p, env) {
    const owned = new OwnedAccounts(env.index);
    return {
      name: env.name,
      capital: { usd: 0 },
      decide(view, _rng, out) {
        owned.update(view);
        const g = view.spot / view.oracle - 1;
        const a = view.accounts;
        let open = 0;
        for (const id of owned.ids) {
          const edge = a.size[id] > 0 ? g : -g;
          if (edge < p.exitGap || view.step - a.openedStep[id] >= p.maxHold) out.close(env.index, id);
          else open++;
        }
        if (open < p.maxOpen && Math.abs(g) > p.minEdge) out.open(env.index, g > 0 ? 1 : -1, p.collateral, p.leverage);
      },
    };
  },
};
