// The options venue's arithmetic by hand: implied volatility, marks, expiry settlement, liquidation, trades and their
// checks, policy reductions and hedges; the conservation identity after each.
import { describe, it, expect } from 'vitest';
import { bsmGreeks, bsmPrice } from '../../../sim/options/black-scholes.js';
import { EVENT_OPTION_EXPIRY, EVENT_OPTION_LIQUIDATION, EVENT_OPTION_REDUCE } from '../../../sim/options/events.js';
import { TRADE_BLOCKED, TRADE_REJECTED } from '../../../sim/options/venue.js';
import { DT, optionsResidual, SERIES, venue } from './helpers.js';

const FIXED = { model: 'fixed', level: 0.8 };

describe('implied volatility and marks', () => {
  it('fixed level times scripted shocks, spread geometrically, capped', () => {
    const { o, events } = venue({ series: SERIES, volatility: { ...FIXED, cap: 3, shocks: [{ at: 10, multiplier: 2, steps: 4 }, { at: 30, multiplier: 4, steps: 1 }] } });
    const iv: number[] = [];
    for (let t = 0; t < 32; t++) {
      o.beginStep(t, 2000, events);
      iv.push(o.iv);
    }
    expect(iv[9]).toBe(0.8);
    expect(iv[10]).toBeCloseTo(0.8 * Math.pow(2, 1 / 4), 14);
    expect(iv[12]).toBeCloseTo(0.8 * Math.pow(2, 3 / 4), 14);
    expect(iv[13]).toBeCloseTo(1.6, 14);
    expect(iv[29]).toBeCloseTo(1.6, 14);
    expect(iv[30]).toBe(3); // 6.4 capped
  });

  it('realised: EWMA of the index log returns, annualised, times the premium (RiskMetrics-style)', () => {
    const { o, events } = venue({ series: SERIES, volatility: { model: 'realised', level: 0.5, halfLifeSteps: 10, premium: 1.2 } });
    expect(o.iv).toBeCloseTo(0.6, 14);
    const lambda = Math.pow(2, -1 / 10);
    o.beginStep(0, 2000, events);
    expect(o.variance).toBeCloseTo(lambda * 0.25, 14);
    o.beginStep(1, 2040, events);
    const r = Math.log(2040 / 2000);
    const v = lambda * lambda * 0.25 + ((1 - lambda) * r * r) / DT;
    expect(o.variance).toBeCloseTo(v, 12);
    expect(o.iv).toBeCloseTo(1.2 * Math.sqrt(v), 12);
  });

  it('marks, Greeks and quotes are Black-Scholes at the index, IV and time to expiry', () => {
    const { o, events } = venue({ series: SERIES, riskFreeRate: 0.02, volatility: FIXED, trading: { spread: 0.03, minSpread: 0.001 } });
    o.beginStep(100, 2100, events);
    SERIES.forEach((s, j) => {
      const T = (s.expiry - 100) * DT;
      const g = bsmGreeks(s.type === 'call', 2100, s.strike, T, 0.02, 0, 0.8);
      expect(o.mark[j]).toBe(g.price);
      expect(o.delta[j]).toBe(g.delta);
      expect(o.gamma[j]).toBe(g.gamma);
      expect(o.vega[j]).toBe(g.vega);
      const half = 0.03 * g.price + 0.001 * 2100;
      expect(o.ask[j]).toBeCloseTo(g.price + half, 12);
      expect(o.bid[j]).toBeCloseTo(Math.max(g.price - half, 0), 12);
    });
  });
});

