// Network: blocks per step, congestion episodes, and their effect on a run: delayed oracle rounds, capped liquidations.
import { describe, expect, it } from 'vitest';
import { Network, NetworkSchema } from '../../sim/network.js';
import { Stream } from '../../sim/rng.js';
import { runScenario } from '../../sim/run.js';
import type { Scenario } from '../../sim/scenario.js';
import { scenario } from './helpers.js';

const net = (cfg: Record<string, unknown>, stepSeconds = 60, steps = 100) => new Network(NetworkSchema.parse(cfg), steps, stepSeconds, new Stream(1, 'network'));

describe('network', () => {
  it('defaults: 12 s blocks, 60 liquidations a block, $5 gas, no delay', () => {
    expect(NetworkSchema.parse({})).toEqual({ blockSeconds: 12, blockCapacity: 60, gasPrice: 5, inclusionDelaySteps: 0, dropProbability: 0, congestion: [] });
    const n = net({});
    n.update(0);
    expect(n.blocksIn(0)).toBe(5);
    expect(n.blockCapacity).toBe(300);
    expect(n.gasPrice).toBe(5);
  });

  it('counts the blocks that end in each step, also when a block is longer than a step', () => {
    const n = net({ blockSeconds: 12 }, 5);
    const blocks = Array.from({ length: 12 }, (_, t) => n.blocksIn(t));
    // block ends at 12, 24, 36, 48, 60 s fall in the steps ending at 15, 25, 40, 50, 60 s
    expect(blocks).toEqual([0, 0, 1, 0, 1, 0, 0, 1, 0, 1, 0, 1]);
    expect(blocks.reduce((a, b) => a + b, 0)).toBe(5); // 60 s of 12 s blocks
  });

  it('congestion episodes set gas, delay, drops and capacity; overlaps take the worst of each', () => {
    const n = net({
      gasPrice: 10,
      congestion: [
        { from: 10, to: 20, gasMultiplier: 6, inclusionDelaySteps: 2, capacityMultiplier: 0.5 },
        { from: '15%', to: 30, gasMultiplier: 3, dropProbability: 0.2, inclusionDelaySteps: 1 },
      ],
    });
    const at = (t: number) => (n.update(t), [n.gasPrice, n.inclusionDelay, n.dropProbability, n.blockCapacity]);
    expect(at(9)).toEqual([10, 0, 0, 300]);
    expect(at(10)).toEqual([60, 2, 0, 150]);
    expect(at(16)).toEqual([60, 2, 0.2, 150]);
    expect(at(25)).toEqual([30, 1, 0.2, 300]);
    expect(at(30)).toEqual([10, 0, 0, 300]);
  });

  it('drops draw from the network stream only when the probability is positive', () => {
    const n = net({ dropProbability: 0.5 });
    n.update(0);
    let d = 0;
    for (let i = 0; i < 10_000; i++) if (n.drop()) d++;
    expect(d / 10_000).toBeCloseTo(0.5, 1);
    const z = net({});
    z.update(0);
    expect(z.drop()).toBe(false);
  });

  it('rejects an episode that ends before it starts', () => {
    expect(NetworkSchema.safeParse({ congestion: [{ from: 5, to: 2 }] }).error!.issues[0].path).toEqual(['congestion', 0, 'to']);
  });
});

function crash(extra: Record<string, unknown> = {}): Scenario {
  return scenario({
    steps: 120,
    market: { initialPrice: 2000, process: { kind: 'constant' }, shocks: [{ kind: 'crash', at: 20, drop: 0.3, steps: 3 }] },
    venue: { initialMargin: 0.05, maintenanceMargin: 0.03, liquidity: { depth: 1e9 } },
    agents: [{ kind: 'leveraged-traders', count: 400, leverage: { uniform: [5, 19] }, side: 'long' }],
    ...extra,
  });
}

describe('network in a run', () => {
  it('caps liquidations per step at the block capacity; congestion cuts the capacity further', () => {
    const free = runScenario(crash(), { policy: 'none', seed: 1, baseDir: '.' });
    expect(Math.max(...free.series.liquidations)).toBeGreaterThan(20);
    const capped = runScenario(crash({ network: { blockSeconds: 60, blockCapacity: 7, congestion: [{ from: 20, to: 30, capacityMultiplier: 0.3 }] } }), {
      policy: 'none',
      seed: 1,
      baseDir: '.',
      onStep: (w) => expect(w.blockCapacity).toBe(w.step >= 20 && w.step < 30 ? 2 : 7),
    });
    const l = capped.series.liquidations;
    for (let t = 0; t < l.length; t++) expect(l[t]).toBeLessThanOrEqual(t >= 20 && t < 30 ? 2 : 7);
    expect(l[20]).toBe(2);
    expect(l[30]).toBe(7);
    expect(capped.summary.liquidations).toBe(free.summary.liquidations); // all of them, later
    expect(capped.series.pendingLiquidations[25]).toBeGreaterThan(0);
  });

  it('delays a push oracle round by the congestion inclusion delay', () => {
    const base = { oracle: { kind: 'push', deviation: 0.005, heartbeatSteps: 1000 } };
    const calm = runScenario(crash(base), { policy: 'none', seed: 1, baseDir: '.' });
    const jammed = runScenario(crash({ ...base, network: { congestion: [{ from: 15, to: 40, inclusionDelaySteps: 4 }] } }), {
      policy: 'none',
      seed: 1,
      baseDir: '.',
      onStep: (w) => {
        expect(w.inclusionDelay).toBe(w.step >= 15 && w.step < 40 ? 4 : 0);
        expect(w.gasPrice).toBe(5);
      },
    });
    // the crash step's round lands at once without congestion, four steps later with it
    expect(calm.series.oracle[20]).toBeLessThan(2000);
    expect(jammed.series.oracle[20]).toBe(2000);
    expect(jammed.series.oracle[23]).toBe(2000);
    expect(jammed.series.oracle[24]).toBe(calm.series.oracle[20]);
  });

  it('without a network nothing changes: RunView reports no cost, no delay, unlimited capacity', () => {
    runScenario(crash(), {
      policy: 'none',
      seed: 1,
      baseDir: '.',
      onStep: (w) => {
        expect([w.gasPrice, w.inclusionDelay, w.dropProbability, w.blockCapacity]).toEqual([0, 0, 0, Infinity]);
      },
    });
  });
});
