// Phase 'margin': margin and liquidation: the policies shape the pass, then one pass in account order
import { chargeLiquidationGas, marginPriceOf } from '../agent-actions.js';
import type { LiquidationPlan } from '../types.js';
import { lendingPass } from '../lending/engine.js';
import { crossPass } from '../cross/engine.js';
import type { Phase, World } from '../world.js';

/** The plan with no shaping: whole positions, no caps, liquidators' own bounties (frozen; copy it to change it). */
export const NO_SHAPING: Readonly<LiquidationPlan> = Object.freeze({
  maxLiquidations: Infinity,
  maxNotional: Infinity,
  partialFraction: 0,
  partialMinNotional: 0,
  partialCooldownSteps: 0,
  restoreBuffer: 0,
  bountyRate: NaN,
  bountyPerStepUnderwater: 0,
  bountyGraceSteps: 0,
  bountyMax: Infinity,
  bountyFromFund: false,
  bountyFlat: 0,
  backstopBelow: 0,
  adl: false,
  ready: null,
});

const plan: LiquidationPlan = { ...NO_SHAPING };

/** Resets the plan to "no shaping" before the policies' liquidation hooks run (no allocation). */
function resetPlan(): void {
  Object.assign(plan, NO_SHAPING);
}

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
      pending = w.venue.liquidationPass(w.maintenanceMargin, w.scenario.venue.marginPrice === 'mark', marginPriceOf(w), 0, w.step, w.events, null);
    } else {
      resetPlan();
      let shaped = false;
      for (const pol of w.policies) {
        if (pol.liquidation) {
          shaped = true;
          const before = plan.maxLiquidations;
          const beforeNotional = plan.maxNotional;
          pol.liquidation(w, plan);
          if (plan.maxLiquidations > before) plan.maxLiquidations = before;
          if (plan.maxNotional > beforeNotional) plan.maxNotional = beforeNotional;
        }
      }
      let capacity = Infinity;
      if (w.hasLiquidators) {
        capacity = 0;
        for (let k = 0; k < w.offers.n; k++) capacity += w.offers.count[k];
      }
      const budget = Math.min(capacity, plan.maxLiquidations, w.blockCapacity);
      pending = w.venue.liquidationPass(
        w.maintenanceMargin,
        w.scenario.venue.marginPrice === 'mark',
        marginPriceOf(w), // the oracle (or the pool's spot with marginPrice: pool); unused with mark
        budget,
        w.step,
        w.events,
        w.hasLiquidators ? w.offers : null,
        shaped ? plan : null,
      );
      if (w.hasLiquidators) chargeLiquidationGas(w);
    }
    w.series.liquidations[w.step] = l.liquidations - count0;
    w.series.liquidatedNotional[w.step] = l.liquidatedNotional - notional0;
    w.series.pendingLiquidations[w.step] = pending;
    w.pendingLiquidations = pending;
    lendingPass(w); // the lending pool's pass, after the perp's (sim/lending/engine.ts)
    crossPass(w); // the cross-margin venue's pass, last (sim/cross/engine.ts)
  },
};