describe('expiry settlement', () => {
  it('pays intrinsic value at the index; shortfalls are bad debt, paid by the fund and then uncovered', () => {
    const { o, events } = venue({ series: [{ name: 'C', type: 'call', strike: 2000, expiry: 3 }, { name: 'P', type: 'put', strike: 2000, expiry: 50 }], volatility: FIXED, insuranceFund: 100 });
    const m0 = o.mark[0];
    expect(m0).toBeCloseTo(bsmPrice(true, 2000, 2000, 3 * DT, 0, 0, 0.8), 12);
    const a = o.seedAccount(0, 300);
    o.seedPosition(a, 0, -1);
    const b = o.seedAccount(0, 50);
    o.seedPosition(b, 0, -2);
    const buyer = o.seedAccount(1, 3 * m0);
    o.seedPosition(buyer, 0, 3);
    const mixed = o.seedAccount(2, 1000); // also holds the later put: stays open after the call settles
    o.seedPosition(mixed, 0, 1);
    o.seedPosition(mixed, 1, -1);
    const cashMixed = o.accounts.cash[mixed];
    o.finishSeeding();
    for (let t = 0; t < 3; t++) o.beginStep(t, 2000, events);
    expect(o.live[0]).toBe(1);
    o.beginStep(3, 2400, events);
    expect(o.live[0]).toBe(0);
    expect(o.mark[0]).toBe(0); // revalued after settlement: no longer trades
    const debtA = 400 - (300 + m0);
    const debtB = 800 - (50 + 2 * m0);
    const l = o.ledger;
    expect(l.badDebt).toBeCloseTo(debtA + debtB, 9);
    expect(l.insuranceFund).toBe(0);
    expect(l.uncoveredBadDebt).toBeCloseTo(debtA + debtB - 100, 9);
    expect(l.returnedToTraders).toBeCloseTo(3 * 400, 9);
    expect(Array.from(o.accounts.open.subarray(0, 4))).toEqual([0, 0, 0, 1]);
    expect(o.accounts.cash[mixed]).toBeCloseTo(cashMixed + 400, 9);
    expect(o.netPos[0]).toBe(0);
    // two expiry events, in account order, with the fund paying the first
    const kinds = Array.from(events.kind.subarray(0, events.liqCount));
    expect(kinds).toEqual([EVENT_OPTION_EXPIRY, EVENT_OPTION_EXPIRY]);
    expect(events.badDebt[0]).toBeCloseTo(debtA, 9);
    expect(events.uncovered[0]).toBe(0);
    expect(events.badDebt[1]).toBeCloseTo(debtB, 9);
    expect(events.uncovered[1]).toBeCloseTo(debtB - (100 - debtA), 9);
    expect(optionsResidual(o)).toBeLessThan(1e-12);
  });
});

describe('liquidation', () => {
  const SPREAD = 0.05;
  const MIN = 0.0005;

  function book(collateral: number) {
    const r = venue({ series: SERIES, volatility: FIXED, insuranceFund: 1000, liquidation: { spread: SPREAD, fee: 0.05 }, trading: { minSpread: MIN } });
    const i = r.o.seedAccount(0, collateral);
    r.o.seedPosition(i, 3, -10); // short 10 P1800
    r.o.seedPosition(i, 1, 2); // long 2 C2200
    r.o.finishSeeding();
    return { ...r, i, cash0: r.o.accounts.cash[i] };
  }

  it('solvent: positions closed at mark -+ (spread * mark + minSpread * S), fee to the fund, the rest to the trader', () => {
    const { o, events, i, cash0 } = book(1500);
    o.beginStep(0, 1900, events);
    o.evaluate(i);
    const eq = o.accounts.equity[i];
    expect(eq).toBeLessThan(o.accounts.maintenance[i]);
    expect(eq).toBeGreaterThan(0);
    const S = 1900;
    const xPut = o.mark[3] + (SPREAD * o.mark[3] + MIN * S);
    const xCall = Math.max(o.mark[1] - (SPREAD * o.mark[1] + MIN * S), 0);
    const R = cash0 - 10 * xPut + 2 * xCall;
    const fee = Math.min(0.05 * (10 * xPut + 2 * xCall), R);
    expect(o.marginPass(0, 0, events)).toBe(1);
    const l = o.ledger;
    expect(l.liquidations).toBe(1);
    expect(l.insuranceFund).toBeCloseTo(1000 + fee, 9);
    expect(l.liquidationFees).toBeCloseTo(fee, 9);
    expect(l.returnedToTraders).toBeCloseTo(R - fee, 9);
    expect(l.badDebt).toBe(0);
    expect(o.accounts.open[i]).toBe(0);
    expect(events.kind[0]).toBe(EVENT_OPTION_LIQUIDATION);
    expect(events.fee[0]).toBeCloseTo(fee, 9);
    expect(events.size[0]).toBe(-8);
    expect(events.notional[0]).toBeCloseTo(12 * S, 9);
    expect(events.slippage[0]).toBeCloseTo(10 * (xPut - o.mark[3]) + 2 * (o.mark[1] - xCall), 9);
    expect(optionsResidual(o)).toBeLessThan(1e-12);
  });

  it('insolvent: bad debt -R, the fund pays what it holds, the rest is uncovered; nothing in a full halt', () => {
    const { o, events, i, cash0 } = book(1500);
    o.beginStep(0, 1200, events); // a gap: the put is 600 in the money
    expect(o.marginPass(0, 2, events)).toBe(0); // full halt: no liquidation
    expect(o.accounts.open[i]).toBe(1);
    const S = 1200;
    const xPut = o.mark[3] + (SPREAD * o.mark[3] + MIN * S);
    const xCall = Math.max(o.mark[1] - (SPREAD * o.mark[1] + MIN * S), 0);
    const R = cash0 - 10 * xPut + 2 * xCall;
    expect(R).toBeLessThan(-1000);
    o.marginPass(0, 0, events);
    const l = o.ledger;
    expect(l.badDebt).toBeCloseTo(-R, 9);
    expect(l.insuranceFund).toBe(0);
    expect(l.insuranceFundMin).toBe(0);
    expect(l.uncoveredBadDebt).toBeCloseTo(-R - 1000, 9);
    expect(l.returnedToTraders).toBe(0);
    expect(events.badDebt[0]).toBeCloseTo(-R, 9);
    expect(events.uncovered[0]).toBeCloseTo(-R - 1000, 9);
    expect(events.fee[0]).toBe(0);
    expect(optionsResidual(o)).toBeLessThan(1e-12);
  });
});

