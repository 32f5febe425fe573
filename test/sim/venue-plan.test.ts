// The venue's plan and protocol-action paths (partial liquidation, ready hook, backstop vault, ADL, deleverage, hedge),
// against hand-computed numbers, with the value-conservation identity checked after every operation.
import { NO_SHAPING } from '../../sim/phases/margin.js';
import { describe, it, expect } from 'vitest';
import { PerpVenue, EVENT_ADL, EVENT_BACKSTOP, EVENT_DELEVERAGE, EVENT_PARTIAL, EVENT_UNWIND } from '../../sim/perp.js';
import { EventLog } from '../../sim/events.js';
import { VenueSchema } from '../../sim/venue-config.js';
import type { LiquidationPlan } from '../../sim/types.js';
import { closeRel } from './helpers.js';

const E = 2000;

function venue(over: Record<string, unknown> = {}): PerpVenue {
  const cfg = VenueSchema.parse({
    initialMargin: 0.1,
    maintenanceMargin: 0.05,
    liquidity: { depth: 1e6, slippage: 0.1, impact: 0.2, reversion: 0 },
    liquidationFee: 0.01,
    tradingFee: 0,
    insuranceFund: 10000,
    funding: null,
    ...over,
  });
  return new PerpVenue(cfg, E, 16, 2);
}

function plan(over: Partial<LiquidationPlan> = {}): LiquidationPlan {
  return { ...NO_SHAPING, ...over };
}

/** One liquidator (agent 1) offering `count` liquidations at `bounty`. */
function offers(count = Infinity, bounty = 0) {
  return { n: 1, agent: Int32Array.of(1), count: Float64Array.of(count), bounty: Float64Array.of(bounty), minReward: Float64Array.of(0) };
}

/** docs/architecture.md: open equity + returned + fund + trading fees + liquidator income + counterparty P&L - uncovered = deposits. */
function expectConserved(v: PerpVenue): void {
  const l = v.ledger;
  const p = v.mark;
  let equity = 0;
  for (let i = 0; i < v.accounts.count; i++) if (v.accounts.open[i] === 1) equity += v.equity(i, p);
  const total = equity + l.returnedToTraders + l.insuranceFund + l.tradingFees + l.liquidatorIncome + v.counterpartyPnl(p) - l.uncoveredBadDebt;
  expect(Math.abs(total - l.deposits) / l.deposits).toBeLessThan(1e-12);
  expect(closeRel(v.openEquity(p), equity, 1e-12)).toBe(true);
}

const rel = (got: number, want: number, what: string): void => {
  expect(closeRel(got, want, 1e-12), `${what}: ${got} vs ${want}`).toBe(true);
};

