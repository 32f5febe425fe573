// The perpetuals venue: isolated-margin accounts, liquidity (sqrt slippage, permanent impact), funding, liquidations.
import { AccountTable, Aggregates } from './accounts.js';
import type { EventLog } from './events.js';
import { TriggerIndex } from './trigger-index.js';
import type { UsdOrShare, VenueConfig } from './venue-config.js';

/** Liquidation capacity offered by liquidator agents this step, in the order they acted. */
export interface LiquidationOffers {
  n: number;
  agent: Int32Array;
  count: Float64Array;
  bounty: Float64Array;
}

/**
 * Smallest factor one trade may apply to the mark, and smallest fill as a share of the mark. The linear impact and
 * square-root slippage laws are calibrated for trades small against the depth; a trade large enough to push either
 * factor below this floor would otherwise send the price to zero or below. Never reached by the reference workload.
 */
const PRICE_FLOOR = 0.01;

/** Relative tolerance of the index pre-filter; the exact margin test decides. */
const INDEX_TOLERANCE = 1e-9;

export function resolveUsd(v: UsdOrShare, openInterest: number): number {
  return typeof v === 'number' ? v : v.openInterest * openInterest;
}

/**
 * Ledger of a run. Everything the venue holds or paid out is here, so that value is conserved:
 * trader equity (open) + returned to traders + insurance fund + trading fees + liquidator income + counterparty P&L
 * - uncovered bad debt = deposits (the insurance fund's seed counts as a deposit).
 */
export class Ledger {
  deposits = 0;
  insuranceFund = 0;
  insuranceFundInitial = 0;
  insuranceFundMin = 0;
  tradingFees = 0;
  liquidationFees = 0;
  liquidatorIncome = 0;
  returnedToTraders = 0;
  /** The counterparty's realised P&L (it takes the other side of every fill, and collects funding). */
  counterpartyRealised = 0;
  badDebt = 0;
  uncoveredBadDebt = 0;
  socializedLoss = 0;
  liquidations = 0;
  liquidatedNotional = 0;
  liquidationSlippage = 0;
  opens = 0;
  closes = 0;
  rejectedOpens = 0;
}

/**
 * An account's margin test is `equity < m * |q| * P` with equity = c + q (P - E) - q (F - F_i) - |q| (G - G_i)
 * (F: cumulative funding index, G: socialized-loss index). Solving for P, an account is liquidatable exactly when its
 * per-account key passes a level that depends only on market-wide values:
 *   long:  kL = E - F_i - G_i - c/q      liquidatable iff kL > P (1 - m) - F - G
 *   short: kS = E - F_i + G_i + c/|q|    liquidatable iff kS < P (1 + m) - F + G
 * The keys change only when the account trades, so two max-trees over account ids (longs: kL, shorts: -kS) find the
 * next liquidatable account in account order in O(log n), and funding, socialization or a policy changing m need no
 * rebuild. The exact margin test (same operation order as the reference workload) confirms every candidate.
 */
export class PerpVenue {
  readonly accounts: AccountTable;
  readonly agg = new Aggregates();
  readonly ledger = new Ledger();
  private readonly longs: TriggerIndex;
  private readonly shorts: TriggerIndex;

  mark: number;
  /** Cumulative funding paid per unit long (USD). */
  fundingIndex = 0;
  /** Cumulative socialized loss per unit of |size| (USD). */
  lossIndex = 0;
  /** Depth D (USD), fixed once the starting book is in. */
  depth = 0;
  readonly slippage: number;
  readonly impact: number;
  readonly liquidationFee: number;
  readonly tradingFee: number;
  readonly socialize: boolean;

  constructor(readonly cfg: VenueConfig, initialPrice: number, capacity: number) {
    this.accounts = new AccountTable(capacity);
    this.longs = new TriggerIndex(this.accounts.capacity);
    this.shorts = new TriggerIndex(this.accounts.capacity);
    this.mark = initialPrice;
    this.slippage = cfg.liquidity.slippage;
    this.impact = cfg.liquidity.impact;
    this.liquidationFee = cfg.liquidationFee;
    this.tradingFee = cfg.tradingFee;
    this.socialize = cfg.socializeLosses;
  }