describe('trades', () => {
  it('a sale fills at the bid with the fee min(0.03% S, 12.5% price); the initial requirement decides', () => {
    const { o, events } = venue({ series: SERIES, volatility: FIXED });
    o.beginStep(0, 2000, events);
    const j = 3; // P1800
    const im = 5 * (Math.max(0.1 * 2000 + o.mark[j], 0.075 * 2000 + o.mark[j]));
    expect(o.initialFor(j, -5)).toBeCloseTo(im, 9);
    expect(o.trade(0, -1, j, -5, 0.5 * im, NaN, false, 0)).toBe(TRADE_REJECTED);
    const i = o.trade(0, -1, j, -5, 1.01 * im, NaN, false, 0);
    expect(i).toBe(0);
    const fee = 5 * Math.min(0.0003 * 2000, 0.125 * o.bid[j]);
    expect(o.accounts.cash[i]).toBeCloseTo(1.01 * im + 5 * o.bid[j] - fee, 9);
    expect(o.accounts.pos[i * 6 + j]).toBe(-5);
    expect(o.ledger.tradingFees).toBeCloseTo(fee, 12);
    expect(o.netPos[j]).toBe(-5);
    // a limit above the bid is refused
    expect(o.trade(0, -1, j, -5, 1.01 * im, o.bid[j] * 1.01, false, 0)).toBe(TRADE_REJECTED);
    // someone else's account is refused
    expect(o.trade(1, i, j, -1, 1000, NaN, false, 0)).toBe(TRADE_REJECTED);
    // halts: new risk is blocked at 1, reducing risk is not; everything is blocked at 2
    expect(o.trade(0, i, j, -1, 1000, NaN, false, 1)).toBe(TRADE_BLOCKED);
    expect(o.trade(0, i, j, 2, 0, NaN, false, 2)).toBe(TRADE_BLOCKED);
    expect(o.trade(0, i, j, 2, 0, NaN, false, 1)).toBe(i);
    expect(o.accounts.pos[i * 6 + j]).toBe(-3);
    // buying the rest back empties and closes the account, paying out its cash
    const cash = o.accounts.cash[i] - 3 * o.ask[j] - 3 * Math.min(0.0003 * 2000, 0.125 * o.ask[j]);
    expect(o.trade(0, i, j, 3, 0, NaN, false, 0)).toBe(i);
    expect(o.accounts.open[i]).toBe(0);
    expect(o.ledger.returnedToTraders).toBeCloseTo(cash, 9);
    expect(o.ledger.blockedTrades).toBe(2);
    expect(o.ledger.rejectedTrades).toBe(3);
    expect(optionsResidual(o)).toBeLessThan(1e-12);
  });

  it('a covered call buys the underlying and needs no option margin; a buyer pays the premium in full', () => {
    const { o, events } = venue({ series: SERIES, volatility: FIXED, trading: { spotCost: 0.001 } });
    o.beginStep(0, 2000, events);
    const c = o.trade(0, -1, 1, -4, 4 * 2000 * 1.002, NaN, true, 0);
    expect(c).toBe(0);
    expect(o.accounts.units[c]).toBe(4);
    expect(o.ledger.spotPaid).toBeCloseTo(4 * 2000 * 1.001, 9);
    o.evaluate(c);
    expect(o.accounts.maintenance[c]).toBe(0);
    expect(o.accounts.delta[c]).toBeCloseTo((4 - 4 * o.delta[1]) * 2000, 9);
    // a buyer without enough cash for the premium is refused
    expect(o.trade(1, -1, 0, 2, 2 * o.ask[0] * 0.9, NaN, false, 0)).toBe(TRADE_REJECTED);
    const b = o.trade(1, -1, 0, 2, 2 * o.ask[0] * 1.2, NaN, false, 0);
    expect(b).toBe(1);
    // an expired (or expiring now) series does not trade
    const { o: o2, events: e2 } = venue({ series: [{ type: 'call', strike: 2000, expiry: 1 }], volatility: FIXED });
    o2.beginStep(0, 2000, e2);
    o2.beginStep(1, 2000, e2);
    expect(o2.trade(0, -1, 0, 1, 1000, NaN, false, 0)).toBe(TRADE_REJECTED);
    expect(optionsResidual(o)).toBeLessThan(1e-12);
  });
});