describe('partial liquidation', () => {
  it('closes a 20% slice through the book: fee to the fund, the rest stays open; within the cooldown it closes whole', () => {
    const v = venue();
    v.seed(0, 10000, 50, E); // 100k notional at 10x; liquidatable below (2000 - 200)/0.95 = 1894.74
    v.finishSeeding();
    v.mark = 1890;
    const ev = new EventLog();
    const pl = plan({ partialFraction: 0.2, partialMinNotional: 50_000, partialCooldownSteps: 1 });
    v.liquidationPass(0.05, true, v.mark, Infinity, 10, ev, null, pl);
    const n = 10 * 1890;
    const x = 1890 * (1 - 0.1 * Math.sqrt(n / 1e6));
    const fee = 0.01 * 10 * x;
    expect(ev.liqCount).toBe(1);
    expect(ev.kind[0]).toBe(EVENT_PARTIAL);
    expect(v.accounts.open[0]).toBe(1);
    rel(v.accounts.size[0], 40, 'size left');
    rel(v.accounts.collateral[0], 10000 + 10 * (x - 2000) - fee, 'collateral left');
    rel(v.ledger.insuranceFund, 10000 + fee, 'fund');
    rel(v.ledger.liquidationFees, fee, 'fees');
    rel(v.mark, 1890 * (1 - (0.2 * n) / 1e6), 'mark after impact');
    expect(v.ledger.partialLiquidations).toBe(1);
    expect(v.ledger.liquidations).toBe(1);
    rel(v.ledger.liquidatedNotional, n, 'notional');
    expectConserved(v);
    // still liquidatable one step later, inside the cooldown: the whole rest is closed
    v.mark = 1850;
    const ev2 = new EventLog();
    v.liquidationPass(0.05, true, v.mark, Infinity, 11, ev2, null, pl);
    expect(ev2.liqCount).toBe(1);
    expect(ev2.kind[0]).toBe(0);
    expect(v.accounts.open[0]).toBe(0);
    expect(v.ledger.partialLiquidations).toBe(1);
    expectConserved(v);
  });

  it('restore-to-buffer closes just enough for equity to cover maintenance + buffer on the rest (Drift, 2%)', () => {
    const v = venue({ liquidity: { depth: 1e9, slippage: 0.1, impact: 0, reversion: 0 } });
    v.seed(0, 10000, 50, E);
    v.finishSeeding();
    v.mark = 1890;
    const eq = v.equity(0, 1890);
    const pl = plan({ partialFraction: 0.01, restoreBuffer: 0.02 });
    v.liquidationPass(0.05, true, 1890, Infinity, 0, new EventLog(), null, pl);
    // f = (target - eq) / (target - cost), target = 0.07 |q| P, cost = (fee + slippage estimate) |q| P
    const target = 0.07 * 50 * 1890;
    const cost = (0.01 + 0.1 * Math.sqrt((50 * 1890) / 1e9)) * 50 * 1890;
    const f = (target - eq) / (target - cost);
    expect(f).toBeGreaterThan(0.01);
    rel(v.accounts.size[0], 50 * (1 - f), 'size left');
    // the estimate charges the whole position's slippage rate, so the rest is at or above the buffer
    const left = v.equity(0, 1890);
    expect(left).toBeGreaterThanOrEqual(0.07 * v.accounts.size[0] * 1890 * (1 - 1e-12));
    expect(left).toBeLessThan(0.0703 * v.accounts.size[0] * 1890);
    expectConserved(v);
  });

  it('a fund-paid flat bounty on a slice: the account pays what it can, the fund the rest', () => {
    const v = venue();
    v.seed(0, 10000, 50, E);
    v.finishSeeding();
    v.mark = 1890;
    const ev = new EventLog();
    v.liquidationPass(0.05, true, 1890, Infinity, 0, ev, offers(), plan({ partialFraction: 0.2, bountyRate: 0, bountyFlat: 12_000, bountyFromFund: true }));
    const x = 1890 * (1 - 0.1 * Math.sqrt(18900 / 1e6));
    const fee = 0.01 * 10 * x;
    const left = 10000 + 10 * (x - 2000) - fee; // 8,xxx: less than the 12,000 bounty
    expect(left).toBeLessThan(12_000);
    rel(v.accounts.collateral[0], 0, 'collateral after the bounty');
    rel(v.ledger.bountiesFromFund, 12_000 - left, 'fund-paid part');
    rel(v.ledger.liquidatorIncome, 12_000, 'liquidator income');
    rel(v.ledger.paidTo[1 + 2], 12_000, 'paid to the liquidator');
    rel(ev.bounty[0], 12_000, 'event bounty');
    rel(v.ledger.insuranceFund, 10000 + fee - (12_000 - left), 'fund');
    expectConserved(v);
  });
});

describe('liquidators and fund-paid bounties', () => {
  it('a keeper counts on a fund-paid bounty only as far as the fund can pay it (after the bad debt it covers)', () => {
    const build = (fund: number): PerpVenue => {
      const v = venue({ insuranceFund: fund });
      v.seed(0, 1000, 10, E); // underwater at 1850: equity -500
      v.finishSeeding();
      v.mark = 1850;
      return v;
    };
    const keeper = () => ({ n: 1, agent: Int32Array.of(1), count: Float64Array.of(10), bounty: Float64Array.of(0), minReward: Float64Array.of(200) });
    const pl = plan({ bountyRate: 0, bountyFlat: 300, bountyFromFund: true });
    // the fund has 600: the estimated bad debt (equity -500 less fee and slippage: -937) leaves nothing for the keeper
    const poor = build(600);
    const ev = new EventLog();
    expect(poor.liquidationPass(0.05, true, 1850, Infinity, 0, ev, keeper(), pl)).toBe(1);
    expect(ev.liqCount).toBe(0);
    // with 10,000 in the fund the 300 tip is there: liquidated, the fund pays debt and tip
    const rich = build(10_000);
    expect(rich.liquidationPass(0.05, true, 1850, Infinity, 0, ev, keeper(), pl)).toBe(0);
    expect(ev.liqCount).toBe(1);
    expect(ev.bounty[0]).toBe(300);
    expect(rich.ledger.bountiesFromFund).toBe(300);
    expectConserved(rich);
  });
});

