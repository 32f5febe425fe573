// The lending pool on its own: liquidations with the published numbers, close-factor and dust cases, bad debt,
// absorb and buyCollateral, caps, interest through the borrow index, and the index against a naive scan.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { EventLog } from '../../../sim/events.js';
import { LendingSchema } from '../../../sim/lending/config.js';
import { EVENT_LENDING_ABSORB, EVENT_LENDING_BUY, EVENT_LENDING_LIQUIDATION } from '../../../sim/lending/events.js';
import { compoundedInterest, borrowRate } from '../../../sim/lending/math.js';
import { LendingPool, quantile, type HealthStats, type LendingOffers, type LendingPlan } from '../../../sim/lending/pool.js';

/** A pool with LT 83% and LB 5% (mechanics.md 7.1 item 9), no protocol fee unless given, a deep spot market. */
function pool(over: Record<string, unknown> = {}, hasLiquidators = false): LendingPool {
  const cfg = LendingSchema.parse({
    collateral: { ltv: 0.8, liquidationThreshold: 0.83, liquidationBonus: 0.05, protocolFee: 0.1 },
    liquidity: { depth: 1e12, slippage: 0, impact: 0 },
    ...over,
  });
  return new LendingPool(cfg, 2, hasLiquidators);
}

function plan(p: LendingPool): LendingPlan {
  return { liquidateBelow: 1, maxLiquidations: Infinity, borrowsAllowed: true, closeFactor: p.config.closeFactor };
}

function offers(...o: [agent: number, count: number, capital: number, minProfit: number][]): LendingOffers {
  return {
    n: o.length,
    agent: Int32Array.from(o, (x) => x[0]),
    count: Float64Array.from(o, (x) => x[1]),
    capital: Float64Array.from(o, (x) => x[2]),
    minProfit: Float64Array.from(o, (x) => x[3]),
  };
}

/** 10 ETH, 15,000 USDC borrowed at 2000 by agent 0. */
function position(p: LendingPool): number {
  const i = p.supply(0, -1, 10, 0);
  expect(p.borrow(0, i, 15_000, 2000)).toBe(15_000);
  return i;
}

