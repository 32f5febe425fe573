// The cross-margin venue (sim/cross/venue.ts): equity and requirements of one balance over several markets and
// collateral assets, the dYdX cross example as an account, liquidation accounting and its conservation of value.
import { describe, expect, it } from 'vitest';
import { CrossSchema } from '../../../sim/cross/config.js';
import { CrossVenue, EVENT_CROSS_LIQUIDATION, EVENT_CROSS_PARTIAL } from '../../../sim/cross/venue.js';
import { EventLog } from '../../../sim/events.js';

/** A venue on ETH (MMF 5%) and STRK (MMF 10%) with ETH collateral (haircut 10%), deep markets unless given. */
function venue(extra: Record<string, unknown> = {}, liquidity = { depth: 1e12, slippage: 0, impact: 0 }) {
  const cfg = CrossSchema.parse({
    markets: [
      { asset: 'ETH', initialMargin: 0.1, maintenanceMargin: 0.05 },
      { asset: 'STRK', initialMargin: 0.2, maintenanceMargin: 0.1 },
    ],
    collateral: [{ asset: 'ETH', haircut: 0.1 }],
    liquidity,
    insuranceFund: 1000,
    ...extra,
  });
  return new CrossVenue(cfg, ['ETH', 'STRK'], [3000, 1.75]);
}

describe('one balance over two markets (dYdX v4 cross example, mechanics.md 7.1 item 1)', () => {
  it('equity 1000, short 1.5 ETH at 3000 + 1000 STRK at 1.75: requirement 400, liquidatable above ETH 3380.95', () => {
    const v = venue();
    const i = v.seedAccount(0, 1000);
    v.seedPosition(i, 0, -1.5);
    v.seedPosition(i, 1, 1000);
    v.finishSeeding();
    expect(v.equityOf(i)).toBe(1000);
    expect(v.requirementOf(i)).toBeCloseTo(225 + 175, 9);
    const ev = new EventLog();
    v.setPrices([3380.9, 1.75], 0, 3380.9);
    v.marginPass(1, false, ev);
    expect(v.open[i]).toBe(1);
    expect(v.equityOf(i)).toBeGreaterThan(v.requirementOf(i));
    v.setPrices([3381, 1.75], 0, 3381);
    expect(v.equityOf(i)).toBeLessThan(v.requirementOf(i));
    v.marginPass(2, false, ev);
    expect(v.open[i]).toBe(0);
    expect(ev.liqCount).toBe(1);
    expect(ev.kind[0]).toBe(EVENT_CROSS_LIQUIDATION);
  });

  it('a gain in one market carries a loss in the other (isolated, the STRK position alone would be liquidated)', () => {
    const v = venue();
    const i = v.seedAccount(0, 500);
    v.seedPosition(i, 0, -1); // short 1 ETH
    v.seedPosition(i, 1, 2000); // long 3,500 USD of STRK
    v.finishSeeding();
    // STRK -20% (-700), ETH -30% (+900): equity 700, requirement 2100 * 5% + 2800 * 10% = 385
    v.setPrices([2100, 1.4], 0, 2100);
    expect(v.equityOf(i)).toBeCloseTo(700, 9);
    expect(v.requirementOf(i)).toBeCloseTo(105 + 280, 9);
    v.marginPass(1, false, new EventLog());
    expect(v.open[i]).toBe(1);
  });
});

