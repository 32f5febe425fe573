// Push oracle: rounds exactly on deviation and heartbeat, the LUNA minAnswer floor, outages, inclusion delay, drops.
import { describe, expect, it } from 'vitest';
import { Network, NetworkSchema } from '../../../sim/network.js';
import { PushOracle, PushOracleSchema } from '../../../sim/oracles/push.js';
import { Stream } from '../../../sim/rng.js';
import { answers, oracleEnv } from './env.js';

const push = (cfg: Record<string, unknown>, path: number[], p0: number, network?: Network) =>
  new PushOracle(PushOracleSchema.parse({ kind: 'push', ...cfg }), 'push', oracleEnv(path, p0, { network }));

describe('push oracle', () => {
  it('updates exactly when the price moves more than the deviation, or on the heartbeat', () => {
    const path = [100, 100.3, 100.6, 100.2, 100.2, 100.2, 100.2, 100.2, 100.2, 99.7, 99.69];
    const o = push({ deviation: 0.005, heartbeatSteps: 5 }, path, 100);
    const got: [number, number][] = [];
    for (let t = 0; t < path.length; t++) {
      o.step(t);
      got.push([o.price, o.updatedStep]);
    }
    expect(got).toEqual([
      [100, 0],
      [100, 0],
      [100.6, 2], // +0.6% > 0.5%
      [100.6, 2], // 100.2 is -0.4% from the last round
      [100.6, 2],
      [100.6, 2],
      [100.6, 2],
      [100.2, 7], // heartbeat: 5 steps after the round at step 2
      [100.2, 7],
      [100.2, 7], // 99.7 is -0.499%
      [99.69, 10], // -0.509%
    ]);
    expect(o.submitted).toBe(3);
  });

  it('latencySteps: the nodes see the price that many steps ago', () => {
    const o = push({ deviation: 0.01, latencySteps: 2 }, [100, 110, 120, 130], 100);
    // step t reads spot[max(0, t - 2)]: 100, 100, 100, 110
    expect(answers(o, 4)).toEqual([100, 100, 100, 110]);
  });

  it('the LUNA case: minAnswer $0.10 keeps the feed at $0.10 while the market falls to $0.01', () => {
    const path: number[] = [];
    for (let t = 0; t < 120; t++) path.push(80 * Math.pow(0.01 / 80, (t + 1) / 120));
    const o = push({ deviation: 0.005, heartbeatSteps: 60, minAnswer: 0.1 }, path, 80);
    const a = answers(o, path.length);
    expect(path[path.length - 1]).toBeCloseTo(0.01, 12);
    expect(Math.min(...a)).toBe(0.1);
    expect(a[a.length - 1]).toBe(0.1);
    expect(o.atBound).toBe(true);
    // before the floor it tracks the market within the deviation
    const k = path.findIndex((p) => p < 0.1);
    expect(Math.abs(a[k - 1] / path[k - 1] - 1)).toBeLessThanOrEqual(0.005 + 1e-12);
    const cap = push({ maxAnswer: 150 }, [120, 160, 200], 100);
    expect(answers(cap, 3)).toEqual([120, 150, 150]);
    expect(cap.atBound).toBe(true);
  });

  it('an outage freezes the feed; it catches up on the first step after', () => {
    const path = [100, 110, 120, 130, 140, 150];
    const o = push({ deviation: 0.005, outages: [{ from: 1, to: 4 }] }, path, 100);
    const a: number[] = [];
    const u: number[] = [];
    for (let t = 0; t < path.length; t++) {
      o.step(t);
      a.push(o.price);
      u.push(o.updatedStep);
    }
    expect(a).toEqual([100, 100, 100, 100, 140, 150]);
    expect(u).toEqual([0, 0, 0, 0, 4, 5]);
  });

  it('congestion: a due round lands inclusionDelay steps later; dropped rounds are retried', () => {
    const net = new Network(NetworkSchema.parse({ congestion: [{ from: 2, to: 5, inclusionDelaySteps: 3 }] }), 10, 60, new Stream(1, 'network'));
    const path = [100, 100, 110, 110, 120, 120, 120, 120, 120, 120];
    const o = push({ deviation: 0.005 }, path, 100, net);
    const a: number[] = [];
    for (let t = 0; t < path.length; t++) {
      net.update(t);
      o.step(t);
      a.push(o.price);
    }
    // 110 is due at step 2 and lands at 5; 120 is due at step 4 (still congested) and lands at 7
    expect(a).toEqual([100, 100, 100, 100, 100, 110, 110, 120, 120, 120]);

    const lossy = new Network(NetworkSchema.parse({ congestion: [{ from: 1, to: 4, dropProbability: 1 }] }), 6, 60, new Stream(1, 'network'));
    const p = push({ deviation: 0.005 }, [100, 110, 110, 110, 110, 110], 100, lossy);
    const b: number[] = [];
    for (let t = 0; t < 6; t++) {
      lossy.update(t);
      p.step(t);
      b.push(p.price);
    }
    expect(b).toEqual([100, 100, 100, 100, 110, 110]);
    expect(p.dropped).toBe(3);
  });
});
