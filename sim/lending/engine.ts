// The lending pool's part of each phase: each function is called with one line from sim/phases/*.ts (docs/lending.md).
import { INTENT_BORROW, INTENT_LIQUIDATE_LOANS, INTENT_REPAY, INTENT_SUPPLY, type Intents } from '../intents.js';
import type { Scenario } from '../scenario.js';
import type { World } from '../world.js';
import type { LendingConfig } from './config.js';
import { LendingPool, type HealthStats, type LendingPlan } from './pool.js';

/** The pool of a scenario with `lending:`, or null. */
export function createLending(s: Scenario): LendingPool | null {
  const cfg = (s as { lending?: LendingConfig }).lending;
  if (cfg === undefined) return null;
  let hasLiquidators = false;
  let positions = 0;
  for (const a of s.agents as { kind: string; count?: number }[]) {
    if (a.kind === 'lending-liquidator') hasLiquidators = true;
    if (a.kind === 'borrowers') positions += a.count ?? 0;
  }
  return new LendingPool(cfg, s.agents.length, hasLiquidators, positions + 1024);
}

const scratch: LendingPlan = { liquidateBelow: 1, maxLiquidations: Infinity, borrowsAllowed: true, closeFactor: { partial: 0.5, fullBelowHealthFactor: 0.95, minBase: 2000, minLeftover: 1000 } };

/**
 * Defenses phase (after the gates): the policies' `lending` hooks shape this step's plan. Each hook starts from the
 * scenario's rules; the smallest `liquidateBelow` and `maxLiquidations` win, any policy can block borrows, the last
 * policy that sets close-factor rules wins. Any halt blocks new borrows. Clears last step's liquidator offers.
 */
export function planLending(w: World): void {
  const pool = w.lending;
  if (pool === null) return;
  const plan = pool.plan;
  const base = pool.config.closeFactor;
  plan.liquidateBelow = 1;
  plan.maxLiquidations = Infinity;
  plan.borrowsAllowed = true;
  plan.closeFactor = base;
  for (const pol of w.policies) {
    if (!pol.lending) continue;
    scratch.liquidateBelow = 1;
    scratch.maxLiquidations = Infinity;
    scratch.borrowsAllowed = true;
    scratch.closeFactor = base;
    pol.lending(w, scratch);
    if (scratch.liquidateBelow < plan.liquidateBelow) plan.liquidateBelow = scratch.liquidateBelow;
    if (scratch.maxLiquidations < plan.maxLiquidations) plan.maxLiquidations = scratch.maxLiquidations;
    if (!scratch.borrowsAllowed) plan.borrowsAllowed = false;
    if (scratch.closeFactor !== base) plan.closeFactor = scratch.closeFactor;
  }
  pool.borrowsAllowed = plan.borrowsAllowed && w.halted === 0;
  pool.offers.n = 0;
  pool.lastOpened.fill(-1);
}

/** Whether an intent kind belongs to the lending pool. */
export function isLendingIntent(kind: number): boolean {
  return kind >= INTENT_SUPPLY && kind <= INTENT_LIQUIDATE_LOANS;
}

/**
 * Agents phase: applies lending intent j. Supplying collateral and repaying are always allowed (they reduce risk);
 * borrowing is refused while halted or blocked by a policy, and checked against LTV, borrow cap and cash at the
 * validated oracle price. A BORROW with account -1 borrows against the position the agent's last SUPPLY opened
 * this step.
 */
export function applyLendingIntent(w: World, out: Intents, j: number): void {
  const pool = w.lending;
  if (pool === null) return;
  const agent = out.agent[j];
  const kind = out.kind[j];
  if (kind === INTENT_SUPPLY) pool.supply(agent, out.account[j], out.amount[j], w.step);
  else if (kind === INTENT_BORROW) {
    const acc = out.account[j] >= 0 ? out.account[j] : agent >= 0 && agent < pool.lastOpened.length ? pool.lastOpened[agent] : -1;
    if (acc >= 0) pool.borrow(agent, acc, out.amount[j], w.oracle);
  } else if (kind === INTENT_REPAY) pool.repay(agent, out.account[j], out.amount[j]);
  else if (kind === INTENT_LIQUIDATE_LOANS) pool.offer(agent, out.ratio[j], out.amount[j], out.extra[j]);
}

/**
 * Margin phase (after the perp's pass): one lending liquidation pass at the validated oracle price. Liquidators sell
 * the collateral they receive on the spot market; the impact moves the spot (and the market's price state, so the
 * process continues from it, and the step's recorded spot, which the oracle reads): the liquidation spiral's
 * feedback. Skipped (backlog counted) during a full halt. Liquidations, absorbs and collateral purchases are written
 * to the run's event log after the perp's (sim/lending/events.ts).
 */
