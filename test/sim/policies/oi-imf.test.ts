// oi-imf: dYdX's OI-based IMF formula on hand-computed points, and its effect on a book that grows into a crash.
import { describe, it, expect } from 'vitest';
import { oiImf } from '../../../sim/policies/oi-imf.js';
import { scenario } from '../helpers.js';
import { growingBook, run } from './setup.js';

describe('oi-imf', () => {
  it('dYdX formula: IMF = min(base + max(scaling (1 - base), 0), 1), scaling = (OI - lower) / (upper - lower)', () => {
    // Mid-Cap: base 5%, caps 40M / 100M (mechanics.md 1.2)
    expect(oiImf(0.05, 30e6, 40e6, 100e6)).toBe(0.05); // below the lower cap: the base
    expect(oiImf(0.05, 40e6, 40e6, 100e6)).toBe(0.05);
    expect(oiImf(0.05, 70e6, 40e6, 100e6)).toBeCloseTo(0.05 + 0.5 * 0.95, 15); // half way: 52.5%
    expect(oiImf(0.05, 100e6, 40e6, 100e6)).toBe(1);
    expect(oiImf(0.05, 150e6, 40e6, 100e6)).toBe(1); // capped at 100%
    // Small-Cap: base 10%, caps 20M / 50M; OI 26M -> scaling 0.2 -> 10% + 0.2 * 90% = 28%
    expect(oiImf(0.1, 26e6, 20e6, 50e6)).toBeCloseTo(0.28, 15);
  });

  it('rejects the params when the caps are not in order', () => {
    expect(() => scenario({ agents: [{ kind: 'leveraged-traders' }], steps: 1, defenses: [{ kind: 'oi-imf', lowerCap: 5e6, upperCap: 5e6 }] })).toThrow(/not a valid scenario/);
  });

  it('slows the growth of open interest past the lower cap; the crash makes far less bad debt', () => {
    const s = growingBook([{ kind: 'oi-imf', name: 'dydx', lowerCap: 15e6, upperCap: 40e6 }]);
    const none = run(s, 'none');
    const oi = run(s, 'dydx');
    // the starting book (~10M) grows past the lower cap within the first 100 steps
    expect(none.series.openInterest[0]).toBeLessThan(15e6);
    expect(none.series.openInterest[199]).toBeGreaterThan(25e6);
    expect(oi.series.openInterest[199]).toBeLessThan(0.75 * none.series.openInterest[199]);
    // each logged raise: the IMF the formula gives at the open interest that set it (value = OI, threshold = lowerCap)
    const raises = oi.interventions.filter((x) => x.action === 'raise-initial-margin');
    expect(raises.length).toBeGreaterThan(3);
    for (const x of raises) {
      expect(x.value).toBeGreaterThan(15e6);
      expect(x.threshold).toBe(15e6);
      expect(x.policy).toBe('dydx');
      const imf = oiImf(0.05, x.value, 15e6, 40e6);
      expect(x.reason).toContain(`initial margin ${(100 * imf).toFixed(2)}%`);
    }
    // maintenance is unchanged
    for (let t = 0; t < 250; t++) expect(oi.series.maintenanceMargin[t]).toBe(0.03);
    // more opens refused by the initial-margin check, and far less bad debt in the crash
    expect(oi.summary.rejected_opens).toBeGreaterThan(2 * none.summary.rejected_opens);
    expect(none.summary.bad_debt).toBeGreaterThan(1_500_000);
    expect(oi.summary.bad_debt).toBeLessThan(0.5 * none.summary.bad_debt);
    expect(oi.summary.liquidations).toBeLessThan(0.8 * none.summary.liquidations);
  });
});