describe('fixed-spread liquidation in the pool', () => {
  it('7.1 item 9 at ETH 1800 (HF 0.996): 50% close factor repays 7,500 and seizes 7,500 * 1.05 / 1800', () => {
    const p = pool();
    const i = position(p);
    expect(p.healthFactorOf(i, 2000)).toBeCloseTo(1.1067, 4);
    expect(p.healthFactorOf(i, 1800)).toBeCloseTo(0.996, 12);
    const pending = p.liquidationPass(1800, 1800, plan(p), p.implicitOffers, false);
    expect(pending).toBe(0);
    const l = p.ledger;
    expect(l.liquidations).toBe(1);
    expect(l.liquidatorRepaid).toBe(7500);
    expect(p.debtOf(i)).toBeCloseTo(7500, 9);
    const seized = (7500 * 1.05) / 1800;
    expect(l.collateralSeized).toBeCloseTo(seized, 12);
    expect(p.loans.collateral[i]).toBeCloseTo(10 - seized, 12);
    expect(l.treasuryCollateral).toBeCloseTo((seized - seized / 1.05) * 0.1, 12);
    expect(l.protocolFees).toBeCloseTo((seized - seized / 1.05) * 0.1 * 1800, 9);
    // no slippage, spot = oracle: the liquidator earns the bonus net of the protocol fee
    expect(l.pnlBy[0]).toBeCloseTo((seized - (seized - seized / 1.05) * 0.1) * 1800 - 7500, 9);
    expect(l.badDebt).toBe(0);
    // HF > LT (1 + LS) = 0.8715: the liquidation improved the position
    expect(p.healthFactorOf(i, 1800)).toBeGreaterThan(0.996);
  });

  it('HF <= 0.95: 100% close factor; the borrower keeps the collateral left and no debt', () => {
    const p = pool();
    const i = position(p);
    p.liquidationPass(1700, 1700, plan(p), p.implicitOffers, false);
    expect(p.ledger.liquidatorRepaid).toBe(15_000);
    expect(p.debtOf(i)).toBe(0);
    expect(p.loans.collateral[i]).toBeCloseTo(10 - (15_000 * 1.05) / 1700, 12);
    expect(p.loans.open[i]).toBe(1);
    expect(p.healthFactorOf(i, 1700)).toBe(Infinity);
  });

  it('collateral worth less than debt * (1 + LB): all of it is seized and the rest of the debt is burned as bad debt (v3.3)', () => {
    const p = pool();
    const i = position(p);
    p.liquidationPass(1400, 1400, plan(p), p.implicitOffers, false);
    const l = p.ledger;
    expect(l.collateralSeized).toBe(10);
    expect(l.liquidatorRepaid).toBeCloseTo(14_000 / 1.05, 9);
    expect(l.badDebt).toBeCloseTo(15_000 - 14_000 / 1.05, 9);
    expect(l.debtWrittenOff).toBe(l.badDebt);
    expect(l.reserves).toBeCloseTo(-l.badDebt, 9);
    expect(p.loans.open[i]).toBe(0);
    expect(p.totalDebt).toBe(0);
    expect(p.totalCollateral).toBe(0);
  });

  it('a liquidator short of capital repays what it can; a partial that would leave dust is sized down or refused (MustNotLeaveDust)', () => {
    const p = pool();
    position(p); // HF 0.996 at 1800: 7,500 allowed
    p.liquidationPass(1800, 1800, plan(p), offers([1, 10, 5_000, 0]), false);
    expect(p.ledger.liquidatorRepaid).toBe(5_000); // leaves 10,000 of debt and > $1,000 of collateral
    const q = pool();
    const j = q.supply(0, -1, 1.3, 0);
    q.borrow(0, j, 2_000, 2000); // at 1750: HF 0.944, close factor 100%
    // capital 1,500 would leave $500 of debt (the call would revert): the bot repays 2,000 - 1,000 instead
    q.liquidationPass(1750, 1750, plan(q), offers([1, 10, 1_500, 0]), false);
    expect(q.ledger.liquidations).toBe(1);
    expect(q.debtOf(j)).toBeCloseTo(1_000, 6);
    expect(q.debtOf(j)).toBeGreaterThanOrEqual(1_000);
    expect(q.loans.collateral[j]).toBeCloseTo(1.3 - 1_050 / 1750, 9);
    // a position worth less than $1,000 cannot be partly liquidated at all: a bot short of capital leaves it
    const r = pool();
    const k = r.supply(0, -1, 0.55, 0);
    r.borrow(0, k, 800, 2000); // at 1750: $962.50 of collateral, HF 0.83
    const pending = r.liquidationPass(1750, 1750, plan(r), offers([1, 10, 500, 0]), false);
    expect(pending).toBe(1);
    expect(r.ledger.liquidations).toBe(0);
    expect(r.ledger.unprofitable).toBe(1);
    // with the capital for all of it, the liquidation goes through
    r.liquidationPass(1750, 1750, plan(r), offers([1, 10, 1_000, 0]), false);
    expect(r.debtOf(k)).toBe(0);
  });

  it('unprofitable liquidations are skipped: the oracle lags a falling spot by more than the bonus', () => {
    const p = pool();
    position(p);
    const pending = p.liquidationPass(1800, 1650, plan(p), p.implicitOffers, false);
    expect(pending).toBe(1);
    expect(p.ledger.liquidations).toBe(0);
    expect(p.ledger.unprofitable).toBe(1);
    // the same at a spot near the oracle goes through, and the oracle gap shows in the P&L decomposition
    p.liquidationPass(1800, 1790, plan(p), p.implicitOffers, false);
    const l = p.ledger;
    expect(l.liquidations).toBe(1);
    expect(l.liquidatorOracleGap).toBeCloseTo(l.collateralToLiquidators * -10, 9);
    expect(l.liquidatorBonus + l.liquidatorOracleGap - l.liquidatorSlippage).toBeCloseTo(l.pnlBy[0], 9);
  });

  it('sales through the spot market: square-root slippage and permanent impact move the spot', () => {
    const p = pool({ liquidity: { depth: 1_000_000, slippage: 0.1, impact: 0.2 } });
    position(p);
    p.liquidationPass(1800, 1800, plan(p), p.implicitOffers, false);
    const l = p.ledger;
    const units = l.collateralToLiquidators;
    const n = units * 1800;
    expect(l.soldNotional).toBeCloseTo(n, 9);
    expect(l.liquidatorSlippage).toBeCloseTo(units * 1800 * 0.1 * Math.sqrt(n / 1e6), 9);
    expect(p.spot).toBeCloseTo(1800 * (1 - (0.2 * n) / 1e6), 9);
  });

  it('offers are used in order, each within its count; the rest stays pending; a full halt liquidates nothing', () => {
    const p = pool();
    for (let k = 0; k < 5; k++) position(p);
    expect(p.liquidationPass(1800, 1800, plan(p), offers([0, 2, 1e9, 0], [1, 1, 1e9, 0]), false)).toBe(2);
    expect(p.ledger.liquidations).toBe(3);
    const q = pool();
    for (let k = 0; k < 5; k++) position(q);
    expect(q.liquidationPass(1800, 1800, plan(q), q.implicitOffers, true)).toBe(5);
    expect(q.ledger.liquidations).toBe(0);
    // a policy's threshold (sentinel: only HF < 0.95) and cap
    const r = pool();
    for (let k = 0; k < 5; k++) position(r);
    const pl = plan(r);
    pl.liquidateBelow = 0.95;
    expect(r.liquidationPass(1800, 1800, pl, r.implicitOffers, false)).toBe(0); // HF 0.996: not below 0.95
    expect(r.ledger.liquidations).toBe(0);
    pl.maxLiquidations = 2;
    expect(r.liquidationPass(1700, 1700, pl, r.implicitOffers, false)).toBe(3);
  });
});