describe('ready hook', () => {
  it('false keeps a liquidatable account pending without using capacity; it is liquidated once ready', () => {
    const v = venue();
    v.seed(0, 1000, 10, E); // liquidatable below (2000 - 100)/0.95 = 2000
    v.seed(0, 1000, 10, E);
    v.finishSeeding();
    v.mark = 1950;
    const calls: [number, number, number][] = [];
    let open = false;
    const pl = plan({ ready: (i, since, fill) => (calls.push([i, since, fill]), open) });
    const o = offers(1);
    const ev = new EventLog();
    expect(v.liquidationPass(0.05, true, 1950, 1, 5, ev, o, pl)).toBe(2);
    expect(ev.liqCount).toBe(0);
    expect(o.count[0]).toBe(1);
    expect(calls.map((c) => c.slice(0, 2))).toEqual([
      [0, 5],
      [1, 5],
    ]);
    rel(calls[0][2], 1950 * (1 - 0.1 * Math.sqrt(19500 / 1e6)), 'fill price of the whole position');
    open = true;
    calls.length = 0;
    expect(v.liquidationPass(0.05, true, 1950, 1, 6, ev, offers(1), pl)).toBe(1);
    expect(ev.liqCount).toBe(1);
    expect(calls[0].slice(0, 2)).toEqual([0, 5]); // pending since step 5
    expectConserved(v);
  });
});

describe('backstop vault', () => {
  it('takes over below 2/3 of maintenance, even with no liquidator capacity; unwinds through the book', () => {
    const v = venue({ tradingFee: 0.001 });
    v.seed(0, 1000, 10, E); // at 1910: equity 100 < 2/3 * 0.05 * 10 * 1910 = 636.67
    v.seed(0, 5000, 10, E); // at 1910: equity 4100, safe
    v.finishSeeding();
    v.mark = 1910;
    const ev = new EventLog();
    const pending = v.liquidationPass(0.05, true, 1910, 0, 3, ev, offers(0), plan({ backstopBelow: 2 / 3 }));
    expect(pending).toBe(0);
    expect(ev.liqCount).toBe(1);
    expect(ev.kind[0]).toBe(EVENT_BACKSTOP);
    expect(v.accounts.open[0]).toBe(0);
    expect(v.ledger.backstopTakeovers).toBe(1);
    rel(v.ledger.backstopNotional, 10 * 1910, 'taken notional');
    expect(v.mark).toBe(1910); // no book sale, no impact
    expect(v.vaultAccounts).toBe(1);
    rel(v.vaultEquity(1910), 100, 'vault equity = the trader equity it took');
    rel(v.vaultNotional(1910), 19100, 'vault notional');
    expect(v.ledger.returnedToTraders).toBe(0); // the trader keeps nothing
    expectConserved(v);
    // an account between 2/3 MM and MM goes to the book as usual
    v.mark = 1850; // account 1: equity 3500 > MM 925: safe; vault unaffected by the pass
    v.unwindVault(0.5, 4, ev);
    const x = 1850 * (1 - 0.1 * Math.sqrt(9250 / 1e6));
    const fee = 0.001 * 9250;
    expect(ev.kind[1]).toBe(EVENT_UNWIND);
    rel(v.vaultNotional(v.mark), 5 * v.mark, 'half left');
    rel(v.vaultEquity(1850), 1000 + 5 * (x - 2000) - fee + 5 * (1850 - 2000), 'vault equity after the unwind');
    rel(v.ledger.tradingFees, fee, 'unwind fee');
    rel(v.mark, 1850 * (1 - (0.2 * 9250) / 1e6), 'impact of the unwind');
    expectConserved(v);
    v.unwindVault(1, 5, ev);
    expect(v.vaultNotional(v.mark)).toBe(0);
    expectConserved(v);
  });
});

