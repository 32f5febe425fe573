// The options venue: European options on the venue asset, cash-settled at expiry; accounts as typed-array columns
// (N x S positions, USD cash, units of the underlying); standard or portfolio margin; liquidation; value conservation.
import type { EventLog } from '../events.js';
import { resolveStep } from '../market.js';
import { bsmGreeks, bsmPrice, greeks } from './black-scholes.js';
import { EVENT_OPTION_EXPIRY, EVENT_OPTION_LIQUIDATION, EVENT_OPTION_REDUCE } from './events.js';
import { resolveSeries, type OptionsConfig } from './config.js';
import {
  buildGrid,
  shortCallInitial,
  shortCallMaintenance,
  shortPutInitial,
  shortPutMaintenance,
  volFactor,
  volShockRule,
  type ScenarioGrid,
  type VolShockRule,
} from './margin.js';
import type { OptionAccountsView, OptionsBook, OptionsView } from './view.js';


const SECONDS_PER_DAY = 86400;

/** Options accounts as typed-array columns (struct of arrays); positions are a row-major N x S matrix. */
export class OptionAccounts implements OptionAccountsView {
  count = 0;
  capacity: number;
  cash: Float64Array;
  units: Float64Array;
  pos: Float64Array;
  owner: Int32Array;
  open: Uint8Array;
  openedStep: Int32Array;
  equity: Float64Array;
  maintenance: Float64Array;
  delta: Float64Array;
  gamma: Float64Array;
  vega: Float64Array;
  writer: Uint8Array;

  constructor(readonly series: number, capacity: number) {
    this.capacity = Math.max(16, capacity);
    const c = this.capacity;
    this.cash = new Float64Array(c);
    this.units = new Float64Array(c);
    this.pos = new Float64Array(c * series);
    this.owner = new Int32Array(c);
    this.open = new Uint8Array(c);
    this.openedStep = new Int32Array(c);
    this.equity = new Float64Array(c);
    this.maintenance = new Float64Array(c);
    this.delta = new Float64Array(c);
    this.gamma = new Float64Array(c);
    this.vega = new Float64Array(c);
    this.writer = new Uint8Array(c);
  }

  /** A new slot (ids are never reused), doubling the columns when full. */
  allocate(): number {
    if (this.count === this.capacity) this.grow(this.capacity * 2);
    return this.count++;
  }

  private grow(c: number): void {
    const f = (a: Float64Array, n: number): Float64Array => {
      const b = new Float64Array(n);
      b.set(a);
      return b;
    };
    const u8 = (a: Uint8Array): Uint8Array => {
      const b = new Uint8Array(c);
      b.set(a);
      return b;
    };
    const i32 = (a: Int32Array): Int32Array => {
      const b = new Int32Array(c);
      b.set(a);
      return b;
    };
    this.cash = f(this.cash, c);
    this.units = f(this.units, c);
    this.pos = f(this.pos, c * this.series);
    this.owner = i32(this.owner);
    this.open = u8(this.open);
    this.openedStep = i32(this.openedStep);
    this.equity = f(this.equity, c);
    this.maintenance = f(this.maintenance, c);
    this.delta = f(this.delta, c);
    this.gamma = f(this.gamma, c);
    this.vega = f(this.vega, c);
    this.writer = u8(this.writer);
    this.capacity = c;
  }
}

/**
 * Every flow of the options venue, so that value is conserved (docs/architecture.md, "Options venue"):
 *   open account equity + returned to traders + options insurance fund + trading fees + counterparty P&L
 *     - uncovered bad debt = deposits (traders' collateral + the fund's seed) + spot P&L of units held
 * where equity = cash + units * S + sum pos * mark, counterparty P&L = counterpartyCash - sum netPos * mark (it takes
 * the other side of every fill and settlement) and spot P&L = netUnits * S - spotPaid (units are bought and sold on
 * the spot market, outside the venue). test/sim/options/conservation.test.ts checks it every step.
 */
export class OptionsLedger {
  deposits = 0;
  insuranceFund = 0;
  insuranceFundInitial = 0;
  insuranceFundMin = 0;
  tradingFees = 0;
  liquidationFees = 0;
  returnedToTraders = 0;
  counterpartyCash = 0;
  /** Net cash paid to the spot market for units (purchases minus sales, costs included). */
  spotPaid = 0;
  badDebt = 0;
  uncoveredBadDebt = 0;
  liquidations = 0;
  /** Partial closes ordered by a policy. */
  reductions = 0;
  /** Spot hedges a policy forced on an account. */
  forcedHedges = 0;
  trades = 0;
  rejectedTrades = 0;
  blockedTrades = 0;
  /** Premium traded (|contracts| * price), USD. */
  premiumVolume = 0;
  /** The protocol's spot hedge (writer-delta-hedge): units held, cash account, costs paid. Outside the identity. */
  hedgeSize = 0;
  hedgeCash = 0;
  hedgeCosts = 0;
  /** Largest |net delta| and |net gamma| of the writers at the end of a step (USD terms). */
  peakWriterDelta = 0;
  peakWriterGamma = 0;
}

