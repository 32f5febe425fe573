// Arbitrageurs: pull the AMM pool toward the reference spot when the gap pays the pool's fee, gas and a minimum profit.
import { z } from 'zod';
import type { AgentKind } from '../sim/types.js';

export const ArbitrageursParams = z
  .object({
    kind: z.literal('arbitrageurs'),
    name: z.string().min(1).optional(),
    /** Largest trade per step, USD (their capital on the pool; it bounds how fast a manipulated pool is pulled back). */
    maxTrade: z.number().positive().default(1_000_000),
    /** Share of the gap to the edge of the no-arbitrage band they close each step (in log price; 1 = all of it). */
    share: z.number().gt(0).max(1).default(1),
    /** Smallest profit (USD, after the pool's fee and gas) for which they trade. */
    minProfit: z.number().min(0).default(0),
    /** Steps between seeing a gap and trading on it (they act on the reference spot of `latencySteps` ago). */
    latencySteps: z.number().int().min(0).default(0),
    /** Starting wallet, USD (the P&L is measured from it; trades may exceed it: the other leg is on the reference market). */
    capital: z.number().min(0).default(1_000_000),
  })
  .strict();
export type ArbitrageursParams = z.infer<typeof ArbitrageursParams>;

/**
 * Cross-venue arbitrage between the AMM pool and the reference market (the asset's spot). Trading across the pool
 * pays its fee f, so no trade pays inside the band [S (1 - f), S / (1 - f)] (docs/models.md). Outside it they trade to
 * move the pool's price `share` of the way (in log price) to the nearest edge, with the exact constant-product size
 * (pool.quoteInFor / baseInFor), capped at maxTrade USD, and only when the profit at the reference spot,
 * out * S - dy (buying base) or out - dx * S (selling base), exceeds gas (view.gasPrice per swap) plus minProfit. The
 * other leg is on the reference market: the wallet's base is valued at spot (and may be negative). Use with
 * `amm.arbitrage: 0` (the agent replaces the pool's built-in arbitrage; the scenario check requires it). No randomness.
 */
export const arbitrageurs: AgentKind<ArbitrageursParams> = {
  kind: 'arbitrageurs',
  summary: 'Pull the AMM pool toward the reference spot when the gap pays the fee, gas and minProfit; capped at maxTrade USD a step.',
  params: ArbitrageursParams,
  create(p, env) {
    return {
      name: env.name,
      capital: { usd: p.capital },
      decide(view, _rng, out) {
        const pool = view.pool;
        if (pool === null) return;
        const s = view.step - p.latencySteps;
        const S = s >= view.step ? view.spotOf(pool.referenceAsset) : view.spotAt(pool.referenceAsset, s < 0 ? 0 : s);
        const f = pool.fee;
        const price = pool.spot();
        const lo = S * (1 - f);
        const hi = S / (1 - f);
        const gas = view.gasPrice;
        if (price < lo) {
          let dy = pool.quoteInFor(price * Math.pow(lo / price, p.share));
          if (dy > p.maxTrade) dy = p.maxTrade;
          if (dy > 0 && pool.quoteQuoteIn(dy) * S - dy > gas + p.minProfit) out.swap(env.index, 1, dy);
        } else if (price > hi) {
          let dx = pool.baseInFor(price * Math.pow(hi / price, p.share));
          if (dx * S > p.maxTrade) dx = p.maxTrade / S;
          if (dx > 0 && pool.quoteBaseIn(dx) - dx * S > gas + p.minProfit) out.swap(env.index, -1, dx);
        }
      },
    };
  },
};
