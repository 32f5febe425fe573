// Phase 'settlement': settlement: premium sampling and funding payments at the end of each interval
import type { Phase, World } from '../world.js';

/** Settlement: premium sampling and funding payments at the end of each interval. */
export const settlementPhase: Phase = {
  name: 'settlement',
  run(w) {
    const f = w.scenario.venue.funding;
    if (f === null) return;
    w.premiumSum += (w.venue.mark - w.oracle) / w.oracle;
    w.premiumSamples++;
    if ((w.step + 1) % f.intervalSteps === 0) {
      const raw = w.premiumSum / w.premiumSamples / f.premiumDivisor + f.interest;
      const rate = raw > f.cap ? f.cap : raw < -f.cap ? -f.cap : raw;
      w.venue.applyFunding(rate, w.oracle);
      w.fundingRate = rate;
      w.premiumSum = 0;
      w.premiumSamples = 0;
    }
  },
};
