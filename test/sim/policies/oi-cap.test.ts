// oi-cap: GMX's maxOpenInterest as an admission limit (mechanics.md 1.3).
import { describe, it, expect } from 'vitest';
import { OiCapParams, underCap } from '../../../sim/policies/oi-cap.js';
import { EXPOSURE_BOOK, book, run } from './book-scenarios.js';

describe('oi-cap', () => {
  it('default: GMX ETH/USD maxOpenInterest $110M; an open is admitted iff OI + notional <= cap', () => {
    expect(OiCapParams.parse({ kind: 'oi-cap' }).maxOpenInterest).toBe(110_000_000);
    expect(underCap(109_000_000, 1_000_000, 110_000_000)).toBe(true);
    expect(underCap(109_000_000, 1_000_001, 110_000_000)).toBe(false);
    expect(() => OiCapParams.parse({ kind: 'oi-cap', maxOpenInterest: -1 })).toThrow();
  });

  // A book of 200 accounts plus two arrivals a minute (65% long, 2-15x) and a -15% crash at step 200. The cap is 1.1x
  // the starting open interest. Seed 1: open interest peaks at $18.5M instead of $33.5M, 345 opens refused, bad debt
  // 1,574,904 -> 305,543, liquidations 334 -> 115.
  const scenario = book({
    ...EXPOSURE_BOOK,
    defenses: [{ kind: 'oi-cap', maxOpenInterest: { openInterest: 1.1 } }],
  });

  it('holds open interest under the cap and cuts the crash damage against none', () => {
    const n = run(scenario, 'none');
    const r = run(scenario, 'oi-cap');
    const c = r.summary;
    expect(c.max_open_interest).toBeLessThan(0.6 * n.summary.max_open_interest);
    expect(c.blocked_opens).toBeGreaterThan(200);
    expect(n.summary.blocked_opens).toBe(0);
    expect(c.bad_debt).toBeLessThan(0.3 * n.summary.bad_debt);
    expect(c.liquidations).toBeLessThan(0.5 * n.summary.liquidations);
    // the cap is the logged threshold; each entry: opens refused with open interest within 10% of it
    const logged = r.interventions.filter((x) => x.action === 'cap-open-interest');
    expect(logged.length).toBeGreaterThan(50);
    const capLogged = logged[0].threshold;
    for (const x of logged) {
      expect(x.threshold).toBe(capLogged);
      expect(x.value).toBeGreaterThan(0.9 * capLogged);
    }
    // the share cap is resolved at step 0: 1.1 x the starting book's open interest at the mark (before step 0's opens)
    expect(capLogged / r.series.openInterest[0]).toBeGreaterThan(1.05);
    expect(capLogged / r.series.openInterest[0]).toBeLessThan(1.15);
    // open interest rises above the cap only by price moves, never by much
    for (let t = 0; t < r.series.length; t++) expect(r.series.openInterest[t]).toBeLessThan(1.1 * capLogged);
  });
});
