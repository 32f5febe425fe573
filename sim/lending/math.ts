// Lending formulas as pure functions: health factor, close factor, collateral seized, absorb, store-front price,
// interest-rate curve and compounding. Each cites its source; test/sim/lending/math.test.ts checks the published values.
import type { CloseFactorRules, RateModel } from './config.js';

/** Seconds per year in Aave's MathUtils (365 days, leap years ignored). */
export const SECONDS_PER_YEAR = 365 * 24 * 3600;

/**
 * Health factor HF = collateral * price * LT / debt (Aave v3 GenericLogic, mechanics.md 3.1); Infinity without debt.
 * Liquidatable iff HF < 1.
 */
export function healthFactor(collateral: number, price: number, lt: number, debt: number): number {
  return debt > 0 ? (collateral * price * lt) / debt : Infinity;
}

/** Price at which HF reaches 1: debt / (collateral * LT). */
export function liquidationPrice(collateral: number, lt: number, debt: number): number {
  return debt / (collateral * lt);
}

/**
 * Share of the debt one liquidation may repay (Aave v3.3+ LiquidationLogic.executeLiquidationCall, mechanics.md 3.1):
 * `rules.partial` (50%) when HF > fullBelowHealthFactor (0.95) and collateral and debt are both worth >= minBase
 * ($2,000); otherwise 100%. With minBase 0 this is the v3.0-3.2 rule (50% above HF 0.95, 100% at or below).
 */
export function closeFactor(hf: number, collateralValue: number, debtValue: number, rules: CloseFactorRules): number {
  if (hf > rules.fullBelowHealthFactor && collateralValue >= rules.minBase && debtValue >= rules.minBase) return rules.partial;
  return 1;
}

/**
 * v3.3 MustNotLeaveDust: a liquidation that neither repays all the debt nor seizes all the collateral must leave at
 * least `minLeftover` USD of each. Returns true when the liquidation is allowed.
 */
export function leavesNoDust(debtLeft: number, collateralValueLeft: number, minLeftover: number): boolean {
  if (!(debtLeft > 0) || !(collateralValueLeft > 0)) return true;
  return debtLeft >= minLeftover && collateralValueLeft >= minLeftover;
}

/** Result of a fixed-spread liquidation (units of the collateral asset, USD of debt). */
export interface Seizure {
  /** Debt actually repaid (USD). */
  debt: number;
  /** Collateral taken from the borrower, bonus and protocol fee included (units). */
  seized: number;
  /** The treasury's share of the bonus (units). */
  protocolFee: number;
  /** What the liquidator receives: seized - protocolFee (units). */
  toLiquidator: number;
}

/**
 * Aave v3 LiquidationLogic._calculateAvailableCollateralToLiquidate (mechanics.md 3.1): seize
 * debtToCover * debtPrice / collateralPrice * (1 + bonus); if the borrower has less collateral, seize all of it and
 * repay collateral * price / (1 + bonus). The protocol fee is `protocolFee` of the bonus part:
 * bonusCollateral = seized - seized / (1 + bonus).
 */
export function seizure(debtToCover: number, collateral: number, price: number, bonus: number, protocolFee: number, out: Seizure): Seizure {
  const lb = 1 + bonus;
  let debt = debtToCover;
  let seized = (debtToCover * lb) / price;
  if (seized > collateral) {
    seized = collateral;
    debt = (collateral * price) / lb;
  }
  const fee = (seized - seized / lb) * protocolFee;
  out.debt = debt;
  out.seized = seized;
  out.protocolFee = fee;
  out.toLiquidator = seized - fee;
  return out;
}

/** Result of Compound v3's absorb of one account (USD). */
export interface Absorption {
  /** collateral * price * liquidationFactor: what the account is credited with. */
  credit: number;
  /** credit - debt when positive: the account keeps it as a base (USD) supply balance. */
  surplus: number;
  /** debt - credit when positive: the excess debt the reserves absorb beyond the credit. */
  shortfall: number;
  /** Change of the protocol's reserves: -max(credit, debt) (the collateral it now holds is not counted). */
  reservesDelta: number;
}

/**
 * Comet.absorbInternal (compound-finance/comet contracts/Comet.sol; mechanics.md 3.2): the protocol takes all
 * collateral; the account's balance -debt is credited with collateral * price * liquidationFactor; a positive result
 * stays with the account as supply, a negative one is set to 0 and absorbed by reserves.
 */
export function absorption(collateral: number, price: number, liquidationFactor: number, debt: number, out: Absorption): Absorption {
  const credit = collateral * price * liquidationFactor;
  out.credit = credit;
  out.surplus = credit > debt ? credit - debt : 0;
  out.shortfall = debt > credit ? debt - credit : 0;
  out.reservesDelta = -(credit > debt ? credit : debt);
  return out;
}

/**
 * Comet.quoteCollateral (mechanics.md 3.2): absorbed collateral is sold at
 * price * (1 - storeFrontPriceFactor * (1 - liquidationFactor)); WETH on cUSDCv3: 2.5% below the oracle.
 */
export function storeFrontPrice(price: number, storeFrontPriceFactor: number, liquidationFactor: number): number {
  return price * (1 - storeFrontPriceFactor * (1 - liquidationFactor));
}

/**
 * Liquidation-spiral boundary (mechanics.md 7.2, derived from Qin et al., IMC 2021): repaying d and seizing
 * d (1 + LS) of collateral raises HF iff HF > LT (1 + LS). Below it every fixed-spread liquidation lowers HF.
 */
export function spiralThreshold(lt: number, bonus: number): number {
  return lt * (1 + bonus);
}

/** HF after repaying `repay` (USD) and seizing repay * (1 + bonus) / price of collateral. */
export function healthAfter(collateral: number, price: number, lt: number, debt: number, repay: number, bonus: number): number {
  return healthFactor(collateral - (repay * (1 + bonus)) / price, price, lt, debt - repay);
}

/** Aave v3 variable borrow rate (annual) at utilization u (DefaultReserveInterestRateStrategy; mechanics.md 3.1). */
export function borrowRate(u: number, m: RateModel): number {
  const uo = m.optimalUtilization;
  if (u <= uo) return m.base + (m.slope1 * u) / uo;
  return m.base + m.slope1 + (m.slope2 * (u - uo)) / (1 - uo);
}

/** Supply (liquidity) rate: r * U * (1 - reserveFactor) (Aave v3; mechanics.md 3.1). */
export function supplyRate(borrow: number, u: number, reserveFactor: number): number {
  return borrow * u * (1 - reserveFactor);
}

/**
 * Growth factor of a debt over `seconds` at annual rate `rate`, as Aave v3 MathUtils.calculateCompoundedInterest
 * computes it (aave/aave-v3-core contracts/protocol/libraries/math/MathUtils.sol): the first three terms of the
 * binomial expansion of (1 + r / SECONDS_PER_YEAR)^n,
 *   1 + n x + n (n - 1) / 2 x^2 + n (n - 1) (n - 2) / 6 x^3,  x = r / SECONDS_PER_YEAR, n = seconds.
 */
export function compoundedInterest(rate: number, seconds: number): number {
  if (seconds === 0) return 1;
  const x = rate / SECONDS_PER_YEAR;
  const n = seconds;
  const nm1 = n - 1;
  const nm2 = n > 2 ? n - 2 : 0;
  return 1 + x * n + (n * nm1 * x * x) / 2 + (n * nm1 * nm2 * x * x * x) / 6;
}
