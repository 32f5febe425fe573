// The cross venue's policies (sim/cross/policies.ts) against their formulas: portfolio-margin switches the plan,
// dynamic-haircuts = max(base, z sigma sqrt(horizon)), cross-ewma-margin = clamp(sigma_m / reference_m, 1, maxScale)
// market by market.
import { describe, expect, it } from 'vitest';
import { CrossSchema } from '../../../sim/cross/config.js';
import { crossEwmaMargin, dynamicHaircuts, portfolioMargin } from '../../../sim/cross/policies.js';
import { CrossVenue } from '../../../sim/cross/venue.js';
import type { PolicyEnv, RunView } from '../../../sim/types.js';

const DT = 60 / (365 * 24 * 3600);

function setup() {
  const cfg = CrossSchema.parse({
    markets: [{ asset: 'BTC', maintenanceMargin: 0.012, initialMargin: 0.02 }, { asset: 'SOL' }],
    collateral: [{ asset: 'SOL', haircut: 0.2 }],
    margin: { mode: 'standard', dispersion: 0.7 },
  });
  const v = new CrossVenue(cfg, ['BTC', 'SOL'], [100_000, 200]);
  const logs: { action: string; value: number }[] = [];
  const env: PolicyEnv = { name: 'p', dt: DT, stepSeconds: 60, log: (action, _reason, value) => logs.push({ action, value }) };
  const view = { cross: v } as unknown as RunView;
  const step = (btc: number, sol: number, hook: (view: RunView, plan: typeof v.plan) => void) => {
    v.setPrices([btc, sol], 0, btc);
    v.resetPlan(1); // the scenario's rules, as planCross starts each step
    hook(view, v.plan);
  };
  return { v, env, logs, step };
}

describe('portfolio-margin', () => {
  it('switches the plan to portfolio requirements with its own dispersion, or the scenario\'s when it sets none', () => {
    const { v, env, step } = setup();
    const own = portfolioMargin.create(portfolioMargin.params.parse({ kind: 'portfolio-margin', dispersion: 0.3 }), env);
    step(100_000, 200, (view, plan) => own.cross!(view, plan));
    expect(v.plan.portfolio).toBe(true);
    expect(v.plan.dispersion).toBe(0.3);
    const inherit = portfolioMargin.create(portfolioMargin.params.parse({ kind: 'portfolio-margin' }), env);
    step(100_000, 200, (view, plan) => inherit.cross!(view, plan));
    expect(v.plan.dispersion).toBe(0.7);
  });
});

describe('dynamic-haircuts', () => {
  it('haircut = max(base, z sigma sqrt(horizonSteps)), sigma the RMS log return over the window', () => {
    const { v, env, logs, step } = setup();
    const p = dynamicHaircuts.create(dynamicHaircuts.params.parse({ kind: 'dynamic-haircuts', z: 2, horizonSteps: 25, window: 4 }), env);
    let sol = 200;
    step(100_000, sol, (view, plan) => p.cross!(view, plan)); // first step: no return yet
    expect(v.plan.haircut[0]).toBe(0.2);
    // SOL falls 5% a step: sigma = |ln 0.95| over the window (the first return of 0 drops out after 4 steps)
    for (let k = 0; k < 4; k++) step(100_000, (sol *= 0.95), (view, plan) => p.cross!(view, plan));
    const r = Math.log(0.95);
    expect(v.plan.haircut[0]).toBeCloseTo(Math.min(0.9, 2 * Math.abs(r) * 5), 12); // 0.5129
    expect(logs.some((l) => l.action === 'raise-haircut')).toBe(true);
    // calm again: back to the base once the window has no large returns
    for (let k = 0; k < 4; k++) step(100_000, sol, (view, plan) => p.cross!(view, plan));
    expect(v.plan.haircut[0]).toBe(0.2);
    expect(logs.at(-1)!.action).toBe('lower-haircut');
  });
});

describe('cross-ewma-margin', () => {
  it('scales each market by its own EWMA volatility over its reference, floored at 1 and capped', () => {
    const { v, env, logs, step } = setup();
    const p = crossEwmaMargin.create(crossEwmaMargin.params.parse({ kind: 'cross-ewma-margin', lambda: 0.9, referenceVols: { BTC: 0.7, SOL: 1.3 }, maxScale: 4 }), env);
    step(100_000, 200, (view, plan) => p.cross!(view, plan));
    expect(Array.from(v.plan.marketScale)).toEqual([1, 1]);
    // SOL jumps 3%: var = 0.9 * 1.3^2 dt + 0.1 r^2; BTC still
    step(100_000, 206, (view, plan) => p.cross!(view, plan));
    const r = Math.log(206 / 200);
    const solVar = 0.9 * (0.9 * 1.3 * 1.3 * DT) + 0.1 * r * r;
    const expected = Math.min(4, Math.max(1, Math.sqrt(solVar / DT) / 1.3));
    expect(v.plan.marketScale[1]).toBeCloseTo(expected, 12);
    expect(expected).toBeGreaterThan(1.25);
    expect(v.plan.marketScale[0]).toBe(1); // BTC's margin stays at its base
    expect(logs).toEqual([{ action: 'raise-margin', value: expected }]);
    // the requirement of a SOL position scales with it
    const i = v.seedAccount(0, 10_000);
    v.seedPosition(i, 1, 100);
    expect(v.requirementOf(i)).toBeCloseTo(100 * 206 * 0.03 * expected, 9);
  });
});