describe('policy actions', () => {
  it('reduce closes a share of every position and of the units at the quotes with the fee; hedge trades units', () => {
    const { o, events } = venue({ series: SERIES, volatility: FIXED, trading: { spotCost: 0.001 } });
    const i = o.seedAccount(0, 20000);
    o.seedPosition(i, 3, -10);
    o.seedPosition(i, 0, 4);
    o.seedUnits(i, 2);
    o.finishSeeding();
    o.beginStep(0, 1950, events);
    const S = 1950;
    const cash0 = o.accounts.cash[i];
    const feeP = 2.5 * Math.min(0.0003 * S, 0.125 * o.ask[3]);
    const feeC = 1 * Math.min(0.0003 * S, 0.125 * o.bid[0]);
    const expected = cash0 - 2.5 * o.ask[3] - feeP + 1 * o.bid[0] - feeC + 0.5 * S * (1 - 0.001);
    expect(o.reduce(i, 0.25, events)).toBe(true);
    expect(o.accounts.pos[i * 6 + 3]).toBe(-7.5);
    expect(o.accounts.pos[i * 6 + 0]).toBe(3);
    expect(o.accounts.units[i]).toBe(1.5);
    expect(o.accounts.cash[i]).toBeCloseTo(expected, 9);
    expect(o.ledger.tradingFees).toBeCloseTo(feeP + feeC, 12);
    expect(events.kind[0]).toBe(EVENT_OPTION_REDUCE);
    expect(events.size[0]).toBe(2.5 - 1);
    expect(o.hedgeAccount(i, -3)).toBe(true);
    expect(o.accounts.units[i]).toBe(-1.5);
    expect(o.accounts.cash[i]).toBeCloseTo(expected + 3 * S * (1 - 0.001), 9);
    expect(o.ledger.forcedHedges).toBe(1);
    expect(optionsResidual(o)).toBeLessThan(1e-12);
    // a full reduction closes the account
    expect(o.reduce(i, 1, events)).toBe(true);
    expect(o.accounts.open[i]).toBe(0);
    expect(o.netUnits).toBeCloseTo(0, 12);
    expect(optionsResidual(o)).toBeLessThan(1e-12);
    expect(o.reduce(i, 0.5, events)).toBe(false);
  });

  it('writer Greeks sum over accounts short an option; the protocol hedge P&L marks to the index', () => {
    const { o, events } = venue({ series: SERIES, volatility: FIXED });
    const w1 = o.seedAccount(0, 5000);
    o.seedPosition(w1, 3, -3);
    const w2 = o.seedAccount(0, 5000);
    o.seedPosition(w2, 1, -2);
    o.seedPosition(w2, 0, 1);
    const buyer = o.seedAccount(1, 1000);
    o.seedPosition(buyer, 2, 1);
    o.finishSeeding();
    o.beginStep(0, 2000, events);
    o.marginPass(0, 0, events);
    o.aggregateWriters();
    const S = 2000;
    const delta = (-3 * o.delta[3] - 2 * o.delta[1] + o.delta[0]) * S;
    const gamma = ((-3 * o.gamma[3] - 2 * o.gamma[1] + o.gamma[0]) * S * S) / 100;
    const vega = (-3 * o.vega[3] - 2 * o.vega[1] + o.vega[0]) / 100;
    expect(o.writerDelta).toBeCloseTo(delta, 9);
    expect(o.writerGamma).toBeCloseTo(gamma, 9);
    expect(o.writerVega).toBeCloseTo(vega, 9);
    expect(o.ledger.peakWriterDelta).toBeCloseTo(Math.abs(delta), 9);
    o.protocolHedge(-10, 0.001);
    expect(o.ledger.hedgeCosts).toBeCloseTo(10 * S * 0.001, 9);
    o.beginStep(1, 1900, events);
    expect(o.hedgePnl).toBeCloseTo(10 * 100 - 10 * S * 0.001, 9);
  });
});
