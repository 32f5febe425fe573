// The lending pool: an Aave v3-style pool (or Compound v3 absorb) lending USD against the venue asset. Positions in
// typed-array columns, a trigger index over health factors, fixed-spread liquidations or absorb + buyCollateral,
// interest through a borrow index. Formulas: ./math.ts; sources: ../shared/reference/mechanics.md section 3.
import type { EventLog } from '../events.js';
import { TriggerIndex } from '../trigger-index.js';
import type { LendingConfig } from './config.js';
import { LendingLedger, LoanTable, type LendingOffers, type LendingPlan } from './loans.js';
import { EVENT_LENDING_ABSORB, EVENT_LENDING_BUY, EVENT_LENDING_LIQUIDATION } from './events.js';
import { absorption, borrowRate, closeFactor, compoundedInterest, leavesNoDust, seizure, storeFrontPrice, supplyRate, type Absorption, type Seizure } from './math.js';

export { LendingLedger, LoanTable, type LendingOffers, type LendingPlan } from './loans.js';

/** Smallest factor one sale may apply to the spot, and smallest fill as a share of it (as in the perp venue). */
const PRICE_FLOOR = 0.01;
/** Relative tolerance of the index pre-filter; the exact health-factor test decides. */
const INDEX_TOLERANCE = 1e-9;

/** What agents and policies may read of the pool (RunView.lending). */
export interface LendingView {
  readonly config: LendingConfig;
  readonly loans: Readonly<LoanTable>;
  readonly ledger: Readonly<LendingLedger>;
  /** Cumulative borrow index (1 at the start): debt = scaledDebt * borrowIndex. */
  readonly borrowIndex: number;
  /** Total debt (USD). */
  readonly totalDebt: number;
  /** Collateral held by open positions (units). */
  readonly totalCollateral: number;
  /** Utilization: debt / (cash + debt). */
  readonly utilization: number;
  /** Annual borrow and supply rates in force (set at the last accrual). */
  readonly borrowRate: number;
  readonly supplyRate: number;
  /** Whether new borrows are allowed this step (policies and halts). */
  readonly borrowsAllowed: boolean;
  /** Debt of position i (USD). */
  debtOf(i: number): number;
  /** Health factor of position i at `price` (Infinity without debt). */
  healthFactorOf(i: number, price: number): number;
  /** USD position i can still borrow at `price` under its LTV (0 if none). */
  borrowCapacityOf(i: number, price: number): number;
}

/** Summary of the health factors of open positions with debt (computed by `healthStats`). */
export interface HealthStats {
  /** Positions with debt. */
  n: number;
  min: number;
  p1: number;
  p5: number;
  p50: number;
  /** Share of total debt held by positions with HF below 1.05. */
  debtBelow105: number;
}

/**
 * An account is liquidatable when collateral * P * LT < scaledDebt * borrowIndex, i.e. when its key
 * scaledDebt / (collateral * LT) exceeds the market-wide level P / borrowIndex (P: the validated oracle price). Keys
 * change only when the position changes, so a max-tree over position ids finds the next liquidatable position in
 * O(log n) and interest (the index) or the price moving needs no rebuild, exactly like the perp venue's index.
 */
