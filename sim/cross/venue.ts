// The cross-margin venue: accounts with one USD balance, positions in several perpetual markets and collateral in
// several assets (haircut), margined together (standard sum or portfolio scenarios), liquidated whole into each
// asset's liquidity. Columns are typed arrays (account-major); formulas in ./math.ts; docs/cross-margin.md.
import type { EventLog } from '../events.js';
import type { CrossConfig, CrossLiquidity } from './config.js';
import { fillFactor, portfolioRequirement } from './math.js';

/** Event kind of a cross-margin liquidation in the run's event log (the perp's are 0-5, the options' 16-18). */
export const EVENT_CROSS_LIQUIDATION = 24;
/**
 * A partial liquidation of a cross-margin account. In both kinds the event's `size` is the share of every position
 * closed (1 for a whole liquidation), `notional` the positions' notional closed, `slippage` includes the collateral
 * sold, `price` and `exec_price` do not apply (several markets).
 */
export const EVENT_CROSS_PARTIAL = 25;

/** Smallest factor one trade may apply to a price (as in the perp venue and the lending pool). */
const PRICE_FLOOR = 0.01;

/** This step's margin rules, set from the scenario and then by the policies' `cross` hooks (defenses phase). */
export interface CrossPlan {
  /** Portfolio (scenario) requirements instead of the standard sum. */
  portfolio: boolean;
  /** Portfolio mode: share of each asset's move that can go against the account independently. */
  dispersion: number;
  /** Haircut in force per collateral entry (order: `cross.collateral`). */
  readonly haircut: Float64Array;
  /** Multiplier on every market's margin fractions (dynamic margin policies of the perp venue raise it). */
  marginScale: number;
  /** Multiplier on each market's fractions on top of `marginScale` (order: `cross.markets`; `cross-ewma-margin`). */
  readonly marketScale: Float64Array;
  /** Most liquidations this step. */
  maxLiquidations: number;
  /**
   * Partial liquidation (the `partial-liquidation` policy; Hyperliquid 20% slices, Drift's buffer; mechanics.md 1.1,
   * 1.5): an account with more than `partialMinNotional` of positions has `partialFraction` of every position closed
   * (or, with `restoreBuffer` > 0, just enough for equity to cover requirement x (1 + restoreBuffer), at least the
   * fraction) and stays open. 0 = off: liquidations close everything.
   */
  partialFraction: number;
  partialMinNotional: number;
  restoreBuffer: number;
}

/** Every flow and count of the venue so far. */
export class CrossLedger {
  insuranceFund: number;
  readonly insuranceFundInitial: number;
  insuranceFundMin: number;
  /** USD cash and collateral value (at the initial prices, before haircuts) deposited by the starting book. */
  deposits = 0;
  liquidations = 0;
  /** Notional of the positions liquidations closed, and of the collateral they sold (USD at the prices before the trade). */
  liquidatedNotional = 0;
  collateralSold = 0;
  /** What the collateral sales raised. */
  collateralProceeds = 0;
  /** Value (at the price after the account's trades) of the collateral liquidated accounts kept. */
  collateralReturned = 0;
  /** Per collateral entry: units sold by liquidations, and units liquidated accounts kept. */
  readonly collateralSoldUnits: Float64Array;
  readonly collateralReturnedUnits: Float64Array;
  /** Cost of liquidations' fills against the price before each trade (positions and collateral). */
  slippage = 0;
  /** Liquidation fees paid into the insurance fund. */
  fees = 0;
  /** Realised P&L of the closed positions (paid by, or to, the venue's counterparty). */
  realisedPnl = 0;
  badDebt = 0;
  uncoveredBadDebt = 0;
  /** USD balance liquidated accounts kept after fees. */
  returnedToTraders = 0;
  /** USD accounts added to their balance during the run (deposit intents). */
  topUps = 0;
  /** Reductions accounts made themselves, their notional, and the trading fees they paid (kept by the venue). */
  reductions = 0;
  reducedNotional = 0;
  tradingFees = 0;
  /** Deposit and reduce intents refused (not the owner, account closed, or a full halt). */
  refusedIntents = 0;
  /** Liquidations that closed only part of an account (partial liquidation). */
  partialLiquidations = 0;
  /** Smallest equity / maintenance requirement seen: at the end of each step, and of each account the pass found liquidatable. */
  minMarginRatio = Infinity;

