// The statistics of sweep results against values computed by hand.
import { describe, expect, it } from 'vitest';
import {
  bootstrapMeanCI,
  entropicValueAtRisk,
  expectedShortfall,
  mean,
  median,
  pairedDifferences,
  perpUsed,
  lendingLoss,
  lendingUncovered,
  protocolLoss,
  quantile,
  sharePositive,
  totalBadDebt,
  totalLiquidatedNotional,
  totalLiquidationSlippage,
  totalUncoveredBadDebt,
  valueAtRisk,
  venueLosses,
} from '../../reports/stats/index.js';

const ONE_TO_TEN = [7, 3, 10, 1, 9, 2, 8, 4, 6, 5]; // 1..10, shuffled: no statistic may depend on the order

describe('location and quantiles', () => {
  it('mean and median', () => {
    expect(mean(ONE_TO_TEN)).toBe(5.5);
    expect(median(ONE_TO_TEN)).toBe(5.5);
    expect(median([5, 1, 3])).toBe(3);
    expect(mean([])).toBeNaN();
    expect(median([])).toBeNaN();
  });

  it('quantile interpolates between order statistics (R-7): h = (n - 1) p', () => {
    // n = 10: p95 -> h = 8.55 -> 9 + 0.55 * (10 - 9); p99 -> h = 8.91; p50 -> h = 4.5 -> 5.5
    expect(quantile(ONE_TO_TEN, 0.95)).toBeCloseTo(9.55, 12);
    expect(quantile(ONE_TO_TEN, 0.99)).toBeCloseTo(9.91, 12);
    expect(quantile(ONE_TO_TEN, 0.5)).toBe(5.5);
    expect(quantile(ONE_TO_TEN, 0)).toBe(1);
    expect(quantile(ONE_TO_TEN, 1)).toBe(10);
    expect(quantile([42], 0.99)).toBe(42);
    expect(quantile([], 0.5)).toBeNaN();
  });

  it('VaR is the loss quantile at the level', () => {
    expect(valueAtRisk(ONE_TO_TEN, 0.95)).toBeCloseTo(9.55, 12);
    // 20 losses 0..19: h = 19 * 0.95 = 18.05 -> 18.05
    expect(valueAtRisk(Array.from({ length: 20 }, (_, i) => i), 0.95)).toBeCloseTo(18.05, 12);
  });
});

