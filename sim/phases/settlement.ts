// Phase 'settlement': funding (premium sampling, payments each interval), then the policies' actions on the book
import type { ProtocolActions } from '../types.js';
import { accrueLending } from '../lending/engine.js';
import type { Phase, World } from '../world.js';

/** Protocol actions handed to policies' `act` hooks; executed by the venue at once. */
const actions = {
  w: null as unknown as World,
  deleverage(i: number, fraction: number): boolean {
    return this.w.venue.deleverage(i, fraction, this.w.step, this.w.events);
  },
  hedge(units: number, cost: number): void {
    this.w.venue.hedge(units, this.w.spot, cost);
  },
  unwindBackstop(fraction: number): void {
    this.w.venue.unwindVault(fraction, this.w.step, this.w.events);
  },
  get netExposure(): number {
    return -this.w.venue.agg.netSize;
  },
  get vaultNotional(): number {
    return this.w.venue.vaultNotional(this.w.venue.mark);
  },
};

/** Funding, then the policies' `act` hooks in scenario order (deleveraging, hedging, backstop unwinding). */
export const settlementPhase: Phase = {
  name: 'settlement',
  run(w) {
    fund(w);
    accrueLending(w); // lending interest: one step of the borrow index (sim/lending/engine.ts)
    if (w.actors > 0) {
      actions.w = w;
      for (const pol of w.policies) pol.act?.(w, actions as ProtocolActions);
    }
  },
};

/** Premium sampling each step; at the end of each interval, rate = clamp(mean premium / divisor + interest, +-cap). */
function fund(w: World): void {
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
}
