// Runs are pure functions of (scenario, policy, seed); common random numbers across policies and agents.
import { describe, it, expect } from 'vitest';
import { runScenario, type RunResult } from '../../sim/run.js';
import { SERIES_COLUMNS } from '../../sim/series.js';
import type { Scenario } from '../../sim/scenario.js';
import { scenario } from './helpers.js';

function base(): Scenario {
  return scenario({
    steps: 300,
    market: {
      initialPrice: 2000,
      process: { kind: 'gbm', sigma: 0.8 },
      shocks: [{ kind: 'ramp', at: 150, steps: 10, factor: 0.7 }],
    },
    venue: { initialMargin: 0.05, maintenanceMargin: 0.03, liquidity: { reversion: 0.1 }, funding: { intervalSteps: 15 }, insuranceFund: 5000, socializeLosses: true },
    agents: [
      { kind: 'leveraged-traders', name: 'traders', count: 200, leverage: { uniform: [2, 18] }, arrivals: { perStep: 1.5 } },
      { kind: 'liquidator', name: 'bot', maxPerStep: 8, bounty: 0.005, uptime: 0.9 },
    ],
    defenses: [
      { kind: 'vol-breaker', name: 'fast', window: 3, haltSteps: 10 },
      { kind: 'vol-breaker', name: 'slow', window: 15, sigmas: 5, haltSteps: 30, mode: 'all' },
    ],
  });
}

function run(s: Scenario, policy: string, seed: number): RunResult {
  const r = runScenario(s, { policy, seed, baseDir: '.' });
  expect(r.error).toBeUndefined();
  return r;
}

/** Byte-level equality of two typed arrays (distinguishes -0/+0 and NaN payloads). */
function sameBits(a: ArrayBufferView, b: ArrayBufferView): boolean {
  if (a.byteLength !== b.byteLength) return false;
  const x = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  const y = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}

function eventColumns(r: RunResult): ArrayBufferView[] {
  const e = r.events;
  const n = e.liqCount;
  return [e.step, e.account, e.liquidator, e.size, e.price, e.execPrice, e.notional, e.slippage, e.fee, e.bounty, e.badDebt, e.uncovered].map((c) => c.subarray(0, n));
}

describe('determinism', () => {
  it('same scenario, policy and seed twice: identical summaries, series and events', () => {
    const a = run(base(), 'all', 7);
    const b = run(base(), 'all', 7);
    expect(a.summary).toEqual(b.summary);
    for (const col of SERIES_COLUMNS) expect(sameBits(a.series.column(col), b.series.column(col)), col).toBe(true);
    expect(a.events.liqCount).toBe(b.events.liqCount);
    const ea = eventColumns(a);
    const eb = eventColumns(b);
    ea.forEach((c, k) => expect(sameBits(c, eb[k]), `event column ${k}`).toBe(true));
    expect(a.interventions).toEqual(b.interventions);
    // the run did something worth comparing
    expect(a.summary.liquidations).toBeGreaterThan(0);
    expect(a.summary.opens).toBeGreaterThan(0);
    expect(a.summary.interventions).toBeGreaterThan(0);
  });

  it('reusing the same Scenario object does not leak state between runs', () => {
    const s = base();
    const a = run(s, 'fast', 11);
    const b = run(s, 'fast', 11);
    expect(a.summary).toEqual(b.summary);
    expect(sameBits(a.series.mark, b.series.mark)).toBe(true);
  });

  it("swapping the policy ('none' vs a vol-breaker stack) leaves series.spot bit-identical", () => {
    const none = run(base(), 'none', 7);
    const stack = run(base(), 'fast+slow', 7);
    const all = run(base(), 'all', 7);
    expect(sameBits(none.series.spot, stack.series.spot)).toBe(true);
    expect(sameBits(none.series.spot, all.series.spot)).toBe(true);
    // ... while the policy did change the venue's outcome
    expect(stack.summary.interventions).toBeGreaterThan(0);
    expect(none.summary.interventions).toBe(0);
    expect(sameBits(none.series.mark, stack.series.mark)).toBe(false);
    expect(stack.summary.blocked_opens).toBeGreaterThan(0);
  });

  it('adding an unrelated agent (a second liquidator) leaves series.spot bit-identical', () => {
    const s1 = base();
    const s2 = base();
    s2.agents.push({ kind: 'liquidator', name: 'bot2', maxPerStep: 3, bounty: 0.02, uptime: 0.5 } as any);
    const a = run(s1, 'none', 7);
    const b = run(s2, 'none', 7);
    expect(sameBits(a.series.spot, b.series.spot)).toBe(true);
    // and the second bot did take part
    let byBot2 = 0;
    for (let k = 0; k < b.events.liqCount; k++) if (b.events.liquidator[k] === 2) byBot2++;
    expect(byBot2).toBeGreaterThan(0);
  });

  it('adding an agent before the traders in the list leaves series.spot bit-identical', () => {
    const s2 = base();
    s2.agents.unshift({ kind: 'liquidator', name: 'first', maxPerStep: 1, bounty: 0 } as any);
    const a = run(base(), 'none', 7);
    const b = run(s2, 'none', 7);
    expect(sameBits(a.series.spot, b.series.spot)).toBe(true);
  });

  it('a different seed gives a different spot path (and a different book)', () => {
    const a = run(base(), 'none', 7);
    const b = run(base(), 'none', 8);
    expect(sameBits(a.series.spot, b.series.spot)).toBe(false);
    let differ = 0;
    for (let t = 0; t < a.series.length; t++) if (a.series.spot[t] !== b.series.spot[t]) differ++;
    expect(differ).toBe(a.series.length); // diffusion draws differ at every step
    expect(a.summary.max_open_interest).not.toBe(b.summary.max_open_interest);
  });

  it('the scenario seed field is not what drives the run: the seed passed to runScenario is', () => {
    const s1 = base();
    const s2 = base();
    s2.seed = 999;
    const a = run(s1, 'none', 7);
    const b = run(s2, 'none', 7);
    expect(sameBits(a.series.spot, b.series.spot)).toBe(true);
    expect(a.summary.final_price).toBe(b.summary.final_price);
  });
});
