// Phase 'agents': agents act in a seeded shuffle; the venue applies their intents in that order
import { INTENT_CLOSE, INTENT_LIQUIDATE, INTENT_OPEN, INTENT_OPTION_TRADE, INTENT_WITHDRAW } from '../intents.js';
import { applyLendingIntent, isLendingIntent } from '../lending/engine.js';
import type { Phase, World } from '../world.js';
import { applyOptionIntent } from './options.js';

function offerLiquidation(w: World, agent: number, count: number, bounty: number, minReward: number): void {
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
    const m = new Float64Array(n);
    m.set(o.minReward);
    o.minReward = m;
  }
  o.agent[o.n] = agent;
  o.count[o.n] = count;
  o.bounty[o.n] = bounty;
  o.minReward[o.n] = minReward;
  o.n++;
}

/** Whether an open of `collateral` at `leverage` passes this step's limits on new risk (policies' admission hooks). */
function admitted(w: World, collateral: number, leverage: number): boolean {
  const r = w.openRules;
  const n = collateral * leverage;
  return leverage <= r.maxLeverage && n <= r.maxNotional && w.venue.agg.openInterest(w.venue.mark) + n <= r.maxOpenInterest;
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
        if (w.halted > 0 || !admitted(w, out.amount[j], out.ratio[j])) {
          w.blockedOpens++;
          continue;
        }
        v.open(out.agent[j], out.side[j], out.amount[j], out.ratio[j], w.initialMargin, w.step);
      } else if (kind === INTENT_CLOSE) {
        if (w.halted === 2) continue;
        const i = out.account[j];
        if (i >= 0 && i < w.accounts.count && w.accounts.owner[i] === out.agent[j]) v.close(i);
      } else if (kind === INTENT_LIQUIDATE) {
        offerLiquidation(w, out.agent[j], out.ratio[j], out.amount[j], out.extra[j]);
      } else if (kind === INTENT_WITHDRAW) {
        if (w.halted === 2) continue;
        const i = out.account[j];
        if (i >= 0 && i < w.accounts.count && w.accounts.owner[i] === out.agent[j]) {
          const p = w.scenario.venue.marginPrice === 'mark' ? v.mark : w.oracle;
          v.withdraw(i, out.amount[j], p, w.initialMargin);
        }
      } else if (kind === INTENT_OPTION_TRADE) {
        applyOptionIntent(w, out, j); // sim/phases/options.ts
      } else if (isLendingIntent(kind)) {
        applyLendingIntent(w, out, j); // SUPPLY, BORROW, REPAY, LIQUIDATE_LOANS (sim/lending/engine.ts)
      }
    }
  },
};
