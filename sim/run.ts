// One run: a pure function of (scenario, policy, seed). The step is the phase list below, applied in order.
import { agentKind } from '../agents/registry.js';
import { toErrorData, type ErrorData } from './errors.js';
import { EventLog, type Intervention } from './events.js';
import { INTENT_CLOSE, INTENT_LIQUIDATE, INTENT_OPEN, Intents } from './intents.js';
import { Market } from './market.js';
import { oracleAnswer } from './oracle.js';
import { PerpVenue, type LiquidationOffers } from './perp.js';
import { createPolicies, defenseName, resolvePolicy } from './policy-stack.js';
import { Streams, type Stream } from './rng.js';
import type { Scenario } from './scenario.js';
import { Series } from './series.js';
import type { Agent, Gate, LiquidationPlan, MarginFractions, Policy, PolicyEnv, RunView } from './types.js';

const SECONDS_PER_YEAR = 365 * 24 * 3600;

/** Everything one run holds. Implements the read-only RunView handed to agents and policies. */
export class World implements RunView {
  step = 0;
  readonly steps: number;
  readonly dt: number;
  readonly stepSeconds: number;
  spot: number;
  oracle: number;
  halted = 0;
  initialMargin: number;
  maintenanceMargin: number;
  readonly venue: PerpVenue;
  readonly series: Series;
  readonly events = new EventLog();
  readonly intents = new Intents();
  readonly market: Market;
  readonly agents: Agent[] = [];
  readonly agentStreams: Stream[] = [];
  readonly policies: Policy[];
  readonly schedule: Stream;
  /** Agent order of this step (shuffled each step). */
  readonly order: Int32Array;
  /** Liquidation capacity offered this step, in the order agents acted. */
  readonly offers: LiquidationOffers = { n: 0, agent: new Int32Array(4), count: new Float64Array(4), bounty: new Float64Array(4) };
  /** True when at least one liquidator agent exists: then only liquidators liquidate. */
  readonly hasLiquidators: boolean;
  premiumSum = 0;
  premiumSamples = 0;
  fundingRate = 0;
  blockedOpens = 0;
  stepsHalted = 0;
  maxOpenInterest = 0;
  minMark: number;

  constructor(readonly scenario: Scenario, readonly policyName: string, readonly seed: number, baseDir: string) {
    const s = scenario;
    this.steps = s.steps;
    this.stepSeconds = s.stepSeconds;
    this.dt = s.stepSeconds / SECONDS_PER_YEAR;
    const streams = new Streams(seed);
    this.market = new Market(s.market, s.steps, this.dt, streams.get('market'));
    this.schedule = streams.get('schedule');
    this.spot = s.market.initialPrice;
    this.oracle = s.market.initialPrice;
    this.minMark = s.market.initialPrice;
    this.series = new Series(s.steps);
    const initialAccounts = s.agents.reduce((n, a: any) => n + (a.kind === 'leveraged-traders' ? (a.count ?? 0) : 0), 0);
    this.venue = new PerpVenue(s.venue, s.market.initialPrice, initialAccounts + 1024);
    this.initialMargin = s.venue.initialMargin;
    this.maintenanceMargin = s.venue.maintenanceMargin;
    let liquidators = 0;
    s.agents.forEach((cfg, index) => {
      const kind = agentKind(cfg.kind)!;
      const name = cfg.name ?? cfg.kind;
      this.agents.push(kind.create(cfg, { index, name, baseDir }));
      this.agentStreams.push(streams.get(`agent:${name}`));
      if (cfg.kind === 'liquidator') liquidators++;
    });
    this.hasLiquidators = liquidators > 0;
    this.order = new Int32Array(this.agents.length);
    const defenses = resolvePolicy(s, policyName);
    this.policies = createPolicies(defenses, (name) => this.policyEnv(name));
    this.defenses = defenses;
    const book = {
      initialPrice: s.market.initialPrice,
      seed: (owner: number, collateral: number, size: number, entry: number) => this.venue.seed(owner, collateral, size, entry),
    };
    this.agents.forEach((a, i) => a.init?.(book, this.agentStreams[i]));
    this.venue.finishSeeding();
    this.events.reserve(this.venue.accounts.count + 1024);
  }

  readonly defenses: Scenario['defenses'];

  private policyEnv(name: string): PolicyEnv {
    return {
      name,
      dt: this.dt,
      stepSeconds: this.stepSeconds,
      log: (action, reason, value, threshold) => this.events.interventions.push({ step: this.step, policy: name, action, reason, value, threshold }),
    };
  }

  // RunView
  get mark(): number {
    return this.venue.mark;
  }
  get accounts() {
    return this.venue.accounts;
  }
  get openInterest(): number {
    return this.venue.agg.openInterest(this.venue.mark);
  }
  get insuranceFund(): number {
    return this.venue.ledger.insuranceFund;
  }
  oracleAt(s: number): number {
    return s === this.step ? this.oracle : this.series.oracle[s];
  }
  markAt(s: number): number {
    return this.series.mark[s];
  }
}

