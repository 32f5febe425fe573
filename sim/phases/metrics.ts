// Phase 'metrics': metrics: record the step, then let policies look at it
import { recordLending } from '../lending/engine.js';
import { recordCross } from '../cross/engine.js';
import type { Phase, World } from '../world.js';

/** Metrics: record the step, then let policies look at it. */
export const metricsPhase: Phase = {
  name: 'metrics',
  run(w) {
    const t = w.step;
    const v = w.venue;
    const l = v.ledger;
    const s = w.series;
    if (!(v.mark > 0 && v.mark < Infinity)) throw new Error(`the mark price became ${v.mark}; check the liquidity parameters (depth, slippage, impact)`);
    const oi = v.agg.openInterest(v.mark);
    s.mark[t] = v.mark;
    s.openInterest[t] = oi;
    s.insuranceFund[t] = l.insuranceFund;
    s.badDebt[t] = l.badDebt;
    s.uncoveredBadDebt[t] = l.uncoveredBadDebt;
    s.fundingRate[t] = w.fundingRate;
    s.maintenanceMargin[t] = w.maintenanceMargin;
    s.openAccounts[t] = v.agg.openCount;
    s.blockedOpens[t] = w.blockedOpens;
    s.halted[t] = w.halted;
    if (oi > w.maxOpenInterest) w.maxOpenInterest = oi;
    if (v.mark < w.minMark) w.minMark = v.mark;
    recordLending(w); // the lending columns (sim/lending/engine.ts)
    recordCross(w); // the cross-margin columns (sim/cross/engine.ts)
    for (const pol of w.policies) pol.afterStep?.(w);
  },
};