export class LendingPool implements LendingView {
  readonly loans: LoanTable;
  readonly ledger: LendingLedger;
  private readonly keys: TriggerIndex;
  borrowIndex = 1;
  /** Sum of open positions' collateral (units) and scaled debt, kept incrementally. */
  totalCollateral = 0;
  totalScaled = 0;
  borrowRate = 0;
  supplyRate = 0;
  borrowsAllowed = true;
  /** The spot the last liquidation pass left (after its sales' impact). */
  spot = 0;
  /** Liquidations and pending positions of the last pass. */
  stepLiquidations = 0;
  stepPending = 0;
  /** Position created by each agent's latest SUPPLY to a new position this step (index agent; -1 none). */
  readonly lastOpened: Int32Array;
  private readonly lt: number;
  private readonly sz: Seizure = { debt: 0, seized: 0, protocolFee: 0, toLiquidator: 0 };
  private readonly ab: Absorption = { credit: 0, surplus: 0, shortfall: 0, reservesDelta: 0 };
  /** Per-offer use this step (scratch). */
  private usedCount = new Float64Array(4);
  private usedCapital = new Float64Array(4);
  /** Scratch for health-factor statistics. */
  private hfScratch = new Float64Array(0);
  /** Capacity offered by lending-liquidator agents this step (cleared in the defenses phase). */
  readonly offers: LendingOffers = { n: 0, agent: new Int32Array(4), count: new Float64Array(4), capital: new Float64Array(4), minProfit: new Float64Array(4) };
  /**
   * Without lending-liquidator agents, an implicit liquidator (agent -1) with unlimited capital and throughput takes
   * every liquidation that does not lose it money (the pool itself never liquidates in Aave or Compound).
   */
  readonly implicitOffers: LendingOffers = { n: 1, agent: Int32Array.of(-1), count: Float64Array.of(Infinity), capital: Float64Array.of(Infinity), minProfit: Float64Array.of(0) };
  /** This step's plan (policies' `lending` hooks, defenses phase). */
  readonly plan: LendingPlan;

  constructor(
    readonly config: LendingConfig,
    agents: number,
    /** True when the scenario has lending-liquidator agents: then only their offers liquidate. */
    readonly hasLiquidators = false,
    capacity = 1024,
  ) {
    this.plan = { liquidateBelow: 1, maxLiquidations: Infinity, borrowsAllowed: true, closeFactor: config.closeFactor };
    this.loans = new LoanTable(capacity);
    this.keys = new TriggerIndex(this.loans.capacity);
    this.ledger = new LendingLedger(agents);
    this.lastOpened = new Int32Array(Math.max(1, agents)).fill(-1);
    this.lt = config.collateral.liquidationThreshold;
    const l = this.ledger;
    l.lenderDeposits = l.lenderClaims = config.debt.supply;
    l.reserves = l.reservesInitial = l.reservesMin = config.reserves;
    l.cash = config.debt.supply + config.reserves;
    this.updateRates();
  }

  // ---- read-only view ----

  get totalDebt(): number {
    return this.totalScaled * this.borrowIndex;
  }

  get utilization(): number {
    const d = this.totalDebt;
    const total = this.ledger.cash + d;
    if (!(total > 0) || !(d > 0)) return 0;
    const u = d / total;
    return u > 1 ? 1 : u;
  }

  debtOf(i: number): number {
    return this.loans.scaledDebt[i] * this.borrowIndex;
  }

  healthFactorOf(i: number, price: number): number {
    const a = this.loans;
    const d = a.scaledDebt[i] * this.borrowIndex;
    return d > 0 ? (a.collateral[i] * price * this.lt) / d : Infinity;
  }

  borrowCapacityOf(i: number, price: number): number {
    const a = this.loans;
    if (a.open[i] !== 1) return 0;
    const room = a.collateral[i] * price * this.config.collateral.ltv - a.scaledDebt[i] * this.borrowIndex;
    return room > 0 ? room : 0;
  }

  // ---- index ----

  private setKey(i: number): void {
    const a = this.loans;
    let k = -Infinity;
    if (a.open[i] === 1 && a.scaledDebt[i] > 0) k = a.collateral[i] > 0 ? a.scaledDebt[i] / (a.collateral[i] * this.lt) : Infinity;
    this.keys.set(i, k);
  }

  private fitIndex(): void {
    if (this.loans.capacity > this.keys.capacity) this.keys.grow(this.loans.capacity);
  }

  /** Next position at or after id `lo` that may have HF < h at price p (index pre-filter), or -1. */
  nextCandidate(lo: number, p: number, h: number): number {
    return this.keys.firstAbove(lo, ((p / this.borrowIndex) / h) * (1 - INDEX_TOLERANCE));
  }

