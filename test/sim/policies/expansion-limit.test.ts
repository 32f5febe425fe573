// expansion-limit: lower leverage (or block) for new positions while EWMA volatility or the drawdown signals stress.
import { describe, it, expect } from 'vitest';
import { drawdown, ExpansionLimitParams } from '../../../sim/policies/expansion-limit.js';
import { EwmaVol } from '../../../sim/policies/stats.js';
import { book, run } from './book-scenarios.js';

const DT = 60 / (365 * 24 * 3600);

describe('expansion-limit', () => {
  it('stress signals: drawdown from the window high, RiskMetrics EWMA volatility (mechanics.md 5.2)', () => {
    expect(drawdown(93, 100)).toBeCloseTo(0.07, 12);
    expect(drawdown(101, 100)).toBe(0);
    // one 2% log return after a start at 80%/yr: var = 0.94 * 0.8^2 dt + 0.06 * 0.02^2
    const v = new EwmaVol(0.94, 0.8, DT);
    v.update(0, 100);
    v.update(1, 100 * Math.exp(0.02));
    expect(v.annual).toBeCloseTo(Math.sqrt((0.94 * 0.64 * DT + 0.06 * 0.0004) / DT), 12);
    expect(v.annual).toBeGreaterThan(2.2); // one 2% minute is already "stress" at the default threshold
    const p = ExpansionLimitParams.parse({ kind: 'expansion-limit' });
    expect(p).toMatchObject({ lambda: 0.94, volThreshold: 2.2, drawdownThreshold: 0.05, drawdownWindow: 60, stressMaxLeverage: 5, block: false, holdSteps: 30 });
  });

  // A venue whose book is mostly new arrivals (three a minute at 5-20x, 65% long): a -7% drop at step 150 is the
  // warning, the -15% crash comes at 200. Seed 1: after the warning new positions are held to 5x (345 opens refused,
  // those above 5x); bad debt 2,376,087 -> 1,519,591, liquidations 675 -> 372, lowest mark 1,032 -> 1,340.
  const scenario = book({
    seed: 1,
    count: 20,
    collateral: [2000, 20000],
    leverage: [5, 20],
    arrivals: 3,
    longShare: 0.65,
    reversion: 0.1,
    crash: 0.85,
    crashAt: 200,
    steps: 300,
    liquidator: { bounty: 0.005, maxPerStep: 30 },
    defenses: [{ kind: 'expansion-limit' }, { kind: 'expansion-limit', name: 'block', block: true, holdSteps: 60 }],
  });
  scenario.market.shocks.unshift({ kind: 'ramp', at: 150, steps: 5, factor: 0.93 } as (typeof scenario.market.shocks)[number]);

  it('after the warning it refuses high-leverage opens, so the crash finds a smaller, less levered book', () => {
    const n = run(scenario, 'none');
    const r = run(scenario, 'expansion-limit');
    const e = r.summary;
    expect(e.blocked_opens).toBeGreaterThan(200);
    expect(e.bad_debt).toBeLessThan(0.75 * n.summary.bad_debt);
    expect(e.liquidations).toBeLessThan(0.7 * n.summary.liquidations);
    expect(e.min_price).toBeGreaterThan(n.summary.min_price + 200);
    // no opens refused before the warning; the limit starts with it (drawdown or volatility) and is logged with its numbers
    let before = 0;
    for (let t = 0; t < 150; t++) before += r.series.blockedOpens[t];
    expect(before).toBe(0);
    const on = r.interventions.filter((x) => x.action === 'limit-on');
    expect(on.length).toBeGreaterThan(0);
    expect(on[0].step).toBeGreaterThanOrEqual(150);
    expect(on[0].step).toBeLessThan(155);
    expect(on[0].value).toBeGreaterThan(on[0].threshold);
    expect(on[0].reason).toMatch(/limited to 5x/);
  });

  it('block mode refuses every open under stress', () => {
    const r = run(scenario, 'block');
    const on = r.interventions.find((x) => x.action === 'limit-on')!;
    expect(on.reason).toMatch(/blocked/);
    // three arrivals a minute: none opens from the trigger for at least holdSteps
    let opened = 0;
    for (let t = on.step; t < on.step + 60; t++) opened += r.series.openAccounts[t] > r.series.openAccounts[t - 1] ? 1 : 0;
    expect(opened).toBe(0);
    expect(r.summary.blocked_opens).toBeGreaterThan(run(scenario, 'expansion-limit').summary.blocked_opens);
  });
});