  constructor(fund: number, collateralEntries: number) {
    this.collateralSoldUnits = new Float64Array(collateralEntries);
    this.collateralReturnedUnits = new Float64Array(collateralEntries);
    this.insuranceFund = fund;
    this.insuranceFundInitial = fund;
    this.insuranceFundMin = fund;
  }
}

/** What agents and policies may read of the venue (RunView.cross). */
export interface CrossView {
  readonly config: CrossConfig;
  /** Asset names of the markets and of the collateral entries (their order is the column order). */
  readonly marketAssets: readonly string[];
  readonly collateralAssets: readonly string[];
  readonly plan: Readonly<CrossPlan>;
  readonly ledger: Readonly<CrossLedger>;
  /** Accounts created (open or not). */
  readonly count: number;
  readonly owner: Int32Array;
  readonly open: Uint8Array;
  /** USD balance of each account. */
  readonly cash: Float64Array;
  /** Signed size of account i in market m: size[i * markets + m]; entry price alike. */
  readonly size: Float64Array;
  readonly entry: Float64Array;
  /** Collateral units of account i in entry k: units[i * collateral + k]. */
  readonly units: Float64Array;
  /** Price of market m's asset / collateral k's asset this step (the validated oracle for the venue asset). */
  marketPrice(m: number): number;
  collateralPrice(k: number): number;
  /** Equity (cash + unrealised P&L + haircut collateral value), maintenance requirement under the plan, their ratio. */
  equityOf(i: number): number;
  requirementOf(i: number): number;
  /** The standard (summed) maintenance requirement whatever the plan, for comparisons. */
  standardRequirementOf(i: number): number;
}

/** Seeding available to agents before step 0 (Book.cross): no fees, no slippage, at the initial prices. */
export interface CrossBook extends CrossView {
  /** Opens an account for agent `owner` with `cash` USD; returns its id. */
  seedAccount(owner: number, cash: number): number;
  /** Adds `size` (signed units) in market m to account i at the initial price. */
  seedPosition(i: number, m: number, size: number): void;
  /** Adds `units` of collateral entry k to account i. */
  seedCollateral(i: number, k: number, units: number): void;
  /** Initial requirement of account i under the scenario's margin mode. */
  initialRequirementOf(i: number): number;
  /** Multiplies every position of account i by `factor` (0 <= factor <= 1). */
  scalePositions(i: number, factor: number): void;
}

interface Liq {
  depth: Float64Array;
  slippage: Float64Array;
  impact: Float64Array;
}

function liquidityColumns(list: CrossLiquidity[]): Liq {
  return {
    depth: Float64Array.from(list, (l) => l.depth),
    slippage: Float64Array.from(list, (l) => l.slippage),
    impact: Float64Array.from(list, (l) => l.impact),
  };
}

export class CrossVenue implements CrossBook {
  readonly marketAssets: readonly string[];
  readonly collateralAssets: readonly string[];
  readonly plan: CrossPlan;
  readonly ledger: CrossLedger;
  /** Number of markets, collateral entries, and assets of the whole market. */
  readonly nm: number;
  readonly nk: number;
  readonly na: number;
  /** Asset index (in the market) of each market and collateral entry. */
  readonly marketAsset: Int32Array;
  readonly collateralAsset: Int32Array;
  /** Market on each asset, or -1. */
  readonly assetMarket: Int32Array;
  readonly imf: Float64Array;
  readonly mmf: Float64Array;
  readonly baseHaircut: Float64Array;
  private readonly mLiq: Liq;
  private readonly cLiq: Liq;
  /** Every asset's price this step, moved by liquidations during the pass. */
  readonly px: Float64Array;
  /** Product of this step's impact factors per asset (reductions and liquidations; the engine applies it to the market after the pass and resets it). */
  readonly impactFactor: Float64Array;
  count = 0;
  private cap = 0;
  owner = new Int32Array(0);
  open = new Uint8Array(0);
  cash = new Float64Array(0);
  size = new Float64Array(0);
  entry = new Float64Array(0);
  units = new Float64Array(0);
  /** Liquidations and liquidatable accounts left pending by the last pass. */
  stepLiquidations = 0;
  stepPending = 0;
  // scratch (no allocation per step)
  private readonly expo: Float64Array;
  private readonly range: Float64Array;
  private readonly moves: Float64Array;
  private readonly nScenarios: number;
  private ratios = new Float64Array(0);
  /** Notional and slippage of the last closeShare. */
  private closed = 0;
  private closedSlip = 0;

