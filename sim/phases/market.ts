// Phase 'market': exogenous price: diffusion then scripted shocks, each a multiplicative factor on spot and mark alike
import type { Phase, World } from '../world.js';

/** Exogenous price: diffusion then scripted shocks, each a multiplicative factor on spot and mark alike. */
export const marketPhase: Phase = {
  name: 'market',
  run(w) {
    const m = w.market;
    const v = w.venue;
    if (m.diffusive) {
      const f = m.diffusionFactor();
      w.spot = w.spot * f;
      v.mark = v.mark * f;
    }
    for (let j = 0; j < m.shockCount; j++) {
      const f = m.shockAt(j, w.step);
      if (f !== 1) {
        w.spot = w.spot * f;
        v.mark = v.mark * f;
      }
    }
    v.revert(w.spot, w.scenario.venue.liquidity.reversion);
    w.series.spot[w.step] = w.spot;
  },
};