export interface OptionsEnv {
  initialPrice: number;
  steps: number;
  /** Step length in years. */
  dt: number;
  stepSeconds: number;
  /** Expected number of accounts (columns grow beyond it). */
  capacity: number;
}

/** Trade outcomes. */
export const TRADE_REJECTED = -1;
export const TRADE_BLOCKED = -2;

/**
 * European options on the venue asset, quoted in USD, one contract per unit of the underlying. Every step: implied
 * volatility moves (realised-volatility EWMA or fixed, times scripted shocks), expiring series are cash-settled at
 * intrinsic value, every live series is valued once (mark and Greeks by Black-Scholes-Merton at the index, per-contract
 * standard-margin rates, and its value under every portfolio-margin scenario), then accounts are margined with
 * multiply-adds over those per-series numbers: no Black-Scholes evaluation per account.
 */
export class OptionsVenue implements OptionsBook {
  readonly seriesCount: number;
  readonly seriesNames: string[];
  readonly isCall: Uint8Array;
  readonly strike: Float64Array;
  readonly expiry: Int32Array;
  readonly live: Uint8Array;
  readonly mark: Float64Array;
  readonly bid: Float64Array;
  readonly ask: Float64Array;
  readonly delta: Float64Array;
  readonly gamma: Float64Array;
  readonly vega: Float64Array;
  readonly theta: Float64Array;
  /** Standard margin per short contract this step. */
  readonly imRate: Float64Array;
  readonly mmRate: Float64Array;
  /** Portfolio margin: weighted value change per contract of series j in scenario k at [k * S + j]; units at [k]. */
  readonly scenario: Float64Array;
  readonly scenarioUnits: Float64Array;
  readonly grid: ScenarioGrid;
  readonly rule: VolShockRule;
  /** Traders' net contracts per series (the counterparty holds the opposite) and net units held. */
  readonly netPos: Float64Array;
  netUnits = 0;
  readonly accounts: OptionAccounts;
  readonly ledger = new OptionsLedger();
  readonly riskFreeRate: number;
  readonly dividendYield: number;
  readonly portfolio: boolean;
  iv: number;
  /** EWMA variance of the index's log returns, annualised. */
  variance: number;
  index: number;
  step = 0;
  writerDelta = 0;
  writerGamma = 0;
  writerVega = 0;
  /** Liquidations in the current step. */
  stepLiquidations = 0;

  private readonly lambda: number;
  private readonly shockAt: Int32Array;
  private readonly shockSteps: Int32Array;
  private readonly shockMult: Float64Array;
  private readonly g = greeks();
  private readonly row: Float64Array;
  private readonly nz: Int32Array;
  private readonly dt: number;
  private readonly daysPerStep: number;

  constructor(readonly cfg: OptionsConfig, readonly env: OptionsEnv) {
    const n = cfg.series.length;
    this.seriesCount = n;
    this.isCall = new Uint8Array(n);
    this.strike = new Float64Array(n);
    this.expiry = new Int32Array(n);
    this.live = new Uint8Array(n).fill(1);
    const resolved = resolveSeries(cfg, env.initialPrice, env.steps);
    this.seriesNames = resolved.names;
    cfg.series.forEach((s, j) => {
      this.isCall[j] = s.type === 'call' ? 1 : 0;
      this.strike[j] = resolved.strike[j];
      this.expiry[j] = resolved.expiry[j];
    });
    this.mark = new Float64Array(n);
    this.bid = new Float64Array(n);
    this.ask = new Float64Array(n);
    this.delta = new Float64Array(n);
    this.gamma = new Float64Array(n);
    this.vega = new Float64Array(n);
    this.theta = new Float64Array(n);
    this.imRate = new Float64Array(n);
    this.mmRate = new Float64Array(n);
    this.netPos = new Float64Array(n);
    this.row = new Float64Array(n);
    this.nz = new Int32Array(n);
    this.portfolio = cfg.margin === 'portfolio';
    this.grid = buildGrid(cfg.portfolio);
    this.rule = volShockRule(cfg.portfolio);
    this.scenario = new Float64Array(this.portfolio ? this.grid.count * n : 0);
    this.scenarioUnits = new Float64Array(this.portfolio ? this.grid.count : 0);
    this.accounts = new OptionAccounts(n, env.capacity);
    this.riskFreeRate = cfg.riskFreeRate;
    this.dividendYield = cfg.dividendYield;
    this.dt = env.dt;
    this.daysPerStep = env.stepSeconds / SECONDS_PER_DAY;
    const v = cfg.volatility;
    this.lambda = Math.pow(2, -1 / v.halfLifeSteps);
    this.variance = v.level * v.level;
    this.shockAt = Int32Array.from(v.shocks, (s) => resolveStep(s.at, env.steps));
    this.shockSteps = Int32Array.from(v.shocks, (s) => s.steps);
    this.shockMult = Float64Array.from(v.shocks, (s) => s.multiplier);
    this.index = env.initialPrice;
    this.iv = this.impliedVol(-1);
    const l = this.ledger;
    l.insuranceFund = l.insuranceFundInitial = l.insuranceFundMin = cfg.insuranceFund;
    l.deposits = cfg.insuranceFund;
    this.revalue(0);
  }

