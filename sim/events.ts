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

/**
 * A run's events as plain data (typed arrays and plain records, no class instance): what a run sends across a worker
 * boundary when a sweep writes its events table. The liquidation columns are cut to `liqCount` rows.
 */
export interface RunEvents {
  liqCount: number;
  step: Int32Array;
  account: Int32Array;
  liquidator: Int32Array;
  kind: Uint8Array;
  size: Float64Array;
  price: Float64Array;
  execPrice: Float64Array;
  notional: Float64Array;
  slippage: Float64Array;
  fee: Float64Array;
  bounty: Float64Array;
  badDebt: Float64Array;
  uncovered: Float64Array;
  interventions: Intervention[];
  actions: AgentAction[];
}

/** A copy of a run's event log as plain data (RunEvents). */
export function runEvents(log: EventLog): RunEvents {
  const n = log.liqCount;
  return {
    liqCount: n,
    step: log.step.slice(0, n),
    account: log.account.slice(0, n),
    liquidator: log.liquidator.slice(0, n),
    kind: log.kind.slice(0, n),
    size: log.size.slice(0, n),
    price: log.price.slice(0, n),
    execPrice: log.execPrice.slice(0, n),
    notional: log.notional.slice(0, n),
    slippage: log.slippage.slice(0, n),
    fee: log.fee.slice(0, n),
    bounty: log.bounty.slice(0, n),
    badDebt: log.badDebt.slice(0, n),
    uncovered: log.uncovered.slice(0, n),
    interventions: log.interventions.map((x) => ({ ...x })),
    actions: log.actions.map((x) => ({ ...x })),
  };
}

/** Row types of an events table (the order of its `type` dictionary). */
export const EVENT_ROW_LIQUIDATION = 0;
export const EVENT_ROW_INTERVENTION = 1;
export const EVENT_ROW_AGENT = 2;
export type EventRowType = typeof EVENT_ROW_LIQUIDATION | typeof EVENT_ROW_INTERVENTION | typeof EVENT_ROW_AGENT;

/**
 * Visits a run's events in the order of the events tables: by step; within a step the agents' actions (the agents
 * phase precedes the margin pass), then the liquidations (in the order the margin pass executed them), then the
 * interventions (in the order policies logged them). `i` indexes the liquidation columns, `interventions` or `actions`.
 */
export function visitEvents(
  ev: { liqCount: number; step: Int32Array; interventions: readonly Intervention[]; actions: readonly AgentAction[] },
  visit: (type: EventRowType, i: number) => void,
): void {
  const ints = ev.interventions;
  const acts = ev.actions;
  const liqOrder = stableOrder(ev.liqCount, (i) => ev.step[i]);
  const intOrder = stableOrder(ints.length, (j) => ints[j].step);
  let a = 0;
  let b = 0;
  let c = 0;
  while (a < ev.liqCount || b < ints.length || c < acts.length) {
    const i = a < ev.liqCount ? liqOrder[a] : -1;
    const j = b < ints.length ? intOrder[b] : -1;
    if (c < acts.length && (i < 0 || acts[c].step <= ev.step[i]) && (j < 0 || acts[c].step <= ints[j].step)) visit(EVENT_ROW_AGENT, c++);
    else if (i >= 0 && (j < 0 || ev.step[i] <= ints[j].step)) {
      visit(EVENT_ROW_LIQUIDATION, i);
      a++;
    } else {
      visit(EVENT_ROW_INTERVENTION, j);
      b++;
    }
  }
}

/** Indices 0..n-1 ordered by key, ties in index order; the identity (no sort) when keys already ascend. */
function stableOrder(n: number, key: (i: number) => number): Int32Array {
  const order = new Int32Array(n);
  let sorted = true;
  for (let i = 0; i < n; i++) {
    order[i] = i;
    if (i > 0 && key(i) < key(i - 1)) sorted = false;
  }
  if (!sorted) order.sort((x, y) => key(x) - key(y) || x - y);
  return order;
}
