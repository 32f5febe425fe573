// adl: auto-deleveraging ranked by profit x leverage (Hyperliquid), replacing bad debt the fund cannot cover.
import { describe, it, expect } from 'vitest';
import { EVENT_ADL } from '../../../sim/perp.js';
import { adlScore } from '../../../sim/policies/adl.js';
import { FAST_CRASH_BOOK, book, run } from './book-scenarios.js';

describe('adl', () => {
  it("ranking key: (mark / entry) x (notional / account value) (Hyperliquid auto-deleveraging.md, mechanics.md 1.1)", () => {
    // a long 5 @ 1,000 at mark 1,200 with equity 2,000: 1.2 x 6,000 / 2,000 = 3.6
    expect(adlScore(5, 1000, 1200, 2000)).toBeCloseTo(3.6, 12);
    // shorts use entry / mark: short 5 @ 2,000 at 1,850, equity 1,250 -> (2000/1850) x 9,250 / 1,250 = 8
    expect(adlScore(-5, 2000, 1850, 1250)).toBeCloseTo(8, 12);
    expect(adlScore(-5, 2000, 1850, 1750)).toBeCloseTo((2000 / 1850) * (9250 / 1750), 12);
  });

  // -15% in 10 minutes, a keeper that clears 20 accounts a minute and a small fund (0.2% of open interest). Seed 1:
  // without ADL $552,769 of bad debt, $453,510 uncovered; with ADL 37 profitable shorts ($4.0M) are closed at the
  // bankrupt longs' prices: $93,167 of bad debt (what the fund paid before it ran short), nothing uncovered.
  const scenario = book({
    ...FAST_CRASH_BOOK,
    recovery: 1.1,
    defenses: [{ kind: 'adl' }],
  });

  it('closes bankrupt accounts against profitable opposite positions: no uncovered bad debt', () => {
    const n = run(scenario, 'none').summary;
    const r = run(scenario, 'adl');
    const a = r.summary;
    expect(n.uncovered_bad_debt).toBeGreaterThan(300_000);
    expect(a.uncovered_bad_debt).toBe(0);
    expect(a.bad_debt).toBeLessThan(0.25 * n.bad_debt);
    expect(a.adl_events).toBeGreaterThan(10);
    expect(a.adl_notional).toBeGreaterThan(1e6);
    expect(a.liquidation_slippage).toBeLessThan(0.8 * n.liquidation_slippage); // ADL fills are off the book
    // every ADL fill of a profitable position: opposite side to its bankrupt account, at that account's price
    let fills = 0;
    for (let k = 0; k < r.events.liqCount; k++) if (r.events.kind[k] === EVENT_ADL && r.events.account[k] >= 0) fills++;
    expect(fills).toBeGreaterThan(a.adl_events); // the profitable side's fills plus the bankrupt side's
    const logged = r.interventions.filter((x) => x.action === 'adl');
    expect(logged.length).toBeGreaterThan(0);
    expect(logged.reduce((s, x) => s + x.value, 0)).toBeCloseTo(a.adl_notional, 4);
    expect(logged[0].reason).toMatch(/profitable positions closed at bankruptcy prices/);
  });
});