  // ---- volatility ----

  /** IV of the model (fixed level, or premium * EWMA realised volatility) times the scripted shocks, within [floor, cap]. */
  private impliedVol(t: number): number {
    const v = this.cfg.volatility;
    const s = (v.model === 'fixed' ? v.level : v.premium * Math.sqrt(this.variance)) * this.shockFactor(t);
    return s < v.floor ? v.floor : s > v.cap ? v.cap : s;
  }

  /** Product of the scripted shocks' factors at step t: multiplier^(steps elapsed / steps), capped at the total. */
  private shockFactor(t: number): number {
    let f = 1;
    for (let k = 0; k < this.shockAt.length; k++) {
      const done = t - this.shockAt[k] + 1;
      if (done <= 0) continue;
      const n = this.shockSteps[k];
      f *= done >= n ? this.shockMult[k] : Math.pow(this.shockMult[k], done / n);
    }
    return f;
  }

  // ---- the step ----

  /**
   * Start of step t (after the oracle): the EWMA takes the index's log return (RiskMetrics, J.P. Morgan 1996:
   * var = lambda var + (1 - lambda) r^2, here annualised by dt), IV is set, series expiring at t settle at intrinsic
   * value, and every live series is revalued at the index.
   */
  beginStep(t: number, index: number, events: EventLog): void {
    this.step = t;
    const r = Math.log(index / this.index);
    this.variance = this.lambda * this.variance + ((1 - this.lambda) * r * r) / this.dt;
    this.index = index;
    this.iv = this.impliedVol(t);
    this.stepLiquidations = 0;
    for (let j = 0; j < this.seriesCount; j++) if (this.live[j] === 1 && this.expiry[j] <= t) this.settle(j, t, events);
    this.revalue(t);
  }

  /** Years to expiry of series j at step t. */
  timeToExpiry(j: number, t: number): number {
    const steps = this.expiry[j] - t;
    return steps > 0 ? steps * this.dt : 0;
  }

  /** Values every live series once: mark, quotes, Greeks, standard-margin rates and the scenario matrix. */
  private revalue(t: number): void {
    const n = this.seriesCount;
    const S = this.index;
    const g = this.g;
    const r = this.riskFreeRate;
    const q = this.dividendYield;
    const tr = this.cfg.trading;
    const sc = this.cfg.standard;
    const grid = this.grid;
    for (let j = 0; j < n; j++) {
      if (this.live[j] === 0) {
        this.mark[j] = this.bid[j] = this.ask[j] = this.delta[j] = this.gamma[j] = this.vega[j] = this.theta[j] = 0;
        this.imRate[j] = this.mmRate[j] = 0;
        if (this.portfolio) for (let k = 0; k < grid.count; k++) this.scenario[k * n + j] = 0;
        continue;
      }
      const call = this.isCall[j] === 1;
      const K = this.strike[j];
      const T = this.timeToExpiry(j, t);
      bsmGreeks(call, S, K, T, r, q, this.iv, g);
      const m = g.price;
      this.mark[j] = m;
      this.delta[j] = g.delta;
      this.gamma[j] = g.gamma;
      this.vega[j] = g.vega;
      this.theta[j] = g.theta;
      const half = tr.spread * m + tr.minSpread * S;
      this.bid[j] = m > half ? m - half : 0;
      this.ask[j] = m + half;
      if (call) {
        this.imRate[j] = shortCallInitial(S, K, m, sc);
        this.mmRate[j] = shortCallMaintenance(S, K, m, sc);
      } else {
        this.imRate[j] = shortPutInitial(S, K, m, sc);
        this.mmRate[j] = shortPutMaintenance(S, K, m, sc);
      }
      if (this.portfolio) {
        const days = (this.expiry[j] - t) * this.daysPerStep;
        for (let k = 0; k < grid.count; k++) {
          const sigma = this.iv * volFactor(grid.vol[k], days, this.rule);
          const v = bsmPrice(call, S * (1 + grid.move[k]), K, T, r, q, sigma);
          this.scenario[k * n + j] = grid.weight[k] * (v - m);
        }
      }
    }
    if (this.portfolio) for (let k = 0; k < grid.count; k++) this.scenarioUnits[k] = grid.weight[k] * S * grid.move[k];
  }

