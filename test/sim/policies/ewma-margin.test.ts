// ewma-margin: the RiskMetrics EWMA update and scale by hand, the margin series it sets, and its effect when turbulence precedes a crash.
import { describe, it, expect } from 'vitest';
import { ewmaScale, ewmaUpdate } from '../../../sim/policies/ewma-margin.js';
import { book, DT, run, turbulenceThenCrash } from './setup.js';

describe('ewma-margin', () => {
  it('EWMA variance, annualised volatility and scale, by hand', () => {
    // start at the reference: var0 = 0.8^2 dt -> scale 1
    const v0 = 0.64 * DT;
    expect(ewmaScale(v0, DT, 0.8, 3)).toBeCloseTo(1, 12);
    // one return of -1% (one minute): var1 = 0.94 var0 + 0.06 * 0.0001
    const v1 = ewmaUpdate(v0, -0.01, 0.94);
    expect(v1).toBeCloseTo(0.94 * 0.64 * DT + 0.06 * 1e-4, 18);
    // annualised: sqrt(var1 / dt) = sqrt(0.6016 + 6e-6 / 1.902588e-6) = sqrt(3.75520) = 1.93783 -> scale 2.4223
    expect(Math.sqrt(v1 / DT)).toBeCloseTo(1.93783, 4);
    expect(ewmaScale(v1, DT, 0.8, 3)).toBeCloseTo(1.93783 / 0.8, 4);
    // floored at 1, capped at maxScale
    expect(ewmaScale(0, DT, 0.8, 3)).toBe(1);
    expect(ewmaScale(ewmaUpdate(v0, 0.05, 0.94), DT, 0.8, 3)).toBe(3);
  });

  it('raises margin through the turbulence; the crash then liquidates a better-margined book: far less bad debt', () => {
    const s = book({ shocks: turbulenceThenCrash(), defenses: [{ kind: 'ewma-margin', name: 'ewma' }] });
    const none = run(s, 'none');
    const ew = run(s, 'ewma');
    // the variance decays to ~0 over 100 constant steps; the first 2% swing then gives
    // var = 0.94^100 * 0.64 dt + 0.06 ln(0.98)^2 -> 358.8%/yr -> x3 (capped): maintenance 9%
    let v = 0.64 * DT;
    for (let t = 1; t < 100; t++) v = ewmaUpdate(v, 0, 0.94);
    v = ewmaUpdate(v, Math.log(0.98), 0.94);
    expect(Math.sqrt(v / DT)).toBeCloseTo(3.588, 3);
    expect(ew.series.maintenanceMargin[99]).toBe(0.03);
    expect(ew.series.maintenanceMargin[100]).toBeCloseTo(0.09, 12);
    expect(none.series.maintenanceMargin[100]).toBe(0.03);
    const first = ew.interventions[0];
    expect(first.action).toBe('raise-margin');
    expect(first.step).toBe(100);
    expect(first.value).toBeCloseTo(Math.sqrt(v / DT), 9);
    expect(first.threshold).toBe(0.8);
    expect(first.policy).toBe('ewma');
    // as the swings fade the margin steps down, logged each quarter of the base fraction
    expect(ew.interventions.filter((x) => x.action === 'lower-margin').length).toBeGreaterThan(2);
    // the effect: positions that could not carry the higher margin are closed while the price is still high and new
    // positions open with less leverage (more opens refused), so the crash finds far less to turn into bad debt
    expect(none.summary.bad_debt).toBeGreaterThan(500_000);
    expect(ew.summary.bad_debt).toBeLessThan(0.3 * none.summary.bad_debt);
    expect(ew.summary.uncovered_bad_debt).toBeLessThan(0.05 * none.summary.uncovered_bad_debt);
    expect(ew.summary.rejected_opens).toBeGreaterThan(2 * none.summary.rejected_opens);
    expect(Array.from(ew.series.spot)).toEqual(Array.from(none.series.spot));
  });
});
