// Phase 'market': exogenous prices move (process, then scripted shocks, on spot and mark alike); depth thins; the pool is arbitraged
import type { Phase, World } from '../world.js';

/** Exogenous prices: every asset's process and shocks (the venue asset's also move the mark); liquidity; the AMM pool. */
export const marketPhase: Phase = {
  name: 'market',
  run(w) {
    const m = w.market;
    const v = w.venue;
    const before = w.spot;
    m.advance(w.step, v);
    w.spot = m.prices[m.venueIndex];
    const th = w.thinning;
    if (th !== null) v.depth = th.depthAfter(Math.log(w.spot / before));
    v.revert(w.spot, w.scenario.venue.liquidity.reversion);
    w.series.spot[w.step] = w.spot;
    const pool = w.pool;
    if (pool !== null) {
      // the accumulator takes the price that prevailed since the last step, then arbitrage trades toward the reference
      pool.observe();
      pool.arbitrage(m.prices[pool.referenceAsset], w.scenario.amm!.arbitrage);
    }
  },
};