export function lendingPass(w: World): void {
  const pool = w.lending;
  if (pool === null) return;
  const offers = pool.hasLiquidators ? pool.offers : pool.implicitOffers;
  // room for the pass's events before it starts (at most one per open position plus one purchase per offer), grown
  // geometrically so that the log is not copied step after step
  const ev = w.events;
  const need = ev.liqCount + pool.openCount + offers.n;
  if (need > ev.step.length) ev.reserve(Math.max(need, 2 * ev.step.length));
  pool.liquidationPass(w.oracle, w.spot, pool.plan, offers, w.halted === 2, ev, w.step);
  if (pool.spot !== w.spot) {
    w.spot = pool.spot;
    w.market.prices[w.market.venueIndex] = pool.spot;
    w.series.spot[w.step] = pool.spot;
  }
}

/** Settlement phase: one step of interest. */
export function accrueLending(w: World): void {
  if (w.lending !== null) w.lending.accrue(w.stepSeconds);
}

const stats: HealthStats = { n: 0, min: NaN, p1: NaN, p5: NaN, p50: NaN, debtBelow105: 0 };

/** Metrics phase: the step's lending row (health factors at the validated oracle price). */
export function recordLending(w: World): void {
  const pool = w.lending;
  if (pool === null) return;
  const t = w.step;
  const s = w.series.lending;
  const l = pool.ledger;
  pool.healthStats(w.oracle, stats);
  s.debt[t] = pool.totalDebt;
  s.utilization[t] = pool.utilization;
  s.borrowRate[t] = pool.borrowRate;
  s.supplyRate[t] = pool.supplyRate;
  s.liquidations[t] = pool.stepLiquidations;
  s.pending[t] = pool.stepPending;
  s.badDebt[t] = l.badDebt;
  s.reserves[t] = l.reserves;
  s.minHf[t] = stats.min;
  s.hfP1[t] = stats.p1;
  s.hfP5[t] = stats.p5;
  s.hfP50[t] = stats.p50;
  s.debtBelow105[t] = stats.debtBelow105;
  if (stats.n > 0 && stats.min < l.minHealthFactor) l.minHealthFactor = stats.min;
}

/** The lending columns of the `runs` table (zeros and NaN without a pool). */
export interface LendingSummary {
  lending_liquidations: number;
  lending_liquidated_debt: number;
  lending_collateral_seized: number;
  lending_protocol_fees: number;
  lending_bad_debt: number;
  /** Reserves at the start (`lending.reserves`) and at the end (negative: a deficit, lenders' loss). */
  lending_reserves_initial: number;
  lending_reserves: number;
  lending_reserves_min: number;
  lending_liquidator_pnl: number;
  lending_sold_notional: number;
  lending_interest: number;
  lending_min_hf: number;
  lending_unprofitable: number;
  lending_blocked_borrows: number;
}

export function lendingSummary(pool: LendingPool | null): LendingSummary {
  if (pool === null) {
    return {
      lending_liquidations: 0,
      lending_liquidated_debt: 0,
      lending_collateral_seized: 0,
      lending_protocol_fees: 0,
      lending_bad_debt: 0,
      lending_reserves_initial: 0,
      lending_reserves: 0,
      lending_reserves_min: 0,
      lending_liquidator_pnl: 0,
      lending_sold_notional: 0,
      lending_interest: 0,
      lending_min_hf: NaN,
      lending_unprofitable: 0,
      lending_blocked_borrows: 0,
    };
  }
  const l = pool.ledger;
  return {
    lending_liquidations: l.liquidations,
    lending_liquidated_debt: l.liquidatedDebt,
    lending_collateral_seized: l.collateralSeized + l.collateralAbsorbed,
    lending_protocol_fees: l.protocolFees,
    lending_bad_debt: l.badDebt,
    lending_reserves_initial: l.reservesInitial,
    lending_reserves: l.reserves,
    lending_reserves_min: l.reservesMin,
    lending_liquidator_pnl: l.liquidatorProceeds - l.liquidatorRepaid - l.liquidatorPaid,
    lending_sold_notional: l.soldNotional,
    lending_interest: l.interest,
    lending_min_hf: l.minHealthFactor === Infinity ? NaN : l.minHealthFactor,
    lending_unprofitable: l.unprofitable,
    lending_blocked_borrows: l.blockedBorrows,
  };
}
