// Lending formulas against the published values (../shared/reference/mechanics.md 3.1, 3.2, 7.1 items 9, 10, 12, 7.2).
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { LendingSchema } from '../../../sim/lending/config.js';
import {
  absorption,
  borrowRate,
  closeFactor,
  compoundedInterest,
  healthAfter,
  healthFactor,
  leavesNoDust,
  liquidationPrice,
  seizure,
  spiralThreshold,
  storeFrontPrice,
  supplyRate,
  SECONDS_PER_YEAR,
  type Absorption,
  type Seizure,
} from '../../../sim/lending/math.js';

const sz = (): Seizure => ({ debt: 0, seized: 0, protocolFee: 0, toLiquidator: 0 });
const ab = (): Absorption => ({ credit: 0, surplus: 0, shortfall: 0, reservesDelta: 0 });
const V33 = { partial: 0.5, fullBelowHealthFactor: 0.95, minBase: 2000, minLeftover: 1000 };

describe('health factor', () => {
  it('10 ETH at 2000, LT 0.825, 12,000 USDC: HF 1.375; HF 1 at ETH 1454.5454...', () => {
    expect(healthFactor(10, 2000, 0.825, 12_000)).toBeCloseTo(1.375, 12);
    const p = liquidationPrice(10, 0.825, 12_000);
    expect(p).toBeCloseTo(1454.545454545454, 9);
    expect(p * 11).toBeCloseTo(16_000, 9); // 1454.54... = 16000 / 11
    expect(healthFactor(10, p, 0.825, 12_000)).toBeCloseTo(1, 12);
  });

  it('mechanics.md 7.1 item 9: 10 ETH at 2000 (LT 83%), 15,000 USDC: HF 1.1067, liquidation at ETH 1,807.23', () => {
    expect(healthFactor(10, 2000, 0.83, 15_000)).toBeCloseTo(1.1067, 4);
    expect(liquidationPrice(10, 0.83, 15_000)).toBeCloseTo(1807.23, 2);
    expect(healthFactor(10, 1807.23, 0.83, 15_000)).toBeLessThan(1.00001);
  });

  it('no debt: infinite health', () => {
    expect(healthFactor(5, 2000, 0.86, 0)).toBe(Infinity);
  });
});

describe('fixed-spread liquidation (Aave v3)', () => {
  it('7.1 item 9: repay 7,500 seizes 3.9375 ETH at LB 5%; protocol fee 10% of the bonus = 0.01875 ETH', () => {
    const s = seizure(7500, 10, 2000, 0.05, 0.1, sz());
    expect(s.debt).toBe(7500);
    expect(s.seized).toBeCloseTo(3.9375, 12);
    expect(s.protocolFee).toBeCloseTo(0.01875, 12);
    expect(s.toLiquidator).toBeCloseTo(3.9375 - 0.01875, 12);
    // the close factor that allows it: HF > 0.95 with both sides above $2,000 -> 50% of 15,000
    expect(closeFactor(healthFactor(10, 2000, 0.83, 15_000), 20_000, 15_000, V33) * 15_000).toBe(7500);
  });

  it('not enough collateral: all of it is seized and the repaid debt shrinks to collateral * P / (1 + LB)', () => {
    const s = seizure(10_000, 4, 2000, 0.05, 0.1, sz());
    expect(s.seized).toBe(4);
    expect(s.debt).toBeCloseTo((4 * 2000) / 1.05, 9);
    expect(s.protocolFee).toBeCloseTo((4 - 4 / 1.05) * 0.1, 12);
  });

  it('7.1 item 12: a 5% incentive pays liquidators exactly 5% of what they repay (Compound v2: $518,752 on $10,375,064)', () => {
    const repaid = 10_375_064;
    const s = seizure(repaid, 1e12, 1, 0.05, 0, sz());
    expect(s.seized - s.debt).toBeCloseTo(518_753.2, 1); // ZenGo reports 518,752 (rounded per liquidation)
    expect((s.seized - s.debt) / s.debt).toBeCloseTo(0.05, 12);
  });
});