describe('absorb mode (Compound v3)', () => {
  function comet(): LendingPool {
    return pool({ mode: 'absorb', collateral: { ltv: 0.825, liquidationThreshold: 0.895, liquidationBonus: 0, protocolFee: 0 }, liquidity: { depth: 50_000_000, slippage: 0.1, impact: 0 } });
  }

  it('absorb takes all collateral and credits 95% of its value; buyers pay 2.5% below the oracle', () => {
    const p = comet();
    const i = position(p);
    expect(p.healthFactorOf(i, 1600)).toBeCloseTo((10 * 1600 * 0.895) / 15_000, 12);
    p.liquidationPass(1600, 1600, plan(p), p.implicitOffers, false);
    const l = p.ledger;
    expect(l.absorbs).toBe(1);
    expect(l.collateralAbsorbed).toBe(10);
    expect(l.debtAbsorbed).toBe(15_000);
    expect(l.absorbSurplus).toBeCloseTo(16_000 * 0.95 - 15_000, 9); // 200 credited to the account
    // the implicit buyer takes all 10 ETH at 1,560 (its optimal size ~868 ETH is above what is for sale)
    expect(l.collateralBought).toBe(10);
    expect(l.buyProceeds).toBeCloseTo(15_600, 9);
    expect(l.reserves).toBeCloseTo(-15_200 + 15_600, 9);
    const x = 1600 * (1 - 0.1 * Math.sqrt(16_000 / 50_000_000));
    expect(l.pnlBy[0]).toBeCloseTo(10 * x - 15_600, 9);
    expect(l.badDebt).toBe(0);
    expect(p.loans.open[i]).toBe(0);
  });

  it('underwater account: the reserves take the whole debt; bad debt = debt above the collateral value; no sale at or above target reserves', () => {
    const p = pool({ mode: 'absorb', reserves: 10_000_000, collateral: { ltv: 0.825, liquidationThreshold: 0.895, liquidationBonus: 0, protocolFee: 0 } });
    position(p);
    p.liquidationPass(1400, 1400, plan(p), p.implicitOffers, false);
    const l = p.ledger;
    expect(l.reserves).toBe(10_000_000 - 15_000);
    expect(l.badDebt).toBeCloseTo(1_000, 9);
    expect(l.collateralBought).toBe(0); // reserves 9,985,000 >= target 5,000,000: NotForSale
    expect(l.protocolCollateral).toBe(10);
  });
});

