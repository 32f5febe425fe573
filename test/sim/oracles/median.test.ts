// Median oracle: one wild source is ignored; sources keep their own latency and outages; the feed's view of them.
import { describe, expect, it } from 'vitest';
import { median } from '../../../sim/oracles/median.js';
import { OracleFeed, OracleSchema } from '../../../sim/oracle.js';
import { oracleEnv } from './env.js';

describe('median oracle', () => {
  it('median of an odd and an even count; NaN and non-positive values are skipped', () => {
    expect(median(Float64Array.from([3, 1, 2]), 3)).toBe(2);
    expect(median(Float64Array.from([4, 1, 3, 2]), 4)).toBe(2.5);
    expect(median(Float64Array.from([NaN, 5, 0]), 3)).toBe(5);
    expect(median(Float64Array.from([NaN]), 1)).toBeNaN();
  });

  it('ignores one outlier: a source stuck at a clamp or lagging far behind does not move the answer', () => {
    const path = [100, 90, 80, 70, 60];
    const cfg = OracleSchema.parse({
      kind: 'median',
      sources: [
        { kind: 'spot', name: 'a' },
        { kind: 'spot', name: 'b', latencySteps: 1 },
        { kind: 'push', name: 'stuck', minAnswer: 95 },
      ],
    });
    const feed = new OracleFeed(cfg, oracleEnv(path, 100));
    const got: number[] = [];
    for (let t = 0; t < path.length; t++) {
      feed.step(t);
      got.push(feed.price);
    }
    // median(spot, spot 1 step ago, 95 floor) = spot 1 step ago
    expect(got).toEqual([100, 95, 90, 80, 70]);
    expect(feed.sources.map((s) => s.name)).toEqual(['a', 'b', 'stuck']);
    expect(feed.sources[2].atBound).toBe(true);
    expect(feed.sources[2].price).toBe(95);
    expect(feed.changedStep).toBe(4);
  });

  it('an outage of one source freezes it alone; an outage of the median freezes the feed', () => {
    const path = [100, 101, 102, 103, 104, 105];
    const cfg = OracleSchema.parse({
      kind: 'median',
      outages: [{ from: 4, to: 6 }],
      sources: [{ kind: 'spot', name: 'x', outages: [{ from: 1, to: 3 }] }, { kind: 'spot', name: 'y' }],
    });
    const feed = new OracleFeed(cfg, oracleEnv(path, 100));
    const got: number[] = [];
    for (let t = 0; t < path.length; t++) {
      feed.step(t);
      got.push(feed.price);
    }
    expect(got).toEqual([100, 100.5, 101, 103, 103, 103]);
    expect(feed.changedStep).toBe(3);
  });

  it('duplicate source names are rejected with a path', () => {
    const r = OracleSchema.safeParse({ kind: 'median', sources: [{ kind: 'spot' }, { kind: 'spot' }] });
    expect(r.success).toBe(false);
    expect(r.error!.issues[0].path).toEqual(['sources', 1, 'name']);
  });
});
