// Phase 'defenses': pre-trade defenses: halts (any halt halts) and margin fractions (the strictest wins)
import type { Gate, MarginFractions } from '../types.js';
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
const proposal: MarginFractions = { initial: 0, maintenance: 0 };

/** Pre-trade defenses: halts (any halt halts) and margin fractions (the strictest wins). */
export const defensesPhase: Phase = {
  name: 'defenses',
  run(w) {
    w.halted = 0;
    const base = w.scenario.venue;
    let im = base.initialMargin;
    let mm = base.maintenanceMargin;
    gate.w = w;
    for (const pol of w.policies) {
      pol.gate?.(w, gate as Gate);
      if (pol.margin) {
        proposal.initial = base.initialMargin;
        proposal.maintenance = base.maintenanceMargin;
        pol.margin(w, proposal);
        if (proposal.initial > im) im = proposal.initial;
        if (proposal.maintenance > mm) mm = proposal.maintenance;
      }
    }
    w.initialMargin = im;
    w.maintenanceMargin = mm;
    if (w.halted > 0) w.stepsHalted++;
  },
};
