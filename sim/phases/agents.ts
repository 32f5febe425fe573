// Phase 'agents': agents act in a seeded shuffle; the venue applies their intents in that order
import { INTENT_CLOSE, INTENT_LIQUIDATE, INTENT_OPEN } from '../intents.js';
import type { Phase, World } from '../world.js';

function offerLiquidation(w: World, agent: number, count: number, bounty: number): void {
  const o = w.offers;
  if (o.n === o.agent.length) {
    const n = o.agent.length * 2;
    const a = new Int32Array(n);
    a.set(o.agent);
    o.agent = a;
    const c = new Float64Array(n);
    c.set(o.count);
    o.count = c;
    const b = new Float64Array(n);
    b.set(o.bounty);
    o.bounty = b;
  }
  o.agent[o.n] = agent;
  o.count[o.n] = count;
  o.bounty[o.n] = bounty;
  o.n++;
}

/** Agents act in a seeded shuffle; the venue applies their intents in that order. */
export const agentsPhase: Phase = {
  name: 'agents',
  run(w) {
    const n = w.agents.length;
    for (let i = 0; i < n; i++) w.order[i] = i;
    w.schedule.shuffle(w.order, n);
    const out = w.intents;
    out.clear();
    for (let k = 0; k < n; k++) {
      const i = w.order[k];
      w.agents[i].decide?.(w, w.agentStreams[i], out);
    }
    w.offers.n = 0;
    w.blockedOpens = 0;
    const v = w.venue;
    for (let j = 0; j < out.n; j++) {
      const kind = out.kind[j];
      if (kind === INTENT_OPEN) {
        if (w.halted > 0) {
          w.blockedOpens++;
          continue;
        }
        v.open(out.agent[j], out.side[j], out.amount[j], out.ratio[j], w.initialMargin, w.step);
      } else if (kind === INTENT_CLOSE) {
        if (w.halted === 2) continue;
        if (w.accounts.owner[out.account[j]] === out.agent[j]) v.close(out.account[j]);
      } else if (kind === INTENT_LIQUIDATE) {
        offerLiquidation(w, out.agent[j], out.ratio[j], out.amount[j]);
      }
    }
  },
};
