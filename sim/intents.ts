// Reusable intent buffer: agents write what they want to do; the engine (venue) applies it. No per-step allocation.

export const INTENT_OPEN = 1;
export const INTENT_CLOSE = 2;
export const INTENT_LIQUIDATE = 3;
export const INTENT_WITHDRAW = 4;
/** Market makers: quote `amount` USD of depth on the venue for this step (sim/agent-actions.ts). */
export const INTENT_QUOTE = 5;
/** Swap on the AMM pool: side +1 buys base with `amount` USD, -1 sells `amount` units of base (sim/agent-actions.ts). */
export const INTENT_SWAP = 6;
/** Flash loan: side +1 borrows `amount` USD, -1 repays what is owed plus the fee rate `ratio` (sim/agent-actions.ts). */
export const INTENT_FLASH = 7;
/** Lending pool (sim/lending/): kinds 20-29. */
export const INTENT_SUPPLY = 20;
export const INTENT_BORROW = 21;
export const INTENT_REPAY = 22;
export const INTENT_LIQUIDATE_LOANS = 23;
/** Options venue (sim/options/): kinds 30-39. */
export const INTENT_OPTION_TRADE = 30;
/** Cross-margin venue (sim/cross/): kinds 40-49. */
export const INTENT_CROSS_DEPOSIT = 40;
export const INTENT_CROSS_REDUCE = 41;

/**
 * Columns of intents for one step. `open` asks for a new isolated position, `close` for closing an owned one,
 * `liquidate` offers liquidation capacity (how many accounts this agent will liquidate this step, for what bounty).
 */
export class Intents {
  n = 0;
  private cap: number;
  kind: Uint8Array;
  agent: Int32Array;
  account: Int32Array;
  side: Int8Array;
  /** collateral (open) or bounty rate (liquidate) */
  amount: Float64Array;
  /** leverage (open) or max liquidations (liquidate) */
  ratio: Float64Array;
  /** smallest reward in USD (liquidate) */
  extra: Float64Array;
  /** option series (option trade) */
  series: Int32Array;
  /** largest notional in USD this step (liquidate: the liquidator's capital); Infinity = none */
  limit: Float64Array;

  constructor(capacity = 64) {
    this.cap = capacity;
    this.kind = new Uint8Array(capacity);
    this.agent = new Int32Array(capacity);
    this.account = new Int32Array(capacity);
    this.side = new Int8Array(capacity);
    this.amount = new Float64Array(capacity);
    this.ratio = new Float64Array(capacity);
    this.extra = new Float64Array(capacity);
    this.series = new Int32Array(capacity);
    this.limit = new Float64Array(capacity);
  }

  clear(): void {
    this.n = 0;
  }

  /** Open a position of `collateral` USD at `leverage`, long (side 1) or short (side -1). */
  open(agent: number, side: 1 | -1, collateral: number, leverage: number): void {
    const i = this.push(INTENT_OPEN, agent);
    this.side[i] = side;
    this.amount[i] = collateral;
    this.ratio[i] = leverage;
  }

  /**
   * Close an open position the agent owns, at the venue's price with slippage. `account` -1: the position this agent's
   * latest OPEN of this step created (intents are applied in order, so open-then-close is one atomic sequence).
   */
  close(agent: number, account: number): void {
    const i = this.push(INTENT_CLOSE, agent);
    this.account[i] = account;
  }

  /**
   * Offer to liquidate up to `maxCount` accounts this step for a bounty of `bountyRate` of the closed notional, only
   * where the reward is at least `minReward` USD (gas plus minimum profit).
   */
  liquidate(agent: number, maxCount: number, bountyRate: number, minReward = 0): void {
    const i = this.push(INTENT_LIQUIDATE, agent);
    this.ratio[i] = maxCount;
    this.amount[i] = bountyRate;
    this.extra[i] = minReward;
  }

  /**
   * A liquidator bot's offer (agents/liquidator-bots.ts): as `liquidate`, and only for accounts that have been
   * liquidatable for at least `latencySteps` steps (the time to see one and land a transaction), for at most
   * `maxNotional` USD of closed notional this step (its capital).
   */
  liquidateWith(agent: number, maxCount: number, bountyRate: number, minReward: number, latencySteps: number, maxNotional: number): void {
    const i = this.push(INTENT_LIQUIDATE, agent);
    this.ratio[i] = maxCount;
    this.amount[i] = bountyRate;
    this.extra[i] = minReward;
    this.account[i] = latencySteps;
    this.limit[i] = maxNotional;
  }

  /** Market maker: quote `depthUsd` of depth on the venue for this step (summed into the venue's depth). */
  quote(agent: number, depthUsd: number): void {
    const i = this.push(INTENT_QUOTE, agent);
    this.amount[i] = depthUsd;
  }