  constructor(readonly config: CrossConfig, assetNames: readonly string[], initialPrices: ArrayLike<number>) {
    const c = config;
    this.na = assetNames.length;
    this.nm = c.markets.length;
    this.nk = c.collateral.length;
    this.marketAssets = c.markets.map((m) => m.asset);
    this.collateralAssets = c.collateral.map((k) => k.asset);
    this.marketAsset = Int32Array.from(c.markets, (m) => assetNames.indexOf(m.asset));
    this.collateralAsset = Int32Array.from(c.collateral, (k) => assetNames.indexOf(k.asset));
    this.assetMarket = new Int32Array(this.na).fill(-1);
    this.marketAsset.forEach((a, m) => (this.assetMarket[a] = m));
    this.imf = Float64Array.from(c.markets, (m) => m.initialMargin);
    this.mmf = Float64Array.from(c.markets, (m) => m.maintenanceMargin);
    this.baseHaircut = Float64Array.from(c.collateral, (k) => k.haircut);
    this.mLiq = liquidityColumns(c.markets.map((m) => m.liquidity ?? c.liquidity));
    this.cLiq = liquidityColumns(c.collateral.map((k) => k.liquidity ?? c.markets.find((m) => m.asset === k.asset)?.liquidity ?? c.liquidity));
    this.px = Float64Array.from(initialPrices);
    this.impactFactor = new Float64Array(this.na).fill(1);
    this.expo = new Float64Array(this.na);
    this.range = new Float64Array(this.na);
    this.nScenarios = c.margin.scenarios.length;
    this.moves = new Float64Array(this.nScenarios * this.na);
    c.margin.scenarios.forEach((sc, j) => {
      for (const [name, move] of Object.entries(sc)) this.moves[j * this.na + assetNames.indexOf(name)] = move;
    });
    this.plan = { portfolio: false, dispersion: 0, haircut: new Float64Array(this.nk), marginScale: 1, marketScale: new Float64Array(this.nm), maxLiquidations: 0, partialFraction: 0, partialMinNotional: 0, restoreBuffer: 0 };
    this.resetPlan(1);
    this.ledger = new CrossLedger(c.insuranceFund, this.nk);
    this.grow(64);
  }

  private grow(n: number): void {
    const cap = Math.max(n, this.cap * 2);
    const f = (old: Float64Array, w: number) => {
      const a = new Float64Array(cap * w);
      a.set(old);
      return a;
    };
    const owner = new Int32Array(cap);
    owner.set(this.owner);
    const open = new Uint8Array(cap);
    open.set(this.open);
    this.owner = owner;
    this.open = open;
    this.cash = f(this.cash, 1);
    this.size = f(this.size, this.nm);
    this.entry = f(this.entry, this.nm);
    this.units = f(this.units, this.nk);
    this.cap = cap;
  }

  // seeding (CrossBook)
  seedAccount(owner: number, cash: number): number {
    if (this.count === this.cap) this.grow(this.cap + 1);
    const i = this.count++;
    this.owner[i] = owner;
    this.open[i] = 1;
    this.cash[i] = cash;
    this.ledger.deposits += cash;
    return i;
  }