describe('auto-deleveraging', () => {
  it('closes a bankrupt account at its bankruptcy price against opposite positions ranked by profit x leverage', () => {
    // m = 1%: only account 0 is liquidatable at 1850. Bankrupt long: c 1000, q 10 @ 2000 -> pb = 1900, equity at 1850 -500
    const v = venue({ maintenanceMargin: 0.01, insuranceFund: 0 });
    v.seed(0, 1000, 10, E);
    v.seed(0, 1000, -5, E); // S1: eq 1750 at 1850; score (2000/1850) (9250/1750) = 5.71
    v.seed(0, 500, -5, E); // S2: eq 1250; score (2000/1850) (9250/1250) = 8.00
    v.seed(0, 50, -5, 1880); // S3: eq 200, score 47 at the mark, but it loses at pb = 1900 (entered below it): not eligible
    v.finishSeeding();
    v.mark = 1850;
    const ev = new EventLog();
    v.liquidationPass(0.01, true, 1850, Infinity, 0, ev, null, plan({ adl: true }));
    expect(Array.from(ev.kind.subarray(0, ev.liqCount))).toEqual([EVENT_ADL, EVENT_ADL, EVENT_ADL]);
    expect(Array.from(ev.account.subarray(0, ev.liqCount))).toEqual([2, 1, 0]); // S2 first, then S1, then the bankrupt side
    for (let k = 0; k < 3; k++) expect(ev.execPrice[k]).toBe(1900);
    expect(v.accounts.open[0]).toBe(0);
    expect(v.accounts.open[1]).toBe(0);
    expect(v.accounts.open[2]).toBe(0);
    expect(v.accounts.open[3]).toBe(1); // S3 untouched
    rel(v.ledger.returnedToTraders, 1000 + 1500, 'S2 gets 500 + 500, S1 1000 + 500, the bankrupt account 0');
    expect(v.ledger.badDebt).toBe(0);
    expect(v.ledger.uncoveredBadDebt).toBe(0);
    expect(v.ledger.adlEvents).toBe(2);
    rel(v.ledger.adlNotional, 10 * 1850, 'adl notional');
    rel(v.ledger.adlCovered, 10 * (1900 - (1850 * (1 - 0.1 * Math.sqrt(18500 / 1e6)))), 'debt avoided');
    expect(v.mark).toBe(1850); // off-book
    expectConserved(v);
  });

  it('is the protocol\'s: it needs no liquidator capacity, and a keeper that would skip the account does not matter', () => {
    const v = venue({ maintenanceMargin: 0.01, insuranceFund: 0 });
    v.seed(0, 1000, 10, E);
    v.seed(0, 500, -10, E);
    v.finishSeeding();
    v.mark = 1850;
    const ev = new EventLog();
    const pending = v.liquidationPass(0.01, true, 1850, 0, 0, ev, offers(0), plan({ adl: true }));
    expect(pending).toBe(0);
    expect(v.accounts.open[0]).toBe(0);
    expect(v.ledger.adlEvents).toBe(1);
    expect(v.ledger.badDebt).toBe(0);
    expectConserved(v);
  });

  it('what the opposite side cannot absorb goes through the book', () => {
    const v = venue({ maintenanceMargin: 0.01, insuranceFund: 0 });
    v.seed(0, 1000, 10, E);
    v.seed(0, 500, -4, E); // absorbs 4 of 10
    v.finishSeeding();
    v.mark = 1850;
    const ev = new EventLog();
    v.liquidationPass(0.01, true, 1850, Infinity, 0, ev, null, plan({ adl: true }));
    expect(Array.from(ev.kind.subarray(0, ev.liqCount))).toEqual([EVENT_ADL, EVENT_ADL, 0]);
    rel(ev.size[1], 4, 'closed against S');
    rel(ev.size[2], 6, 'rest through the book');
    // the rest keeps its share of the collateral (6/10 of 1000) and is sold at the book price
    const x = 1850 * (1 - 0.1 * Math.sqrt((6 * 1850) / 1e6));
    rel(v.ledger.badDebt, -(600 + 6 * (x - 2000)), 'bad debt of the rest');
    expectConserved(v);
  });
});

describe('protocol actions', () => {
  it('deleverage closes a fraction through the book with the trading fee; refuses when it would leave negative collateral', () => {
    const v = venue({ tradingFee: 0.001 });
    v.seed(0, 2000, 10, E);
    v.seed(0, 100, 10, E);
    v.finishSeeding();
    const ev = new EventLog();
    expect(v.deleverage(0, 0.5, 0, ev)).toBe(true);
    const x = 2000 * (1 - 0.1 * 0.1);
    rel(v.accounts.size[0], 5, 'size');
    rel(v.accounts.collateral[0], 2000 + 5 * (x - 2000) - 10, 'collateral');
    rel(v.ledger.tradingFees, 10, 'fee');
    rel(v.mark, 2000 * (1 - 0.2 * 0.01), 'impact');
    expect(ev.kind[0]).toBe(EVENT_DELEVERAGE);
    expect(v.ledger.deleverages).toBe(1);
    expectConserved(v);
    // account 1: 100 + 5 (x' - 2000) < 0
    expect(v.deleverage(1, 0.5, 0, ev)).toBe(false);
    expect(v.accounts.size[1]).toBe(10);
    expectConserved(v);
  });

  it('hedge trades on the spot market at a cost; its P&L is cash + size x spot', () => {
    const v = venue();
    v.hedge(-10, 2000, 0.001);
    rel(v.hedgePnl(2000), -20, 'cost only');
    rel(v.hedgePnl(1900), 980, 'short hedge gains when the price falls');
    v.hedge(-4, 1900, 0.001); // buy back 6
    rel(v.hedgePnl(1900), 980 - 6 * 1900 * 0.001, 'after the rebalance');
    expect(v.ledger.hedgeSize).toBe(-4);
  });
});
