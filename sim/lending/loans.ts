// Loan positions as typed-array columns (struct of arrays), the lending pool's ledger, liquidator offers and plan.
import type { CloseFactorRules } from './config.js';

/**
 * One row per borrower position: collateral in units of the venue asset, debt as scaled debt (debt / borrow index
 * at the time of each change, Aave's variable-debt scaling), owner, open flag. A closed slot keeps its history and is
 * never reused, so ids are stable.
 */
export class LoanTable {
  count = 0;
  capacity: number;
  /** Collateral in units of the asset. */
  collateral: Float64Array;
  /** Scaled debt: debt (USD) = scaledDebt * borrowIndex. */
  scaledDebt: Float64Array;
  /** Index of the agent that owns the position. */
  owner: Int32Array;
  /** 1 while the position holds collateral or debt. */
  open: Uint8Array;
  /** Step the position was created. */
  openedStep: Int32Array;

  constructor(capacity: number) {
    this.capacity = Math.max(16, capacity);
    this.collateral = new Float64Array(this.capacity);
    this.scaledDebt = new Float64Array(this.capacity);
    this.owner = new Int32Array(this.capacity);
    this.open = new Uint8Array(this.capacity);
    this.openedStep = new Int32Array(this.capacity);
  }

  /** Reserves a new slot, doubling the columns when full (amortised, outside the hot loop). */
  allocate(): number {
    if (this.count === this.capacity) this.grow(this.capacity * 2);
    return this.count++;
  }

  private grow(capacity: number): void {
    const f = (a: Float64Array): Float64Array => {
      const b = new Float64Array(capacity);
      b.set(a);
      return b;
    };
    const g = (a: Int32Array): Int32Array => {
      const b = new Int32Array(capacity);
      b.set(a);
      return b;
    };
    this.collateral = f(this.collateral);
    this.scaledDebt = f(this.scaledDebt);
    this.owner = g(this.owner);
    this.openedStep = g(this.openedStep);
    const o = new Uint8Array(capacity);
    o.set(this.open);
    this.open = o;
    this.capacity = capacity;
  }
}

/**
 * Every flow of the lending pool, so that the lending identities hold at every step (docs/lending.md,
 * test/sim/lending/conservation.test.ts):
 *   collateral (units): deposited = open collateral + withdrawn + to liquidators + treasury + protocol-held + bought
 *   debt (USD):         open debt = borrowed + interest - repaid - repaid by liquidators - written off - absorbed
 *   pool (USD):         cash + open debt = lenders' claims + reserves
 *   liquidators (USD):  P&L = sale proceeds - repaid by liquidators - paid for bought collateral
 *                           = bonus at the oracle + (spot - oracle) gap - slippage
 */
export class LendingLedger {
  collateralDeposited = 0;
  collateralWithdrawn = 0;
  /** Collateral taken from borrowers by fixed-spread liquidations (bonus and protocol fee included). */
  collateralSeized = 0;
  /** The part of it the liquidators received (and sold). */
  collateralToLiquidators = 0;
  /** Protocol fee: the treasury's share of the bonus, in units, and its value at the oracle when taken. */
  treasuryCollateral = 0;
  protocolFees = 0;
  /** Compound v3: collateral absorbed by the protocol, what it still holds, and what buyers took. */
  collateralAbsorbed = 0;
  protocolCollateral = 0;
  collateralBought = 0;

  lenderDeposits = 0;
  /** Lenders' claims: deposits, their share of interest, and absorb surpluses credited to borrowers as supply. */
  lenderClaims = 0;
  borrowed = 0;
  repaid = 0;
  liquidatorRepaid = 0;
  interest = 0;
  interestToLenders = 0;
  interestToReserves = 0;
  /** Aave v3.3: debt left on a position without collateral, burned and booked as the reserve's deficit. */
  debtWrittenOff = 0;
  /** Compound v3: debt removed by absorb, and the surplus credited to borrowers. */
  debtAbsorbed = 0;
  absorbSurplus = 0;
  /** Paid by buyers of absorbed collateral (to the reserves). */
  buyProceeds = 0;
  /** Bad debt: debt left without collateral (written off; absorb: debt above the collateral's oracle value). */
  badDebt = 0;

  /** USD held by the pool. */
  cash = 0;
  /** Protocol reserves (USD): start + interest share + buy proceeds - write-offs - absorb costs; can go negative. */
  reserves = 0;
  reservesInitial = 0;
  reservesMin = 0;

  liquidations = 0;
  absorbs = 0;
  buys = 0;
  /** Debt repaid by liquidators or absorbed (USD). */
  liquidatedDebt = 0;
  /** Liquidator proceeds from selling on the spot market, and the P&L decomposition. */
  liquidatorProceeds = 0;
  liquidatorPaid = 0;
  liquidatorBonus = 0;
  liquidatorOracleGap = 0;
  liquidatorSlippage = 0;
  /** Collateral sold on the spot market by liquidators (units) and its notional at the spot (USD). */
  collateralSold = 0;
  soldNotional = 0;
  /** Liquidatable positions no liquidator would take at a profit (counted once per position and step). */
  unprofitable = 0;
  borrows = 0;
  blockedBorrows = 0;
  rejectedBorrows = 0;
  rejectedSupplies = 0;
  /** Lowest end-of-step health factor over positions with debt (Infinity while there is none). */
  minHealthFactor = Infinity;
  /** P&L per liquidator: index agent + 1 (0 = the pool's implicit liquidator). */
  pnlBy: Float64Array;

  constructor(agents: number) {
    this.pnlBy = new Float64Array(agents + 1);
  }
}

/** Liquidation capacity offered by lending-liquidator agents this step, in the order they acted. */
export interface LendingOffers {
  n: number;
  agent: Int32Array;
  /** Most liquidations (absorbs) this step. */
  count: Float64Array;
  /** USD the liquidator can deploy this step (debt repaid, collateral bought). */
  capital: Float64Array;
  /** Smallest profit (USD) for which it acts: gas plus its minimum. */
  minProfit: Float64Array;
}

/**
 * What the defense policies decide for the lending pool this step (their `lending` hooks, defenses phase).
 * Composition: the smallest `liquidateBelow` and `maxLiquidations` win; any policy can block borrows; the last
 * policy that sets close-factor rules wins.
 */
export interface LendingPlan {
  /** Positions are liquidatable below this health factor (1; Aave's sentinel grace period: 0.95). */
  liquidateBelow: number;
  /** Most liquidations this step. */
  maxLiquidations: number;
  /** New borrows allowed this step (halts block them too). */
  borrowsAllowed: boolean;
  /** Close-factor rules in force (the scenario's unless a policy sets others). */
  closeFactor: CloseFactorRules;
}