  /** Cash settlement of series j at its intrinsic value at the index; accounts left without positions are closed. */
  private settle(j: number, t: number, events: EventLog): void {
    const S = this.index;
    const K = this.strike[j];
    const I = this.isCall[j] === 1 ? (S > K ? S - K : 0) : K > S ? K - S : 0;
    this.mark[j] = I;
    const a = this.accounts;
    const n = this.seriesCount;
    const l = this.ledger;
    for (let i = 0; i < a.count; i++) {
      const p = a.pos[i * n + j];
      if (p === 0 || a.open[i] !== 1) continue;
      a.cash[i] += p * I;
      l.counterpartyCash -= p * I;
      a.pos[i * n + j] = 0;
      if (!this.hasPositions(i)) this.closeAccount(i, t, events);
    }
    this.netPos[j] = 0;
    this.live[j] = 0;
  }

  private hasPositions(i: number): boolean {
    const n = this.seriesCount;
    const p = this.accounts.pos;
    for (let j = i * n, e = j + n; j < e; j++) if (p[j] !== 0) return true;
    return false;
  }

  /** Sells the units of account i on the spot market at the spot cost; returns the slippage paid. */
  private sellUnits(i: number): number {
    const a = this.accounts;
    const u = a.units[i];
    if (u === 0) return 0;
    const S = this.index;
    const c = this.cfg.trading.spotCost;
    const x = u > 0 ? S * (1 - c) : S * (1 + c);
    a.cash[i] += u * x;
    this.ledger.spotPaid -= u * x;
    this.netUnits -= u;
    a.units[i] = 0;
    return Math.abs(u) * S * c;
  }

  /** Closes an account without option positions: units sold, cash paid out, or bad debt (fund first, then uncovered). */
  private closeAccount(i: number, t: number, events: EventLog): void {
    const a = this.accounts;
    const slip = this.sellUnits(i);
    const r = a.cash[i];
    const l = this.ledger;
    if (r >= 0) l.returnedToTraders += r;
    else {
      const debt = -r;
      const uncovered = this.payBadDebt(debt);
      events.liquidation(t, i, -1, 0, this.index, this.index, 0, slip, 0, 0, debt, uncovered, EVENT_OPTION_EXPIRY);
    }
    a.cash[i] = 0;
    a.open[i] = 0;
    a.equity[i] = a.maintenance[i] = a.delta[i] = a.gamma[i] = a.vega[i] = 0;
    a.writer[i] = 0;
  }

  /** Books bad debt: the options insurance fund pays what it can; returns the uncovered part. */
  private payBadDebt(debt: number): number {
    const l = this.ledger;
    const cover = debt < l.insuranceFund ? debt : l.insuranceFund;
    l.insuranceFund -= cover;
    if (l.insuranceFund < l.insuranceFundMin) l.insuranceFundMin = l.insuranceFund;
    l.badDebt += debt;
    l.uncoveredBadDebt += debt - cover;
    return debt - cover;
  }

  // ---- margin ----