  /** Adds a position of the starting book (no fee, no slippage, no impact). Keys are indexed by `finishSeeding`. */
  seed(owner: number, collateral: number, size: number, entry: number): number {
    const a = this.accounts;
    const i = a.allocate();
    a.collateral[i] = collateral;
    a.size[i] = size;
    a.entry[i] = entry;
    a.fundingIndex[i] = 0;
    a.lossIndex[i] = 0;
    a.open[i] = 1;
    a.owner[i] = owner;
    a.openedStep[i] = -1;
    this.agg.add(collateral, size, entry, 0, 0);
    this.ledger.deposits += collateral;
    return i;
  }

  /**
   * Closes the starting book: sizes depth and insurance fund from its open interest at entry prices (summed in
   * account order, as the reference workload does) and builds the trigger index in one O(n) pass.
   */
  finishSeeding(): void {
    const a = this.accounts;
    let oi = 0;
    for (let i = 0; i < a.count; i++) oi += Math.abs(a.size[i]) * a.entry[i];
    this.depth = resolveUsd(this.cfg.liquidity.depth, oi);
    if (!(this.depth > 0)) this.depth = Math.max(1e6, oi);
    const fund = resolveUsd(this.cfg.insuranceFund, oi);
    const l = this.ledger;
    l.insuranceFund = l.insuranceFundInitial = l.insuranceFundMin = fund;
    l.deposits += fund;
    this.longs.grow(a.capacity);
    this.shorts.grow(a.capacity);
    for (let i = 0; i < a.count; i++) this.setKey(i, true);
    this.longs.rebuild();
    this.shorts.rebuild();
  }

  /** Writes account i's trigger key (raw: without repairing the tree). */
  private setKey(i: number, raw: boolean): void {
    const a = this.accounts;
    const q = a.size[i];
    let kl = -Infinity;
    let ks = -Infinity;
    if (a.open[i] === 1 && q !== 0) {
      if (q > 0) kl = a.entry[i] - a.fundingIndex[i] - a.lossIndex[i] - a.collateral[i] / q;
      else ks = -(a.entry[i] - a.fundingIndex[i] + a.lossIndex[i] + a.collateral[i] / -q);
    }
    if (raw) {
      this.longs.setRaw(i, kl);
      this.shorts.setRaw(i, ks);
    } else {
      this.longs.set(i, kl);
      this.shorts.set(i, ks);
    }
  }

  /** Equity of account i at price p, funding and socialized losses included. */
  equity(i: number, p: number): number {
    const a = this.accounts;
    const q = a.size[i];
    return a.collateral[i] + q * (p - a.entry[i]) - q * (this.fundingIndex - a.fundingIndex[i]) - Math.abs(q) * (this.lossIndex - a.lossIndex[i]);
  }

  /** Execution price for a trade of `notional` USD in direction d (+1 buy, -1 sell) at mark p. */
  fillPrice(p: number, d: number, notional: number): number {
    const f = 1 + (d * this.slippage) * Math.sqrt(notional / this.depth);
    return p * (f > PRICE_FLOOR ? f : PRICE_FLOOR);
  }

  /** Permanent impact of a trade in direction d on the mark. */
  private applyImpact(d: number, notional: number): void {
    const f = 1 + ((d * this.impact) * notional) / this.depth;
    this.mark = this.mark * (f > PRICE_FLOOR ? f : PRICE_FLOOR);
  }

  /**
   * Opens a position through the venue's liquidity. Returns the account id, or -1 when the order is larger than the
   * venue's depth or the initial-margin check fails (after the fee and the immediate slippage loss, equity must
   * cover `imf` of the notional at the mark).
   */
  open(owner: number, side: number, collateral: number, leverage: number, imf: number, step: number): number {
    const p = this.mark;
    const n = collateral * leverage;
    if (!(n > 0 && n <= this.depth)) {
      this.ledger.rejectedOpens++;
      return -1;
    }
    const x = this.fillPrice(p, side, n);
    const q = (side * n) / x;
    const fee = this.tradingFee * n;
    const c = collateral - fee;
    if (!(c + q * (p - x) >= imf * Math.abs(q) * p)) {
      this.ledger.rejectedOpens++;
      return -1;
    }
    const a = this.accounts;
    const i = a.allocate();
    if (a.capacity > this.longs.capacity) {
      this.longs.grow(a.capacity);
      this.shorts.grow(a.capacity);
    }
    a.collateral[i] = c;
    a.size[i] = q;
    a.entry[i] = x;
    a.fundingIndex[i] = this.fundingIndex;
    a.lossIndex[i] = this.lossIndex;
    a.open[i] = 1;
    a.owner[i] = owner;
    a.openedStep[i] = step;
    this.agg.add(c, q, x, this.fundingIndex, this.lossIndex);
    const l = this.ledger;
    l.deposits += collateral;
    l.tradingFees += fee;
    l.opens++;
    this.setKey(i, false);
    this.applyImpact(side, n);
    return i;
  }

