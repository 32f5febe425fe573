// The cross-margin venue's part of each phase: each function is called with one line from sim/phases/*.ts.
import { INTENT_CROSS_DEPOSIT, INTENT_CROSS_REDUCE, type Intents } from '../intents.js';
import type { Scenario } from '../scenario.js';
import type { World } from '../world.js';
import type { CrossSeries } from './series.js';
import { CrossVenue, type CrossStats } from './venue.js';

/** The venue of a scenario with `cross:`, or null. Prices start at the market's initial prices. */
export function createCross(s: Scenario, assetNames: readonly string[], initialPrices: ArrayLike<number>): CrossVenue | null {
  return s.cross === undefined ? null : new CrossVenue(s.cross, assetNames, initialPrices);
}

/**
 * Defenses phase (after the gates and margin hooks): this step's prices (every asset's spot, the validated oracle for
 * the venue asset), then the plan: the scenario's rules, margin fractions scaled like the perp venue's (a dynamic
 * margin policy raising maintenance by x% raises every market's by x%), then each policy's `cross` hook in scenario
 * order, each seeing the plan as the previous one left it.
 */
export function planCross(w: World): void {
  const v = w.cross;
  if (v === null) return;
  v.setPrices(w.prices, w.market.venueIndex, w.oracle);
  v.impactFactor.fill(1);
  const base = w.scenario.venue.maintenanceMargin;
  v.resetPlan(base > 0 && w.maintenanceMargin > base ? w.maintenanceMargin / base : 1);
  for (const pol of w.policies) pol.cross?.(w, v.plan);
}

/** Whether an intent kind belongs to the cross-margin venue. */
export function isCrossIntent(kind: number): boolean {
  return kind === INTENT_CROSS_DEPOSIT || kind === INTENT_CROSS_REDUCE;
}

/**
 * Agents phase: applies cross intent j. A deposit is always allowed (it only lowers risk); a reduction trades through
 * the markets and is refused in a full halt. Reductions move prices like liquidations; the engine applies the moves
 * to the market after the margin pass (crossPass), so the factors accumulate from here.
 */
export function applyCrossIntent(w: World, out: Intents, j: number): void {
  const v = w.cross;
  if (v === null) return;
  if (out.kind[j] === INTENT_CROSS_DEPOSIT) v.deposit(out.agent[j], out.account[j], out.amount[j]);
  else v.reduce(out.agent[j], out.account[j], out.ratio[j], w.halted === 2);
}

/**
 * Margin phase (after the perp's and the lending pool's passes): the cross liquidation pass (none in a full halt).
 * The liquidations' impact moves each asset's market price (the process continues from it; the venue asset's spot
 * is what the oracle reads next step), like the lending pool's sales.
 */
export function crossPass(w: World): void {
  const v = w.cross;
  if (v === null) return;
  v.marginPass(w.step, w.halted === 2, w.events);
  const t = w.step;
  const prices = w.market.prices;
  for (let a = 0; a < v.na; a++) {
    const f = v.impactFactor[a];
    if (f === 1) continue;
    prices[a] *= f;
    if (!(prices[a] > 0 && prices[a] < Infinity)) {
      throw new Error(`the price of ${w.market.names[a]} became ${prices[a]} through cross-margin liquidations and reductions; check cross.liquidity and cross.markets[].liquidity (depth, slippage, impact) against the positions' size`);
    }
    const path = w.market.paths[a];
    if (path !== null) path[t] = prices[a];
    else {
      w.spot = prices[a];
      w.series.spot[t] = prices[a];
    }
  }
}

const stats: CrossStats = { open: 0, equity: 0, requirement: 0, standardRequirement: 0, collateralValue: 0, ratioMin: NaN, ratioP5: NaN, ratioP50: NaN };

/** Metrics phase: the step's cross-margin row. */
export function recordCross(w: World): void {
  const v = w.cross;
  if (v === null) return;
  const t = w.step;
  const s = w.series.cross;
  v.stats(stats);
  s.openAccounts[t] = stats.open;
  s.equity[t] = stats.equity;
  s.requirement[t] = stats.requirement;
  s.netting[t] = stats.standardRequirement > 0 ? 1 - stats.requirement / stats.standardRequirement : 0;
  s.collateralValue[t] = stats.collateralValue;
  s.liquidations[t] = v.stepLiquidations;
  s.pending[t] = v.stepPending;
  s.badDebt[t] = v.ledger.badDebt;
  s.insuranceFund[t] = v.ledger.insuranceFund;
  s.ratioMin[t] = stats.ratioMin;
  s.ratioP5[t] = stats.ratioP5;
  s.ratioP50[t] = stats.ratioP50;
}

/** The cross-margin columns of the `runs` table (zeros and NaN without `cross:`). */
export interface CrossSummary {
  cross_accounts: number;
  cross_liquidations: number;
  cross_partial_liquidations: number;
  cross_top_ups: number;
  cross_reductions: number;
  cross_liquidated_notional: number;
  cross_collateral_sold: number;
  cross_slippage: number;
  cross_fees: number;
  cross_bad_debt: number;
  cross_uncovered_bad_debt: number;
  cross_unrealized_bad_debt: number;
  cross_insurance_fund_initial: number;
  cross_insurance_fund_final: number;
  cross_insurance_fund_min: number;
  cross_min_margin_ratio: number;
  cross_netting_initial: number;
}

export function crossSummary(v: CrossVenue | null, series: CrossSeries): CrossSummary {
  if (v === null) {
    return {
      cross_accounts: 0,
      cross_liquidations: 0,
      cross_partial_liquidations: 0,
      cross_top_ups: 0,
      cross_reductions: 0,
      cross_liquidated_notional: 0,
      cross_collateral_sold: 0,
      cross_slippage: 0,
      cross_fees: 0,
      cross_bad_debt: 0,
      cross_uncovered_bad_debt: 0,
      cross_unrealized_bad_debt: 0,
      cross_insurance_fund_initial: 0,
      cross_insurance_fund_final: 0,
      cross_insurance_fund_min: 0,
      cross_min_margin_ratio: NaN,
      cross_netting_initial: 0,
    };
  }
  const l = v.ledger;
  let unrealised = 0;
  for (let i = 0; i < v.count; i++) {
    if (v.open[i] !== 1) continue;
    const e = v.equityOf(i);
    if (e < 0) unrealised -= e;
  }
  return {
    cross_accounts: v.count,
    cross_liquidations: l.liquidations,
    cross_partial_liquidations: l.partialLiquidations,
    cross_top_ups: l.topUps,
    cross_reductions: l.reductions,
    cross_liquidated_notional: l.liquidatedNotional,
    cross_collateral_sold: l.collateralSold,
    cross_slippage: l.slippage,
    cross_fees: l.fees,
    cross_bad_debt: l.badDebt,
    cross_uncovered_bad_debt: l.uncoveredBadDebt,
    cross_unrealized_bad_debt: unrealised,
    cross_insurance_fund_initial: l.insuranceFundInitial,
    cross_insurance_fund_final: l.insuranceFund,
    cross_insurance_fund_min: l.insuranceFundMin,
    cross_min_margin_ratio: l.minMarginRatio === Infinity ? NaN : l.minMarginRatio,
    cross_netting_initial: series.netting.length > 0 ? series.netting[0] : 0,
  };
}