  /**
   * Requirement (USD) of a position row `p[off .. off + S)` with `u` units of the underlying.
   * Standard (Deribit, mechanics.md 2.1, USD-quoted): sum over short contracts of the per-contract IM or MM; longs need
   * their premium at IM ("premium only") and nothing at MM; units cover short calls pro rata (a covered call needs no
   * margin: units * S - call >= 0), units beyond that need deltaInitial / deltaMaintenance of their value.
   * Portfolio: worst weighted scenario loss over the grid (units move with the spot) plus `contingency * S` per short
   * contract; IM = imFactor * MM.
   */
  requirement(p: ArrayLike<number>, off: number, u: number, initial: boolean): number {
    const n = this.seriesCount;
    const S = this.index;
    if (!this.portfolio) {
      const c = this.cfg.standard;
      const rate = initial ? this.imRate : this.mmRate;
      let shortCalls = 0;
      let callReq = 0;
      let req = 0;
      for (let j = 0; j < n; j++) {
        const x = p[off + j];
        if (x < 0) {
          if (this.isCall[j] === 1) {
            shortCalls -= x;
            callReq -= x * rate[j];
          } else req -= x * rate[j];
        } else if (x > 0 && initial) req += x * this.mark[j];
      }
      let excess = u < 0 ? -u : u;
      if (u > 0 && shortCalls > 0) {
        const covered = u < shortCalls ? u : shortCalls;
        callReq *= 1 - covered / shortCalls;
        excess = u - covered;
      }
      return req + callReq + (initial ? c.deltaInitial : c.deltaMaintenance) * excess * S;
    }
    const pm = this.cfg.portfolio;
    const nz = this.nz;
    let m = 0;
    let shorts = 0;
    for (let j = 0; j < n; j++) {
      const x = p[off + j];
      if (x !== 0) {
        nz[m++] = j;
        if (x < 0) shorts -= x;
      }
    }
    const D = this.scenario;
    const Du = this.scenarioUnits;
    let worst = 0;
    for (let k = 0, kn = 0; k < this.grid.count; k++, kn += n) {
      let pnl = u * Du[k];
      for (let z = 0; z < m; z++) {
        const j = nz[z];
        pnl += p[off + j] * D[kn + j];
      }
      if (-pnl > worst) worst = -pnl;
    }
    const mm = worst + pm.contingency * shorts * S;
    return initial ? pm.imFactor * mm : mm;
  }

  /** Equity of a position row at the index and marks. */
  private rowEquity(p: ArrayLike<number>, off: number, cash: number, u: number): number {
    let e = cash + u * this.index;
    for (let j = 0; j < this.seriesCount; j++) {
      const x = p[off + j];
      if (x !== 0) e += x * this.mark[j];
    }
    return e;
  }

  /** Equity of account i (cash + units * S + sum pos * mark). */
  equityOf(i: number): number {
    const a = this.accounts;
    return this.rowEquity(a.pos, i * this.seriesCount, a.cash[i], a.units[i]);
  }

  /**
   * Writes account i's equity, maintenance requirement, USD Greeks and writer flag into its columns: one pass over its
   * row (standard margin inline, as in `requirement`; portfolio margin through `requirement`).
   */
  evaluate(i: number): void {
    const a = this.accounts;
    const n = this.seriesCount;
    const off = i * n;
    const S = this.index;
    const u = a.units[i];
    let e = a.cash[i] + u * S;
    let d = u;
    let g = 0;
    let v = 0;
    let writer = 0;
    let shortCalls = 0;
    let callReq = 0;
    let req = 0;
    const pos = a.pos;
    const mm = this.mmRate;
    for (let j = 0; j < n; j++) {
      const x = pos[off + j];
      if (x === 0) continue;
      e += x * this.mark[j];
      d += x * this.delta[j];
      g += x * this.gamma[j];
      v += x * this.vega[j];
      if (x < 0) {
        writer = 1;
        if (this.isCall[j] === 1) {
          shortCalls -= x;
          callReq -= x * mm[j];
        } else req -= x * mm[j];
      }
    }
    a.equity[i] = e;
    if (this.portfolio) a.maintenance[i] = this.requirement(pos, off, u, false);
    else {
      let excess = u < 0 ? -u : u;
      if (u > 0 && shortCalls > 0) {
        const covered = u < shortCalls ? u : shortCalls;
        callReq *= 1 - covered / shortCalls;
        excess = u - covered;
      }
      a.maintenance[i] = req + callReq + this.cfg.standard.deltaMaintenance * excess * S;
    }
    a.delta[i] = d * S;
    a.gamma[i] = (g * S * S) / 100;
    a.vega[i] = v / 100;
    a.writer[i] = writer;
  }

  /**
   * The options margin pass, in ascending account id: every open account is evaluated, and one whose equity is below
   * its maintenance requirement is liquidated (all positions closed). With `halted` = 2 (a full trading halt) nothing
   * is liquidated. Returns the number of liquidations.
   */
  marginPass(t: number, halted: number, events: EventLog): number {
    const a = this.accounts;
    let count = 0;
    for (let i = 0; i < a.count; i++) {
      if (a.open[i] !== 1) continue;
      this.evaluate(i);
      if (halted !== 2 && a.equity[i] < a.maintenance[i]) {
        this.liquidate(i, t, events);
        count++;
      }
    }
    this.stepLiquidations += count;
    return count;
  }

