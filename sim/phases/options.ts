// Phases 'options-price' and 'options-margin' of the options venue (sim/options/), and its intents in the agents phase.
// Both phases return at once when the scenario has no `options` section, so such runs are unchanged.
import type { Intents } from '../intents.js';
import type { OptionsControl } from '../options/view.js';
import type { Phase, World } from '../world.js';

/**
 * After the oracle: implied volatility moves, series expiring this step settle at intrinsic value (index), every
 * live series is revalued once (marks, Greeks, margin rates, scenario values). Agents then trade at these quotes.
 */
export const optionsPricePhase: Phase = {
  name: 'options-price',
  run(w) {
    const o = w.options;
    if (o === undefined) return;
    o.beginStep(w.step, w.oracle, w.events);
  },
};

/** The control handed to policies' `options` hooks (one object per process; bound to the world each step). */
const control = {
  w: null as unknown as World,
  get view() {
    return this.w.options!;
  },
  reduce(i: number, fraction: number): boolean {
    return this.w.options!.reduce(i, fraction, this.w.events);
  },
  hedgeAccount(i: number, units: number): boolean {
    return this.w.options!.hedgeAccount(i, units);
  },
  protocolHedge(units: number, cost: number): void {
    this.w.options!.protocolHedge(units, cost);
  },
  get protocolHedgeUnits(): number {
    return this.w.options!.ledger.hedgeSize;
  },
  get protocolHedgePnl(): number {
    return this.w.options!.hedgePnl;
  },
};

/**
 * After the perp's settlement: the options margin pass (accounts below maintenance are liquidated; skipped in a full
 * halt), then the policies' `options` hooks in scenario order (Greeks limits, writer delta hedge), then the writers'
 * net Greeks and the step's options columns.
 */
export const optionsMarginPhase: Phase = {
  name: 'options-margin',
  run(w) {
    const o = w.options;
    if (o === undefined) return;
    const t = w.step;
    o.marginPass(t, w.halted, w.events);
    o.aggregateWriters();
    control.w = w;
    for (const pol of w.policies) {
      if (pol.options) {
        pol.options(w, control as OptionsControl);
        o.aggregateWriters();
      }
    }
    const s = w.series.options;
    s.iv[t] = o.iv;
    s.netDelta[t] = o.writerDelta;
    s.netGamma[t] = o.writerGamma;
    s.netVega[t] = o.writerVega;
    s.liquidations[t] = o.stepLiquidations;
    s.badDebt[t] = o.ledger.badDebt;
  },
};

/** Applies intent j of kind INTENT_OPTION_TRADE (agents phase). Opening trades are blocked while new risk is halted. */
export function applyOptionIntent(w: World, out: Intents, j: number): void {
  const o = w.options;
  if (o === undefined) return;
  o.trade(out.agent[j], out.account[j], out.series[j], out.ratio[j], out.amount[j], out.extra[j], out.side[j] === 1, w.halted);
}
