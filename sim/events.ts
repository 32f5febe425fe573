// Event log of a run: liquidations in typed columns (there can be 10^6 of them), interventions as plain records.

/** A defense intervention: which policy did what, why, and the numbers that triggered it. */
export interface Intervention {
  step: number;
  policy: string;
  action: string;
  reason: string;
  value: number;
  threshold: number;
}

/**
 * What an agent did (logged for adversaries: their swaps, flash loans, opens, closes and withdrawals), so that an
 * attack can be read step by step from the events table (docs/results.md). Amounts in USD, sizes in units.
 */
export interface AgentAction {
  step: number;
  /** Index of the agent in the scenario's list. */
  agent: number;
  /** `swap-buy`, `swap-sell`, `flash-borrow`, `flash-repay`, `open`, `close`, `withdraw`. */
  action: string;
  /** Venue account (open, close, withdraw), else -1. */
  account: number;
  /** Units bought (+) or sold (-) on the pool; the position's signed size (open, close); 0 otherwise. */
  size: number;
  /** Price before the action: the pool's spot (swaps) or the venue's price (open, close, withdraw). */
  price: number;
  /** Average execution price (swaps, open, close); the margin price (withdraw); NaN otherwise. */
  execPrice: number;
  /** USD traded (swaps), the position's notional (open, close), the amount (loans, withdrawals). */
  notional: number;
  /** Fees paid: the pool's fee (swaps), the flash-loan fee, the venue's trading fee; gas separately in `value`. */
  fee: number;
  /** USD that moved between the agent's wallet and the venue or lender: collateral in (-), withdrawals and payouts (+), gas (-). */
  value: number;
}

export class EventLog {
  liqCount = 0;
  private cap = 0;
  step: Int32Array = new Int32Array(0);
  account: Int32Array = new Int32Array(0);
  /** agent index of the liquidator, -1 when the venue liquidated on its own */
  liquidator: Int32Array = new Int32Array(0);
  /** What kind of close: 0 liquidation, 1 partial liquidation, 2 auto-deleveraging, 3 backstop takeover, 4 policy deleverage, 5 vault unwind (see EVENT_* in perp.ts) */
  kind: Uint8Array = new Uint8Array(0);
  size: Float64Array = new Float64Array(0);
  price: Float64Array = new Float64Array(0);
  execPrice: Float64Array = new Float64Array(0);
  notional: Float64Array = new Float64Array(0);
  slippage: Float64Array = new Float64Array(0);
  fee: Float64Array = new Float64Array(0);
  bounty: Float64Array = new Float64Array(0);
  badDebt: Float64Array = new Float64Array(0);
  uncovered: Float64Array = new Float64Array(0);
  readonly interventions: Intervention[] = [];
  /** Adversaries' actions, in the order they were applied. */
  readonly actions: AgentAction[] = [];

  /** Makes room for at least `n` liquidation events (a run reserves one per starting account: no growth in a cascade). */
  reserve(n: number): void {
    if (n > this.cap) this.grow(n);
  }

  liquidation(
    step: number,
    account: number,
    liquidator: number,
    size: number,
    price: number,
    execPrice: number,
    notional: number,
    slippage: number,
    fee: number,
    bounty: number,
    badDebt: number,
    uncovered: number,
    kind = 0,
  ): void {
    if (this.liqCount === this.cap) this.grow(Math.max(1024, this.cap * 2));
    const i = this.liqCount++;
    this.step[i] = step;
    this.account[i] = account;
    this.liquidator[i] = liquidator;
    this.size[i] = size;
    this.price[i] = price;
    this.execPrice[i] = execPrice;
    this.notional[i] = notional;
    this.slippage[i] = slippage;
    this.fee[i] = fee;
    this.bounty[i] = bounty;
    this.badDebt[i] = badDebt;
    this.uncovered[i] = uncovered;
    this.kind[i] = kind;
  }

  private grow(cap: number): void {
    const f = (a: Float64Array): Float64Array => {
      const b = new Float64Array(cap);
      b.set(a);
      return b;
    };
    const g = (a: Int32Array): Int32Array => {
      const b = new Int32Array(cap);
      b.set(a);
      return b;
    };
    this.step = g(this.step);
    this.account = g(this.account);
    this.liquidator = g(this.liquidator);
    this.size = f(this.size);
    this.price = f(this.price);
    this.execPrice = f(this.execPrice);
    this.notional = f(this.notional);
    this.slippage = f(this.slippage);
    this.fee = f(this.fee);
    this.bounty = f(this.bounty);
    this.badDebt = f(this.badDebt);
    this.uncovered = f(this.uncovered);
    const k = new Uint8Array(cap);
    k.set(this.kind);
    this.kind = k;
    this.cap = cap;
  }
}