describe('collateral with haircuts', () => {
  it('counts (1 - haircut) of its value; a policy raising the haircut lowers equity', () => {
    const v = venue();
    const i = v.seedAccount(0, 0);
    v.seedCollateral(i, 0, 2); // 2 ETH = 6000
    v.seedPosition(i, 1, 20_000); // 35,000 of STRK
    v.finishSeeding();
    expect(v.equityOf(i)).toBeCloseTo(5400, 9);
    v.plan.haircut[0] = 0.5;
    expect(v.equityOf(i)).toBeCloseTo(3000, 9);
    expect(v.requirementOf(i)).toBeCloseTo(3500, 9);
    v.marginPass(1, false, new EventLog());
    expect(v.open[i]).toBe(0);
  });

  it('portfolio margin nets collateral against a short of the same asset (a basis trade)', () => {
    const v = venue();
    const i = v.seedAccount(0, 0);
    v.seedCollateral(i, 0, 10);
    v.seedPosition(i, 0, -10);
    v.finishSeeding();
    expect(v.standardRequirementOf(i)).toBeCloseTo(30_000 * 0.05, 9);
    v.plan.portfolio = true;
    // exposure: 27,000 of haircut collateral - 30,000 short = -3,000, at 5%
    expect(v.requirementOf(i)).toBeCloseTo(150, 9);
    // the haircut part loses in a rally: equity 27,000 - 0.1 x 10 x (p - 3000)
    v.setPrices([3600, 1.75], 0, 3600);
    expect(v.equityOf(i)).toBeCloseTo(27_000 - 600, 9);
  });

  it('margin scale multiplies every fraction (dynamic margin policies)', () => {
    const v = venue();
    const i = v.seedAccount(0, 1000);
    v.seedPosition(i, 0, 1);
    v.finishSeeding();
    v.plan.marginScale = 2;
    expect(v.requirementOf(i)).toBeCloseTo(300, 9);
  });
});