  /** Exact test, in Aave's form: collateral * P * LT / debt < h. */
  isLiquidatable(i: number, p: number, h: number): boolean {
    return this.loans.open[i] === 1 && this.healthFactorOf(i, p) < h;
  }

  private updateAgg(i: number, dc: number, ds: number): void {
    this.totalCollateral += dc;
    this.totalScaled += ds;
  }

  private closeIfEmpty(i: number): void {
    const a = this.loans;
    if (a.collateral[i] === 0 && a.scaledDebt[i] === 0 && a.open[i] === 1) {
      a.open[i] = 0;
      this.openCount--;
      if (this.openCount === 0) {
        // no rounding residue in the aggregates of an empty book
        this.totalCollateral = 0;
        this.totalScaled = 0;
      }
    }
  }

  /** Open positions. */
  openCount = 0;

  // ---- borrower actions (agents phase) ----

  /**
   * Deposits `units` of collateral into position `account` of `owner` (-1: a new position). Refused (-1) above the
   * supply cap. Returns the position id.
   */
  supply(owner: number, account: number, units: number, step: number): number {
    const a = this.loans;
    const l = this.ledger;
    if (!(units > 0)) return -1;
    const cap = this.config.collateral.supplyCap;
    if (cap !== undefined && this.totalCollateral + units > cap) {
      l.rejectedSupplies++;
      return -1;
    }
    let i = account;
    if (i < 0) {
      i = a.allocate();
      this.fitIndex();
      a.collateral[i] = 0;
      a.scaledDebt[i] = 0;
      a.owner[i] = owner;
      a.open[i] = 1;
      a.openedStep[i] = step;
      this.openCount++;
      if (owner >= 0 && owner < this.lastOpened.length) this.lastOpened[owner] = i;
    } else if (!(i < a.count) || a.owner[i] !== owner || a.open[i] !== 1) {
      l.rejectedSupplies++;
      return -1;
    }
    a.collateral[i] += units;
    this.updateAgg(i, units, 0);
    l.collateralDeposited += units;
    this.setKey(i);
    return i;
  }

  /**
   * Borrows `usd` against position i at oracle price p: refused when borrows are not allowed this step (counted as
   * blocked), or when the debt would exceed collateral * p * LTV, the borrow cap, or the pool's cash. Returns the
   * amount borrowed (0 if refused).
   */
  borrow(owner: number, i: number, usd: number, p: number): number {
    const a = this.loans;
    const l = this.ledger;
    if (!(usd > 0) || !(i >= 0 && i < a.count) || a.owner[i] !== owner || a.open[i] !== 1) return 0;
    if (!this.borrowsAllowed) {
      l.blockedBorrows++;
      return 0;
    }
    const debt = a.scaledDebt[i] * this.borrowIndex;
    const cap = this.config.debt.borrowCap;
    if (!(debt + usd <= a.collateral[i] * p * this.config.collateral.ltv) || (cap !== undefined && this.totalDebt + usd > cap) || !(usd <= l.cash)) {
      l.rejectedBorrows++;
      return 0;
    }
    const ds = usd / this.borrowIndex;
    a.scaledDebt[i] += ds;
    this.updateAgg(i, 0, ds);
    l.cash -= usd;
    l.borrowed += usd;
    l.borrows++;
    this.setKey(i);
    return usd;
  }

  /** Repays up to `usd` of position i's debt (always allowed). Returns the amount repaid. */
  repay(owner: number, i: number, usd: number): number {
    const a = this.loans;
    const l = this.ledger;
    if (!(usd > 0) || !(i >= 0 && i < a.count) || a.owner[i] !== owner || a.open[i] !== 1) return 0;
    const s = a.scaledDebt[i];
    if (!(s > 0)) return 0;
    const debt = s * this.borrowIndex;
    let paid = usd;
    if (paid >= debt) {
      paid = debt;
      a.scaledDebt[i] = 0;
      this.updateAgg(i, 0, -s);
    } else {
      const ds = paid / this.borrowIndex;
      a.scaledDebt[i] = s - ds;
      this.updateAgg(i, 0, -ds);
    }
    l.cash += paid;
    l.repaid += paid;
    this.setKey(i);
    this.closeIfEmpty(i);
    return paid;
  }

