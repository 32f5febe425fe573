// Phase 'oracle': the oracle feed updates, then each policy validates in order (NaN = rejected: the last good price stays)
import type { Phase, World } from '../world.js';

/** Oracle answer, then each policy's validation in order (NaN = rejected: the last good price stays). */
export const oraclePhase: Phase = {
  name: 'oracle',
  run(w) {
    w.feed.step(w.step);
    let p = w.feed.price;
    for (const pol of w.policies) if (pol.oracle) p = pol.oracle(w, p);
    if (Number.isFinite(p) && p > 0) w.oracle = p;
    w.series.oracle[w.step] = w.oracle;
  },
};