describe('the event log (events.arrow rows)', () => {
  /** Row k of the log as the events table's columns. */
  function row(ev: EventLog, k: number) {
    return {
      step: ev.step[k], kind: ev.kind[k], account: ev.account[k], liquidator: ev.liquidator[k], size: ev.size[k], price: ev.price[k], execPrice: ev.execPrice[k],
      notional: ev.notional[k], slippage: ev.slippage[k], fee: ev.fee[k], bounty: ev.bounty[k], badDebt: ev.badDebt[k], uncovered: ev.uncovered[k],
    };
  }

  it('an Aave liquidation: collateral seized, oracle, sale price, debt repaid, its slippage, protocol fee and bonus at the oracle', () => {
    const p = pool({ liquidity: { depth: 50_000_000, slippage: 0.1, impact: 0.2 } });
    const i = position(p);
    const ev = new EventLog();
    p.liquidationPass(1800, 1790, plan(p), offers([3, 10, 1e9, 0]), false, ev, 42);
    expect(ev.liqCount).toBe(1);
    const seized = (7500 * 1.05) / 1800;
    const fee = (seized - seized / 1.05) * 0.1;
    const u = seized - fee;
    const x = 1790 * (1 - 0.1 * Math.sqrt((u * 1790) / 50_000_000));
    const e = row(ev, 0);
    expect(e).toMatchObject({ step: 42, kind: EVENT_LENDING_LIQUIDATION, account: i, liquidator: 3, price: 1800, notional: 7500, badDebt: 0, uncovered: 0 });
    expect(e.size).toBeCloseTo(seized, 12);
    expect(e.execPrice).toBeCloseTo(x, 9);
    expect(e.slippage).toBeCloseTo(u * (1790 - x), 9);
    expect(e.fee).toBeCloseTo(fee * 1800, 9);
    expect(e.fee).toBe(p.ledger.protocolFees);
    expect(e.bounty).toBeCloseTo(u * 1800 - 7500, 9);
    expect(e.bounty).toBe(p.ledger.liquidatorBonus);
    expect(e.slippage).toBe(p.ledger.liquidatorSlippage);
    // no log: the pass is the same
    const q = pool({ liquidity: { depth: 50_000_000, slippage: 0.1, impact: 0.2 } });
    position(q);
    q.liquidationPass(1800, 1790, plan(q), offers([3, 10, 1e9, 0]), false);
    expect(q.ledger).toEqual(p.ledger);
    expect(q.spot).toBe(p.spot);
  });

  it('bad debt: the row carries the debt written off; uncovered is the part that left the reserves below zero', () => {
    const p = pool({ reserves: 500 });
    position(p);
    const ev = new EventLog();
    p.liquidationPass(1400, 1400, plan(p), p.implicitOffers, false, ev, 7);
    const e = row(ev, 0);
    expect(e).toMatchObject({ step: 7, kind: EVENT_LENDING_LIQUIDATION, liquidator: -1, size: 10, execPrice: 1400, slippage: 0 });
    expect(e.notional).toBeCloseTo(14_000 / 1.05, 9);
    expect(e.badDebt).toBe(p.ledger.badDebt);
    expect(e.badDebt).toBeCloseTo(15_000 - 14_000 / 1.05, 9);
    expect(e.uncovered).toBeCloseTo(e.badDebt - 500, 9);
  });

  it('absorb mode: one absorb row (collateral, debt, credit price, bad debt) and one row per collateral purchase', () => {
    const p = pool({ mode: 'absorb', collateral: { ltv: 0.825, liquidationThreshold: 0.895, liquidationBonus: 0, protocolFee: 0 }, liquidity: { depth: 50_000_000, slippage: 0.1, impact: 0 } });
    const i = position(p);
    const ev = new EventLog();
    p.liquidationPass(1600, 1600, plan(p), p.implicitOffers, false, ev, 3);
    expect(ev.liqCount).toBe(2);
    expect(row(ev, 0)).toEqual({ step: 3, kind: EVENT_LENDING_ABSORB, account: i, liquidator: -1, size: 10, price: 1600, execPrice: 1600 * 0.95, notional: 15_000, slippage: 0, fee: 0, bounty: 0, badDebt: 0, uncovered: 0 });
    const b = row(ev, 1);
    const x = 1600 * (1 - 0.1 * Math.sqrt(16_000 / 50_000_000));
    expect(b).toMatchObject({ step: 3, kind: EVENT_LENDING_BUY, account: -1, liquidator: -1, size: 10, price: 1600, fee: 0, badDebt: 0, uncovered: 0 });
    expect(b.notional).toBeCloseTo(15_600, 9);
    expect(b.execPrice).toBeCloseTo(x, 9);
    expect(b.slippage).toBeCloseTo(10 * (1600 - x), 9);
    expect(b.bounty).toBeCloseTo(16_000 - 15_600, 9);
    // underwater: bad debt = debt above the collateral's oracle value, all of it uncovered (reserves below zero)
    const q = pool({ mode: 'absorb', collateral: { ltv: 0.825, liquidationThreshold: 0.895, liquidationBonus: 0, protocolFee: 0 } });
    position(q);
    const ev2 = new EventLog();
    q.liquidationPass(1400, 1400, plan(q), q.implicitOffers, false, ev2, 0);
    expect(ev2.badDebt[0]).toBeCloseTo(1_000, 9);
    expect(ev2.uncovered[0]).toBe(ev2.badDebt[0]);
  });

  it('a halted pass writes nothing', () => {
    const p = pool();
    position(p);
    const ev = new EventLog();
    expect(p.liquidationPass(1700, 1700, plan(p), p.implicitOffers, true, ev, 0)).toBe(1);
    expect(ev.liqCount).toBe(0);
  });
});