  // ---- interest (settlement phase) ----

  /** Borrow and supply rates from the current utilization (Aave updates them after every action). */
  updateRates(): void {
    const u = this.utilization;
    this.borrowRate = borrowRate(u, this.config.debt.rate);
    this.supplyRate = supplyRate(this.borrowRate, u, this.config.debt.reserveFactor);
  }

  /**
   * Accrues one step of interest at the rate in force: the borrow index grows by Aave's compounded factor; the
   * interest is split between lenders (1 - reserveFactor) and the reserves; then the rates are reset from the new
   * utilization.
   */
  accrue(seconds: number): void {
    const f = compoundedInterest(this.borrowRate, seconds);
    const i0 = this.borrowIndex;
    const i1 = i0 * f;
    const interest = this.totalScaled * (i1 - i0);
    this.borrowIndex = i1;
    const l = this.ledger;
    const toReserves = interest * this.config.debt.reserveFactor;
    l.interest += interest;
    l.interestToReserves += toReserves;
    l.interestToLenders += interest - toReserves;
    l.lenderClaims += interest - toReserves;
    l.reserves += toReserves;
    this.updateRates();
  }

  // ---- liquidations (margin phase) ----

  /** Execution price of selling `n` USD of collateral on the spot market at spot s (square-root slippage). */
  fillPrice(s: number, n: number): number {
    const q = this.config.liquidity;
    const f = 1 - q.slippage * Math.sqrt(n / q.depth);
    return s * (f > PRICE_FLOOR ? f : PRICE_FLOOR);
  }

  /**
   * A liquidator (agent id, -1 the implicit one) sells `units` on the spot market after paying `paid` USD for them
   * (worth `atOracle` at the oracle): books proceeds and the P&L decomposition, and applies the permanent impact.
   * Returns the sale's average price.
   */
  private sell(units: number, agent: number, oracle: number, paid: number, atOracle: number): number {
    const l = this.ledger;
    const s = this.spot;
    const n = units * s;
    const x = this.fillPrice(s, n);
    const proceeds = units * x;
    l.liquidatorProceeds += proceeds;
    l.liquidatorBonus += atOracle - paid;
    l.liquidatorOracleGap += units * (s - oracle);
    l.liquidatorSlippage += units * (s - x);
    l.collateralSold += units;
    l.soldNotional += n;
    l.pnlBy[agent + 1] += proceeds - paid;
    const q = this.config.liquidity;
    const f = 1 - (q.impact * n) / q.depth;
    this.spot = s * (f > PRICE_FLOOR ? f : PRICE_FLOOR);
    return x;
  }

  /** Adds a liquidator's offer for this step (agents phase). */
  offer(agent: number, count: number, capital: number, minProfit: number): void {
    const o = this.offers;
    if (o.n === o.agent.length) {
      const n = o.n * 2;
      const grow = <T extends Int32Array | Float64Array>(a: T, b: T): T => {
        b.set(a);
        return b;
      };
      o.agent = grow(o.agent, new Int32Array(n));
      o.count = grow(o.count, new Float64Array(n));
      o.capital = grow(o.capital, new Float64Array(n));
      o.minProfit = grow(o.minProfit, new Float64Array(n));
    }
    o.agent[o.n] = agent;
    o.count[o.n] = count;
    o.capital[o.n] = capital;
    o.minProfit[o.n] = minProfit;
    o.n++;
  }

  private prepareOffers(n: number): void {
    if (this.usedCount.length < n) {
      this.usedCount = new Float64Array(n * 2);
      this.usedCapital = new Float64Array(n * 2);
    }
    for (let k = 0; k < n; k++) {
      this.usedCount[k] = 0;
      this.usedCapital[k] = 0;
    }
  }