  /** Closes account i voluntarily at the mark with slippage; refuses (false) if it is not open or not solvent. */
  close(i: number): boolean {
    const a = this.accounts;
    if (a.open[i] !== 1) return false;
    const p = this.mark;
    const q = a.size[i];
    const aq = Math.abs(q);
    const s = q > 0 ? 1 : -1;
    const n = aq * p;
    const x = this.fillPrice(p, -s, n);
    const fee = this.tradingFee * aq * x;
    const accrued = q * (this.fundingIndex - a.fundingIndex[i]) + aq * (this.lossIndex - a.lossIndex[i]);
    const r = a.collateral[i] - accrued + q * (x - a.entry[i]) - fee;
    if (!(r >= 0)) return false;
    const l = this.ledger;
    l.tradingFees += fee;
    l.returnedToTraders += r;
    l.counterpartyRealised += -q * (x - a.entry[i]) + accrued;
    l.closes++;
    this.remove(i);
    this.applyImpact(-s, n);
    return true;
  }

  private remove(i: number): void {
    const a = this.accounts;
    this.agg.remove(a.collateral[i], a.size[i], a.entry[i], a.fundingIndex[i], a.lossIndex[i]);
    a.open[i] = 0;
    // an account has a key in one tree only (by side)
    if (a.size[i] > 0) this.longs.set(i, -Infinity);
    else this.shorts.set(i, -Infinity);
  }

  /**
   * One liquidation pass in account order (docs/architecture.md). Accounts are tested against the margin price of
   * the moment: with `marginPrice: mark`, each liquidation's impact is visible to accounts later in the pass, and
   * an earlier account made liquidatable by it waits for the next step. Up to `budget` accounts are liquidated;
   * the rest stay open and are counted as pending. Liquidations are handed to the liquidators' offers in order
   * (each offer: agent index, how many, bounty rate); with no offers object the venue liquidates (agent -1, no
   * bounty). Returns the number of liquidatable accounts left pending.
   */
  liquidationPass(
    m: number,
    useMark: boolean,
    oracle: number,
    budget: number,
    step: number,
    events: EventLog,
    offers: LiquidationOffers | null,
  ): number {
    let pm = useMark ? this.mark : oracle;
    let cursor = 0;
    let done = 0;
    let pending = 0;
    let offer = 0;
    let usedInOffer = 0;
    for (;;) {
      const i = this.nextCandidate(cursor, pm, m);
      if (i < 0) break;
      cursor = i + 1;
      if (!this.belowMaintenance(i, pm, m)) continue;
      if (done >= budget) {
        pending++;
        continue;
      }
      let liq = -1;
      let bountyRate = 0;
      if (offers !== null) {
        while (offer < offers.n && usedInOffer >= offers.count[offer]) {
          offer++;
          usedInOffer = 0;
        }
        if (offer === offers.n) {
          pending++;
          continue;
        }
        liq = offers.agent[offer];
        bountyRate = offers.bounty[offer];
        usedInOffer++;
      }
      done++;
      this.liquidate(i, liq, bountyRate, step, events);
      if (useMark) pm = this.mark;
    }
    return pending;
  }

  /** Smallest account id >= cursor that the index says may be below maintenance at margin price pm, or -1. */
  private nextCandidate(cursor: number, pm: number, m: number): number {
    const F = this.fundingIndex;
    const G = this.lossIndex;
    const tol = INDEX_TOLERANCE * Math.abs(pm);
    const il = this.longs.firstAbove(cursor, pm * (1 - m) - F - G - tol);
    const is = this.shorts.firstAbove(cursor, -(pm * (1 + m) - F + G + tol));
    return il < 0 ? is : is < 0 ? il : il < is ? il : is;
  }