describe('liquidation', () => {
  it('closes positions with square-root slippage, charges the fee, sells only the collateral needed, funds the bad debt', () => {
    const v = venue({ liquidation: { fee: 0.01 } }, { depth: 1e6, slippage: 0.1, impact: 0.2 });
    const i = v.seedAccount(7, 100);
    v.seedCollateral(i, 0, 1); // 1 ETH at 3000
    v.seedPosition(i, 1, 200_000); // long 350,000 of STRK
    v.finishSeeding();
    // STRK falls 1% to 1.7325: P&L -3500, equity 100 + 2700 - 3500 < 0
    v.setPrices([3000, 1.7325], 0, 3000);
    const ev = new EventLog();
    v.marginPass(3, false, ev);
    const l = v.ledger;
    const n = 200_000 * 1.7325;
    const f = 0.1 * Math.sqrt(n / 1e6);
    const realised = 200_000 * (1.7325 * (1 - f) - 1.75);
    expect(l.realisedPnl).toBeCloseTo(realised, 6);
    expect(l.slippage).toBeGreaterThan(n * f); // plus the collateral sale's
    // fee: 1% of the notional, at most what the account is worth (1 ETH + 100 + realised < 0 here -> no fee)
    expect(l.fees).toBe(0);
    expect(l.collateralSoldUnits[0]).toBe(1); // all of it, and still short
    expect(l.badDebt).toBeCloseTo(-(100 + realised + l.collateralProceeds), 6);
    expect(l.insuranceFund).toBeCloseTo(Math.max(0, 1000 - l.badDebt), 6);
    expect(l.uncoveredBadDebt).toBeCloseTo(Math.max(0, l.badDebt - 1000), 6);
    // the sales moved both prices: STRK by impact 0.2 x n / depth, ETH by its sale
    expect(v.px[1]).toBeCloseTo(1.7325 * (1 - 0.2 * (n / 1e6)), 12);
    expect(v.px[0]).toBeLessThan(3000);
    expect(ev.badDebt[0]).toBeCloseTo(l.badDebt, 9);
  });

  it('an account with value left keeps its unsold collateral and balance', () => {
    const v = venue({ liquidation: { fee: 0.001 } }, { depth: 1e9, slippage: 0.1, impact: 0 });
    const i = v.seedAccount(0, 0);
    v.seedCollateral(i, 0, 1); // 3000, counted 2700
    v.seedPosition(i, 1, 200_000); // 350,000 of STRK: requirement 35,000 > 2,700 at once
    v.finishSeeding();
    v.marginPass(1, false, new EventLog());
    const l = v.ledger;
    expect(v.open[i]).toBe(0);
    expect(l.badDebt).toBe(0);
    expect(l.fees).toBeCloseTo(350, 9); // 0.1% of 350,000, paid in full
    expect(l.collateralSoldUnits[0] + l.collateralReturnedUnits[0]).toBeCloseTo(1, 12);
    // slippage (350,000 x 0.1 x sqrt(3.5e-4) = 654.8) and the fee were paid by selling a third of the ETH
    const slip = 350_000 * 0.1 * Math.sqrt(3.5e-4);
    expect(l.collateralProceeds).toBeCloseTo(slip + 350, 3);
    expect(l.collateralSoldUnits[0]).toBeCloseTo((slip + 350) / 3000, 4);
    expect(l.collateralReturnedUnits[0]).toBeGreaterThan(0.6);
    expect(l.returnedToTraders).toBeGreaterThanOrEqual(0);
    expect(l.returnedToTraders).toBeLessThan(1e-3);
  });

  it('a full halt leaves liquidatable accounts pending; maxLiquidations paces them', () => {
    const v = venue();
    for (let k = 0; k < 3; k++) {
      const i = v.seedAccount(0, 100);
      v.seedPosition(i, 0, 1);
    }
    v.finishSeeding();
    v.setPrices([2800, 1.75], 0, 2800);
    v.marginPass(1, true, new EventLog());
    expect(v.stepPending).toBe(3);
    expect(v.stepLiquidations).toBe(0);
    v.plan.maxLiquidations = 2;
    v.marginPass(2, false, new EventLog());
    expect(v.stepLiquidations).toBe(2);
    expect(v.stepPending).toBe(1);
    expect(Array.from(v.open.subarray(0, 3))).toEqual([0, 0, 1]); // in account order
  });

  it('partial liquidation: a share of every position of a large account is closed and the account stays open', () => {
    const v = venue({ liquidation: { fee: 0.01 } });
    const i = v.seedAccount(0, 20_000);
    v.seedPosition(i, 0, 100); // 300,000 of ETH
    v.seedPosition(i, 1, 100_000); // 175,000 of STRK
    const small = v.seedAccount(0, 1_000);
    v.seedPosition(small, 0, 10); // 30,000 of ETH: below minNotional, liquidated whole
    v.finishSeeding();
    v.setPrices([2880, 1.75], 0, 2880); // ETH -4%: equity 8,000 < requirement 14,400 + 17,500
    Object.assign(v.plan, { partialFraction: 0.2, partialMinNotional: 100_000, restoreBuffer: 0 });
    const ev = new EventLog();
    v.marginPass(1, false, ev);
    expect(v.open[i]).toBe(1);
    expect(v.size[i * 2]).toBeCloseTo(80, 12);
    expect(v.size[i * 2 + 1]).toBeCloseTo(80_000, 12);
    expect(v.ledger.partialLiquidations).toBe(1);
    expect(ev.kind[0]).toBe(EVENT_CROSS_PARTIAL);
    expect(ev.size[0]).toBe(0.2);
    // realised: 20 ETH at 2880 bought at 3000 (-2,400); fee 1% of 20 x 2880 + 20,000 x 1.75
    expect(v.cash[i]).toBeCloseTo(20_000 - 2_400 - 0.01 * (57_600 + 35_000), 9);
    expect(v.open[small]).toBe(0);
    expect(v.ledger.liquidations).toBe(2);
  });

  it('partial liquidation with a restore buffer closes just enough (Drift style)', () => {
    const v = venue({ liquidation: { fee: 0.01 } });
    const i = v.seedAccount(0, 20_000);
    v.seedPosition(i, 0, 100);
    v.finishSeeding();
    v.setPrices([2850, 1.75], 0, 2850); // equity 5,000 < requirement 14,250
    Object.assign(v.plan, { partialFraction: 0.01, partialMinNotional: 0, restoreBuffer: 0.02 });
    v.marginPass(1, false, new EventLog());
    expect(v.open[i]).toBe(1);
    // after: equity = requirement x 1.02 exactly (no slippage in these markets)
    expect(v.equityOf(i)).toBeCloseTo(v.requirementOf(i) * 1.02, 6);
    expect(v.size[i * 2]).toBeLessThan(100 * (1 - 0.01));
  });
});
