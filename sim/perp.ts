// The perpetuals venue: isolated-margin accounts, liquidity (sqrt slippage, permanent impact), funding, liquidations.
import { AccountTable, Aggregates } from './accounts.js';
import { Ledger, VAULT_OWNER } from './ledger.js';
import type { EventLog } from './events.js';
import { TriggerIndex } from './trigger-index.js';
import type { LiquidationPlan, MarginTier } from './types.js';
import type { UsdOrShare, VenueConfig } from './venue-config.js';

export { Ledger, VAULT_OWNER } from './ledger.js';

/** Liquidation capacity offered by liquidator agents this step, in the order they acted. */
export interface LiquidationOffers {
  n: number;
  agent: Int32Array;
  count: Float64Array;
  bounty: Float64Array;
  /** Smallest reward (USD) for which the liquidator acts: its gas cost plus its minimum profit. */
  minReward: Float64Array;
  /** Steps an account must have been liquidatable before this liquidator can act on it (its latency; absent = 0). */
  latency?: Int32Array;
  /** Notional (USD at the mark) the liquidator can still close this step (its capital; absent = no limit). */
  capital?: Float64Array;
  /** Liquidations the liquidator executed this step (counted by the pass when present). */
  used?: Int32Array;
  /** Gas price (USD per liquidation) when the offer was made. */
  gas?: Float64Array;
}

