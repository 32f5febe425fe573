// Cross-margin formulas (sim/cross/math.ts) against dYdX v4's published example and the portfolio scenarios' laws.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { crossLiquidationPrice, fillFactor, portfolioRequirement, standardRequirement } from '../../../sim/cross/math.js';

const NONE = new Float64Array(0);

describe('standard (summed) requirement', () => {
  it('dYdX v4 example: short 1.5 ETH at 3000 (MMF 5%) + 1000 STRK at 1.75 (MMF 10%) need 225 + 175 = 400 USD', () => {
    expect(standardRequirement([-1.5, 1000], [3000, 1.75], [0.05, 0.1])).toBeCloseTo(400, 12);
  });
});

describe('liquidation price (dYdX v4 docs, mechanics.md 1.2 and 7.1 item 1)', () => {
  it('isolated: e = 1000, short 3 ETH at 3000, MMF 5% -> 3174.60', () => {
    expect(crossLiquidationPrice(1000, -3, 3000, 0.05, 0)).toBeCloseTo(3174.6, 2);
  });
  it('cross: e = 1000, short 1.5 ETH at 3000 (MMF 5%) + 1000 STRK at 1.75 (MMF 10%, MMR_o 175) -> 3380.95', () => {
    const p = crossLiquidationPrice(1000, -1.5, 3000, 0.05, 175);
    expect(p).toBeCloseTo(3380.95, 2);
    // at p' equity equals the requirement: e + s (p' - p) = |s| p' MMF + MMR_o
    expect(1000 - 1.5 * (p - 3000)).toBeCloseTo(1.5 * p * 0.05 + 175, 9);
  });
});

describe('portfolio requirement', () => {
  const r = [0.012, 0.012, 0.03];
  it('one position: the joint scenario, equal to the standard requirement', () => {
    // long $1M BTC at MMF 1.2%
    expect(portfolioRequirement([1e6, 0, 0], r, 0.5, NONE, 0)).toBeCloseTo(12_000, 9);
  });
  it('a long/short pair of equal notional and range: dispersion x the standard requirement (the spread credit)', () => {
    const x = [1e6, -1e6, 0];
    expect(portfolioRequirement(x, r, 0.5, NONE, 0)).toBeCloseTo(12_000, 9); // standard 24,000
    expect(portfolioRequirement(x, r, 0.25, NONE, 0)).toBeCloseTo(6_000, 9);
    expect(portfolioRequirement(x, r, 1, NONE, 0)).toBeCloseTo(24_000, 9); // no credit
  });
  it('collateral hedged by a short perp: only the haircut part is at risk', () => {
    // 100 ETH collateral at 4000 with a 10% haircut (exposure +360,000) and a short of 100 ETH (-400,000)
    expect(portfolioRequirement([0, 360_000 - 400_000, 0], r, 0.5, NONE, 0)).toBeCloseTo(40_000 * 0.012, 9);
  });
  it('a listed scenario counts when it is worse than the grid', () => {
    // long BTC, short SOL: the grid nets them; "SOL +40%, BTC -10%" does not
    const x = [1e6, 0, -1e6];
    const grid = portfolioRequirement(x, r, 0.5, NONE, 0);
    expect(grid).toBeCloseTo(0.5 * (12_000 + 30_000), 6);
    const moves = new Float64Array([-0.1, 0, 0.4]);
    expect(portfolioRequirement(x, r, 0.5, moves, 1)).toBeCloseTo(100_000 + 400_000, 6);
  });
  it('properties: 0 <= portfolio <= standard for positions alone (dispersion <= 1), equal at dispersion 1 with all on one side', () => {
    const exposure = fc.array(fc.double({ min: -1e7, max: 1e7, noNaN: true }), { minLength: 3, maxLength: 3 });
    fc.assert(
      fc.property(exposure, fc.double({ min: 0, max: 1, noNaN: true }), (x, d) => {
        const pm = portfolioRequirement(x, r, d, NONE, 0);
        let std = 0;
        for (let a = 0; a < 3; a++) std += Math.abs(x[a]) * r[a];
        expect(pm).toBeGreaterThanOrEqual(0);
        expect(pm).toBeLessThanOrEqual(std * (1 + 1e-12) + 1e-9);
        const same = x.map(Math.abs);
        expect(portfolioRequirement(same, r, d, NONE, 0)).toBeCloseTo(same.reduce((s, v, a) => s + v * r[a], 0), 6);
      }),
    );
  });
});

describe('liquidation fills', () => {
  it('square-root slippage: a trade of the whole depth fills 10% away at slippage 0.1', () => {
    expect(fillFactor(50e6, 50e6, 0.1)).toBeCloseTo(0.1, 15);
    expect(fillFactor(12.5e6, 50e6, 0.1)).toBeCloseTo(0.05, 15);
  });
});