  seedPosition(i: number, m: number, size: number): void {
    const j = i * this.nm + m;
    const p = this.px[this.marketAsset[m]];
    const s = this.size[j] + size;
    // a position's entry is its average price; the seeded book trades at one price per market
    this.entry[j] = s === 0 ? 0 : p;
    this.size[j] = s;
  }

  seedCollateral(i: number, k: number, units: number): void {
    this.units[i * this.nk + k] += units;
    this.ledger.deposits += units * this.px[this.collateralAsset[k]];
  }

  scalePositions(i: number, factor: number): void {
    const base = i * this.nm;
    for (let m = 0; m < this.nm; m++) this.size[base + m] *= factor;
  }

  /** The scenario's rules, before any policy: its margin mode, base haircuts, no scaling beyond `marginScale`, no partial liquidation. */
  resetPlan(marginScale: number): void {
    const c = this.config;
    const plan = this.plan;
    plan.portfolio = c.margin.mode === 'portfolio';
    plan.dispersion = c.margin.dispersion;
    plan.haircut.set(this.baseHaircut);
    plan.marginScale = marginScale;
    plan.marketScale.fill(1);
    plan.maxLiquidations = c.liquidation.maxPerStep ?? Infinity;
    plan.partialFraction = 0;
    plan.partialMinNotional = 0;
    plan.restoreBuffer = 0;
  }

  /** Ends seeding: sizes the per-step scratch to the book. */
  finishSeeding(): void {
    this.ratios = new Float64Array(this.count);
  }

  marketPrice(m: number): number {
    return this.px[this.marketAsset[m]];
  }

  collateralPrice(k: number): number {
    return this.px[this.collateralAsset[k]];
  }

  /** Sets this step's prices: every asset's spot, the venue asset's validated oracle. */
  setPrices(spots: ArrayLike<number>, venueIndex: number, oracle: number): void {
    for (let a = 0; a < this.na; a++) this.px[a] = spots[a];
    this.px[venueIndex] = oracle;
  }

  /** Haircut value of account i's collateral under the plan. */
  collateralValueOf(i: number): number {
    let v = 0;
    const base = i * this.nk;
    for (let k = 0; k < this.nk; k++) {
      const u = this.units[base + k];
      if (u !== 0) v += u * this.px[this.collateralAsset[k]] * (1 - this.plan.haircut[k]);
    }
    return v;
  }

  equityOf(i: number): number {
    return this.plusPnl(i, this.cash[i] + this.collateralValueOf(i));
  }

  /** `e` plus the unrealised P&L of account i's positions (market by market, in this order: results depend on it). */
  private plusPnl(i: number, e: number): number {
    const base = i * this.nm;
    for (let m = 0; m < this.nm; m++) {
      const s = this.size[base + m];
      if (s !== 0) e += s * (this.px[this.marketAsset[m]] - this.entry[base + m]);
    }
    return e;
  }

  requirementOf(i: number): number {
    return this.plan.portfolio ? this.portfolioRequirementOf(i, this.mmf, this.plan.dispersion) : this.standardOf(i, this.mmf);
  }

  standardRequirementOf(i: number): number {
    return this.standardOf(i, this.mmf);
  }

  initialRequirementOf(i: number): number {
    return this.config.margin.mode === 'portfolio' ? this.portfolioRequirementOf(i, this.imf, this.config.margin.dispersion) : this.standardOf(i, this.imf);
  }

  private standardOf(i: number, fractions: Float64Array): number {
    let r = 0;
    const base = i * this.nm;
    for (let m = 0; m < this.nm; m++) {
      const s = this.size[base + m];
      if (s !== 0) r += Math.abs(s) * this.px[this.marketAsset[m]] * fractions[m] * this.plan.marketScale[m];
    }
    return r * this.plan.marginScale;
  }