describe('borrowing, caps and interest', () => {
  it('LTV, borrow cap, supply cap, cash and the halt are enforced', () => {
    const p = pool({ debt: { supply: 20_000, borrowCap: 18_000 }, collateral: { ltv: 0.8, liquidationThreshold: 0.83, liquidationBonus: 0.05, protocolFee: 0.1, supplyCap: 15 } });
    const i = p.supply(0, -1, 10, 0);
    expect(p.supply(0, -1, 6, 0)).toBe(-1); // supply cap 15
    expect(p.ledger.rejectedSupplies).toBe(1);
    expect(p.borrow(0, i, 16_000.01, 2000)).toBe(0); // LTV: 10 * 2000 * 0.8 = 16,000
    expect(p.borrow(1, i, 1000, 2000)).toBe(0); // not the owner
    expect(p.borrow(0, i, 16_000, 2000)).toBe(16_000);
    const j = p.supply(0, -1, 5, 0);
    expect(p.borrow(0, j, 2_500, 2000)).toBe(0); // borrow cap 18,000
    expect(p.borrow(0, j, 2_000, 2000)).toBe(2_000);
    p.borrowsAllowed = false;
    expect(p.repay(0, j, 500)).toBe(500);
    expect(p.borrow(0, j, 100, 2000)).toBe(0);
    expect(p.ledger.blockedBorrows).toBe(1);
    expect(p.repay(0, j, 1e9)).toBeCloseTo(1_500, 9); // repays at most the debt
    expect(p.debtOf(j)).toBe(0);
  });

  it('one step of interest: index x compounded factor at the kinked rate of the utilization; split by the reserve factor', () => {
    const p = pool({ debt: { supply: 100_000, reserveFactor: 0.1 } });
    const i = p.supply(0, -1, 100, 0);
    p.borrow(0, i, 95_000, 2000);
    p.updateRates();
    const u = 95_000 / 100_000;
    expect(p.utilization).toBeCloseTo(u, 15);
    const r = borrowRate(u, p.config.debt.rate);
    expect(r).toBeCloseTo(0.04 + (0.6 * 0.05) / 0.1, 12); // 34% above the kink
    expect(p.borrowRate).toBe(r);
    expect(p.supplyRate).toBeCloseTo(r * u * 0.9, 15);
    p.accrue(60);
    const f = compoundedInterest(r, 60);
    expect(p.borrowIndex).toBe(f);
    const interest = 95_000 * (f - 1);
    expect(p.debtOf(i)).toBeCloseTo(95_000 + interest, 9);
    expect(p.ledger.interestToReserves).toBeCloseTo(0.1 * interest, 12);
    expect(p.ledger.interestToLenders).toBeCloseTo(0.9 * interest, 12);
    // a day of one-minute steps at that rate, by hand
    for (let k = 1; k < 1440; k++) p.accrue(60); // (the rate moves a hair as debt grows)
    expect(p.debtOf(i) / 95_000 - 1).toBeGreaterThan(0.34 / 365);
    expect(p.debtOf(i) / 95_000 - 1).toBeLessThan(0.3401 / 365 * 1.001);
  });
});

