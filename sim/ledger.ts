// The venue's ledger: every flow in and out, so that value is conserved and every summary figure has one source.

/** Owner id of the backstop vault's accounts (agents are 0.., the venue itself -1). */
export const VAULT_OWNER = -2;

/**
 * Ledger of a run. Everything the venue holds or paid out is here, so that value is conserved:
 * trader equity (open accounts, the backstop vault's included) + returned to traders + insurance fund + trading fees
 * + liquidator income + counterparty P&L - uncovered bad debt = deposits (the insurance fund's seed counts as a
 * deposit). docs/architecture.md states the identity; test/sim/conservation.test.ts checks it every step.
 */
export class Ledger {
  deposits = 0;
  insuranceFund = 0;
  insuranceFundInitial = 0;
  insuranceFundMin = 0;
  tradingFees = 0;
  liquidationFees = 0;
  liquidatorIncome = 0;
  /** Bounties the insurance fund paid because the account's equity could not (part of liquidatorIncome). */
  bountiesFromFund = 0;
  returnedToTraders = 0;
  /** The counterparty's realised P&L (it takes the other side of every fill, and collects funding). */
  counterpartyRealised = 0;
  badDebt = 0;
  uncoveredBadDebt = 0;
  socializedLoss = 0;
  liquidations = 0;
  partialLiquidations = 0;
  liquidatedNotional = 0;
  liquidationSlippage = 0;
  /** Positions closed against opposite traders at the bankrupt account's zero-equity price. */
  adlEvents = 0;
  adlNotional = 0;
  /** Bad debt avoided by auto-deleveraging (the part of the position closed at the bankruptcy price). */
  adlCovered = 0;
  backstopTakeovers = 0;
  backstopNotional = 0;
  deleverages = 0;
  opens = 0;
  closes = 0;
  rejectedOpens = 0;
  /** Treasury hedge: size held on the spot market and its cash account. */
  hedgeSize = 0;
  hedgeCash = 0;
  hedgeCosts = 0;
  /** Per owner (index owner + 2: vault, venue, agent 0, agent 1, ...): USD deposited into and paid out of the venue. */
  depositedBy: Float64Array;
  paidTo: Float64Array;

  constructor(owners: number) {
    this.depositedBy = new Float64Array(owners + 2);
    this.paidTo = new Float64Array(owners + 2);
  }
}