  /** Portfolio requirement at the given dispersion (math.ts portfolioRequirement); collateral of assets with a market is exposure. */
  portfolioRequirementOf(i: number, fractions: Float64Array, dispersion: number): number {
    const x = this.expo;
    const r = this.range;
    x.fill(0);
    r.fill(0);
    const bm = i * this.nm;
    for (let m = 0; m < this.nm; m++) {
      const a = this.marketAsset[m];
      x[a] += this.size[bm + m] * this.px[a];
      r[a] = fractions[m] * this.plan.marginScale * this.plan.marketScale[m];
    }
    const bk = i * this.nk;
    for (let k = 0; k < this.nk; k++) {
      const u = this.units[bk + k];
      const a = this.collateralAsset[k];
      if (u !== 0 && this.assetMarket[a] >= 0) x[a] += u * this.px[a] * (1 - this.plan.haircut[k]);
    }
    return portfolioRequirement(x, r, dispersion, this.moves, this.nScenarios, this.na);
  }

  /**
   * The liquidation pass: every open account whose equity is below its maintenance requirement is liquidated in
   * account order, up to the plan's limit; none in a full halt (they stay pending). Prices moved by one liquidation's
   * trades are the next account's prices (the cascade within a step).
   */
  marginPass(step: number, haltedAll: boolean, events: EventLog): void {
    const before = this.ledger.liquidations;
    let done = 0;
    let pending = 0;
    for (let i = 0; i < this.count; i++) {
      if (this.open[i] !== 1) continue;
      const e = this.equityOf(i);
      const r = this.requirementOf(i);
      if (!(e < r)) continue;
      if (e / r < this.ledger.minMarginRatio) this.ledger.minMarginRatio = e / r;
      if (haltedAll || done >= this.plan.maxLiquidations) {
        pending++;
        continue;
      }
      if (this.plan.partialFraction > 0) this.liquidatePartOrAll(i, step, events);
      else this.liquidate(i, step, events);
      done++;
    }
    this.stepLiquidations = this.ledger.liquidations - before;
    this.stepPending = pending;
  }

  /**
   * Liquidates account i: closes every position into its market's liquidity (realised P&L to the balance), then sells
   * collateral, in the order of `cross.collateral`, only as far as needed to pay a negative balance and the fee on the
   * closed notional. The fee (to the insurance fund) is cut to what the account has left, so it never makes bad debt;
   * a balance still negative is bad debt, paid by the fund as far as it goes; what is left (balance and unsold
   * collateral) goes back to the trader.
   */
  liquidate(i: number, step: number, events: EventLog): void {
    const l = this.ledger;
    const realised = this.closeShare(i, 1);
    const notional = this.closed;
    let slip = this.closedSlip;
    let cash = this.cash[i] + realised;
    const bk = i * this.nk;
    // the fee is due on the closed notional; collateral is sold to pay the deficit and then the fee, and the fee is
    // junior: it is cut to what is left, so it never makes bad debt
    const feeDue = this.config.liquidation.fee * notional;
    cash -= feeDue;
    let sold = 0;
    let proceeds = 0;
    let returned = 0;
    for (let k = 0; k < this.nk; k++) {
      const u = this.units[bk + k];
      if (u === 0) continue;
      const a = this.collateralAsset[k];
      const p = this.px[a];
      let sell = 0;
      let got = 0;
      let f = 0;
      if (cash < 0) {
        // units whose sale raises -cash after slippage: a fixed point of sell = -cash / (p (1 - f(sell p)))
        const depth = this.cLiq.depth[k];
        sell = -cash / p;
        for (let it = 0; it < 8 && sell < u; it++) {
          f = Math.min(1 - PRICE_FLOOR, fillFactor(sell * p, depth, this.cLiq.slippage[k]));
          sell = -cash / (p * (1 - f));
        }
        // the iteration approaches from below: a hair more, so the balance ends at (or a hair above) zero
        sell *= 1 + 1e-9;
        if (sell > u) sell = u;
        f = Math.min(1 - PRICE_FLOOR, fillFactor(sell * p, depth, this.cLiq.slippage[k]));
        got = sell * p * (1 - f);
        cash += got;
        sold += sell * p;
        proceeds += got;
        slip += sell * p * f;
        this.movePrice(a, Math.max(PRICE_FLOOR, 1 - this.cLiq.impact[k] * ((sell * p) / depth)));
      }
      returned += (u - sell) * this.px[a];
      l.collateralReturnedUnits[k] += u - sell;
      l.collateralSoldUnits[k] += sell;
      this.units[bk + k] = 0;
    }
    const fee = cash >= 0 ? feeDue : Math.max(0, feeDue + cash);
    cash += feeDue - fee;
    l.insuranceFund += fee;
    let bad = 0;
    let uncovered = 0;
    if (cash < 0) {
      bad = -cash;
      const cover = Math.min(Math.max(l.insuranceFund, 0), bad);
      l.insuranceFund -= cover;
      uncovered = bad - cover;
      cash = 0;
    }
    l.liquidations++;
    l.liquidatedNotional += notional;
    l.collateralSold += sold;
    l.collateralProceeds += proceeds;
    l.collateralReturned += returned;
    l.slippage += slip;
    l.fees += fee;
    l.realisedPnl += realised;
    l.badDebt += bad;
    l.uncoveredBadDebt += uncovered;
    l.returnedToTraders += cash;
    if (l.insuranceFund < l.insuranceFundMin) l.insuranceFundMin = l.insuranceFund;
    this.cash[i] = 0;
    this.open[i] = 0;
    events.liquidation(step, i, -1, 1, NaN, NaN, notional, slip, fee, 0, bad, uncovered, EVENT_CROSS_LIQUIDATION);
  }