describe('tail risk', () => {
  it('expected shortfall is the mean of the worst (1 - level) share, the boundary observation weighted', () => {
    // n = 10: level 0.8 -> k = 2: (10 + 9) / 2
    expect(expectedShortfall(ONE_TO_TEN, 0.8)).toBeCloseTo(9.5, 12);
    // level 0.75 -> k = 2.5: (10 + 9 + 0.5 * 8) / 2.5 = 9.2
    expect(expectedShortfall(ONE_TO_TEN, 0.75)).toBeCloseTo(9.2, 12);
    // level 0.9 -> k = 1 (exactly, despite 10 * (1 - 0.9) = 0.9999999999999998): the largest loss
    expect(expectedShortfall(ONE_TO_TEN, 0.9)).toBe(10);
    // k < 1 (n = 10 at 99%): the largest loss
    expect(expectedShortfall(ONE_TO_TEN, 0.99)).toBe(10);
    // level 0: the mean
    expect(expectedShortfall(ONE_TO_TEN, 0)).toBeCloseTo(5.5, 12);
    // 20 losses, level 0.95 -> k = 1 (20 * 0.05 = 1.0000000000000009 in binary)
    expect(expectedShortfall(Array.from({ length: 20 }, (_, i) => i), 0.95)).toBe(19);
    expect(expectedShortfall([0, 0, 0, 100], 0.5)).toBe(50);
    expect(expectedShortfall([], 0.95)).toBeNaN();
    expect(() => expectedShortfall([1], 1)).toThrow(RangeError);
  });

  it('EVaR: constant sample, level 0 (the mean), and the largest loss when its atom holds >= 1 - level', () => {
    expect(entropicValueAtRisk([3, 3, 3], 0.99)).toBe(3);
    expect(entropicValueAtRisk([0, 1], 0)).toBeCloseTo(0.5, 5);
    // {0, 1} at 0.5: inf over z of ln(1 + e^z) / z = 1 (approached as z -> infinity)
    expect(entropicValueAtRisk([0, 1], 0.5)).toBeCloseTo(1, 9);
    const fifty = Array.from({ length: 50 }, (_, i) => (i * 37) % 50);
    expect(entropicValueAtRisk(fifty, 0.99)).toBe(49); // 1/50 >= 1 - 0.99
    expect(entropicValueAtRisk([], 0.99)).toBeNaN();
  });

  it('EVaR matches a brute-force minimisation of its definition, and lies between CVaR and the max', () => {
    // {0, 1} at 0.25: inf over z > 0 of ln((1 + e^z) / 2 / 0.75) / z, minimised here on a fine grid
    let best = Infinity;
    for (let z = 1e-3; z < 40; z += 1e-4) best = Math.min(best, Math.log((1 + Math.exp(z)) / 2 / 0.75) / z);
    const e = entropicValueAtRisk([0, 1], 0.25);
    expect(e).toBeCloseTo(best, 7);
    expect(e).toBeGreaterThan(0.5);
    expect(e).toBeLessThan(1);
    const sample = Array.from({ length: 200 }, (_, i) => ((i * 7919) % 200) ** 1.5);
    const evar = entropicValueAtRisk(sample, 0.95);
    expect(evar).toBeGreaterThanOrEqual(expectedShortfall(sample, 0.95) - 1e-9);
    expect(evar).toBeLessThanOrEqual(Math.max(...sample));
  });

  it('probability of insolvency is the share of runs with a positive value', () => {
    expect(sharePositive([0, 1, 0, 2])).toBe(0.5);
    expect(sharePositive([0, 0])).toBe(0);
    expect(sharePositive([-1, 3, 5])).toBeCloseTo(2 / 3, 15);
    expect(sharePositive([])).toBeNaN();
  });

  it('protocol loss = uncovered bad debt + the net fall of the insurance fund (never its growth)', () => {
    expect(protocolLoss({ uncovered_bad_debt: 100, insurance_fund_initial: 1000, insurance_fund_final: 400 })).toBe(700);
    expect(protocolLoss({ uncovered_bad_debt: 100, insurance_fund_initial: 1000, insurance_fund_final: 1500 })).toBe(100);
    expect(protocolLoss({ uncovered_bad_debt: 0, insurance_fund_initial: 1000, insurance_fund_final: 1000 })).toBe(0);
  });

  it('protocol loss sums the venues: each fund like the perp fund, the lending reserves as the pool\'s fund', () => {
    const perp = { uncovered_bad_debt: 0, insurance_fund_initial: 1000, insurance_fund_final: 1000 };
    // options and cross: uncovered + the fund's net fall (a grown fund counts 0)
    expect(protocolLoss({ ...perp, options_uncovered_bad_debt: 50, options_insurance_fund_initial: 1000, options_insurance_fund_final: 400 })).toBe(650);
    expect(protocolLoss({ ...perp, cross_uncovered_bad_debt: 0, cross_insurance_fund_initial: 2e6, cross_insurance_fund_final: 3.9e6 })).toBe(0);
    expect(protocolLoss({ ...perp, cross_uncovered_bad_debt: 7, cross_insurance_fund_initial: 2e6, cross_insurance_fund_final: 0 })).toBe(2e6 + 7);
    // lending: reserves 1000 -> 300 lose 700 (nothing uncovered); 1000 -> -500 lose 1500, of which the 500 deficit is
    // uncovered (lenders' loss); reserves that grew lose nothing
    expect(protocolLoss({ ...perp, lending_reserves_initial: 1000, lending_reserves: 300 })).toBe(700);
    expect(protocolLoss({ ...perp, lending_reserves_initial: 1000, lending_reserves: -500 })).toBe(1500);
    expect(protocolLoss({ ...perp, lending_reserves_initial: 1000, lending_reserves: 1200 })).toBe(0);
    expect(lendingLoss(0, -2343233.45)).toBe(2343233.45);
    expect(lendingUncovered(-500)).toBe(500);
    expect(lendingUncovered(300)).toBe(0);
    const all = {
      uncovered_bad_debt: 10, insurance_fund_initial: 100, insurance_fund_final: 0, // perp 110
      options_uncovered_bad_debt: 20, options_insurance_fund_initial: 50, options_insurance_fund_final: 30, // options 40
      lending_reserves_initial: 300, lending_reserves: -40, // lending 340, deficit 40
      cross_uncovered_bad_debt: 1, cross_insurance_fund_initial: 5, cross_insurance_fund_final: 1, // cross 5
    };
    expect(venueLosses(all)).toEqual({ perp: 110, options: 40, lending: 340, cross: 5 });
    expect(protocolLoss(all)).toBe(495);
    expect(totalUncoveredBadDebt(all)).toBe(10 + 20 + 40 + 1);
    expect(totalBadDebt({ bad_debt: 1, options_bad_debt: 2, lending_bad_debt: 4, cross_bad_debt: 8 })).toBe(15);
  });

  it('a perp-only run (other venues 0 or absent) gives the perp figures bit for bit', () => {
    const r = { uncovered_bad_debt: 0.1 + 0.2, insurance_fund_initial: 1e6 / 3, insurance_fund_final: 0.7 };
    const zeros = { options_uncovered_bad_debt: 0, options_insurance_fund_initial: 0, options_insurance_fund_final: 0, lending_reserves_initial: 0, lending_reserves: 0, cross_uncovered_bad_debt: 0, cross_insurance_fund_initial: 0, cross_insurance_fund_final: 0 };
    const perp = r.uncovered_bad_debt + Math.max(0, r.insurance_fund_initial - r.insurance_fund_final);
    expect(protocolLoss(r)).toBe(perp);
    expect(protocolLoss({ ...r, ...zeros })).toBe(perp);
    expect(totalUncoveredBadDebt({ ...r, ...zeros })).toBe(r.uncovered_bad_debt);
    expect(totalBadDebt({ bad_debt: 0.1 + 0.2, options_bad_debt: 0, lending_bad_debt: 0, cross_bad_debt: 0 })).toBe(0.1 + 0.2);
  });
});