  /**
   * One liquidation pass at oracle price p with the spot at `spot`: positions with HF < plan.liquidateBelow in
   * ascending id (or largest debt first, `liquidationOrder: largest`), each at most once per step, handed to the first offer (in the order liquidators acted) that has
   * capacity and capital left and makes at least its minimum profit; in `absorb` mode the protocol absorbs them and
   * liquidators then buy collateral. `halted`: nothing is liquidated, the backlog is counted. Returns the positions
   * left pending. `this.spot` holds the spot after the sales' impact. With `events`, each liquidation, absorb and
   * collateral purchase is written to it at `step` (kinds in ./events.ts), in the order the pass makes them.
   */
  liquidationPass(p: number, spot: number, plan: LendingPlan, offers: LendingOffers, halted: boolean, events: EventLog | null = null, step = 0): number {
    this.spot = spot;
    this.events = events;
    this.step = step;
    this.stepLiquidations = 0;
    this.stepPending = 0;
    const h = plan.liquidateBelow;
    this.prepareOffers(offers.n);
    this.done = 0;
    this.pending = 0;
    if (this.config.liquidationOrder === 'account') {
      for (let i = this.nextCandidate(0, p, h); i >= 0; i = this.nextCandidate(i + 1, p, h)) {
        if (this.isLiquidatable(i, p, h)) this.visit(i, p, plan, offers, halted);
      }
    } else {
      // largest debt first (ties by id): gather the liquidatable positions through the index, then sort them
      let k = 0;
      for (let i = this.nextCandidate(0, p, h); i >= 0; i = this.nextCandidate(i + 1, p, h)) {
        if (!this.isLiquidatable(i, p, h)) continue;
        if (k === this.cand.length) {
          const c = new Int32Array(2 * k);
          c.set(this.cand);
          this.cand = c;
        }
        this.cand[k++] = i;
      }
      const sc = this.loans.scaledDebt;
      this.cand.subarray(0, k).sort((x, y) => sc[y] - sc[x] || x - y);
      for (let j = 0; j < k; j++) this.visit(this.cand[j], p, plan, offers, halted);
    }
    if (this.config.mode === 'absorb' && !halted) this.buyCollateral(p, offers);
    this.stepLiquidations = this.done;
    this.stepPending = this.pending;
    this.events = null;
    return this.pending;
  }

  /** Event log and step of the pass in progress (null: not logged). */
  private events: EventLog | null = null;
  private step = 0;

  /** The part of a bad debt the reserves did not cover: how far below zero it left them (lenders' loss), at most all of it. */
  private uncoveredOf(bad: number): number {
    const r = this.ledger.reserves;
    return bad > 0 && r < 0 ? (-r < bad ? -r : bad) : 0;
  }

  /** Liquidations and pending positions of the pass in progress. */
  private done = 0;
  private pending = 0;
  /** Candidates of a `largest`-order pass (scratch, grown when needed). */
  private cand = new Int32Array(64);

  /** One liquidatable position in the pass: liquidated (or absorbed), or left pending. */
  private visit(i: number, p: number, plan: LendingPlan, offers: LendingOffers, halted: boolean): void {
    if (!(this.loans.collateral[i] > 0)) {
      // nothing to seize (cannot arise through the pool's own actions): burn the debt as a deficit
      this.writeOff(i);
      return;
    }
    if (halted || this.done >= plan.maxLiquidations) {
      this.pending++;
      return;
    }
    const ok = this.config.mode === 'absorb' ? this.absorbOne(i, p, offers) : this.liquidateOne(i, p, plan, offers);
    if (ok) this.done++;
    else this.pending++;
  }