/** Kinds of entries in the liquidation event columns. */
export const EVENT_LIQUIDATION = 0;
export const EVENT_PARTIAL = 1;
export const EVENT_ADL = 2;
export const EVENT_BACKSTOP = 3;
export const EVENT_DELEVERAGE = 4;
export const EVENT_UNWIND = 5;

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
  readonly ledger: Ledger;
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
  /**
   * `venue.fillPrice: oracle` (GMX-style): opens and voluntary closes fill at the oracle price `index` plus or minus
   * `spread`, without book slippage or impact on the mark. Default `book`: fills through the book at the mark.
   */
  readonly oracleFills: boolean;
  readonly spread: number;
  /** The oracle price oracle fills use this step (set by the engine before intents are applied). */
  index = NaN;

  /** Margin tiers in force this step (from policies): notional lower bound, rate and deduction (continuous). */
  private tierFrom = new Float64Array(0);
  private tierMM = new Float64Array(0);
  private tierMMDed = new Float64Array(0);
  private tierIM = new Float64Array(0);
  private tierIMDed = new Float64Array(0);
  private tierCount = 0;
  /** Largest maintenance fraction any position can face this step (bounds the index pre-filter). */
  private mMax = 0;
  /** The backstop vault's long and short accounts (-1 until first used). */
  private vaultLong = -1;
  private vaultShort = -1;

  constructor(readonly cfg: VenueConfig, initialPrice: number, capacity: number, owners = 0) {
    this.ledger = new Ledger(owners);
    this.accounts = new AccountTable(capacity);
    this.longs = new TriggerIndex(this.accounts.capacity);
    this.shorts = new TriggerIndex(this.accounts.capacity);
    this.mark = initialPrice;
    this.slippage = cfg.liquidity.slippage;
    this.impact = cfg.liquidity.impact;
    this.liquidationFee = cfg.liquidationFee;
    this.tradingFee = cfg.tradingFee;
    this.socialize = cfg.socializeLosses;
    this.oracleFills = cfg.fillPrice === 'oracle';
    this.spread = cfg.fillSpread ?? 0.001;
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
    this.ledger.depositedBy[owner + 2] += collateral;
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

  /** Writes account i's trigger key (raw: without repairing the tree). The vault's accounts are never indexed. */
  private setKey(i: number, raw: boolean): void {
    const a = this.accounts;
    const q = a.size[i];
    let kl = -Infinity;
    let ks = -Infinity;
    if (a.open[i] === 1 && q !== 0 && a.owner[i] !== VAULT_OWNER) {
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

  /**
   * Sets this step's margin tiers (empty: flat fractions only). Deductions make the requirement continuous in
   * notional: deduction(k) = deduction(k-1) + from(k) * (rate(k) - rate(k-1)), with the flat fraction as tier 0
   * (Hyperliquid, mechanics.md 1.1).
   */
  setTiers(tiers: readonly MarginTier[], mm: number, im: number): void {
    const n = tiers.length;
    if (this.tierFrom.length < n + 1) {
      this.tierFrom = new Float64Array(n + 1);
      this.tierMM = new Float64Array(n + 1);
      this.tierMMDed = new Float64Array(n + 1);
      this.tierIM = new Float64Array(n + 1);
      this.tierIMDed = new Float64Array(n + 1);
    }
    this.mMax = mm;
    if (n === 0) {
      this.tierCount = 0;
      return;
    }
    this.tierFrom[0] = 0;
    this.tierMM[0] = mm;
    this.tierIM[0] = im;
    this.tierMMDed[0] = 0;
    this.tierIMDed[0] = 0;
    for (let k = 0; k < n; k++) {
      const t = tiers[k];
      const rm = t.maintenance > this.tierMM[k] ? t.maintenance : this.tierMM[k];
      const ri = t.initial > this.tierIM[k] ? t.initial : this.tierIM[k];
      this.tierFrom[k + 1] = t.from;
      this.tierMM[k + 1] = rm;
      this.tierIM[k + 1] = ri;
      this.tierMMDed[k + 1] = this.tierMMDed[k] + t.from * (rm - this.tierMM[k]);
      this.tierIMDed[k + 1] = this.tierIMDed[k] + t.from * (ri - this.tierIM[k]);
      if (rm > this.mMax) this.mMax = rm;
    }
    this.tierCount = n + 1;
  }

  /** Maintenance requirement (USD) of a position of |size| aq at price p under flat fraction m and the tiers. */
  maintenanceRequirement(aq: number, p: number, m: number): number {
    const flat = (m * aq) * p; // the reference operation order
    if (this.tierCount === 0) return flat;
    const n = aq * p;
    let k = this.tierCount - 1;
    while (k > 0 && !(n > this.tierFrom[k])) k--;
    const tiered = n * this.tierMM[k] - this.tierMMDed[k];
    return tiered > flat ? tiered : flat;
  }

  /** Initial requirement (USD) of a position of notional n under flat fraction imf and the tiers. */
  initialRequirement(n: number, imf: number): number {
    const flat = imf * n;
    if (this.tierCount === 0) return flat;
    let k = this.tierCount - 1;
    while (k > 0 && !(n > this.tierFrom[k])) k--;
    const tiered = n * this.tierIM[k] - this.tierIMDed[k];
    return tiered > flat ? tiered : flat;
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
   * cover the initial requirement of the notional at the mark).
   */
  open(owner: number, side: number, collateral: number, leverage: number, imf: number, step: number): number {
    const p = this.oracleFills ? this.index : this.mark;
    const n = collateral * leverage;
    if (!(n > 0 && n <= this.depth)) {
      this.ledger.rejectedOpens++;
      return -1;
    }
    const x = this.oracleFills ? p * (1 + side * this.spread) : this.fillPrice(p, side, n);
    const q = (side * n) / x;
    const fee = this.tradingFee * n;
    const c = collateral - fee;
    if (!(c + q * (p - x) >= this.initialRequirement(Math.abs(q) * p, imf))) {
      this.ledger.rejectedOpens++;
      return -1;
    }
    const a = this.accounts;
    const i = a.allocate();
    this.fitIndex();
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
    l.depositedBy[owner + 2] += collateral;
    l.tradingFees += fee;
    l.opens++;
    this.setKey(i, false);
    if (!this.oracleFills) this.applyImpact(side, n);
    return i;
  }

  private fitIndex(): void {
    const cap = this.accounts.capacity;
    if (cap > this.longs.capacity) {
      this.longs.grow(cap);
      this.shorts.grow(cap);
    }
  }

  /** Closes account i voluntarily at the mark with slippage; refuses (false) if it is not open or not solvent. */
  close(i: number): boolean {
    const a = this.accounts;
    if (a.open[i] !== 1) return false;
    const p = this.oracleFills ? this.index : this.mark;
    const q = a.size[i];
    const aq = Math.abs(q);
    const s = q > 0 ? 1 : -1;
    const n = aq * p;
    const x = this.oracleFills ? p * (1 - s * this.spread) : this.fillPrice(p, -s, n);
    const fee = this.tradingFee * aq * x;
    const accrued = q * (this.fundingIndex - a.fundingIndex[i]) + aq * (this.lossIndex - a.lossIndex[i]);
    const r = a.collateral[i] - accrued + q * (x - a.entry[i]) - fee;
    if (!(r >= 0)) return false;
    const l = this.ledger;
    l.tradingFees += fee;
    l.returnedToTraders += r;
    l.paidTo[a.owner[i] + 2] += r;
    l.counterpartyRealised += -q * (x - a.entry[i]) + accrued;
    l.closes++;
    this.remove(i);
    if (!this.oracleFills) this.applyImpact(-s, n);
    return true;
  }

  /** Execution price a voluntary close of size q gets at price p (book slippage, or the oracle fill's spread). */
  closePrice(q: number, p: number): number {
    const s = q > 0 ? 1 : -1;
    return this.oracleFills ? p * (1 - s * this.spread) : this.fillPrice(p, -s, Math.abs(q) * p);
  }

  /**
   * Withdraws `amount` USD of account i's equity (realised or not), if what stays covers the initial requirement
   * at price p. Venues that count unrealised profit as withdrawable collateral at the oracle price are what the
   * Mango Markets attack exploited (mechanics.md section 6). Returns the amount withdrawn (0 if refused).
   */
  withdraw(i: number, amount: number, p: number, imf: number): number {
    const a = this.accounts;
    if (a.open[i] !== 1 || !(amount > 0)) return 0;
    const q = a.size[i];
    const aq = Math.abs(q);
    if (!(this.equity(i, p) - amount >= this.initialRequirement(aq * p, imf))) return 0;
    this.agg.remove(a.collateral[i], q, a.entry[i], a.fundingIndex[i], a.lossIndex[i]);
    a.collateral[i] -= amount;
    this.agg.add(a.collateral[i], q, a.entry[i], a.fundingIndex[i], a.lossIndex[i]);
    this.setKey(i, false);
    this.ledger.returnedToTraders += amount;
    this.ledger.paidTo[a.owner[i] + 2] += amount;
    return amount;
  }

  private remove(i: number): void {
    const a = this.accounts;
    this.agg.remove(a.collateral[i], a.size[i], a.entry[i], a.fundingIndex[i], a.lossIndex[i]);
    a.open[i] = 0;
    // an account has a key in one tree only (by side)
    if (a.size[i] > 0) this.longs.set(i, -Infinity);
    else this.shorts.set(i, -Infinity);
  }

  /** Moves account i's accrued funding and socialized loss into its collateral (the counterparty collects them). */
  private settleAccruals(i: number): void {
    const a = this.accounts;
    const q = a.size[i];
    const accrued = q * (this.fundingIndex - a.fundingIndex[i]) + Math.abs(q) * (this.lossIndex - a.lossIndex[i]);
    if (accrued === 0) return;
    this.agg.remove(a.collateral[i], q, a.entry[i], a.fundingIndex[i], a.lossIndex[i]);
    a.collateral[i] -= accrued;
    a.fundingIndex[i] = this.fundingIndex;
    a.lossIndex[i] = this.lossIndex;
    this.agg.add(a.collateral[i], q, a.entry[i], a.fundingIndex[i], a.lossIndex[i]);
    this.ledger.counterpartyRealised += accrued;
  }

  /**
   * Closes `units` (same sign as the position, |units| < |size|) of account i at price x: the realised P&L goes into
   * its collateral, less `fee` (to `feeTo`: 0 the insurance fund, 1 trading fees). Returns the collateral left.
   */
  private reduce(i: number, units: number, x: number, fee: number, feeTo: 0 | 1): number {
    this.settleAccruals(i);
    const a = this.accounts;
    const q = a.size[i];
    const e = a.entry[i];
    this.agg.remove(a.collateral[i], q, e, a.fundingIndex[i], a.lossIndex[i]);
    const realised = units * (x - e);
    a.collateral[i] += realised - fee;
    a.size[i] = q - units;
    this.agg.add(a.collateral[i], a.size[i], e, a.fundingIndex[i], a.lossIndex[i]);
    this.ledger.counterpartyRealised += -realised;
    if (feeTo === 0) {
      this.ledger.insuranceFund += fee;
      this.ledger.liquidationFees += fee;
    } else {
      this.ledger.tradingFees += fee;
    }
    this.setKey(i, false);
    return a.collateral[i];
  }

  /**
   * One liquidation pass in account order (docs/architecture.md). Accounts are tested against the margin price of
   * the moment: with `marginPrice: mark`, each liquidation's impact is visible to accounts later in the pass, and
   * an earlier account made liquidatable by it waits for the next step. Up to `budget` accounts (and the plan's
   * notional cap) are liquidated; the rest stay open and are counted as pending. Liquidations are handed to the
   * liquidators' offers in order (agent index, how many, bounty rate, smallest reward); with no offers object the
   * venue liquidates (agent -1, no bounty). Returns the number of liquidatable accounts left pending.
   */
  liquidationPass(
    m: number,
    useMark: boolean,
    oracle: number,
    budget: number,
    step: number,
    events: EventLog,
    offers: LiquidationOffers | null,
    plan: LiquidationPlan | null = null,
  ): number {
    const a = this.accounts;
    const mIndex = this.mMax > m ? this.mMax : m;
    let pm = useMark ? this.mark : oracle;
    let cursor = 0;
    let done = 0;
    let pending = 0;
    let offer = 0;
    let usedInOffer = 0;
    let notionalDone = 0;
    const maxNotional = plan === null ? Infinity : plan.maxNotional;
    for (;;) {
      const i = this.nextCandidate(cursor, pm, mIndex);
      if (i < 0) break;
      cursor = i + 1;
      if (!this.belowMaintenance(i, pm, m)) continue;
      if (plan !== null && plan.backstopBelow > 0 && notionalDone < maxNotional && this.equity(i, pm) < plan.backstopBelow * this.maintenanceRequirement(Math.abs(a.size[i]), pm, m)) {
        // the backstop vault takes the position: no liquidator, no book sale. It is the protocol itself, so it does
        // not use the liquidators' capacity (Hyperliquid: the vault steps in when the book liquidation fails).
        notionalDone += Math.abs(a.size[i]) * this.mark;
        a.underwaterSince[i] = -1;
        this.takeOver(i, step, events);
        continue;
      }
      if (plan !== null && plan.adl && notionalDone < maxNotional) {
        // auto-deleveraging is the protocol's too: a bankrupt account whose debt the fund cannot pay is closed
        // against opposite positions without waiting for a liquidator; what they cannot absorb goes on below
        const n = Math.abs(a.size[i]) * this.mark;
        this.autoDeleverage(i, step, events);
        if (a.open[i] !== 1) {
          notionalDone += n;
          a.underwaterSince[i] = -1;
          if (useMark) pm = this.mark;
          continue;
        }
      }
      if (done >= budget || notionalDone >= maxNotional) {
        this.markPending(i, step);
        pending++;
        continue;
      }
      const since = a.pendingStep[i] === step - 1 && a.underwaterSince[i] >= 0 ? a.underwaterSince[i] : step;
      if (plan !== null && plan.ready !== null && !plan.ready(i, since, this.fillPrice(this.mark, a.size[i] > 0 ? -1 : 1, Math.abs(a.size[i]) * this.mark))) {
        // not yet (e.g. a Dutch auction whose price is still above what a keeper gets on the book)
        this.markPending(i, step);
        pending++;
        continue;
      }
      let bountyRate = 0;
      let liq = -1;
      if (plan !== null && !(plan.bountyRate !== plan.bountyRate)) bountyRate = this.plannedBounty(plan, step - since);
      if (offers !== null) {
        // hand the account to the first offer with capacity left whose smallest reward this liquidation pays
        const notional = Math.abs(a.size[i]) * this.mark;
        let found = -1;
        while (offer < offers.n && usedInOffer >= offers.count[offer]) {
          offer++;
          usedInOffer = 0;
        }
        for (let k = offer; k < offers.n; k++) {
          // capacity left (a later offer's count is decremented as it is used); latency and capital (liquidator bots)
          if (
            (k > offer ? offers.count[k] >= 1 : usedInOffer < offers.count[k]) &&
            (offers.latency === undefined || step - since >= offers.latency[k]) &&
            (offers.capital === undefined || notional <= offers.capital[k])
          ) {
            const rate = plan !== null && !(plan.bountyRate !== plan.bountyRate) ? bountyRate : offers.bounty[k];
            const reward = this.expectedReward(i, rate, plan, notional);
            if (reward >= offers.minReward[k]) {
              found = k;
              bountyRate = rate;
              break;
            }
          }
        }
        if (found < 0) {
          this.markPending(i, step);
          pending++;
          continue;
        }
        if (found !== offer) {
          // a later offer took it; the earlier one keeps its capacity for other accounts
          liq = offers.agent[found];
          offers.count[found]--;
        } else {
          liq = offers.agent[offer];
          usedInOffer++;
        }
        if (offers.used !== undefined) offers.used[found]++;
        if (offers.capital !== undefined) offers.capital[found] -= notional;
      }
      done++;
      a.underwaterSince[i] = -1;
      notionalDone += this.liquidateOne(i, liq, bountyRate, step, events, plan, m, pm);
      if (useMark) pm = this.mark;
    }
    return pending;
  }

  private markPending(i: number, step: number): void {
    const a = this.accounts;
    if (!(a.pendingStep[i] === step - 1 && a.underwaterSince[i] >= 0)) a.underwaterSince[i] = step;
    a.pendingStep[i] = step;
  }

  /** Protocol-set bounty rate after `underwater` steps pending (Drift-style ramp, after the grace steps). */
  private plannedBounty(plan: LiquidationPlan, underwater: number): number {
    const ramp = underwater - plan.bountyGraceSteps;
    const r = ramp > 0 ? plan.bountyRate + plan.bountyPerStepUnderwater * ramp : plan.bountyRate;
    return r < plan.bountyMax ? r : plan.bountyMax;
  }

  /** What a liquidator would earn on account i at bounty `rate` (an estimate at the mark, before slippage). */
  private expectedReward(i: number, rate: number, plan: LiquidationPlan | null, notional: number): number {
    let reward = rate * notional + (plan === null ? 0 : plan.bountyFlat);
    const rest = this.equity(i, this.mark) - this.liquidationFee * notional - this.slippage * Math.sqrt(notional / this.depth) * notional;
    // a fund-paid bounty is what the account leaves plus what the fund has after paying any bad debt
    const avail = plan !== null && plan.bountyFromFund ? rest + this.ledger.insuranceFund : rest;
    if (avail < reward) reward = avail > 0 ? avail : 0;
    return reward;
  }

  /** Liquidates account i in full or in part as the plan says; returns the notional closed. */
  private liquidateOne(i: number, liq: number, bountyRate: number, step: number, events: EventLog, plan: LiquidationPlan | null, m: number, pm: number): number {
    const a = this.accounts;
    const aq = Math.abs(a.size[i]);
    const n = aq * this.mark;
    if (plan !== null && plan.partialFraction > 0 && n > plan.partialMinNotional && !(a.partialStep[i] >= 0 && step - a.partialStep[i] <= plan.partialCooldownSteps)) {
      let f = plan.partialFraction;
      if (plan.restoreBuffer > 0) {
        // close just enough that equity covers (m + buffer) of what is left (fee and slippage estimated at the mark)
        const target = (m + plan.restoreBuffer) * aq * pm;
        const eq = this.equity(i, pm);
        const cost = (this.liquidationFee + this.slippage * Math.sqrt(n / this.depth)) * aq * pm;
        const need = target - cost > 0 ? (target - eq) / (target - cost) : 1;
        if (need > f) f = need;
      }
      if (f < 1) return this.liquidatePartial(i, f, liq, bountyRate, step, events, plan);
    }
    this.liquidate(i, liq, bountyRate, step, events, plan);
    return n;
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
    return a.collateral[i] + q * (pm - a.entry[i]) - q * (this.fundingIndex - a.fundingIndex[i]) - aq * (this.lossIndex - a.lossIndex[i]) < this.maintenanceRequirement(aq, pm, m);
  }

  /**
   * Closes account i through the venue's liquidity at the mark (../shared/reference/benchmark.md step 2): fee to the
   * fund, bounty to the liquidator, bad debt to the fund and beyond it uncovered; then the permanent impact.
   */
  private liquidate(i: number, liq: number, bountyRate: number, step: number, events: EventLog, plan: LiquidationPlan | null): void {
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
      if (bountyRate > 0 || (plan !== null && plan.bountyFlat > 0)) {
        const b = (bountyRate * aq) * x + (plan === null ? 0 : plan.bountyFlat);
        bounty = b < rest ? b : rest;
        if (plan !== null && plan.bountyFromFund && b > bounty) bounty += this.payFromFund(b - bounty);
      }
      l.liquidatorIncome += bounty;
      l.paidTo[liq + 2] += bounty;
      l.returnedToTraders += rest - (bounty < rest ? bounty : rest);
      l.paidTo[a.owner[i] + 2] += rest - (bounty < rest ? bounty : rest);
    } else {
      debt = -equity;
      if (l.insuranceFund >= debt) {
        l.insuranceFund -= debt;
      } else {
        uncovered = debt - l.insuranceFund;
        l.insuranceFund = 0;
      }
      if (plan !== null && plan.bountyFromFund) {
        const b = (bountyRate * aq) * x + plan.bountyFlat;
        if (b > 0) {
          bounty = this.payFromFund(b);
          l.liquidatorIncome += bounty;
          l.paidTo[liq + 2] += bounty;
        }
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
    events.liquidation(step, i, liq, q, p, x, n, slip, paid, bounty, debt, uncovered, EVENT_LIQUIDATION);
    // permanent impact, visible to accounts later in this pass
    const pf = 1 - ((s * this.impact) * n) / D;
    this.mark = p * (pf > PRICE_FLOOR ? pf : PRICE_FLOOR);
    if (uncovered > 0 && this.socialize && this.agg.absSize > 0) {
      this.lossIndex += uncovered / this.agg.absSize;
      l.socializedLoss += uncovered;
    }
  }

  /** The insurance fund pays up to `amount` of a bounty; returns what it paid. */
  private payFromFund(amount: number): number {
    const l = this.ledger;
    const paid = amount < l.insuranceFund ? amount : l.insuranceFund;
    l.insuranceFund -= paid;
    l.bountiesFromFund += paid;
    if (l.insuranceFund < l.insuranceFundMin) l.insuranceFundMin = l.insuranceFund;
    return paid;
  }

  /**
   * Partial liquidation: closes fraction f of account i through the book; the fee (to the fund) and the bounty are
   * charged on the closed part and the account stays open with the rest. If the account would be left with
   * negative collateral it is liquidated in full instead. Returns the notional closed.
   */
  private liquidatePartial(i: number, f: number, liq: number, bountyRate: number, step: number, events: EventLog, plan: LiquidationPlan): number {
    const a = this.accounts;
    const l = this.ledger;
    const q = a.size[i];
    const s = q > 0 ? 1 : -1;
    const units = f * q;
    const au = Math.abs(units);
    const p = this.mark;
    const n = au * p;
    const x = this.fillPrice(p, -s, n);
    const fee = this.liquidationFee * au * x;
    let bounty = bountyRate * au * x + plan.bountyFlat;
    const accrued = q * (this.fundingIndex - a.fundingIndex[i]) + Math.abs(q) * (this.lossIndex - a.lossIndex[i]);
    if (!(a.collateral[i] - accrued + units * (x - a.entry[i]) - fee >= 0)) {
      // too far gone for a slice: close it whole
      this.liquidate(i, liq, bountyRate, step, events, plan);
      return Math.abs(q) * p;
    }
    const slip = au * Math.abs(p - x);
    const left = this.reduce(i, units, x, fee, 0);
    let fromFund = 0;
    if (left < bounty) {
      const short = bounty - (left > 0 ? left : 0);
      bounty = left > 0 ? left : 0;
      // what the account cannot pay, the fund pays when the plan says so (as in a whole liquidation)
      if (plan.bountyFromFund) fromFund = this.payFromFund(short);
    }
    if (bounty > 0) {
      this.agg.remove(a.collateral[i], a.size[i], a.entry[i], a.fundingIndex[i], a.lossIndex[i]);
      a.collateral[i] -= bounty;
      this.agg.add(a.collateral[i], a.size[i], a.entry[i], a.fundingIndex[i], a.lossIndex[i]);
      this.setKey(i, false);
    }
    bounty += fromFund;
    if (bounty > 0) {
      l.liquidatorIncome += bounty;
      l.paidTo[liq + 2] += bounty;
    }
    l.liquidationSlippage += slip;
    l.liquidatedNotional += n;
    l.liquidations++;
    l.partialLiquidations++;
    a.partialStep[i] = step;
    a.underwaterSince[i] = -1;
    events.liquidation(step, i, liq, units, p, x, n, slip, fee, bounty, 0, 0, EVENT_PARTIAL);
    this.applyImpact(-s, n);
    return n;
  }

  /**
   * Auto-deleveraging (Hyperliquid, mechanics.md 1.1): before a bankrupt account i is sold through the book, if the
   * insurance fund could not cover its bad debt, its position is closed at its bankruptcy price (where its equity is
   * zero) against the most profitable opposite positions, ranked by profit times leverage:
   * (mark / entry for longs, entry / mark for shorts) * (notional / equity). What the opposite side cannot absorb is
   * liquidated through the book as usual. O(n log n) in the opposite side's size, only when it happens.
   */
  private autoDeleverage(i: number, step: number, events: EventLog): void {
    const a = this.accounts;
    const p = this.mark;
    const q = a.size[i];
    const aq = Math.abs(q);
    const s = q > 0 ? 1 : -1;
    // bad debt the fund could not pay if this account were sold through the book now
    const x = this.fillPrice(p, -s, aq * p);
    const debt = -this.equity(i, x);
    if (!(debt > this.ledger.insuranceFund)) return;
    this.settleAccruals(i);
    const pb = a.entry[i] - a.collateral[i] / q; // equity c + q (pb - E) = 0
    if (!(pb > 0)) return;
    // rank the opposite side's profitable positions. They are closed at pb, not at the mark: a position that is
    // profitable at the mark but not at pb (it entered between the two) would be left with negative equity, so it
    // must also be in profit at pb (then closing it there only adds to its collateral).
    const ids: number[] = [];
    const score: number[] = [];
    for (let j = 0; j < a.count; j++) {
      if (a.open[j] !== 1 || a.owner[j] === VAULT_OWNER) continue;
      const qj = a.size[j];
      if (qj * s >= 0) continue;
      const eq = this.equity(j, p);
      if (!(eq > 0) || !((p - a.entry[j]) * qj > 0) || !((pb - a.entry[j]) * qj > 0) || !(this.equity(j, pb) > 0)) continue;
      const pnlRatio = qj > 0 ? p / a.entry[j] : a.entry[j] / p;
      ids.push(j);
      score.push(pnlRatio * ((Math.abs(qj) * p) / eq));
    }
    const order = ids.map((_, k) => k).sort((u, v) => score[v] - score[u] || ids[u] - ids[v]);
    let left = aq;
    const l = this.ledger;
    for (const k of order) {
      if (!(left > 0)) break;
      const j = ids[k];
      const aqj = Math.abs(a.size[j]);
      const take = aqj < left ? aqj : left;
      const units = take * (a.size[j] > 0 ? 1 : -1);
      if (take === aqj) {
        // whole position: settle it at pb and pay out
        this.settleAccruals(j);
        const r = a.collateral[j] + a.size[j] * (pb - a.entry[j]);
        l.counterpartyRealised += -a.size[j] * (pb - a.entry[j]);
        l.returnedToTraders += r;
        l.paidTo[a.owner[j] + 2] += r;
        this.remove(j);
      } else {
        this.reduce(j, units, pb, 0, 1);
      }
      l.adlEvents++;
      l.adlNotional += take * p;
      events.liquidation(step, j, -1, units, p, pb, take * p, 0, 0, 0, 0, 0, EVENT_ADL);
      left -= take;
    }
    const closed = aq - (left > 0 ? left : 0);
    if (!(closed > 0)) return;
    // the bankrupt side of the matched trades, at pb: equity zero on the closed part
    const units = closed * s;
    if (closed >= aq) {
      const r = a.collateral[i] + q * (pb - a.entry[i]); // ~0 up to rounding
      l.counterpartyRealised += -q * (pb - a.entry[i]);
      l.adlCovered += debt;
      if (r >= 0) {
        l.returnedToTraders += r;
        l.paidTo[a.owner[i] + 2] += r;
      } else {
        l.insuranceFund += r; // rounding residue
      }
      this.remove(i);
      l.liquidations++;
      l.liquidatedNotional += aq * p;
      events.liquidation(step, i, -1, q, p, pb, aq * p, 0, 0, 0, 0, 0, EVENT_ADL);
    } else {
      this.reduce(i, units, pb, 0, 1);
      l.adlCovered += debt * (closed / aq);
      events.liquidation(step, i, -1, units, p, pb, closed * p, 0, 0, 0, 0, 0, EVENT_ADL);
    }
  }

  /**
   * Backstop vault takeover (Hyperliquid's liquidator vault): account i's position and margin move to the vault at
   * their entry price, without a book sale (no slippage, no impact); the trader keeps nothing. The vault holds one
   * long and one short account, averaging entries, and sells them down with `unwindVault`.
   */
  private takeOver(i: number, step: number, events: EventLog): void {
    const a = this.accounts;
    const l = this.ledger;
    this.settleAccruals(i);
    const q = a.size[i];
    const p = this.mark;
    let v = q > 0 ? this.vaultLong : this.vaultShort;
    if (v < 0) {
      v = a.allocate();
      this.fitIndex();
      a.collateral[v] = 0;
      a.size[v] = 0;
      a.entry[v] = p;
      a.fundingIndex[v] = this.fundingIndex;
      a.lossIndex[v] = this.lossIndex;
      a.open[v] = 1;
      a.owner[v] = VAULT_OWNER;
      a.openedStep[v] = step;
      if (q > 0) this.vaultLong = v;
      else this.vaultShort = v;
    } else {
      this.settleAccruals(v);
      this.agg.remove(a.collateral[v], a.size[v], a.entry[v], a.fundingIndex[v], a.lossIndex[v]);
    }
    const c = a.collateral[i];
    const e = a.entry[i];
    this.remove(i);
    const total = a.size[v] + q;
    a.entry[v] = (a.size[v] * a.entry[v] + q * e) / total;
    a.size[v] = total;
    a.collateral[v] += c;
    if (a.size[v] !== 0) this.agg.add(a.collateral[v], a.size[v], a.entry[v], a.fundingIndex[v], a.lossIndex[v]);
    l.backstopTakeovers++;
    l.backstopNotional += Math.abs(q) * p;
    l.liquidations++;
    l.liquidatedNotional += Math.abs(q) * p;
    events.liquidation(step, i, -1, q, p, p, Math.abs(q) * p, 0, 0, 0, 0, 0, EVENT_BACKSTOP);
  }

  /** Sells `fraction` of each vault position through the book (called once a step by the backstop policy). */
  unwindVault(fraction: number, step: number, events: EventLog): void {
    for (const v of [this.vaultLong, this.vaultShort]) {
      if (v < 0) continue;
      const a = this.accounts;
      const q = a.size[v];
      if (q === 0) continue;
      const s = q > 0 ? 1 : -1;
      const units = fraction >= 1 ? q : fraction * q;
      const p = this.mark;
      const n = Math.abs(units) * p;
      const x = this.fillPrice(p, -s, n);
      const fee = this.tradingFee * n;
      this.reduce(v, units, x, fee, 1);
      this.ledger.liquidationSlippage += Math.abs(units) * Math.abs(p - x);
      events.liquidation(step, v, -1, units, p, x, n, Math.abs(units) * Math.abs(p - x), fee, 0, 0, 0, EVENT_UNWIND);
      this.applyImpact(-s, n);
    }
  }

  /** Notional (USD at price p) of the positions the backstop vault holds. */
  vaultNotional(p: number): number {
    let n = 0;
    if (this.vaultLong >= 0) n += Math.abs(this.accounts.size[this.vaultLong]) * p;
    if (this.vaultShort >= 0) n += Math.abs(this.accounts.size[this.vaultShort]) * p;
    return n;
  }

  /** Account slots the backstop vault uses (0 to 2; not traders' accounts). */
  get vaultAccounts(): number {
    return (this.vaultLong >= 0 ? 1 : 0) + (this.vaultShort >= 0 ? 1 : 0);
  }

  /** The vault's P&L so far: the equity of its accounts (it paid nothing for what it took over). */
  vaultEquity(p: number): number {
    let e = 0;
    if (this.vaultLong >= 0) e += this.equity(this.vaultLong, p);
    if (this.vaultShort >= 0) e += this.equity(this.vaultShort, p);
    return e;
  }

  /**
   * Pre-emptive deleveraging by a policy: closes `fraction` of account i through the book with the trading fee; the
   * realised P&L stays in the account. Refused when the account is not open or would be left with negative collateral.
   */
  deleverage(i: number, fraction: number, step: number, events: EventLog): boolean {
    const a = this.accounts;
    if (a.open[i] !== 1 || a.owner[i] === VAULT_OWNER || !(fraction > 0)) return false;
    const q = a.size[i];
    const s = q > 0 ? 1 : -1;
    const f = fraction > 1 ? 1 : fraction;
    if (f === 1) return this.close(i);
    const units = f * q;
    const p = this.mark;
    const n = Math.abs(units) * p;
    const x = this.fillPrice(p, -s, n);
    const fee = this.tradingFee * n;
    const accrued = q * (this.fundingIndex - a.fundingIndex[i]) + Math.abs(q) * (this.lossIndex - a.lossIndex[i]);
    if (!(a.collateral[i] - accrued + units * (x - a.entry[i]) - fee >= 0)) return false;
    this.reduce(i, units, x, fee, 1);
    this.ledger.deleverages++;
    events.liquidation(step, i, -1, units, p, x, n, Math.abs(units) * Math.abs(p - x), fee, 0, 0, 0, EVENT_DELEVERAGE);
    this.applyImpact(-s, n);
    return true;
  }

  /**
   * Treasury hedge: trades the hedge on the spot market (outside the venue) to `units` at price `spot`, paying
   * `cost` of the traded notional. Its P&L is the treasury's, reported apart from the venue's ledger.
   */
  hedge(units: number, spot: number, cost: number): void {
    const l = this.ledger;
    const d = units - l.hedgeSize;
    if (d === 0) return;
    const fee = Math.abs(d) * spot * cost;
    l.hedgeCash -= d * spot + fee;
    l.hedgeCosts += fee;
    l.hedgeSize = units;
  }

  /** Treasury hedge P&L at spot price p. */
  hedgePnl(p: number): number {
    return this.ledger.hedgeCash + this.ledger.hedgeSize * p;
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
