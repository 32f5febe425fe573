// Leveraged whales: a few very large, highly levered positions (seeded or opened at a step) that may skim their profit.
import { z } from 'zod';
import { Distribution, sample } from '../sim/distribution.js';
import type { AgentKind } from '../sim/types.js';
import { OwnedAccounts } from './owned.js';

export const LeveragedWhalesParams = z
  .object({
    kind: z.literal('leveraged-whales'),
    name: z.string().min(1).optional(),
    /** Number of whale positions. */
    count: z.number().int().min(1).default(1),
    /** Collateral per position, USD. */
    collateral: Distribution.default(5_000_000),
    /** Leverage per position. */
    leverage: Distribution.default(20),
    /** Side of each position; `alternate`: the first long, the next short, ... */
    side: z.enum(['long', 'short', 'alternate']).default('long'),
    /** null: the positions are in the starting book at the initial price; a step: they open through the venue then. */
    openAt: z.number().int().min(0).nullable().default(null),
    /**
     * Every `withdrawEvery` steps, withdraw this share of the equity above the initial requirement (unrealised profit
     * taken out, as the Hyperliquid ETH whale of 12 Mar 2025, mechanics.md section 6). 0 = never.
     */
    withdrawShare: z.number().min(0).max(1).default(0),
    withdrawEvery: z.number().int().min(1).default(60),
  })
  .strict();
export type LeveragedWhalesParams = z.infer<typeof LeveragedWhalesParams>;

/**
 * A few large positions whose liquidation alone moves the mark (sqrt slippage and linear impact on a notional
 * comparable to the depth): the concentration risk behind Hyperliquid's 2025 whale episodes and the tiered margin
 * that answered them (mechanics.md 1.1 and section 6). Seeded at the initial price (q = side * c * L / P0, like the
 * starting book) or opened through the venue at step `openAt`. Draws: collateral and leverage per position.
 */
export const leveragedWhales: AgentKind<LeveragedWhalesParams> = {
  kind: 'leveraged-whales',
  summary: 'A few very large levered positions (seeded, or opened at a step); optionally withdraw their unrealised profit.',
  params: LeveragedWhalesParams,
  create(p, env) {
    const owned = new OwnedAccounts(env.index);
    const sideOf = (k: number): 1 | -1 => (p.side === 'long' ? 1 : p.side === 'short' ? -1 : k % 2 === 0 ? 1 : -1);
    return {
      name: env.name,
      init(book, rng) {
        if (p.openAt !== null) return;
        const P = book.initialPrice;
        for (let k = 0; k < p.count; k++) {
          const c = sample(p.collateral, rng);
          book.seed(env.index, c, ((sideOf(k) * c) * sample(p.leverage, rng)) / P, P);
        }
      },
      decide(view, rng, out) {
        owned.update(view);
        if (p.openAt !== null && view.step === p.openAt) {
          for (let k = 0; k < p.count; k++) out.open(env.index, sideOf(k), sample(p.collateral, rng), sample(p.leverage, rng));
        }
        if (p.withdrawShare > 0 && view.step > 0 && view.step % p.withdrawEvery === 0) {
          const a = view.accounts;
          for (const id of owned.ids) {
            const free = view.equityOf(id) - view.initialMargin * Math.abs(a.size[id]) * view.mark;
            if (free > 0) out.withdraw(env.index, id, p.withdrawShare * free);
          }
        }
      },
    };
  },
};
