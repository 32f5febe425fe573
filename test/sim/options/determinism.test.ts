// Options runs are pure functions of (scenario, policy, seed); the options venue leaves the perp's market path alone.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import { writeResults } from '../../../reports/arrow.js';
import { runScenario, type RunResult } from '../../../sim/run.js';
import { loadScenario, type Scenario } from '../../../sim/scenario.js';
import { SERIES_COLUMNS } from '../../../sim/series.js';
import { scenario } from '../helpers.js';
import { OVS } from './helpers.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'bulwark-options-det-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

const OPTION_AGENTS = [
  { kind: 'option-writers', count: 100, margin: { uniform: [1, 1.1] }, arrivals: { perStep: 1, fairVol: 0.5 } },
  { kind: 'vol-whale', contracts: 100 },
];

/** A perp scenario; with `options`, the options section and (with `agents`) option agents appended to its agents. */
function perp(options?: Record<string, unknown>, agents = false): Scenario {
  return scenario({
    seed: 5,
    steps: 400,
    stepSeconds: 300,
    market: { initialPrice: 2000, process: { kind: 'gbm', sigma: 0.8 }, shocks: [{ kind: 'ramp', at: 200, steps: 10, factor: 0.7 }] },
    venue: { liquidity: { reversion: 0.1 }, funding: { intervalSteps: 15 }, insuranceFund: 5000 },
    agents: [
      { kind: 'leveraged-traders', name: 'traders', count: 200, leverage: { uniform: [2, 18] }, arrivals: { perStep: 1.5 } },
      { kind: 'liquidator', name: 'bot', maxPerStep: 8, bounty: 0.005, uptime: 0.9 },
      ...(agents ? OPTION_AGENTS : []),
    ],
    defenses: [{ kind: 'vol-breaker', window: 3, haltSteps: 10 }],
    ...(options ? { options } : {}),
  });
}

const OPTIONS = {
  series: [
    { type: 'put', moneyness: 0.97, expiry: 300 },
    { type: 'call', moneyness: 1.03, expiry: 350 },
  ],
  volatility: { model: 'realised', shocks: [{ at: 200, multiplier: 2, steps: 5 }] },
  margin: 'portfolio',
  insuranceFund: 1000,
};

const bits = (a: ArrayBufferView): Uint8Array => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

function sameBits(a: ArrayBufferView, b: ArrayBufferView): boolean {
  const x = bits(a);
  const y = bits(b);
  return x.length === y.length && x.every((v, i) => v === y[i]);
}

describe('options determinism', () => {
  it('same scenario, policy and seed twice: byte-identical runs, steps and events files', () => {
    const ls = loadScenario(OVS);
    const s = structuredClone(ls.scenario);
    s.steps = 900; // through the crash
    const files: Buffer[][] = [];
    for (const k of [0, 1]) {
      const results: RunResult[] = ['none', 'greeks-limits+writer-delta-hedge'].map((policy) => runScenario(s, { policy, seed: 7, baseDir: ls.baseDir }));
      const out = writeResults(path.join(dir, `run${k}`), results, { scenario: s.name, scenarioHash: ls.hash, seed: 7 });
      files.push([out.runs, out.steps, out.events].map((f) => readFileSync(f)));
      if (k === 0) {
        expect(results[1].summary.options_reductions).toBeGreaterThan(0);
        expect(results[0].summary.options_liquidations).toBeGreaterThan(0);
      }
    }
    files[0].forEach((b, i) => expect(b.equals(files[1][i]), ['runs', 'steps', 'events'][i]).toBe(true));
    // the options columns and events are in the files
    const steps = tableFromIPC(files[0][1]);
    expect(steps.getChild('options_iv')!.get(0)).toBeGreaterThan(0);
    const events = tableFromIPC(files[0][2]);
    const actions = new Set(events.getChild('action')!.toArray() as string[]);
    expect(actions.has('option-liquidate')).toBe(true);
    expect(actions.has('option-reduce')).toBe(true);
    const runs = tableFromIPC(files[0][0]);
    expect(Number(runs.getChild('options_liquidations')!.get(0))).toBeGreaterThan(0);
  });

  it("adding an options venue (section and agents) leaves the perp's market path and results unchanged", () => {
    const base = perp();
    const withOptions = perp(OPTIONS, true);
    for (const policy of ['none', 'all']) {
      const a = runScenario(base, { policy, seed: 5, baseDir: '.' });
      const b = runScenario(withOptions, { policy, seed: 5, baseDir: '.' });
      expect(b.summary.options_trades).toBeGreaterThan(0);
      expect(b.summary.options_liquidations).toBeGreaterThan(0);
      for (const col of ['spot', 'oracle', 'mark', 'open_interest', 'insurance_fund', 'bad_debt', 'liquidations', 'halted'] as const) {
        expect(sameBits(a.series.column(col), b.series.column(col)), `${policy} ${col}`).toBe(true);
      }
      // every perp figure of the summary is the same; the options ones are new
      for (const [k, v] of Object.entries(a.summary)) if (!k.startsWith('options_') && k !== 'interventions') expect((b.summary as any)[k], `${policy} ${k}`).toEqual(v);
      // without options the options columns stay zero
      for (const col of SERIES_COLUMNS) if (col.startsWith('options_')) expect(a.series.column(col).every((x) => x === 0), col).toBe(true);
    }
  });

  it('an options section without option agents changes nothing but its own columns', () => {
    const base = perp();
    const s = perp(OPTIONS);
    const a = runScenario(base, { policy: 'all', seed: 5, baseDir: '.' });
    const b = runScenario(s, { policy: 'all', seed: 5, baseDir: '.' });
    for (const col of SERIES_COLUMNS) if (!col.startsWith('options_')) expect(sameBits(a.series.column(col), b.series.column(col)), col).toBe(true);
    expect(b.summary).toEqual({ ...a.summary, options_insurance_fund_initial: 1000, options_insurance_fund_final: 1000 });
    expect(b.series.options.iv[399]).toBeGreaterThan(0);
  });
});