  /**
   * Liquidates account i: every option position is closed at mark -+ (liquidation.spread * mark + minSpread * S)
   * against the account, units are sold at the spot cost. Realised R = cash after the closes. R >= 0: the fee
   * min(liquidation.fee * value of the closed options, R) goes to the options insurance fund, the rest to the trader.
   * R < 0: bad debt -R, paid by the fund and then uncovered.
   */
  liquidate(i: number, t: number, events: EventLog): void {
    const a = this.accounts;
    const l = this.ledger;
    const n = this.seriesCount;
    const S = this.index;
    const spread = this.cfg.liquidation.spread;
    const minSpread = this.cfg.trading.minSpread;
    let slip = 0;
    let value = 0;
    let contracts = 0;
    let absContracts = 0;
    for (let j = 0, off = i * n; j < n; j++) {
      const p = a.pos[off + j];
      if (p === 0) continue;
      const m = this.mark[j];
      const half = spread * m + minSpread * S;
      const x = p > 0 ? (m > half ? m - half : 0) : m + half;
      a.cash[i] += p * x;
      l.counterpartyCash -= p * x;
      this.netPos[j] -= p;
      a.pos[off + j] = 0;
      const ap = p < 0 ? -p : p;
      slip += ap * (x > m ? x - m : m - x);
      value += ap * x;
      contracts += p;
      absContracts += ap;
    }
    slip += this.sellUnits(i);
    let r = a.cash[i];
    let fee = 0;
    let debt = 0;
    let uncovered = 0;
    if (r >= 0) {
      const f = this.cfg.liquidation.fee * value;
      fee = f < r ? f : r;
      l.insuranceFund += fee;
      l.liquidationFees += fee;
      r -= fee;
      l.returnedToTraders += r;
    } else {
      debt = -r;
      uncovered = this.payBadDebt(debt);
    }
    a.cash[i] = 0;
    a.open[i] = 0;
    a.equity[i] = a.maintenance[i] = a.delta[i] = a.gamma[i] = a.vega[i] = 0;
    a.writer[i] = 0;
    l.liquidations++;
    events.liquidation(t, i, -1, contracts, S, absContracts > 0 ? value / absContracts : 0, absContracts * S, slip, fee, 0, debt, uncovered, EVENT_OPTION_LIQUIDATION);
  }

  /** Sums the writers' Greeks (USD terms) from the accounts' columns and updates the peaks. */
  aggregateWriters(): void {
    const a = this.accounts;
    let d = 0;
    let g = 0;
    let v = 0;
    for (let i = 0; i < a.count; i++) {
      if (a.open[i] !== 1 || a.writer[i] !== 1) continue;
      d += a.delta[i];
      g += a.gamma[i];
      v += a.vega[i];
    }
    this.writerDelta = d;
    this.writerGamma = g;
    this.writerVega = v;
    const l = this.ledger;
    if (Math.abs(d) > l.peakWriterDelta) l.peakWriterDelta = Math.abs(d);
    if (Math.abs(g) > l.peakWriterGamma) l.peakWriterGamma = Math.abs(g);
  }

  // ---- trading ----

  /** Fee of a trade of |c| contracts at price x: min(fee * S, feeCap * x) per contract (Deribit's option fee rule). */
  private fee(c: number, x: number): number {
    const tr = this.cfg.trading;
    const a = tr.fee * this.index;
    const b = tr.feeCap * x;
    return (c < 0 ? -c : c) * (a < b ? a : b);
  }