  /** Aave fixed-spread liquidation of position i by the first offer that takes it. */
  private liquidateOne(i: number, p: number, plan: LendingPlan, offers: LendingOffers): boolean {
    const a = this.loans;
    const c = a.collateral[i];
    const s0 = a.scaledDebt[i];
    const d = s0 * this.borrowIndex;
    const hf = (c * p * this.lt) / d;
    const rules = plan.closeFactor;
    const cf = closeFactor(hf, c * p, d, rules);
    const maxDebt = cf >= 1 ? d : d * cf;
    const cfg = this.config.collateral;
    const sz = this.sz;
    let tried = false;
    for (let k = 0; k < offers.n; k++) {
      if (this.usedCount[k] >= offers.count[k]) continue;
      const capital = offers.capital[k] - this.usedCapital[k];
      if (!(capital > 0)) continue;
      tried = true;
      const cover = maxDebt < capital ? maxDebt : capital;
      seizure(cover, c, p, cfg.liquidationBonus, cfg.protocolFee, sz);
      let allCollateral = sz.seized >= c;
      const allDebt = !allCollateral && cover === d;
      if (!allCollateral && !allDebt && !leavesNoDust(d - sz.debt, (c - sz.seized) * p, rules.minLeftover)) {
        // MustNotLeaveDust would revert: size down to the largest partial that leaves minLeftover of both
        const m = rules.minLeftover;
        let d2 = cover < d - m ? cover : d - m;
        const byCollateral = (c * p - m) / (1 + cfg.liquidationBonus);
        if (byCollateral < d2) d2 = byCollateral;
        d2 *= 1 - 1e-12; // stay clear of the threshold after rounding
        if (!(d2 > 0)) continue;
        seizure(d2, c, p, cfg.liquidationBonus, cfg.protocolFee, sz);
        allCollateral = sz.seized >= c;
        if (allCollateral || !leavesNoDust(d - sz.debt, (c - sz.seized) * p, m)) continue;
      }
      // the liquidator sells what it receives on the spot market; it acts only for its minimum profit
      const n = sz.toLiquidator * this.spot;
      const proceeds = sz.toLiquidator * this.fillPrice(this.spot, n);
      if (!(proceeds - sz.debt >= offers.minProfit[k])) continue;
      this.usedCount[k]++;
      this.usedCapital[k] += sz.debt;
      this.executeLiquidation(i, p, offers.agent[k], allCollateral, allDebt);
      return true;
    }
    if (tried) this.ledger.unprofitable++;
    return false;
  }

  /** Applies `this.sz` to position i: repay, seize, protocol fee, sale, bad-debt write-off if no collateral is left. */
  private executeLiquidation(i: number, p: number, agent: number, allCollateral: boolean, allDebt: boolean): void {
    const a = this.loans;
    const l = this.ledger;
    const sz = this.sz;
    const s0 = a.scaledDebt[i];
    const c = a.collateral[i];
    if (allDebt) {
      a.scaledDebt[i] = 0;
      this.updateAgg(i, 0, -s0);
    } else {
      const ds = sz.debt / this.borrowIndex;
      a.scaledDebt[i] = s0 - ds;
      this.updateAgg(i, 0, -ds);
    }
    if (allCollateral) {
      a.collateral[i] = 0;
      this.updateAgg(i, -c, 0);
    } else {
      a.collateral[i] = c - sz.seized;
      this.updateAgg(i, -sz.seized, 0);
    }
    l.cash += sz.debt;
    l.liquidatorRepaid += sz.debt;
    l.liquidatedDebt += sz.debt;
    l.collateralSeized += allCollateral ? c : sz.seized;
    l.collateralToLiquidators += sz.toLiquidator;
    l.treasuryCollateral += sz.protocolFee;
    l.protocolFees += sz.protocolFee * p;
    l.liquidations++;
    const s = this.spot;
    const x = this.sell(sz.toLiquidator, agent, p, sz.debt, sz.toLiquidator * p);
    const bad = a.collateral[i] === 0 && a.scaledDebt[i] > 0 ? this.writeOff(i) : 0;
    this.setKey(i);
    this.closeIfEmpty(i);
    const ev = this.events;
    if (ev !== null) {
      const u = sz.toLiquidator;
      ev.liquidation(this.step, i, agent, allCollateral ? c : sz.seized, p, x, sz.debt, u * (s - x), sz.protocolFee * p, u * p - sz.debt, bad, this.uncoveredOf(bad), EVENT_LENDING_LIQUIDATION);
    }
  }