  /**
   * Partial liquidation of account i under the plan: accounts with more than `partialMinNotional` of positions have a
   * share of every position closed (positions only; the fee on the closed notional is charged to the balance) and stay
   * open; smaller accounts, and accounts whose equity the slice leaves negative, are liquidated whole.
   */
  liquidatePartOrAll(i: number, step: number, events: EventLog): void {
    const plan = this.plan;
    const bm = i * this.nm;
    let gross = 0;
    for (let m = 0; m < this.nm; m++) gross += Math.abs(this.size[bm + m]) * this.px[this.marketAsset[m]];
    if (!(gross > plan.partialMinNotional)) {
      this.liquidate(i, step, events);
      return;
    }
    let phi = plan.partialFraction;
    if (plan.restoreBuffer > 0) {
      // requirement and equity after closing phi: (1 - phi) R (1 + b) <= E - phi c N, c the fee rate (slippage aside)
      const e = this.equityOf(i);
      const r = this.requirementOf(i) * (1 + plan.restoreBuffer);
      const c = this.config.liquidation.fee;
      const need = r - c * gross > 0 ? (r - e) / (r - c * gross) : 1;
      if (need > phi) phi = need;
    }
    if (phi >= 1) {
      this.liquidate(i, step, events);
      return;
    }
    const l = this.ledger;
    const realised = this.closeShare(i, phi);
    const notional = this.closed;
    const slip = this.closedSlip;
    this.cash[i] += realised;
    // the fee is junior, as in a whole liquidation: at most the equity the slice leaves
    const fee = Math.min(this.config.liquidation.fee * notional, Math.max(0, this.equityOf(i)));
    this.cash[i] -= fee;
    l.insuranceFund += fee;
    l.liquidations++;
    l.partialLiquidations++;
    l.liquidatedNotional += notional;
    l.slippage += slip;
    l.fees += fee;
    l.realisedPnl += realised;
    events.liquidation(step, i, -1, phi, NaN, NaN, notional, slip, fee, 0, 0, 0, EVENT_CROSS_PARTIAL);
    if (!(this.equityOf(i) > 0)) this.liquidate(i, step, events);
  }