describe('close factor (Aave v3.3 rules)', () => {
  const cases: [string, number, number, number, number][] = [
    // [what, HF, collateral USD, debt USD, expected]
    ['HF above 0.95, both >= $2,000: 50%', 0.99, 10_000, 8_000, 0.5],
    ['HF exactly 0.95: 100%', 0.95, 10_000, 8_000, 1],
    ['HF below 0.95: 100%', 0.9, 10_000, 8_000, 1],
    ['debt below $2,000: 100%', 0.99, 10_000, 1_999.99, 1],
    ['collateral below $2,000: 100%', 0.99, 1_999.99, 1_500, 1],
    ['both exactly $2,000: 50%', 0.99, 2_000, 2_000, 0.5],
  ];
  for (const [what, hf, c, d, want] of cases) it(what, () => expect(closeFactor(hf, c, d, V33)).toBe(want));

  it('v3.0-3.2 (minBase 0): 50% above HF 0.95 whatever the size', () => {
    const v30 = { ...V33, minBase: 0, minLeftover: 0 };
    expect(closeFactor(0.99, 100, 90, v30)).toBe(0.5);
    expect(closeFactor(0.94, 100, 90, v30)).toBe(1);
  });

  it('MustNotLeaveDust: a partial liquidation must leave >= $1,000 of both, unless one side is cleared', () => {
    expect(leavesNoDust(1000, 1000, 1000)).toBe(true);
    expect(leavesNoDust(999.99, 5000, 1000)).toBe(false);
    expect(leavesNoDust(5000, 999.99, 1000)).toBe(false);
    expect(leavesNoDust(0, 500, 1000)).toBe(true); // all debt repaid
    expect(leavesNoDust(500, 0, 1000)).toBe(true); // all collateral seized
  });

  it('property: a 50% liquidation allowed by the v3.3 close factor never leaves dust when LT (1 + LB / 2) <= 0.95', () => {
    // leftover collateral = debt (HF / LT - (1 + LB) / 2) >= debt / 2 >= $1,000 iff HF >= LT (1 + LB / 2); HF > 0.95
    // guarantees it for WETH (0.86 * 1.026 = 0.882). Above that (high LT and bonus) a bot must size down (pool.ts).
    // Aave's note: "a 50% liquidation in the range [MIN_BASE_MAX_CLOSE_FACTOR_THRESHOLD, Infinity] will always
    // leave at least MIN_BASE_MAX_CLOSE_FACTOR_THRESHOLD/2" (aave-v3-origin LiquidationLogic).
    fc.assert(
      fc.property(
        fc.double({ min: 2000, max: 1e7, noNaN: true }),
        fc.double({ min: 0.9501, max: 0.9999, noNaN: true }),
        fc.double({ min: 0.5, max: 0.95, noNaN: true }),
        fc.double({ min: 0, max: 0.1, noNaN: true }),
        (debt, hf, lt, lb) => {
          if (lt * (1 + lb / 2) > 0.95) return;
          const p = 1000;
          const c = (hf * debt) / (p * lt); // collateral giving this HF
          if (c * p < 2000) return;
          expect(closeFactor(hf, c * p, debt, V33)).toBe(0.5);
          const s = seizure(debt / 2, c, p, lb, 0.1, sz());
          expect(leavesNoDust(debt - s.debt, (c - s.seized) * p, 1000)).toBe(true);
        },
      ),
    );
  });
});

describe('Compound v3 absorb and buyCollateral (7.1 item 10)', () => {
  it('absorb credits 95% of the collateral value; a surplus stays with the account', () => {
    const a = absorption(10, 2000, 0.95, 15_000, ab());
    expect(a.credit).toBeCloseTo(19_000, 9);
    expect(a.surplus).toBeCloseTo(4_000, 9);
    expect(a.shortfall).toBe(0);
    expect(a.reservesDelta).toBeCloseTo(-19_000, 9); // reserves pay the debt and the surplus credited
  });

  it('absorb of an underwater account: the reserves absorb all of the debt (and can go negative)', () => {
    const a = absorption(10, 1500, 0.95, 15_000, ab());
    expect(a.credit).toBeCloseTo(14_250, 9);
    expect(a.surplus).toBe(0);
    expect(a.shortfall).toBeCloseTo(750, 9);
    expect(a.reservesDelta).toBe(-15_000);
  });

  it('buyCollateral at 2.5% below the oracle: storeFront 0.5 x (1 - 0.95)', () => {
    expect(storeFrontPrice(2000, 0.5, 0.95)).toBeCloseTo(1950, 9);
    expect(1 - storeFrontPrice(1, 0.5, 0.95)).toBeCloseTo(0.025, 12);
  });
});

