// Volatility circuit breaker: trigger step from the formula, halt length, blocked opens, resume, and mode 'all'.
import { describe, it, expect } from 'vitest';
import { runScenario, type RunResult } from '../../sim/run.js';
import type { Scenario } from '../../sim/scenario.js';
import { scenario } from './helpers.js';

const DT = 60 / (365 * 24 * 3600);

interface Opts {
  at: number;
  crashSteps: number;
  factor: number;
  window?: number;
  sigmas?: number;
  haltSteps?: number;
  mode?: 'new-risk' | 'all';
  leverage?: number;
  steps?: number;
}

function breakerScenario(o: Opts): Scenario {
  return scenario({
    steps: o.steps ?? 120,
    market: { initialPrice: 2000, process: { kind: 'constant' }, shocks: [{ kind: 'ramp', at: o.at, steps: o.crashSteps, factor: o.factor }] },
    venue: { initialMargin: 0.05, maintenanceMargin: 0.03, funding: null },
    agents: [
      { kind: 'leveraged-traders', name: 'traders', count: 200, leverage: o.leverage ?? 2, side: 'alternate', arrivals: { perStep: 3, leverage: { uniform: [2, 5] } } },
    ],
    defenses: [{ kind: 'vol-breaker', name: 'vb', window: o.window ?? 5, sigmas: o.sigmas ?? 4, volatility: 0.8, haltSteps: o.haltSteps ?? 30, mode: o.mode ?? 'new-risk' }],
  });
}

function run(s: Scenario, policy = 'all'): RunResult {
  const r = runScenario(s, { policy, seed: 4, baseDir: '.' });
  expect(r.error).toBeUndefined();
  return r;
}

/** Steps t with series.halted[t] > 0. */
function haltedSteps(r: RunResult): number[] {
  const out: number[] = [];
  for (let t = 0; t < r.series.length; t++) if (r.series.halted[t] > 0) out.push(t);
  return out;
}

const range = (a: number, b: number): number[] => Array.from({ length: b - a + 1 }, (_, i) => a + i);