describe('liquidations over the venues', () => {
  it('liquidated amount: perp notional + lending debt liquidated + cross notional; slippage: perp + cross', () => {
    const r = { liquidated_notional: 1000, liquidation_slippage: 10, lending_liquidated_debt: 200, cross_liquidated_notional: 30, cross_slippage: 4 };
    expect(totalLiquidatedNotional(r)).toBe(1230);
    expect(totalLiquidationSlippage(r)).toBe(14);
    // a perp-only run gives the perp figures bit for bit
    const perp = { liquidated_notional: 0.1 + 0.2, liquidation_slippage: 1e6 / 3 };
    expect(totalLiquidatedNotional(perp)).toBe(0.1 + 0.2);
    expect(totalLiquidatedNotional({ ...perp, lending_liquidated_debt: 0, cross_liquidated_notional: 0, cross_slippage: 0 })).toBe(0.1 + 0.2);
    expect(totalLiquidationSlippage({ ...perp, cross_slippage: 0 })).toBe(1e6 / 3);
  });

  it('the perpetuals venue is used when it has accounts, opens, open interest, liquidations or bad debt', () => {
    const empty = { initial_accounts: 0, opens: 0, max_open_interest: 0, liquidations: 0, bad_debt: 0 };
    expect(perpUsed(empty)).toBe(false);
    for (const k of Object.keys(empty)) expect(perpUsed({ ...empty, [k]: 1 })).toBe(true);
  });
});

describe('paired comparisons', () => {
  it('pairs on common keys, in the order of the first sample', () => {
    const a = new Map([
      [11, 5],
      [12, 7],
      [13, 1],
    ]);
    const b = new Map([
      [13, 4],
      [11, 2],
      [99, 0],
    ]);
    expect(pairedDifferences(a, b)).toEqual({ keys: [11, 13], differences: [3, -3] });
  });

  it('bootstrap interval of the mean: degenerate samples, a two-point sample, determinism', () => {
    expect(bootstrapMeanCI([4, 4, 4])).toEqual([4, 4]);
    expect(bootstrapMeanCI([7])).toEqual([7, 7]);
    expect(bootstrapMeanCI([])).toEqual([NaN, NaN]);
    // {0, 1}: a resample mean is 0, 0.5 or 1 with probability 1/4, 1/2, 1/4: the 2.5% and 97.5% quantiles are 0 and 1
    expect(bootstrapMeanCI([0, 1], { seed: 1 })).toEqual([0, 1]);
    const x = Array.from({ length: 40 }, (_, i) => (i * 13) % 17);
    const ci = bootstrapMeanCI(x, { seed: 'a' });
    expect(bootstrapMeanCI(x, { seed: 'a' })).toEqual(ci);
    expect(bootstrapMeanCI(x, { seed: 'b' })).not.toEqual(ci);
    expect(ci[0]).toBeLessThan(mean(x));
    expect(ci[1]).toBeGreaterThan(mean(x));
    // the interval narrows like 1/sqrt(n): four copies of the sample give about half the width
    const wide = ci[1] - ci[0];
    const narrow = bootstrapMeanCI([...x, ...x, ...x, ...x], { seed: 'a' });
    expect((narrow[1] - narrow[0]) / wide).toBeGreaterThan(0.35);
    expect((narrow[1] - narrow[0]) / wide).toBeLessThan(0.65);
  });
});
