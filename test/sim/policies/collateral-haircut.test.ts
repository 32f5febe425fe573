// collateral-haircut: (1 - haircut) of the collateral counts for margin, as a market-wide add-on to the fractions.
import { describe, it, expect } from 'vitest';
import { CollateralHaircutParams, haircutAddOn } from '../../../sim/policies/collateral-haircut.js';
import { EXPOSURE_BOOK, book, run } from './book-scenarios.js';

describe('collateral-haircut', () => {
  it('add-on = haircut x collateral / notional: equity - h c < m N  <=>  equity < (m + h c / N) N', () => {
    // an account with c = 1,000 on N = 10,000 (10x), m = 3%, h = 20%: add-on 2%, maintenance 5%
    expect(haircutAddOn(0.2, 1000, 10_000)).toBeCloseTo(0.02, 15);
    const c = 1000;
    const N = 10_000;
    const m = 0.03;
    const h = 0.2;
    for (const equity of [490, 499.99, 500.01, 510]) {
      expect(equity - h * c < m * N).toBe(equity < (m + haircutAddOn(h, c, N)) * N);
    }
    expect(haircutAddOn(0.2, 1000, 0)).toBe(0);
    expect(CollateralHaircutParams.parse({ kind: 'collateral-haircut' }).haircut).toBe(0.05);
  });

  // The arrival-heavy book of the exposure tests and a -15% crash at step 200, with a 20% haircut. Seed 1: maintenance
  // 3% + ~2.7% (open collateral / open interest ~ 1/7.5), more opens refused by the initial check, bad debt 1,574,904
  // -> 861,070, liquidations 334 -> 276.
  const scenario = book({
    ...EXPOSURE_BOOK,
    defenses: [{ kind: 'collateral-haircut', haircut: 0.2 }],
  });

  it('raises maintenance by h C / OI every step and halves the crash bad debt against none', () => {
    const n = run(scenario, 'none');
    const r = run(scenario, 'collateral-haircut');
    const h = r.summary;
    for (let t = 1; t < 200; t++) {
      expect(r.series.maintenanceMargin[t]).toBeGreaterThan(0.045);
      expect(r.series.maintenanceMargin[t]).toBeLessThan(0.07);
    }
    expect(n.series.maintenanceMargin[100]).toBe(0.03);
    expect(h.bad_debt).toBeLessThan(0.65 * n.summary.bad_debt);
    expect(h.rejected_opens).toBeGreaterThan(n.summary.rejected_opens);
    const logged = r.interventions;
    expect(logged[0].action).toBe('haircut');
    expect(logged[0].step).toBe(0);
    expect(logged[0].threshold).toBe(0.2);
    expect(logged[0].value).toBeCloseTo(r.series.maintenanceMargin[0] - 0.03, 12);
  });
});