  /** Swap on the AMM pool: buy base for `usd` (side 1) or sell `units` of base (side -1; Infinity: all the wallet holds). */
  swap(agent: number, side: 1 | -1, amount: number): void {
    const i = this.push(INTENT_SWAP, agent);
    this.side[i] = side;
    this.amount[i] = amount;
  }

  /** Flash loan: borrow `usd` (repaid in the same turn with `repayFlash`). */
  borrowFlash(agent: number, usd: number): void {
    const i = this.push(INTENT_FLASH, agent);
    this.side[i] = 1;
    this.amount[i] = usd;
  }

  /** Flash loan: repay what the agent owes, plus `feeRate` of it. */
  repayFlash(agent: number, feeRate: number): void {
    const i = this.push(INTENT_FLASH, agent);
    this.side[i] = -1;
    this.ratio[i] = feeRate;
  }

  /**
   * Withdraw `amount` USD from an owned account (allowed while the rest covers the initial requirement); `amount`
   * Infinity: as much as that allows. `account` -1: the position this agent's latest OPEN of this step created.
   */
  withdraw(agent: number, account: number, amount: number): void {
    const i = this.push(INTENT_WITHDRAW, agent);
    this.account[i] = account;
    this.amount[i] = amount;
  }

  /**
   * Options: trade `contracts` (+ buy, - sell) of option series `series` in an owned options account (`account` -1: a
   * new one), depositing `collateral` USD first; `limit` is the worst acceptable price per contract (NaN: none);
   * `covered` buys the underlying for a sale of calls (sim/options/venue.ts).
   */
  optionTrade(agent: number, account: number, series: number, contracts: number, collateral: number, limit = NaN, covered = false): void {
    const i = this.push(INTENT_OPTION_TRADE, agent);
    this.account[i] = account;
    this.series[i] = series;
    this.ratio[i] = contracts;
    this.amount[i] = collateral;
    this.extra[i] = limit;
    this.side[i] = covered ? 1 : 0;
  }

  /** Lending: deposit `units` of the asset as collateral into an owned position (`account` -1: a new position). */
  supply(agent: number, account: number, units: number): void {
    const i = this.push(INTENT_SUPPLY, agent);
    this.account[i] = account;
    this.amount[i] = units;
  }

  /** Lending: borrow `usd` against an owned position (`account` -1: the one this agent's last SUPPLY opened this step). */
  borrow(agent: number, account: number, usd: number): void {
    const i = this.push(INTENT_BORROW, agent);
    this.account[i] = account;
    this.amount[i] = usd;
  }

  /** Lending: repay up to `usd` of an owned position's debt. */
  repay(agent: number, account: number, usd: number): void {
    const i = this.push(INTENT_REPAY, agent);
    this.account[i] = account;
    this.amount[i] = usd;
  }

  /** Lending: offer to liquidate up to `maxCount` positions this step with `capital` USD, each for at least `minProfit` USD. */
  liquidateLoans(agent: number, maxCount: number, capital: number, minProfit: number): void {
    const i = this.push(INTENT_LIQUIDATE_LOANS, agent);
    this.ratio[i] = maxCount;
    this.amount[i] = capital;
    this.extra[i] = minProfit;
  }

  /** Cross margin: add `usd` to the balance of an owned cross account (always allowed: it only lowers risk). */
  crossDeposit(agent: number, account: number, usd: number): void {
    const i = this.push(INTENT_CROSS_DEPOSIT, agent);
    this.account[i] = account;
    this.amount[i] = usd;
  }

  /** Cross margin: close `fraction` of every position of an owned cross account through each market (refused in a full halt). */
  crossReduce(agent: number, account: number, fraction: number): void {
    const i = this.push(INTENT_CROSS_REDUCE, agent);
    this.account[i] = account;
    this.ratio[i] = fraction;
  }

  private push(kind: number, agent: number): number {
    if (this.n === this.cap) this.grow();
    const i = this.n++;
    this.kind[i] = kind;
    this.agent[i] = agent;
    this.account[i] = -1;
    this.side[i] = 0;
    this.amount[i] = 0;
    this.ratio[i] = 0;
    this.extra[i] = 0;
    this.limit[i] = Infinity;
    return i;
  }

  private grow(): void {
    const cap = this.cap * 2;
    const g = <T extends Uint8Array | Int8Array | Int32Array | Float64Array>(a: T, make: (n: number) => T): T => {
      const b = make(cap);
      b.set(a);
      return b;
    };
    this.kind = g(this.kind, (n) => new Uint8Array(n));
    this.agent = g(this.agent, (n) => new Int32Array(n));
    this.account = g(this.account, (n) => new Int32Array(n));
    this.side = g(this.side, (n) => new Int8Array(n));
    this.amount = g(this.amount, (n) => new Float64Array(n));
    this.ratio = g(this.ratio, (n) => new Float64Array(n));
    this.extra = g(this.extra, (n) => new Float64Array(n));
    this.series = g(this.series, (n) => new Int32Array(n));
    this.limit = g(this.limit, (n) => new Float64Array(n));
    this.cap = cap;
  }
}
