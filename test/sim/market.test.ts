// The market: the single-asset form draws exactly as before, `crash` is two ramps, multi-asset scenarios and their errors.
import { describe, expect, it } from 'vitest';
import { expandShocks, Market, MarketSchema } from '../../sim/market.js';
import { Stream, Streams } from '../../sim/rng.js';
import { runScenario } from '../../sim/run.js';
import { parseScenario } from '../../sim/scenario.js';
import { scenario, errorOf } from './helpers.js';

const env = { steps: 400, dt: 60 / (365 * 86400), stepSeconds: 60, baseDir: '.' };


describe('market', () => {
  it('the single-asset form moves spot and mark exactly as the original GBM + ramps code', () => {
    const cfg = MarketSchema.parse({
      initialPrice: 2000,
      process: { kind: 'gbm', sigma: 0.8, drift: 0.05 },
      shocks: [
        { kind: 'ramp', at: '50%', steps: 10, factor: 0.7 },
        { kind: 'ramp', at: '50%+10', steps: 60, factor: 1.1764705882352942 },
      ],
    });
    const m = new Market(cfg, env, new Streams(1));
    // the original: one normal a step from the `market` stream, then each active ramp's factor
    const rng = new Stream(1, 'market');
    const a = (0.05 - 0.5 * 0.8 * 0.8) * env.dt;
    const b = 0.8 * Math.sqrt(env.dt);
    const ramps = [
      [200, 210, Math.exp(Math.log(0.7) / 10)],
      [210, 270, Math.exp(Math.log(1.1764705882352942) / 60)],
    ];
    let spot = 2000;
    let mark = 2010;
    const venue = { mark: 2010 };
    for (let t = 0; t < env.steps; t++) {
      const f = Math.exp(a + b * rng.normal());
      spot = spot * f;
      mark = mark * f;
      for (const [s, e, g] of ramps) {
        if (t >= s && t < e) {
          spot = spot * g;
          mark = mark * g;
        }
      }
      m.advance(t, venue);
      expect(m.prices[0]).toBe(spot);
      expect(venue.mark).toBe(mark);
    }
  });

  it('validated single-asset markets keep exactly their three keys (scenario hashes do not change)', () => {
    expect(MarketSchema.parse({})).toEqual({ initialPrice: 2000, process: { kind: 'gbm', sigma: 0.8, drift: 0 }, shocks: [] });
    expect(Object.keys(MarketSchema.parse({ initialPrice: 5, process: { kind: 'constant' } }))).toEqual(['initialPrice', 'process', 'shocks']);
  });

  it('crash: drop x% over k steps, hold, recover y% over m steps is two ramps', () => {
    const crash = expandShocks([{ kind: 'crash', at: 100, drop: 0.2, steps: 10, hold: 5, recover: 0.15, recoverSteps: 30 }], 1000);
    const ramps = expandShocks(
      [
        { kind: 'ramp', at: 100, steps: 10, factor: 0.8 },
        { kind: 'ramp', at: 115, steps: 30, factor: 1.15 },
      ],
      1000,
    );
    expect(crash).toEqual(ramps);
    expect(expandShocks([{ kind: 'crash', at: '50%', drop: 0.3, steps: 4, hold: 0, recover: 0 }], 100)).toEqual([{ start: 50, end: 54, factor: Math.exp(Math.log(0.7) / 4) }]);
    const s = MarketSchema.parse({ process: { kind: 'constant' }, shocks: [{ kind: 'crash', at: 3, drop: 0.5, steps: 1, recover: 1 }] });
    const m = new Market(s, env, new Streams(1));
    const v = { mark: 2000 };
    for (let t = 0; t < 5; t++) m.advance(t, v);
    expect(m.prices[0]).toBeCloseTo(2000, 9);
    expect(v.mark).toBe(m.prices[0]);
  });

  it('multi-asset scenarios: venue asset, per-asset shocks, spotOf and recorded paths', () => {
    const s = scenario({
      steps: 50,
      market: {
        assets: [
          { name: 'BTC', initialPrice: 60000, process: { kind: 'merton' } },
          { name: 'ETH', initialPrice: 3000, process: { kind: 'constant' }, shocks: [{ kind: 'crash', at: 10, drop: 0.1, steps: 5 }] },
        ],
        venueAsset: 'ETH',
      },
      agents: [{ kind: 'leveraged-traders', count: 20 }],
    });
    expect(s.market.initialPrice).toBe(3000);
    expect(s.market.process).toEqual({ kind: 'constant' });
    const seen: number[][] = [];
    const r = runScenario(s, {
      policy: 'none',
      seed: 3,
      baseDir: '.',
      onStep: (w) => {
        expect(w.assets).toEqual(['BTC', 'ETH']);
        expect(w.spotOf('ETH')).toBe(w.spot);
        expect(w.spotOf(1)).toBe(w.spot);
        expect(w.prices[0]).toBe(w.spotOf('BTC'));
        expect(w.spotAt('BTC', w.step)).toBe(w.spotOf('BTC'));
        expect(() => w.spotOf('SOL')).toThrow(/no asset "SOL"; the market has: BTC, ETH/);
        seen.push([w.spotOf('BTC'), w.spot]);
      },
    });
    expect(r.error).toBeUndefined();
    expect(r.series.spot[9]).toBe(3000);
    expect(r.series.spot[14]).toBeCloseTo(2700, 8);
    expect(new Set(seen.map((x) => x[0])).size).toBeGreaterThan(40);
  });

  it('multi-asset errors name their paths', () => {
    const base = { name: 't', steps: 10, agents: [{ kind: 'leveraged-traders' }] };
    const bad = (market: unknown) => errorOf(() => parseScenario({ ...base, market })).details!;
    const two = [
      { name: 'A', initialPrice: 1 },
      { name: 'B', initialPrice: 2 },
    ];
    expect(bad({ assets: two, process: { kind: 'constant' } })[0]).toMatchObject({ path: 'market.process', message: expect.stringContaining("give 'process' for each asset") });
    expect(bad({ assets: two, venueAsset: 'C' })[0]).toMatchObject({ path: 'market.venueAsset', message: expect.stringContaining("no asset named 'C'; expected one of: A, B") });
    expect(bad({ assets: [two[0], two[0]] })[0].path).toBe('market.assets[1].name');
    expect(bad({ correlation: [[1]] })[0]).toMatchObject({ path: 'market.correlation', message: expect.stringContaining('needs the multi-asset form') });
    expect(bad({ assets: two, correlation: [[1, 1.5], [1.5, 1]] })[0].path).toBe('market.correlation[0][1]');
    expect(bad({ assets: two, correlation: [[1, 1], [1, 1]] })[0]).toMatchObject({ path: 'market.correlation', message: expect.stringContaining('not positive definite') });
    const at = errorOf(() => parseScenario({ ...base, market: { process: { kind: 'bridge', target: 5, at: 10 } } }));
    expect(at).toMatchObject({ path: 'market.process.at', message: 'the target step 10 is not in the run (steps 0..9)' });
    const g = errorOf(() => parseScenario({ ...base, stepSeconds: 7 * 86400 * 4, market: { process: { kind: 'garch' } } }));
    expect(g.path).toBe('market.process.daily');
  });
});