  /** Aave v3.3: debt left on a position without collateral is burned and booked as a deficit of the reserve. Returns it. */
  private writeOff(i: number): number {
    const a = this.loans;
    const l = this.ledger;
    const s = a.scaledDebt[i];
    const d = s * this.borrowIndex;
    a.scaledDebt[i] = 0;
    this.updateAgg(i, 0, -s);
    l.debtWrittenOff += d;
    l.badDebt += d;
    l.reserves -= d;
    if (l.reserves < l.reservesMin) l.reservesMin = l.reserves;
    this.setKey(i);
    this.closeIfEmpty(i);
    return d;
  }

  /** Compound v3 absorb of position i (by the first offer with capacity; absorbing needs no capital). */
  private absorbOne(i: number, p: number, offers: LendingOffers): boolean {
    let k = 0;
    while (k < offers.n && this.usedCount[k] >= offers.count[k]) k++;
    if (k === offers.n) return false;
    this.usedCount[k]++;
    const a = this.loans;
    const l = this.ledger;
    const c = a.collateral[i];
    const s = a.scaledDebt[i];
    const d = s * this.borrowIndex;
    const ab = absorption(c, p, this.config.absorb.liquidationFactor, d, this.ab);
    a.collateral[i] = 0;
    a.scaledDebt[i] = 0;
    this.updateAgg(i, -c, -s);
    l.collateralAbsorbed += c;
    l.protocolCollateral += c;
    l.debtAbsorbed += d;
    l.absorbSurplus += ab.surplus;
    l.lenderClaims += ab.surplus;
    l.reserves += ab.reservesDelta;
    if (l.reserves < l.reservesMin) l.reservesMin = l.reserves;
    const uncovered = d - c * p;
    if (uncovered > 0) l.badDebt += uncovered;
    l.liquidatedDebt += d;
    l.absorbs++;
    l.liquidations++;
    this.setKey(i);
    this.closeIfEmpty(i);
    const ev = this.events;
    if (ev !== null) {
      const bad = uncovered > 0 ? uncovered : 0;
      ev.liquidation(this.step, i, offers.agent[k], c, p, p * this.config.absorb.liquidationFactor, d, 0, 0, 0, bad, this.uncoveredOf(bad), EVENT_LENDING_ABSORB);
    }
    return true;
  }

  /**
   * Comet.buyCollateral: while reserves are below target, each offer (in order) buys absorbed collateral at the
   * store-front price and sells it on the spot market, the amount that maximises its profit
   * u (S - Pd) - k S sqrt(u S / D) u  =>  u* = D (S - Pd)^2 / (2.25 k^2 S^3), within its capital and what is for sale.
   */
  private buyCollateral(p: number, offers: LendingOffers): void {
    const l = this.ledger;
    const cfg = this.config.absorb;
    const q = this.config.liquidity;
    const pd = storeFrontPrice(p, cfg.storeFrontPriceFactor, cfg.liquidationFactor);
    for (let k = 0; k < offers.n; k++) {
      if (!(l.protocolCollateral > 0)) return;
      if (l.reserves >= cfg.targetReserves) return; // NotForSale
      const capital = offers.capital[k] - this.usedCapital[k];
      if (!(capital > 0)) continue;
      const s = this.spot;
      if (!(s > pd)) continue;
      let u = q.slippage > 0 ? (q.depth * (s - pd) * (s - pd)) / (2.25 * q.slippage * q.slippage * s * s * s) : Infinity;
      if (u > l.protocolCollateral) u = l.protocolCollateral;
      if (u * pd > capital) u = capital / pd;
      if (!(u > 0)) continue;
      const proceeds = u * this.fillPrice(s, u * s);
      if (!(proceeds - u * pd >= offers.minProfit[k])) continue;
      const paid = u * pd;
      l.protocolCollateral = u >= l.protocolCollateral ? 0 : l.protocolCollateral - u;
      l.collateralBought += u;
      l.cash += paid;
      l.reserves += paid;
      l.buyProceeds += paid;
      l.liquidatorPaid += paid;
      l.buys++;
      this.usedCapital[k] += paid;
      const x = this.sell(u, offers.agent[k], p, paid, u * p);
      if (this.events !== null) this.events.liquidation(this.step, -1, offers.agent[k], u, p, x, paid, u * (s - x), 0, u * p - paid, 0, 0, EVENT_LENDING_BUY);
    }
  }