describe('vol-breaker', () => {
  // window 5, 4 sigma, 80% vol, one-minute steps: threshold = 4 * 0.8 * sqrt(5 * dt) = 0.0098698 (log move)
  const threshold = 4 * 0.8 * Math.sqrt(5 * DT);

  it('threshold formula', () => {
    expect(threshold).toBeCloseTo(0.0098698, 6);
  });

  it('new-risk: triggers at the first step the 5-step move exceeds the threshold, halts, blocks arrivals, resumes', () => {
    // crash: 3 steps of -0.4% (log) from step 50. Move over 5 steps: -0.4% at 50, -0.8% at 51, -1.2% at 52 (> 0.987%)
    // -> trigger at 52; it stays at -1.2% through step 54 (re-triggers extend the halt), -0.8% at 55.
    const g = -0.004;
    const r = run(breakerScenario({ at: 50, crashSteps: 3, factor: Math.exp(3 * g), haltSteps: 30 }));
    // the trigger step from the formula, over the recorded oracle
    const o = r.series.oracle;
    let first = -1;
    const triggers: number[] = [];
    for (let t = 5; t < o.length; t++) {
      if (Math.abs(Math.log(o[t] / o[t - 5])) > threshold) {
        if (first < 0) first = t;
        triggers.push(t);
      }
    }
    expect(first).toBe(52);
    expect(triggers).toEqual([52, 53, 54]);
    const halts = r.interventions.filter((x) => x.action === 'halt-new-risk');
    expect(halts).toHaveLength(1);
    expect(halts[0].step).toBe(52);
    expect(halts[0].policy).toBe('vb');
    expect(halts[0].value).toBeCloseTo(3 * g, 10);
    expect(halts[0].threshold).toBeCloseTo(threshold, 15);
    // halted from 52 through 54 + 30 - 1 = 83 (the last re-trigger extends the halt)
    expect(haltedSteps(r)).toEqual(range(52, 83));
    for (const t of range(52, 83)) expect(r.series.halted[t]).toBe(1);
    expect(r.summary.steps_halted).toBe(32);
    const resumes = r.interventions.filter((x) => x.action === 'resume');
    expect(resumes.map((x) => x.step)).toEqual([83]);
    expect(r.interventions).toHaveLength(2);
    // arrivals are blocked exactly while halted, and open again after
    expect(r.summary.blocked_opens).toBeGreaterThan(0);
    let blockedOutside = 0;
    let blockedInside = 0;
    for (let t = 0; t < r.series.length; t++) {
      if (r.series.halted[t] > 0) blockedInside += r.series.blockedOpens[t];
      else blockedOutside += r.series.blockedOpens[t];
    }
    expect(blockedOutside).toBe(0);
    expect(blockedInside).toBe(r.summary.blocked_opens);
    expect(blockedInside).toBeGreaterThan(32); // ~3 per step
    // no account opened during the halt (no liquidations either at 2x on a 1.2% move)
    expect(r.summary.liquidations).toBe(0);
    expect(r.series.openAccounts[83]).toBe(r.series.openAccounts[51]);
    expect(r.series.openAccounts[51]).toBeGreaterThan(r.series.openAccounts[0]);
    expect(r.series.openAccounts[119]).toBeGreaterThan(r.series.openAccounts[83]);
  });

  it('a move just under the threshold does not trigger', () => {
    // 2 steps of -0.45%: the 5-step move peaks at -0.9% < 0.987%
    const r = run(breakerScenario({ at: 50, crashSteps: 2, factor: Math.exp(-0.009) }));
    expect(r.interventions).toHaveLength(0);
    expect(haltedSteps(r)).toEqual([]);
    expect(r.summary.blocked_opens).toBe(0);
  });

  it('the window and sigma parameters move the trigger step', () => {
    // window 10: threshold = 4*0.8*sqrt(10 dt) = 0.013958; -0.4% steps from 50 over 6 steps -> -1.6% at 53 > 1.396%
    const thr10 = 4 * 0.8 * Math.sqrt(10 * DT);
    expect(thr10).toBeCloseTo(0.013958, 5);
    const r = run(breakerScenario({ at: 50, crashSteps: 6, factor: Math.exp(6 * -0.004), window: 10, haltSteps: 5 }));
    const halts = r.interventions.filter((x) => x.action === 'halt-new-risk');
    expect(halts[0].step).toBe(53);
    // with 100 sigma nothing triggers
    const calm = run(breakerScenario({ at: 50, crashSteps: 6, factor: Math.exp(6 * -0.004), sigmas: 100 }));
    expect(calm.interventions).toHaveLength(0);
  });

  it("policy 'none' ignores the configured breaker", () => {
    const r = run(breakerScenario({ at: 50, crashSteps: 3, factor: Math.exp(-0.012) }), 'none');
    expect(r.interventions).toHaveLength(0);
    expect(r.summary.blocked_opens).toBe(0);
    expect(r.summary.steps_halted).toBe(0);
  });

  it("mode 'all' stops liquidations during the halt; they happen on the first step after it", () => {
    // -20% over 4 steps from step 50 (-5.6% log per step): triggers at 50; the 5-step move stays beyond the threshold
    // through step 57 (window (52, 57] still holds step 53), so the halt of 10 runs 50 .. 57 + 10 - 1 = 66.
    const opts: Opts = { at: 50, crashSteps: 4, factor: 0.8, haltSteps: 10, leverage: 10, steps: 90 };
    const all = run(breakerScenario({ ...opts, mode: 'all' }));
    const halts = all.interventions.filter((x) => x.action === 'halt-all');
    expect(halts.map((x) => x.step)).toEqual([50]);
    expect(haltedSteps(all)).toEqual(range(50, 66));
    for (const t of range(50, 66)) {
      expect(all.series.halted[t]).toBe(2);
      expect(all.series.liquidations[t]).toBe(0);
    }
    expect(all.interventions.filter((x) => x.action === 'resume').map((x) => x.step)).toEqual([66]);
    expect(all.series.liquidations[67]).toBeGreaterThan(0);
    let before = 0;
    for (let t = 0; t < 50; t++) before += all.series.liquidations[t];
    expect(before).toBe(0);
    expect(all.summary.blocked_opens).toBeGreaterThan(0);

    // the same crash under 'new-risk' liquidates during the crash itself
    const newRisk = run(breakerScenario({ ...opts, mode: 'new-risk' }));
    expect(haltedSteps(newRisk)).toEqual(range(50, 66));
    let during = 0;
    for (const t of range(50, 66)) {
      expect(newRisk.series.halted[t]).toBe(1);
      during += newRisk.series.liquidations[t];
    }
    expect(during).toBeGreaterThan(0);
    expect(newRisk.series.liquidations[67]).toBe(0);
    // the spot path is the same under both
    expect(Array.from(all.series.spot)).toEqual(Array.from(newRisk.series.spot));
  });

  it('a second crash after the resume triggers a new halt with its own log entries', () => {
    const s = breakerScenario({ at: 20, crashSteps: 3, factor: Math.exp(-0.012), haltSteps: 10 });
    s.market.shocks.push({ kind: 'ramp', at: 70, steps: 3, factor: Math.exp(-0.012) });
    const r = run(s);
    expect(r.interventions.map((x) => `${x.action}@${x.step}`)).toEqual(['halt-new-risk@22', 'resume@33', 'halt-new-risk@72', 'resume@83']);
    expect(haltedSteps(r)).toEqual([...range(22, 33), ...range(72, 83)]);
  });
});
