// Phase 'margin': margin and liquidation: one pass in account order (docs/architecture.md)
import type { LiquidationPlan } from '../types.js';
import type { Phase, World } from '../world.js';

const plan: LiquidationPlan = { maxLiquidations: Infinity };

/** Margin and liquidation: one pass in account order (docs/architecture.md). */
export const marginPhase: Phase = {
  name: 'margin',
  run(w) {
    let pending = 0;
    const l = w.venue.ledger;
    const count0 = l.liquidations;
    const notional0 = l.liquidatedNotional;
    if (w.halted === 2) {
      // full halt: nothing is liquidated, but the pass still counts the backlog
      pending = w.venue.liquidationPass(w.maintenanceMargin, w.scenario.venue.marginPrice === 'mark', w.oracle, 0, w.step, w.events, null);
    } else {
      plan.maxLiquidations = Infinity;
      for (const pol of w.policies) {
        if (pol.liquidation) {
          const before = plan.maxLiquidations;
          pol.liquidation(w, plan);
          if (plan.maxLiquidations > before) plan.maxLiquidations = before;
        }
      }
      let capacity = Infinity;
      if (w.hasLiquidators) {
        capacity = 0;
        for (let k = 0; k < w.offers.n; k++) capacity += w.offers.count[k];
      }
      const budget = Math.min(capacity, plan.maxLiquidations);
      pending = w.venue.liquidationPass(
        w.maintenanceMargin,
        w.scenario.venue.marginPrice === 'mark',
        w.oracle,
        budget,
        w.step,
        w.events,
        w.hasLiquidators ? w.offers : null,
      );
    }
    w.series.liquidations[w.step] = l.liquidations - count0;
    w.series.liquidatedNotional[w.step] = l.liquidatedNotional - notional0;
    w.series.pendingLiquidations[w.step] = pending;
  },
};
