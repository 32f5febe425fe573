// Phase 'agents': agents act in a seeded shuffle; the venue applies their intents in that order
import { accountOf, applyAgentIntent, closeAccount, noteOpen, prepareIntents, withdrawFrom } from '../agent-actions.js';
import { INTENT_CLOSE, INTENT_FLASH, INTENT_LIQUIDATE, INTENT_OPEN, INTENT_OPTION_TRADE, INTENT_QUOTE, INTENT_WITHDRAW, type Intents } from '../intents.js';
import { applyLendingIntent, isLendingIntent } from '../lending/engine.js';
import { applyCrossIntent, isCrossIntent } from '../cross/engine.js';
import type { Phase, World } from '../world.js';
import { applyOptionIntent } from './options.js';

function offerLiquidation(w: World, out: Intents, j: number): void {
  const o = w.offers;
  if (o.n === o.agent.length) {
    const n = o.agent.length * 2;
    const grow = <T extends Int32Array | Float64Array>(a: T, make: (n: number) => T): T => {
      const b = make(n);
      b.set(a);
      return b;
    };
    o.agent = grow(o.agent, (k) => new Int32Array(k));
    o.count = grow(o.count, (k) => new Float64Array(k));
    o.bounty = grow(o.bounty, (k) => new Float64Array(k));
    o.minReward = grow(o.minReward, (k) => new Float64Array(k));
    o.latency = grow(o.latency, (k) => new Int32Array(k));
    o.capital = grow(o.capital, (k) => new Float64Array(k));
    o.used = grow(o.used, (k) => new Int32Array(k));
    o.gas = grow(o.gas, (k) => new Float64Array(k));
  }
  o.agent[o.n] = out.agent[j];
  o.count[o.n] = out.ratio[j];
  o.bounty[o.n] = out.amount[j];
  o.minReward[o.n] = out.extra[j];
  o.latency[o.n] = out.account[j] > 0 ? out.account[j] : 0;
  o.capital[o.n] = out.limit[j];
  o.used[o.n] = 0;
  o.gas[o.n] = w.gasPrice;
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
    prepareIntents(w, out); // oracle fills' price, market makers' quotes (sim/agent-actions.ts)
    for (let j = 0; j < out.n; j++) {
      const kind = out.kind[j];
      if (kind === INTENT_OPEN) {
        if (w.halted > 0 || !admitted(w, out.amount[j], out.ratio[j])) {
          w.blockedOpens++;
          noteOpen(w, out, j, -1, NaN);
          continue;
        }
        const p = v.oracleFills ? v.index : v.mark;
        noteOpen(w, out, j, v.open(out.agent[j], out.side[j], out.amount[j], out.ratio[j], w.initialMargin, w.step), p);
      } else if (kind === INTENT_CLOSE) {
        if (w.halted === 2) continue;
        const i = accountOf(w, out, j); // -1: this agent's latest open of the step
        if (i >= 0 && i < w.accounts.count && w.accounts.owner[i] === out.agent[j]) closeAccount(w, i);
      } else if (kind === INTENT_LIQUIDATE) {
        offerLiquidation(w, out, j);
      } else if (kind === INTENT_WITHDRAW) {
        if (w.halted === 2) continue;
        const i = accountOf(w, out, j);
        if (i >= 0 && i < w.accounts.count && w.accounts.owner[i] === out.agent[j]) withdrawFrom(w, i, out.amount[j]); // at the margin price
      } else if (kind >= INTENT_QUOTE && kind <= INTENT_FLASH) {
        applyAgentIntent(w, out, j); // QUOTE, SWAP, FLASH (sim/agent-actions.ts)
      } else if (kind === INTENT_OPTION_TRADE) {
        applyOptionIntent(w, out, j); // sim/phases/options.ts
      } else if (isLendingIntent(kind)) {
        applyLendingIntent(w, out, j); // SUPPLY, BORROW, REPAY, LIQUIDATE_LOANS (sim/lending/engine.ts)
      } else if (isCrossIntent(kind)) {
        applyCrossIntent(w, out, j); // CROSS_DEPOSIT, CROSS_REDUCE (sim/cross/engine.ts)
      }
    }
  },
};