describe('the health-factor index', () => {
  it('property: positions found through the index are exactly those a naive scan finds with HF < h, in id order', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ c: fc.double({ min: 0.01, max: 100, noNaN: true }), ltv: fc.double({ min: 0, max: 0.8, noNaN: true }), repay: fc.double({ min: 0, max: 1, noNaN: true }) }), { minLength: 1, maxLength: 80 }),
        fc.double({ min: 500, max: 4000, noNaN: true }),
        fc.double({ min: 0.5, max: 1.2, noNaN: true }),
        fc.integer({ min: 0, max: 200 }),
        (rows, price, h, accrueSteps) => {
          const p = pool({ debt: { supply: 1e12 } });
          for (const r of rows) {
            const i = p.supply(0, -1, r.c, 0);
            const d = r.c * 2000 * r.ltv;
            if (d > 0) p.borrow(0, i, d, 2000);
            if (r.repay > 0.7) p.repay(0, i, d * (r.repay - 0.7));
          }
          p.updateRates();
          for (let k = 0; k < accrueSteps; k++) p.accrue(86_400); // days of interest move the level, not the keys
          const viaIndex: number[] = [];
          for (let i = p.nextCandidate(0, price, h); i >= 0; i = p.nextCandidate(i + 1, price, h)) if (p.isLiquidatable(i, price, h)) viaIndex.push(i);
          const naive: number[] = [];
          for (let i = 0; i < p.loans.count; i++) if (p.loans.open[i] === 1 && p.healthFactorOf(i, price) < h) naive.push(i);
          expect(viaIndex).toEqual(naive);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('health statistics: min and percentiles equal a sort of the health factors', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0.1, max: 50, noNaN: true }), { minLength: 1, maxLength: 300 }), (xs) => {
        const a = Float64Array.from(xs);
        const sorted = [...xs].sort((u, v) => u - v);
        const q = (f: number) => {
          const h = (sorted.length - 1) * f;
          const k = Math.floor(h);
          return k + 1 < sorted.length ? sorted[k] + (h - k) * (sorted[k + 1] - sorted[k]) : sorted[k];
        };
        const n = a.length;
        expect(quantile(a, n, 0.01, 0)).toBeCloseTo(q(0.01), 12);
        expect(quantile(a, n, 0.05, Math.floor(0.01 * (n - 1)))).toBeCloseTo(q(0.05), 12);
        expect(quantile(a, n, 0.5, Math.floor(0.05 * (n - 1)))).toBeCloseTo(q(0.5), 12);
      }),
    );
    const p = pool({ debt: { supply: 1e9 } });
    const hfs: number[] = [];
    for (let k = 0; k < 101; k++) {
      const i = p.supply(0, -1, 10, 0);
      p.borrow(0, i, 10_000 + 50 * k, 2000);
      hfs.push((10 * 2000 * 0.83) / (10_000 + 50 * k));
    }
    p.supply(0, -1, 5, 0); // no debt: not counted
    const s: HealthStats = { n: 0, min: 0, p1: 0, p5: 0, p50: 0, debtBelow105: 0 };
    p.healthStats(2000, s);
    hfs.sort((u, v) => u - v);
    expect(s.n).toBe(101);
    expect(s.min).toBeCloseTo(hfs[0], 12);
    expect(s.p1).toBeCloseTo(hfs[1], 12);
    expect(s.p5).toBeCloseTo(hfs[5], 12);
    expect(s.p50).toBeCloseTo(hfs[50], 12);
    let low = 0;
    let all = 0;
    for (let k = 0; k < 101; k++) {
      const d = 10_000 + 50 * k;
      all += d;
      if ((10 * 2000 * 0.83) / d < 1.05) low += d;
    }
    expect(s.debtBelow105).toBeCloseTo(low / all, 12);
  });
});
