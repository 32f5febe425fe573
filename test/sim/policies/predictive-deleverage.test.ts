// predictive-deleverage: PD over a horizon from EWMA volatility and the distance to the liquidation price; cut risky accounts.
import { describe, it, expect } from 'vitest';
import { EVENT_DELEVERAGE } from '../../../sim/perp.js';
import { defaultProbability, liquidationPrice, PredictiveDeleverageParams } from '../../../sim/policies/predictive-deleverage.js';
import { normCdf } from '../../../sim/policies/stats.js';
import { EXPOSURE_BOOK, book, run } from './book-scenarios.js';

describe('predictive-deleverage', () => {
  it('liquidation price: mechanics.md 7.1 vector 5 (long 10 BTC @ 100,000, margin 50,000, MMR 1.25% -> 96,202.53)', () => {
    const r = 0.0125 * 10 * 100_000;
    expect(liquidationPrice(10, 100_000, 50_000, r, 0.0125)).toBeCloseTo(96_202.53, 2);
    // a short: c 1,000, 5 @ 2,000, m 5%: equity = requirement at (2000 + 200) / 1.05 = 2,095.24
    expect(liquidationPrice(-5, 2000, 1000, 0.05 * 5 * 2000, 0.05)).toBeCloseTo(2200 / 1.05, 9);
  });

  it('PD: N(ln(L / P) / (sigma sqrt H)), doubled for first passage (hand-computed)', () => {
    expect(normCdf(0)).toBeCloseTo(0.5, 7); // erfc fit: error below 1.2e-7
    expect(normCdf(-1.959964)).toBeCloseTo(0.025, 7);
    expect(normCdf(1.644854)).toBeCloseTo(0.95, 7);
    const H = 1 / 365; // one day; sigma 100%/yr: sigma sqrt H = 0.0523424
    // long at 2,000 with liquidation at 1,900: d = ln(0.95) / 0.0523424 = -0.97996 -> N = 0.163554
    expect(defaultProbability(true, 2000, 1900, 1, H, false)).toBeCloseTo(0.1635537, 6);
    expect(defaultProbability(true, 2000, 1900, 1, H, true)).toBeCloseTo(0.3271073, 6);
    // short at 2,000 with liquidation at 2,150: d = ln(2000 / 2150) / 0.0523424 = -1.38168 -> 0.0835343
    expect(defaultProbability(false, 2000, 2150, 1, H, false)).toBeCloseTo(0.0835343, 6);
    expect(defaultProbability(true, 2000, -5, 1, H, true)).toBe(0); // fully collateralised long
    expect(PredictiveDeleverageParams.parse({ kind: 'predictive-deleverage' })).toMatchObject({ lambda: 0.94, horizonSeconds: 3600, threshold: 0.05, fraction: 0.25, firstPassage: true });
  });

  // The exposure tests' book (two arrivals a minute, 65% long, 3-12x), a -7% drop at step 150 and -15% at 200. The
  // drop raises the EWMA volatility; accounts whose PD over 4 hours exceeds 2% lose a quarter of their position, again
  // each step they stay above it. Seed 1: bad debt 837,323 -> 53,175, liquidations 294 -> 110, slippage 144,474 ->
  // 17,527, with 2,852 deleverages.
  const scenario = book({
    ...EXPOSURE_BOOK,
    defenses: [{ kind: 'predictive-deleverage', threshold: 0.02, horizonSeconds: 14_400 }],
  });
  scenario.market.shocks.unshift({ kind: 'ramp', at: 150, steps: 5, factor: 0.93 } as (typeof scenario.market.shocks)[number]);

  it('cuts the accounts most likely to fail before the crash gets them: far less bad debt than none', () => {
    const n = run(scenario, 'none').summary;
    const r = run(scenario, 'predictive-deleverage');
    const p = r.summary;
    expect(p.deleverages).toBeGreaterThan(500);
    expect(n.deleverages).toBe(0);
    expect(p.bad_debt).toBeLessThan(0.2 * n.bad_debt);
    expect(p.liquidations).toBeLessThan(0.5 * n.liquidations);
    expect(p.liquidation_slippage).toBeLessThan(0.3 * n.liquidation_slippage);
    // every deleverage is an event and a log entry with its PD above the threshold
    let events = 0;
    for (let k = 0; k < r.events.liqCount; k++) if (r.events.kind[k] === EVENT_DELEVERAGE) events++;
    expect(events).toBe(p.deleverages);
    const logged = r.interventions.filter((x) => x.action === 'deleverage');
    expect(logged).toHaveLength(p.deleverages);
    for (const x of logged) {
      expect(x.value).toBeGreaterThan(0.02);
      expect(x.threshold).toBe(0.02);
    }
    // it acts on the warning, before the crash: more cuts in the 50 steps after the -7% drop than in the 150 before it
    const count = (a: number, b: number) => logged.filter((x) => x.step >= a && x.step < b).length;
    expect(count(150, 200)).toBeGreaterThan(5 * count(0, 150)); // 1,689 vs 137 on seed 1
  });
});