/** A phase of the step: a name (documented in docs/architecture.md) and a plain function over the world. */
export interface Phase {
  readonly name: string;
  run(w: World): void;
}

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
const plan: LiquidationPlan = { maxLiquidations: Infinity };

/** The step, as data. Order matters and is part of the model. */
export const PHASES: readonly Phase[] = [
  {
    // 1. exogenous price: diffusion then scripted shocks, each a multiplicative factor on spot and mark alike
    name: 'market',
    run(w) {
      const m = w.market;
      const v = w.venue;
      if (m.diffusive) {
        const f = m.diffusionFactor();
        w.spot = w.spot * f;
        v.mark = v.mark * f;
      }
      for (let j = 0; j < m.shockCount; j++) {
        const f = m.shockAt(j, w.step);
        if (f !== 1) {
          w.spot = w.spot * f;
          v.mark = v.mark * f;
        }
      }
      v.revert(w.spot, w.scenario.venue.liquidity.reversion);
      w.series.spot[w.step] = w.spot;
    },
  },
  {
    // 2. oracle answer, then each policy's validation in order (NaN = rejected: the last good price stays)
    name: 'oracle',
    run(w) {
      let p = oracleAnswer(w.scenario.oracle, w.series.spot, w.step);
      for (const pol of w.policies) if (pol.oracle) p = pol.oracle(w, p);
      if (Number.isFinite(p) && p > 0) w.oracle = p;
      w.series.oracle[w.step] = w.oracle;
    },
  },
  {
    // 3. pre-trade defenses: halts (any halt halts) and margin fractions (the strictest wins)
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
  },
  {
    // 4. agents act in a seeded shuffle; the venue applies their intents in that order
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
  },
  {
    // 5. margin and liquidation: one pass in account order (docs/architecture.md)
    name: 'margin',
    run(w) {
      let pending = 0;
      const l = w.venue.ledger;
      const count0 = l.liquidations;
      const notional0 = l.liquidatedNotional;
      if (w.halted === 2) {
        // full halt: nothing is liquidated, but the pass still counts the backlog
        pending = w.venue.liquidationPass(w.maintenanceMargin, w.scenario.venue.marginPrice === 'mark', w.oracle, 0, w.step, w.events, null);
      } else {
        plan.maxLiquidations = Infinity;
        for (const pol of w.policies) {
          if (pol.liquidation) {
            const before = plan.maxLiquidations;
            pol.liquidation(w, plan);
            if (plan.maxLiquidations > before) plan.maxLiquidations = before;
          }
        }
        let capacity = Infinity;
        if (w.hasLiquidators) {
          capacity = 0;
          for (let k = 0; k < w.offers.n; k++) capacity += w.offers.count[k];
        }
        const budget = Math.min(capacity, plan.maxLiquidations);
        pending = w.venue.liquidationPass(
          w.maintenanceMargin,
          w.scenario.venue.marginPrice === 'mark',
          w.oracle,
          budget,
          w.step,
          w.events,
          w.hasLiquidators ? w.offers : null,
        );
      }
      w.series.liquidations[w.step] = l.liquidations - count0;
      w.series.liquidatedNotional[w.step] = l.liquidatedNotional - notional0;
      w.series.pendingLiquidations[w.step] = pending;
    },
  },
  {
    // 6. settlement: premium sampling and funding payments at the end of each interval
    name: 'settlement',
    run(w) {
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
    },
  },
  {
    // 7. metrics: record the step, then let policies look at it
    name: 'metrics',
    run(w) {
      const t = w.step;
      const v = w.venue;
      const l = v.ledger;
      const s = w.series;
      if (!(v.mark > 0 && v.mark < Infinity)) throw new Error(`the mark price became ${v.mark}; check the liquidity parameters (depth, slippage, impact)`);
      const oi = v.agg.openInterest(v.mark);
      s.mark[t] = v.mark;
      s.openInterest[t] = oi;
      s.insuranceFund[t] = l.insuranceFund;
      s.badDebt[t] = l.badDebt;
      s.uncoveredBadDebt[t] = l.uncoveredBadDebt;
      s.fundingRate[t] = w.fundingRate;
      s.maintenanceMargin[t] = w.maintenanceMargin;
      s.openAccounts[t] = v.agg.openCount;
      s.blockedOpens[t] = w.blockedOpens;
      s.halted[t] = w.halted;
      if (oi > w.maxOpenInterest) w.maxOpenInterest = oi;
      if (v.mark < w.minMark) w.minMark = v.mark;
      for (const pol of w.policies) pol.afterStep?.(w);
    },
  },
];

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

/** Summary of one run: one row of the `runs` table. */
export interface RunSummary {
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
    parameters: JSON.stringify({ defenses: w.defenses.map((d) => ({ ...d, name: defenseName(d) })), venue: s.venue }),
    steps: s.steps,
    initial_accounts: v.accounts.count - l.opens,
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
    error: error ? `${error.message}${error.step !== undefined ? ` (step ${error.step})` : ''}` : null,
  };
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