  /** The exact margin test, in the reference operation order: c + q*(P - E) < (MM*|q|)*P (plus accruals). */
  private belowMaintenance(i: number, pm: number, m: number): boolean {
    const a = this.accounts;
    const q = a.size[i];
    const aq = Math.abs(q);
    return a.collateral[i] + q * (pm - a.entry[i]) - q * (this.fundingIndex - a.fundingIndex[i]) - aq * (this.lossIndex - a.lossIndex[i]) < (m * aq) * pm;
  }

  /**
   * Closes account i through the venue's liquidity at the mark (../shared/reference/benchmark.md step 2): fee to the
   * fund, bounty to the liquidator, bad debt to the fund and beyond it uncovered; then the permanent impact.
   */
  private liquidate(i: number, liq: number, bountyRate: number, step: number, events: EventLog): void {
    const a = this.accounts;
    const l = this.ledger;
    const D = this.depth;
    const q = a.size[i];
    const c = a.collateral[i];
    const e = a.entry[i];
    const aq = Math.abs(q);
    const accruedF = q * (this.fundingIndex - a.fundingIndex[i]);
    const accruedG = aq * (this.lossIndex - a.lossIndex[i]);
    const p = this.mark;
    const s = q > 0 ? 1 : -1;
    const n = aq * p;
    const r = Math.sqrt(n / D);
    const xf = 1 - (s * this.slippage) * r;
    const x = p * (xf > PRICE_FLOOR ? xf : PRICE_FLOOR);
    const slip = aq * Math.abs(p - x);
    const equity = c - accruedF - accruedG + q * (x - e);
    let paid = 0;
    let bounty = 0;
    let debt = 0;
    let uncovered = 0;
    if (equity >= 0) {
      const fee = (this.liquidationFee * aq) * x;
      paid = fee < equity ? fee : equity;
      l.insuranceFund += paid;
      const rest = equity - paid;
      if (bountyRate > 0) {
        const b = (bountyRate * aq) * x;
        bounty = b < rest ? b : rest;
      }
      l.liquidatorIncome += bounty;
      l.returnedToTraders += rest - bounty;
    } else {
      debt = -equity;
      if (l.insuranceFund >= debt) {
        l.insuranceFund -= debt;
      } else {
        uncovered = debt - l.insuranceFund;
        l.insuranceFund = 0;
      }
    }
    l.liquidationFees += paid;
    l.badDebt += debt;
    l.uncoveredBadDebt += uncovered;
    l.liquidationSlippage += slip;
    l.liquidatedNotional += n;
    l.liquidations++;
    l.counterpartyRealised += -q * (x - e) + accruedF + accruedG;
    if (l.insuranceFund < l.insuranceFundMin) l.insuranceFundMin = l.insuranceFund;
    this.remove(i);
    events.liquidation(step, i, liq, q, p, x, n, slip, paid, bounty, debt, uncovered);
    // permanent impact, visible to accounts later in this pass
    const pf = 1 - ((s * this.impact) * n) / D;
    this.mark = p * (pf > PRICE_FLOOR ? pf : PRICE_FLOOR);
    if (uncovered > 0 && this.socialize && this.agg.absSize > 0) {
      this.lossIndex += uncovered / this.agg.absSize;
      l.socializedLoss += uncovered;
    }
  }

  /** Pays funding: `rate` per unit of notional at the index price, longs pay shorts when positive. */
  applyFunding(rate: number, index: number): void {
    this.fundingIndex += rate * index;
  }

  /** Pulls the mark toward the spot by a share `k` of the log gap (arbitrage). */
  revert(spot: number, k: number): void {
    if (k > 0) this.mark = this.mark * Math.pow(spot / this.mark, k);
  }

  /** Counterparty P&L: realised, plus its mark-to-market at p, plus funding and socialized losses owed to it. */
  counterpartyPnl(p: number): number {
    return this.ledger.counterpartyRealised - this.agg.unrealised(p) + this.agg.fundingOwed(this.fundingIndex) + this.agg.lossOwed(this.lossIndex);
  }

  /** Equity of all open accounts at p, from the incremental aggregates. */
  openEquity(p: number): number {
    return this.agg.collateral + this.agg.unrealised(p) - this.agg.fundingOwed(this.fundingIndex) - this.agg.lossOwed(this.lossIndex);
  }
}
