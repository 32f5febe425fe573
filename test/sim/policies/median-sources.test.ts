// median-sources: the filtered median by hand (outliers, clamped and stale sources, quorum), and a bad source in a two-source feed.
import { describe, it, expect } from 'vitest';
import { filterSources, medianOf, MedianSourcesParams, quorumOf } from '../../../sim/policies/median-sources.js';
import { actions, book, run } from './setup.js';

const P = MedianSourcesParams.parse({ kind: 'median-sources' });
const src = (price: number, atBound = false, updatedStep = 10) => ({ price, atBound, updatedStep });

describe('median-sources', () => {
  it('median, quorum and the filter by hand', () => {
    expect(medianOf([3, 1, 2])).toBe(2);
    expect(medianOf([4, 1, 3, 2])).toBe(2.5);
    expect(quorumOf('majority', 1)).toBe(1);
    expect(quorumOf('majority', 2)).toBe(2);
    expect(quorumOf('majority', 5)).toBe(3);
    expect(quorumOf(2, 5)).toBe(2);
    // five exchanges, one prints +50%: median 101, the print is 48.5% away (> 20%) and dropped; the answer is the
    // median of the other four, (100 + 101) / 2 = 100.5
    let v = filterSources(P, [src(100), src(101), src(99), src(150), src(102)], 10, 60);
    expect(v.median).toBe(101);
    expect(v.kept).toEqual([0, 1, 2, 4]);
    expect(v.dropped[3]).toContain('48.51% from the median');
    expect(v.price).toBe(100.5);
    // two sources 40% apart: each is 25% from their mean; both dropped, 0 < quorum 2: rejected
    v = filterSources(P, [src(2000), src(1200)], 10, 60);
    expect(v.median).toBe(1600);
    expect(v.kept).toEqual([]);
    expect(v.price).toBeNaN();
    // a source at its clamp (Chainlink minAnswer, LUNA) is not used: the median of the other two
    v = filterSources(P, [src(0.1, true), src(0.011), src(0.012)], 10, 60);
    expect(v.dropped[0]).toBe('at its min/max clamp');
    expect(v.price).toBeCloseTo(0.0115, 15);
    // stale sources are dropped when staleSeconds is set: 120 s old > 90 s
    v = filterSources({ ...P, staleSeconds: 90 }, [src(100, false, 8), src(101), src(102)], 10, 60);
    expect(v.dropped[0]).toBe('stale (120 s)');
    expect(v.price).toBe(101.5);
  });

  it('a two-source feed (Chainlink-like push + a thin venue) with a -40% print: the plain median averages it in, the filter rejects it', () => {
    const s = book({
      steps: 200,
      marginPrice: 'oracle',
      keeper: 50,
      market: {
        assets: [
          { name: 'main', initialPrice: 2000, process: { kind: 'constant' } },
          {
            name: 'thin',
            initialPrice: 2000,
            process: { kind: 'constant' },
            shocks: [
              { kind: 'ramp', at: 100, steps: 1, factor: 0.6 },
              { kind: 'ramp', at: 103, steps: 1, factor: 1 / 0.6 },
            ],
          },
        ],
        venueAsset: 'main',
      },
      oracle: { kind: 'median', sources: [{ kind: 'push', name: 'chainlink' }, { kind: 'spot', name: 'thin', asset: 'thin' }] },
      defenses: [{ kind: 'median-sources', name: 'med' }],
    });
    const none = run(s, 'none');
    const m = run(s, 'med');
    // the feed's own median of two is their mean: (2000 + 1200) / 2 = 1600 for three steps
    expect(Array.from(none.series.oracle.slice(99, 104))).toEqual([2000, 1600, 1600, 1600, 2000]);
    expect(Array.from(m.series.oracle.slice(99, 104))).toEqual([2000, 2000, 2000, 2000, 2000]);
    expect(actions(m)).toEqual(['drop-source@100', 'drop-source@100', 'reject-oracle@100', 'restore-source@103', 'restore-source@103', 'accept-oracle@103']);
    const drops = m.interventions.filter((x) => x.action === 'drop-source');
    expect(drops.map((x) => x.value)).toEqual([0.25, -0.25]);
    expect(drops[0].threshold).toBe(0.2);
    const reject = m.interventions.find((x) => x.action === 'reject-oracle')!;
    expect(reject.value).toBe(0); // sources kept
    expect(reject.threshold).toBe(2); // quorum
    expect(none.summary.liquidations).toBeGreaterThan(100);
    expect(none.summary.bad_debt).toBeGreaterThan(50_000);
    expect(m.summary.liquidations).toBe(0);
    expect(m.summary.bad_debt).toBe(0);
  });
});
