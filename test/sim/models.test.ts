// The market models in scenarios: cross-section checks with paths and locations, existing files unchanged, own streams.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runScenario } from '../../sim/run.js';
import { loadScenario, parseScenario, type Scenario } from '../../sim/scenario.js';
import { repoRoot, scenario, errorOf } from './helpers.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'bulwark-models-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));


const base = { name: 't', steps: 100, agents: [{ kind: 'leveraged-traders', count: 10 }] };

describe('market models in scenarios', () => {
  it('the shipped scenarios validate to exactly what they did (no new keys, same defaults)', () => {
    for (const f of ['scenarios/flash-crash.yaml', 'scenarios/bench/cascade.yaml']) {
      const s = loadScenario(path.join(repoRoot, f)).scenario as Record<string, any>;
      expect(Object.keys(s)).not.toContain('amm');
      expect(Object.keys(s)).not.toContain('network');
      expect(Object.keys(s.market).sort()).toEqual(['initialPrice', 'process', 'shocks']);
      expect(Object.keys(s.oracle).sort()).toEqual(['kind', 'latencySteps']);
      expect(Object.keys(s.venue.liquidity).sort()).toEqual(['depth', 'impact', 'reversion', 'slippage']);
    }
  });

  it('cross-section errors name the path and the line', () => {
    const f = path.join(tmp, 'twap.yaml');
    writeFileSync(f, 'name: t\nsteps: 10\noracle:\n  kind: twap\n  window: 5\nagents:\n  - kind: leveraged-traders\n');
    const d = errorOf(() => loadScenario(f));
    expect(d).toMatchObject({ path: 'oracle.kind', location: '4:9', message: expect.stringContaining("declare 'amm'") });
    const m = errorOf(() => parseScenario({ ...base, oracle: { kind: 'median', sources: [{ kind: 'spot' }, { kind: 'push', asset: 'BTC' }] } }));
    expect(m).toMatchObject({ path: 'oracle.sources[1].asset', message: "no asset named 'BTC'; expected one of: main" });
    const a = errorOf(() => parseScenario({ ...base, amm: { reserveBase: 1, asset: 'X' } }));
    expect(a.path).toBe('amm.asset');
    const o = errorOf(() => parseScenario({ ...base, oracle: { kind: 'spot', outages: [{ from: '50%', to: 10 }] } }));
    expect(o).toMatchObject({ path: 'oracle.outages[0].to', message: "'to' (step 10) is before 'from' (step 50)" });
    const u = errorOf(() => parseScenario({ ...base, network: { blockSecond: 2 } }));
    expect(u.details![0]).toMatchObject({ path: 'network.blockSecond', message: expect.stringContaining("did you mean 'blockSeconds'?") });
    const k = errorOf(() => parseScenario({ ...base, oracle: { kind: 'chainlink' } }));
    expect(k.details![0].message).toMatch(/expected one of: spot, push, pull, twap, median/);
  });

  it('a replay path is relative to the scenario file', () => {
    const ls = loadScenario(path.join(repoRoot, 'test/fixtures/replay-scenario.yaml'));
    const r = runScenario(ls.scenario, { policy: 'none', seed: 1, baseDir: ls.baseDir });
    expect(r.error).toBeUndefined();
    expect([...r.series.spot]).toEqual([101, 101, 99, 99, 105]);
    expect(() => runScenario(ls.scenario, { policy: 'none', seed: 1, baseDir: tmp })).toThrow(/cannot read price file/);
  });

  it('each model draws from its own stream: a pull oracle, a lossy network or a pool leave the market path bit-identical', () => {
    const mk = (extra: Record<string, unknown>): Scenario =>
      scenario({
        steps: 300,
        market: { initialPrice: 2000, process: { kind: 'merton', intensity: 200 }, shocks: [{ kind: 'crash', at: 100, drop: 0.2, steps: 5, recover: 0.1 }] },
        agents: [{ kind: 'leveraged-traders', count: 100, arrivals: { perStep: 1 } }, { kind: 'liquidator', maxPerStep: 5 }],
        ...extra,
      });
    const plain = runScenario(mk({}), { policy: 'none', seed: 5, baseDir: '.' });
    const busy = runScenario(
      mk({
        oracle: { kind: 'median', sources: [{ kind: 'pull', name: 'p1' }, { kind: 'push', name: 'cl', deviation: 0.001 }, { kind: 'twap', window: 10 }] },
        amm: { reserveBase: 1000 },
        network: { dropProbability: 0.3, congestion: [{ from: 90, to: 120, gasMultiplier: 10 }] },
      }),
      { policy: 'none', seed: 5, baseDir: '.' },
    );
    expect(busy.series.spot).toEqual(plain.series.spot);
    expect(busy.series.oracle).not.toEqual(plain.series.oracle);
  });

  it('RunView exposes the oracle confidence, sources and last change for policies', () => {
    const s = scenario({
      ...base,
      market: { initialPrice: 2000, process: { kind: 'constant' }, shocks: [{ kind: 'ramp', at: 50, steps: 1, factor: 0.9 }] },
      oracle: { kind: 'median', sources: [{ kind: 'pull', name: 'pyth' }, { kind: 'spot', name: 'cex' }, { kind: 'push', name: 'chainlink', outages: [{ from: 40, to: 100 }] }] },
    });
    runScenario(s, {
      policy: 'none',
      seed: 1,
      baseDir: '.',
      onStep: (w) => {
        expect(w.oracleSources.map((x) => x.name)).toEqual(['pyth', 'cex', 'chainlink']);
        expect(w.oracleConfidence).toBeGreaterThanOrEqual(0);
        if (w.step === 60) {
          expect(w.oracleSources[2].price).toBe(2000); // frozen feed
          expect(w.oracleSources[2].updatedStep).toBe(0);
          expect(w.oracleSources[0].confidence).toBeGreaterThan(0);
          expect(w.oracle).toBeCloseTo(1800, 9); // the median ignores the frozen one
          expect(w.oracleUpdatedStep).toBe(50);
        }
      },
    });
  });
});