  /**
   * Closes `phi` of every position of account i through each market's liquidity (square-root slippage, impact on the
   * asset's price); returns the realised P&L, and leaves the closed notional and the slippage in `closed`, `closedSlip`.
   */
  private closeShare(i: number, phi: number): number {
    const bm = i * this.nm;
    let realised = 0;
    let notional = 0;
    let slip = 0;
    for (let m = 0; m < this.nm; m++) {
      const full = this.size[bm + m];
      if (full === 0) continue;
      const s = full * phi;
      const a = this.marketAsset[m];
      const p = this.px[a];
      const n = Math.abs(s) * p;
      const depth = this.mLiq.depth[m];
      const f = Math.min(1 - PRICE_FLOOR, fillFactor(n, depth, this.mLiq.slippage[m]));
      const fill = s > 0 ? p * (1 - f) : p * (1 + f);
      realised += s * (fill - this.entry[bm + m]);
      slip += n * f;
      notional += n;
      const move = this.mLiq.impact[m] * (n / depth);
      this.movePrice(a, s > 0 ? Math.max(PRICE_FLOOR, 1 - move) : 1 + move);
      this.size[bm + m] = full - s;
      if (phi === 1) this.entry[bm + m] = 0;
    }
    this.closed = notional;
    this.closedSlip = slip;
    return realised;
  }

  /** Deposit intent: `usd` more in owned account i. False (refused) if it is not the agent's or not open. */
  deposit(agent: number, i: number, usd: number): boolean {
    if (!(i >= 0 && i < this.count && this.owner[i] === agent && this.open[i] === 1 && usd > 0)) {
      this.ledger.refusedIntents++;
      return false;
    }
    this.cash[i] += usd;
    this.ledger.topUps += usd;
    return true;
  }

  /**
   * Reduce intent: closes `fraction` (0-1] of every position of owned account i through the markets, paying the
   * trading fee; refused in a full halt. The step's prices move with the trades, as liquidations move them.
   */
  reduce(agent: number, i: number, fraction: number, haltedAll: boolean): boolean {
    if (haltedAll || !(i >= 0 && i < this.count && this.owner[i] === agent && this.open[i] === 1 && fraction > 0)) {
      this.ledger.refusedIntents++;
      return false;
    }
    const l = this.ledger;
    const realised = this.closeShare(i, Math.min(1, fraction));
    const fee = this.config.tradingFee * this.closed;
    this.cash[i] += realised - fee;
    l.realisedPnl += realised;
    l.reductions++;
    l.reducedNotional += this.closed;
    l.tradingFees += fee;
    l.slippage += this.closedSlip;
    return true;
  }

  private movePrice(a: number, factor: number): void {
    this.px[a] *= factor;
    this.impactFactor[a] *= factor;
  }

  /**
   * The step's book figures into `out`: sums of equity, maintenance requirement, standard requirement and haircut
   * collateral value over open accounts, and the distribution of equity / requirement (accounts with a requirement).
   */
  stats(out: CrossStats): void {
    let eq = 0;
    let req = 0;
    let std = 0;
    let coll = 0;
    let n = 0;
    let open = 0;
    const r = this.ratios;
    for (let i = 0; i < this.count; i++) {
      if (this.open[i] !== 1) continue;
      open++;
      const c = this.collateralValueOf(i);
      const e = this.plusPnl(i, this.cash[i] + c);
      const q = this.requirementOf(i);
      eq += e;
      req += q;
      std += this.plan.portfolio ? this.standardRequirementOf(i) : q;
      coll += c;
      if (q > 0) r[n++] = e / q;
    }
    out.open = open;
    out.equity = eq;
    out.requirement = req;
    out.standardRequirement = std;
    out.collateralValue = coll;
    if (n === 0) {
      out.ratioMin = out.ratioP5 = out.ratioP50 = NaN;
      return;
    }
    r.fill(Infinity, n);
    r.sort();
    out.ratioMin = r[0];
    out.ratioP5 = r[Math.floor(0.05 * (n - 1))];
    out.ratioP50 = r[Math.floor(0.5 * (n - 1))];
    if (r[0] < this.ledger.minMarginRatio) this.ledger.minMarginRatio = r[0];
  }
}

/** One step's book figures (CrossVenue.stats). */
export interface CrossStats {
  open: number;
  equity: number;
  requirement: number;
  standardRequirement: number;
  collateralValue: number;
  ratioMin: number;
  ratioP5: number;
  ratioP50: number;
}