  // ---- statistics (metrics phase) ----

  /**
   * Health-factor distribution of positions with debt at price p: min, 1st, 5th and 50th percentiles (linear
   * interpolation between order statistics, numpy's default) and the share of debt below HF 1.05. O(n) by selection
   * on a scratch array, no sorting and no allocation once the scratch is sized.
   */
  healthStats(p: number, out: HealthStats): HealthStats {
    const a = this.loans;
    if (this.hfScratch.length < a.count) this.hfScratch = new Float64Array(a.capacity);
    const x = this.hfScratch;
    let n = 0;
    let min = Infinity;
    let debt = 0;
    let low = 0;
    const idx = this.borrowIndex;
    for (let i = 0; i < a.count; i++) {
      if (a.open[i] !== 1) continue;
      const d = a.scaledDebt[i] * idx;
      if (!(d > 0)) continue;
      const hf = (a.collateral[i] * p * this.lt) / d;
      x[n++] = hf;
      if (hf < min) min = hf;
      debt += d;
      if (hf < 1.05) low += d;
    }
    out.n = n;
    if (n === 0) {
      out.min = out.p1 = out.p5 = out.p50 = NaN;
      out.debtBelow105 = 0;
      return out;
    }
    out.min = min;
    out.p1 = quantile(x, n, 0.01, 0);
    out.p5 = quantile(x, n, 0.05, Math.floor(0.01 * (n - 1)));
    out.p50 = quantile(x, n, 0.5, Math.floor(0.05 * (n - 1)));
    out.debtBelow105 = debt > 0 ? low / debt : 0;
    return out;
  }
}

/**
 * q-quantile of x[0..n) with linear interpolation (h = (n - 1) q). Partially reorders x; `from` is a position below
 * which x is already partitioned (all <= everything after it), so successive calls with ascending q reuse the work.
 */
export function quantile(x: Float64Array, n: number, q: number, from: number): number {
  const h = (n - 1) * q;
  const k = Math.floor(h);
  select(x, from, n - 1, k);
  const lo = x[k];
  if (k + 1 >= n || h === k) return lo;
  let next = Infinity;
  for (let j = k + 1; j < n; j++) if (x[j] < next) next = x[j];
  return lo + (h - k) * (next - lo);
}

/** Hoare quickselect on x[left..right] (median-of-three pivot, deterministic): x[k] is the k-th smallest after it. */
function select(x: Float64Array, left: number, right: number, k: number): void {
  while (right > left) {
    const mid = (left + right) >> 1;
    // median of three as pivot
    const a = x[left];
    const b = x[mid];
    const c = x[right];
    const pivot = a < b ? (b < c ? b : a < c ? c : a) : a < c ? a : b < c ? c : b;
    let i = left;
    let j = right;
    while (i <= j) {
      while (x[i] < pivot) i++;
      while (x[j] > pivot) j--;
      if (i <= j) {
        const t = x[i];
        x[i] = x[j];
        x[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) right = j;
    else if (k >= i) left = i;
    else return;
  }
}