  /**
   * Trades `contracts` (+ buy, - sell) of series j for agent `owner` in account `account` (-1: a new account),
   * depositing `collateral` USD first, at the venue's ask (buy) or bid (sell) with the trading fee. `limit`: the worst
   * acceptable price per contract (NaN: none). `covered`: a sale of calls also buys as many units of the underlying on
   * the spot market. Accepted when equity afterwards covers the initial requirement, or when the trade lowers the
   * requirement and leaves equity >= 0. With `halted` = 1 trades that raise the initial requirement are blocked, with
   * 2 every trade. Returns the account id, TRADE_REJECTED or TRADE_BLOCKED.
   */
  trade(owner: number, account: number, j: number, contracts: number, collateral: number, limit: number, covered: boolean, halted: number): number {
    const a = this.accounts;
    const l = this.ledger;
    const n = this.seriesCount;
    const fresh = account < 0;
    if (
      !(j >= 0 && j < n && this.live[j] === 1 && this.expiry[j] > this.step) ||
      !(Number.isFinite(contracts) && contracts !== 0) ||
      !(collateral >= 0 && collateral < Infinity) ||
      (!fresh && !(account < a.count && a.open[account] === 1 && a.owner[account] === owner))
    ) {
      l.rejectedTrades++;
      return TRADE_REJECTED;
    }
    if (halted === 2) {
      l.blockedTrades++;
      return TRADE_BLOCKED;
    }
    const x = contracts > 0 ? this.ask[j] : this.bid[j];
    if (!(x > 0) || (limit === limit && (contracts > 0 ? x > limit : x < limit))) {
      l.rejectedTrades++;
      return TRADE_REJECTED;
    }
    const row = this.row;
    if (fresh) row.fill(0);
    else for (let k = 0; k < n; k++) row[k] = a.pos[account * n + k];
    const cash0 = fresh ? 0 : a.cash[account];
    const u0 = fresh ? 0 : a.units[account];
    const imBefore = fresh ? 0 : this.requirement(row, 0, u0, true);
    const S = this.index;
    const du = covered && contracts < 0 && this.isCall[j] === 1 ? -contracts : 0;
    const xu = S * (1 + this.cfg.trading.spotCost);
    const fee = this.fee(contracts, x);
    row[j] += contracts;
    const cash1 = cash0 + collateral - contracts * x - fee - du * xu;
    const u1 = u0 + du;
    const imAfter = this.requirement(row, 0, u1, true);
    const eqAfter = this.rowEquity(row, 0, cash1, u1);
    if (halted === 1 && imAfter > imBefore) {
      l.blockedTrades++;
      return TRADE_BLOCKED;
    }
    if (!(eqAfter >= imAfter || (imAfter <= imBefore && eqAfter >= 0))) {
      l.rejectedTrades++;
      return TRADE_REJECTED;
    }
    const i = fresh ? a.allocate() : account;
    if (fresh) {
      a.pos.fill(0, i * n, i * n + n);
      a.owner[i] = owner;
      a.open[i] = 1;
      a.openedStep[i] = this.step;
      a.units[i] = 0;
    }
    a.pos[i * n + j] = row[j];
    a.cash[i] = cash1;
    a.units[i] = u1;
    this.netPos[j] += contracts;
    this.netUnits += du;
    l.deposits += collateral;
    l.counterpartyCash += contracts * x;
    l.tradingFees += fee;
    l.spotPaid += du * xu;
    l.trades++;
    l.premiumVolume += (contracts < 0 ? -contracts : contracts) * x;
    if (!this.hasPositions(i) && a.units[i] === 0) this.closeAccountQuiet(i);
    return i;
  }

  /** Closes an emptied account after a voluntary trade (its cash is >= 0 by the trade check). */
  private closeAccountQuiet(i: number): void {
    const a = this.accounts;
    this.ledger.returnedToTraders += a.cash[i];
    a.cash[i] = 0;
    a.open[i] = 0;
    a.writer[i] = 0;
  }

  /**
   * Closes `fraction` of every option position of account i and of its units at the venue's quotes with the trading
   * fee (a policy's partial liquidation). Refused (false) when the account is not open or would be left with
   * negative equity. The account is closed when nothing is left.
   */
  reduce(i: number, fraction: number, events: EventLog): boolean {
    const a = this.accounts;
    if (!(i >= 0 && i < a.count && a.open[i] === 1 && fraction > 0)) return false;
    const f = fraction >= 1 ? 1 : fraction;
    const n = this.seriesCount;
    const off = i * n;
    const S = this.index;
    const sc = this.cfg.trading.spotCost;
    // hypothetical first: equity afterwards must stay >= 0
    let cash = a.cash[i];
    let fees = 0;
    let after = 0;
    for (let j = 0; j < n; j++) {
      const p = a.pos[off + j];
      if (p === 0) continue;
      const d = f === 1 ? -p : -f * p;
      const x = d > 0 ? this.ask[j] : this.bid[j];
      const fee = this.fee(d, x);
      cash -= d * x + fee;
      fees += fee;
      after += (p + d) * this.mark[j];
    }
    const u = a.units[i];
    const du = f === 1 ? -u : -f * u;
    const xu = du > 0 ? S * (1 + sc) : S * (1 - sc);
    cash -= du * xu;
    if (!(cash + (u + du) * S + after >= 0)) return false;
    const l = this.ledger;
    let contracts = 0;
    let absContracts = 0;
    let value = 0;
    let slip = 0;
    for (let j = 0; j < n; j++) {
      const p = a.pos[off + j];
      if (p === 0) continue;
      const d = f === 1 ? -p : -f * p;
      const x = d > 0 ? this.ask[j] : this.bid[j];
      a.pos[off + j] = f === 1 ? 0 : p + d;
      this.netPos[j] += d;
      l.counterpartyCash += d * x;
      const ad = d < 0 ? -d : d;
      contracts += d;
      absContracts += ad;
      value += ad * x;
      slip += ad * Math.abs(x - this.mark[j]);
    }
    a.units[i] = f === 1 ? 0 : u + du;
    this.netUnits += du;
    l.spotPaid += du * xu;
    slip += (du < 0 ? -du : du) * S * sc;
    a.cash[i] = cash;
    l.tradingFees += fees;
    l.reductions++;
    events.liquidation(this.step, i, -1, contracts, S, absContracts > 0 ? value / absContracts : 0, absContracts * S, slip, fees, 0, 0, 0, EVENT_OPTION_REDUCE);
    if (!this.hasPositions(i)) this.closeAccount(i, this.step, events);
    else this.evaluate(i);
    return true;
  }

