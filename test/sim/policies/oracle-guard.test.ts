// oracle-guard: Drift's validity checks and their order, and each check's effect in a run (too volatile, too uncertain, stale).
import { describe, it, expect } from 'vitest';
import { OracleGuardParams, oracleInvalidity } from '../../../sim/policies/oracle-guard.js';
import { actions, book, haltedSteps, range, run } from './setup.js';

const DEFAULTS = OracleGuardParams.parse({ kind: 'oracle-guard' });

describe('oracle-guard', () => {
  it('defaults are Drift guard rails: too volatile at 5x the TWAP, confidence 2%, stale after 60 s', () => {
    expect(DEFAULTS).toMatchObject({ nonPositive: true, volatileRatio: 5, twapSteps: 60, maxConfidence: 0.02, staleSeconds: 60, haltWhileInvalid: 'off' });
  });

  it('checks by hand, in Drift order NonPositive > TooVolatile > TooUncertain > Stale', () => {
    const ok = (price: number, twap: number, conf: number, age: number) => oracleInvalidity(DEFAULTS, price, twap, conf, age);
    expect(ok(2000, 2000, 10, 0)).toBeNull();
    expect(ok(0, 2000, 0, 0)).toBe('non-positive');
    expect(ok(-5, 2000, 0, 0)).toBe('non-positive');
    expect(ok(Infinity, 2000, 0, 0)).toBe('non-positive');
    // 5x: 400 vs 2000 is exactly 1/5 (valid), 399 is below it; 10,001 is above 5x
    expect(ok(400, 2000, 0, 0)).toBeNull();
    expect(ok(399, 2000, 0, 0)).toBe('too-volatile');
    expect(ok(10_001, 2000, 0, 0)).toBe('too-volatile');
    // confidence: 40 on 2000 is 2.0% (valid), 40.01 is above
    expect(ok(2000, 2000, 40, 0)).toBeNull();
    expect(ok(2000, 2000, 40.01, 0)).toBe('too-uncertain');
    // stale: 60 s old is valid, 120 s is not
    expect(ok(2000, 2000, 0, 60)).toBeNull();
    expect(ok(2000, 2000, 0, 120)).toBe('stale');
    // order: a too-volatile, too-uncertain, stale answer is too-volatile; uncertain and stale is too-uncertain
    expect(ok(300, 2000, 100, 600)).toBe('too-volatile');
    expect(ok(2000, 2000, 100, 600)).toBe('too-uncertain');
    // each check switches off
    expect(oracleInvalidity({ ...DEFAULTS, volatileRatio: null }, 300, 2000, 0, 0)).toBeNull();
    expect(oracleInvalidity({ ...DEFAULTS, maxConfidence: null }, 2000, 2000, 100, 0)).toBeNull();
    expect(oracleInvalidity({ ...DEFAULTS, staleSeconds: null }, 2000, 2000, 0, 600)).toBeNull();
    expect(oracleInvalidity({ ...DEFAULTS, nonPositive: false }, 0, 2000, 0, 0)).toBeNull();
  });

  it('too volatile: an -85% one-minute print is rejected, nobody is liquidated at it, no bad debt', () => {
    // a wick to 15% of the price for one step (ATOM printed $0.001 from $4 on 10 Oct 2025), margin tested at the oracle
    const s = book({
      steps: 200,
      marginPrice: 'oracle',
      keeper: 50,
      shocks: [
        { kind: 'ramp', at: 100, steps: 1, factor: 0.15 },
        { kind: 'ramp', at: 101, steps: 1, factor: 1 / 0.15 },
      ],
      defenses: [{ kind: 'oracle-guard', name: 'drift' }],
    });
    const none = run(s, 'none');
    const g = run(s, 'drift');
    expect(none.series.oracle[100]).toBeCloseTo(300, 9);
    expect(g.series.oracle[100]).toBe(2000);
    expect(actions(g)).toEqual(['reject-oracle@100', 'accept-oracle@101']);
    expect(g.interventions[0].value).toBeCloseTo(2000 / 300, 12); // max(P, TWAP) / min(P, TWAP), TWAP 2000
    expect(g.interventions[0].threshold).toBe(5);
    expect(g.interventions[0].reason).toMatch(/^too-volatile/);
    expect(none.summary.liquidations).toBe(50); // the keeper's capacity, at the wick
    expect(none.summary.bad_debt).toBeGreaterThan(1_000_000);
    expect(g.summary.liquidations).toBe(0);
    expect(g.summary.bad_debt).toBe(0);
  });

  it('too uncertain: a pull oracle whose confidence widens with a -20% print is rejected until it narrows', () => {
    // -20% for one step: inside the 5x band, but the pull source's confidence (5 bp + the realised per-step vol over
    // 30 steps) jumps to ~5% of the price, over the 2% limit, and stays wide while the print is in its window
    const s = book({
      steps: 200,
      marginPrice: 'oracle',
      keeper: 50,
      oracle: { kind: 'pull' },
      shocks: [
        { kind: 'ramp', at: 100, steps: 1, factor: 0.8 },
        { kind: 'ramp', at: 101, steps: 1, factor: 1 / 0.8 },
      ],
      defenses: [{ kind: 'oracle-guard', name: 'conf', volatileRatio: null }],
    });
    const none = run(s, 'none');
    const g = run(s, 'conf');
    expect(none.series.oracle[100]).toBeCloseTo(1600, 9);
    expect(g.series.oracle[100]).toBe(2000);
    const first = g.interventions[0];
    expect(first.step).toBe(100);
    expect(first.action).toBe('reject-oracle');
    expect(first.reason).toMatch(/^too-uncertain/);
    expect(first.value).toBeGreaterThan(0.02);
    expect(first.threshold).toBe(0.02);
    expect(g.interventions.filter((x) => x.action === 'accept-oracle').length).toBeGreaterThan(0);
    expect(none.summary.liquidations).toBeGreaterThan(40);
    expect(none.summary.bad_debt).toBeGreaterThan(100_000);
    expect(g.summary.liquidations).toBe(0);
    expect(g.summary.bad_debt).toBe(0);
  });

  it('stale: a frozen feed is flagged after 60 s; with haltWhileInvalid no one opens against the stale index', () => {
    // -20% from step 100, the feed freezes at the bottom from step 106 to 159 while the market recovers +25%: new
    // longs open at the recovered mark and are tested against the stale, low index
    const s = book({
      steps: 200,
      marginPrice: 'oracle',
      keeper: 50,
      oracle: { kind: 'spot', outages: [{ from: 106, to: 160 }] },
      shocks: [
        { kind: 'ramp', at: 100, steps: 5, factor: 0.8 },
        { kind: 'ramp', at: 110, steps: 10, factor: 1.25 },
      ],
      defenses: [{ kind: 'oracle-guard', name: 'stale', haltWhileInvalid: 'new-risk' }],
    });
    const none = run(s, 'none');
    const g = run(s, 'stale');
    // last publication at step 105: 120 s old at step 107 (> 60 s), fresh again at 160
    expect(actions(g)).toEqual(['reject-oracle@107', 'halt-new-risk@107', 'accept-oracle@160', 'resume@160']);
    expect(g.interventions[0].value).toBe(120);
    expect(g.interventions[0].threshold).toBe(60);
    expect(haltedSteps(g)).toEqual(range(107, 159));
    // the price itself is the same (the last good price is the frozen one) ...
    expect(Array.from(g.series.oracle)).toEqual(Array.from(none.series.oracle));
    // ... but no position opens against it, so fewer are liquidated right after opening
    expect(g.summary.blocked_opens).toBeGreaterThan(30);
    expect(none.summary.liquidations - g.summary.liquidations).toBeGreaterThanOrEqual(15);
    expect(g.summary.liquidation_slippage).toBeLessThan(0.9 * none.summary.liquidation_slippage);
  });
});
