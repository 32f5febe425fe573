// One run: a pure function of (scenario, policy, seed). Builds the world, applies the phases step by step, summarises.
import { toErrorData, type ErrorData } from './errors.js';
import type { EventLog, Intervention } from './events.js';
import { PHASES } from './phases/index.js';
import { optionsSummary, type OptionsSummary } from './options/summary.js';
import { lendingSummary, type LendingSummary } from './lending/engine.js';
import { crossSummary, type CrossSummary } from './cross/engine.js';
import { defenseName } from './policy-stack.js';
import type { Scenario } from './scenario.js';
import type { Series } from './series.js';
import { attackerSummary, type AttackerSummary } from './wallets.js';
import { World } from './world.js';

export { PHASES } from './phases/index.js';
export { World, type Phase } from './world.js';

/**
 * Summary of one run: one row of the `runs` table. The perp venue's columns are here; each other venue's come from its
 * summary (zeros and NaN without that venue): the lending pool's (sim/lending/engine.ts), the options venue's
 * (sim/options/summary.ts), the cross-margin venue's (sim/cross/engine.ts) and the adversaries' (sim/wallets.ts).
 */
export interface RunSummary extends LendingSummary, OptionsSummary, CrossSummary, AttackerSummary {
  scenario: string;
  policy: string;
  seed: number;
  /** JSON of the defenses and venue parameters this run used. */
  parameters: string;
  steps: number;
  initial_accounts: number;
  final_price: number;
  min_price: number;
  insurance_fund_initial: number;
  insurance_fund_final: number;
  insurance_fund_min: number;
  bad_debt: number;
  uncovered_bad_debt: number;
  socialized_loss: number;
  liquidations: number;
  liquidated_notional: number;
  liquidation_slippage: number;
  liquidation_fees: number;
  liquidator_income: number;
  trading_fees: number;
  returned_to_traders: number;
  deposits: number;
  counterparty_pnl: number;
  opens: number;
  blocked_opens: number;
  rejected_opens: number;
  steps_halted: number;
  interventions: number;
  max_open_interest: number;
  final_open_interest: number;
  partial_liquidations: number;
  bounties_from_fund: number;
  adl_events: number;
  adl_notional: number;
  backstop_takeovers: number;
  backstop_notional: number;
  backstop_pnl: number;
  deleverages: number;
  hedge_pnl: number;
  unrealized_bad_debt: number;
  error: string | null;
}

export interface RunResult {
  summary: RunSummary;
  series: Series;
  events: EventLog;
  interventions: Intervention[];
  /** Plain error data when the run failed (the summary then covers the steps done). */
  error?: ErrorData;
  /** Seconds spent in the step loop. */
  loopSeconds: number;
}

export interface RunOptions {
  policy: string;
  seed: number;
  baseDir: string;
  /** Test hook: called after every step with the world (read only). */
  onStep?: (w: World) => void;
}

/** Builds the world for one run (throws InputError for bad references such as an unknown policy or CSV file). */
export function createWorld(scenario: Scenario, opts: RunOptions): World {
  return new World(scenario, opts.policy, opts.seed, opts.baseDir);
}

/** Runs every step of an existing world. A fault inside a step is returned as error data with its step. */
export function runWorld(w: World, onStep?: (w: World) => void): { error?: ErrorData; loopSeconds: number } {
  const t0 = performance.now();
  const phases = PHASES;
  const np = phases.length;
  try {
    for (let t = 0; t < w.steps; t++) {
      w.step = t;
      for (let k = 0; k < np; k++) phases[k].run(w);
      if (onStep) onStep(w);
    }
  } catch (e) {
    return { error: toErrorData(e, w.step), loopSeconds: (performance.now() - t0) / 1000 };
  }
  return { loopSeconds: (performance.now() - t0) / 1000 };
}

export function summarize(w: World, error?: ErrorData): RunSummary {
  const v = w.venue;
  const l = v.ledger;
  const s = w.scenario;
  return {
    scenario: s.name,
    policy: w.policyName,
    seed: w.seed,
    parameters: JSON.stringify({ defenses: w.defenses.map((d) => ({ ...d, name: defenseName(d) })), venue: s.venue, ...(s.lending !== undefined ? { lending: s.lending } : {}), ...(s.cross !== undefined ? { cross: s.cross } : {}) }),
    steps: s.steps,
    initial_accounts: v.accounts.count - l.opens - v.vaultAccounts,
    final_price: v.mark,
    min_price: w.minMark,
    insurance_fund_initial: l.insuranceFundInitial,
    insurance_fund_final: l.insuranceFund,
    insurance_fund_min: l.insuranceFundMin,
    bad_debt: l.badDebt,
    uncovered_bad_debt: l.uncoveredBadDebt,
    socialized_loss: l.socializedLoss,
    liquidations: l.liquidations,
    liquidated_notional: l.liquidatedNotional,
    liquidation_slippage: l.liquidationSlippage,
    liquidation_fees: l.liquidationFees,
    liquidator_income: l.liquidatorIncome,
    trading_fees: l.tradingFees,
    returned_to_traders: l.returnedToTraders,
    deposits: l.deposits,
    counterparty_pnl: v.counterpartyPnl(v.mark),
    opens: l.opens,
    blocked_opens: sumInt(w.series.blockedOpens),
    rejected_opens: l.rejectedOpens,
    steps_halted: w.stepsHalted,
    interventions: w.events.interventions.length,
    max_open_interest: w.maxOpenInterest,
    final_open_interest: v.agg.openInterest(v.mark),
    partial_liquidations: l.partialLiquidations,
    bounties_from_fund: l.bountiesFromFund,
    adl_events: l.adlEvents,
    adl_notional: l.adlNotional,
    backstop_takeovers: l.backstopTakeovers,
    backstop_notional: l.backstopNotional,
    backstop_pnl: v.vaultEquity(v.mark),
    deleverages: l.deleverages,
    hedge_pnl: v.hedgePnl(w.spot),
    unrealized_bad_debt: openNegativeEquity(w),
    ...lendingSummary(w.lending),
    ...optionsSummary(w.options),
    ...crossSummary(w.cross, w.series.cross),
    ...attackerSummary(w),
    error: error ? `${error.message}${error.step !== undefined ? ` (step ${error.step})` : ''}` : null,
  };
}

/** Negative equity of the accounts still open at the end (traders' and the backstop vault's): bad debt not yet realised. */
function openNegativeEquity(w: World): number {
  const v = w.venue;
  const a = v.accounts;
  let s = 0;
  for (let i = 0; i < a.count; i++) {
    if (a.open[i] !== 1) continue;
    const e = v.equity(i, v.mark);
    if (e < 0) s -= e;
  }
  return s;
}

function sumInt(a: Int32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i];
  return s;
}

/** One run of a scenario under one policy and seed. */
export function runScenario(scenario: Scenario, opts: RunOptions): RunResult {
  const w = createWorld(scenario, opts);
  const { error, loopSeconds } = runWorld(w, opts.onStep);
  return { summary: summarize(w, error), series: w.series, events: w.events, interventions: w.events.interventions, ...(error ? { error } : {}), loopSeconds };
}