describe('liquidation spiral (mechanics.md 7.2)', () => {
  it('LT 0.83, LS 5%: liquidations help only while HF > 0.8715', () => {
    expect(spiralThreshold(0.83, 0.05)).toBeCloseTo(0.8715, 12);
  });

  it('property: a fixed-spread liquidation raises HF iff HF > LT (1 + LS)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.5, max: 0.95, noNaN: true }), // LT
        fc.double({ min: 0.01, max: 0.15, noNaN: true }), // LS
        fc.double({ min: 0.3, max: 1.5, noNaN: true }), // HF
        fc.double({ min: 0.01, max: 0.5, noNaN: true }), // share of the debt repaid
        (lt, ls, hf, share) => {
          const debt = 10_000;
          const p = 2000;
          const c = (hf * debt) / (p * lt);
          const repay = share * debt;
          if (repay * (1 + ls) >= c * p) return; // would seize everything
          const boundary = spiralThreshold(lt, ls);
          if (Math.abs(hf - boundary) < 1e-9) return;
          const after = healthAfter(c, p, lt, debt, repay, ls);
          expect(after > hf).toBe(hf > boundary);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('interest', () => {
  const m = { base: 0, slope1: 0.04, slope2: 0.6, optimalUtilization: 0.9 };

  it('kinked curve: base + slope1 U / Uopt below the kink, + slope2 (U - Uopt) / (1 - Uopt) above', () => {
    expect(borrowRate(0, m)).toBe(0);
    expect(borrowRate(0.45, m)).toBeCloseTo(0.02, 15);
    expect(borrowRate(0.9, m)).toBeCloseTo(0.04, 15);
    expect(borrowRate(0.95, m)).toBeCloseTo(0.04 + 0.3, 12);
    expect(borrowRate(1, m)).toBeCloseTo(0.64, 12);
    expect(borrowRate(0.5, { base: 0.01, slope1: 0.048, slope2: 0.8, optimalUtilization: 0.8 })).toBeCloseTo(0.01 + 0.03, 15);
  });

  it('supply rate = r U (1 - reserveFactor)', () => {
    expect(supplyRate(0.04, 0.9, 0.1)).toBeCloseTo(0.0324, 15);
  });

  it("compounding is Aave's three-term binomial of (1 + r / year)^n", () => {
    // one minute at 10%/yr, by hand: x = 0.1 / 31,536,000; 1 + 60x + 1770x^2 + 34220x^3
    const x = 0.1 / 31_536_000;
    expect(SECONDS_PER_YEAR).toBe(31_536_000);
    expect(compoundedInterest(0.1, 60)).toBe(1 + x * 60 + (60 * 59 * x * x) / 2 + (60 * 59 * 58 * x * x * x) / 6);
    // exact rational value of 60x + 1770x^2 + 34220x^3: 1.9025876970013167e-7 (to double rounding of 1 + ...)
    expect(compoundedInterest(0.1, 60) - 1).toBeCloseTo(1.9025876970013167e-7, 15);
    // a year at 10%: e^0.1 = 1.10517..., the three-term approximation 1.10517 - (a little)
    const year = compoundedInterest(0.1, SECONDS_PER_YEAR);
    expect(year).toBeLessThan(Math.exp(0.1));
    expect(year).toBeGreaterThan(1.1051);
    expect(compoundedInterest(0.5, 0)).toBe(1);
    expect(compoundedInterest(0.5, 1)).toBe(1 + 0.5 / SECONDS_PER_YEAR);
  });
});

describe('defaults (Gauntlet WETH on Aave v3 Ethereum, mechanics.md 3.1)', () => {
  it('LTV 82.5%, LT 86%, LB 5.2%, LPF 10%; v3.3 close factor; cUSDCv3 absorb parameters', () => {
    const d = LendingSchema.parse({});
    expect(d.mode).toBe('aave');
    expect(d.collateral).toMatchObject({ ltv: 0.825, liquidationThreshold: 0.86, liquidationBonus: 0.052, protocolFee: 0.1 });
    expect(d.closeFactor).toEqual(V33);
    expect(d.absorb).toEqual({ liquidationFactor: 0.95, storeFrontPriceFactor: 0.5, targetReserves: 5_000_000 });
    expect(d.debt.rate).toEqual({ base: 0, slope1: 0.04, slope2: 0.6, optimalUtilization: 0.9 });
  });

  it('rejects an LTV above the liquidation threshold', () => {
    expect(LendingSchema.safeParse({ collateral: { ltv: 0.9, liquidationThreshold: 0.86 } }).success).toBe(false);
  });
});
