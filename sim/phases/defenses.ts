// Phase 'defenses': pre-trade defenses: halts (any halt halts), margin fractions and tiers, limits on new risk
import type { Gate, MarginFractions, MarginTier, OpenRules } from '../types.js';
import { planLending } from '../lending/engine.js';
import { planCross } from '../cross/engine.js';
import type { Phase, World } from '../world.js';

const gate = {
  w: null as unknown as World,
  haltNewRisk() {
    if (this.w.halted < 1) this.w.halted = 1;
  },
  haltAll() {
    this.w.halted = 2;
  },
};
const proposal: MarginFractions = { initial: 0, maintenance: 0, tiers: [] };
const rules: OpenRules = { maxOpenInterest: Infinity, maxNotional: Infinity, maxLeverage: Infinity };
const NO_TIERS: MarginTier[] = [];

/**
 * Pre-trade defenses, in scenario order. Composition: any halt halts; the largest margin fractions win; the last
 * policy that sets tiers wins (tiers apply on top of the flat fractions); the smallest limits on new risk win.
 */
export const defensesPhase: Phase = {
  name: 'defenses',
  run(w) {
    w.halted = 0;
    const base = w.scenario.venue;
    let im = base.initialMargin;
    let mm = base.maintenanceMargin;
    let tiers = NO_TIERS;
    const r = w.openRules;
    r.maxOpenInterest = Infinity;
    r.maxNotional = Infinity;
    r.maxLeverage = Infinity;
    gate.w = w;
    for (const pol of w.policies) {
      pol.gate?.(w, gate as Gate);
      if (pol.margin) {
        proposal.initial = base.initialMargin;
        proposal.maintenance = base.maintenanceMargin;
        proposal.tiers = NO_TIERS;
        pol.margin(w, proposal);
        if (proposal.initial > im) im = proposal.initial;
        if (proposal.maintenance > mm) mm = proposal.maintenance;
        if (proposal.tiers.length > 0) tiers = proposal.tiers;
      }
      if (pol.admission) {
        rules.maxOpenInterest = Infinity;
        rules.maxNotional = Infinity;
        rules.maxLeverage = Infinity;
        pol.admission(w, rules);
        if (rules.maxOpenInterest < r.maxOpenInterest) r.maxOpenInterest = rules.maxOpenInterest;
        if (rules.maxNotional < r.maxNotional) r.maxNotional = rules.maxNotional;
        if (rules.maxLeverage < r.maxLeverage) r.maxLeverage = rules.maxLeverage;
      }
    }
    w.initialMargin = im;
    w.maintenanceMargin = mm;
    if (tiers !== w.tiers || tiers.length > 0) {
      w.tiers = tiers;
      w.venue.setTiers(tiers, mm, im);
    }
    if (w.halted > 0) w.stepsHalted++;
    planLending(w); // the lending pool's plan: policies' lending hooks, halts block borrows (sim/lending/engine.ts)
    planCross(w); // the cross venue's prices and plan: policies' cross hooks (sim/cross/engine.ts)
  },
};