  /** Forced hedge: buys (+) or sells (-) `units` of the underlying for account i at the spot cost; false if refused. */
  hedgeAccount(i: number, units: number): boolean {
    const a = this.accounts;
    if (!(i >= 0 && i < a.count && a.open[i] === 1 && Number.isFinite(units) && units !== 0)) return false;
    const S = this.index;
    const x = units > 0 ? S * (1 + this.cfg.trading.spotCost) : S * (1 - this.cfg.trading.spotCost);
    if (!(this.equityOf(i) - units * (x - S) >= 0)) return false;
    a.cash[i] -= units * x;
    a.units[i] += units;
    this.netUnits += units;
    this.ledger.spotPaid += units * x;
    this.ledger.forcedHedges++;
    this.evaluate(i);
    return true;
  }

  /** Sets the protocol's spot hedge to `units`, paying `cost` of the traded notional (reported apart from the ledger). */
  protocolHedge(units: number, cost: number): void {
    const l = this.ledger;
    const d = units - l.hedgeSize;
    if (d === 0 || !Number.isFinite(units)) return;
    const fee = Math.abs(d) * this.index * cost;
    l.hedgeCash -= d * this.index + fee;
    l.hedgeCosts += fee;
    l.hedgeSize = units;
  }

  /** The protocol hedge's P&L at the index. */
  get hedgePnl(): number {
    return this.ledger.hedgeCash + this.ledger.hedgeSize * this.index;
  }

  // ---- aggregates for the conservation identity ----

  /** Equity of all open accounts (a scan). */
  openEquity(): number {
    const a = this.accounts;
    let e = 0;
    for (let i = 0; i < a.count; i++) if (a.open[i] === 1) e += this.equityOf(i);
    return e;
  }

  /** The counterparty's P&L: its cash from fills and settlements, less the traders' net positions at the marks. */
  counterpartyPnl(): number {
    let v = this.ledger.counterpartyCash;
    for (let j = 0; j < this.seriesCount; j++) v -= this.netPos[j] * this.mark[j];
    return v;
  }

  /** What the units held gained or lost on the spot market (outside the venue). */
  spotPnl(): number {
    return this.netUnits * this.index - this.ledger.spotPaid;
  }

  // ---- OptionsView / OptionsBook ----

  get insuranceFund(): number {
    return this.ledger.insuranceFund;
  }

  seriesIndex(name: string): number {
    return this.seriesNames.indexOf(name);
  }

  initialFor(j: number, contracts: number, units = 0): number {
    const row = this.row;
    row.fill(0);
    row[j] = contracts;
    return this.requirement(row, 0, units, true);
  }

  seedAccount(owner: number, collateral: number): number {
    const a = this.accounts;
    const i = a.allocate();
    a.pos.fill(0, i * this.seriesCount, (i + 1) * this.seriesCount);
    a.cash[i] = collateral;
    a.units[i] = 0;
    a.owner[i] = owner;
    a.open[i] = 1;
    a.openedStep[i] = -1;
    this.ledger.deposits += collateral;
    return i;
  }

  seedPosition(i: number, j: number, contracts: number): void {
    const a = this.accounts;
    const x = this.mark[j];
    a.pos[i * this.seriesCount + j] += contracts;
    a.cash[i] -= contracts * x;
    this.netPos[j] += contracts;
    this.ledger.counterpartyCash += contracts * x;
  }

  seedUnits(i: number, units: number): void {
    const x = this.env.initialPrice;
    this.accounts.cash[i] -= units * x;
    this.accounts.units[i] += units;
    this.netUnits += units;
    this.ledger.spotPaid += units * x;
  }

  /** After the starting book: every account evaluated, the writers' Greeks summed. */
  finishSeeding(): void {
    for (let i = 0; i < this.accounts.count; i++) this.evaluate(i);
    this.aggregateWriters();
  }
}
