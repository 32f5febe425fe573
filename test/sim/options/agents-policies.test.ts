// Options agents (writers, buyers, vol whale) and policies (greeks-limits, writer-delta-hedge) in small runs.
import { describe, it, expect } from 'vitest';
import { createWorld, runScenario, runWorld } from '../../../sim/run.js';
import type { Scenario } from '../../../sim/scenario.js';
import { scenario } from '../helpers.js';

const SERIES = [
  { name: 'P', type: 'put', moneyness: 0.95, expiry: 200 },
  { name: 'C', type: 'call', moneyness: 1.05, expiry: 200 },
];

function small(over: { options?: Record<string, unknown>; agents: unknown[]; defenses?: unknown[]; steps?: number; shocks?: unknown[] }): Scenario {
  return scenario({
    seed: 3,
    steps: over.steps ?? 150,
    stepSeconds: 300,
    market: { initialPrice: 2000, process: { kind: 'gbm', sigma: 0.8 }, shocks: over.shocks ?? [] },
    options: { series: SERIES, volatility: { model: 'fixed', level: 0.8 }, insuranceFund: 1000, ...over.options },
    agents: over.agents,
    defenses: over.defenses ?? [],
  });
}

describe('option agents', () => {
  it('writers: covered calls hold a unit per contract, covered puts the strike, naked accounts margin x IM', () => {
    const s = small({ agents: [{ kind: 'option-writers', count: 300, coveredShare: 0.4, contracts: { uniform: [1, 5] }, margin: 1.5 }], steps: 1 });
    const w = createWorld(s, { policy: 'none', seed: 3, baseDir: '.' });
    const o = w.options!;
    const a = o.accounts;
    expect(a.count).toBe(300);
    let covered = 0;
    for (let i = 0; i < a.count; i++) {
      const p = a.pos[2 * i] !== 0 ? 0 : 1;
      const c = -a.pos[2 * i + p];
      expect(c).toBeGreaterThan(0);
      expect(a.pos[2 * i + (1 - p)]).toBe(0);
      const premium = c * o.mark[p];
      const deposit = a.cash[i] - premium + a.units[i] * 2000;
      if (a.units[i] > 0) {
        covered++;
        expect(p).toBe(1);
        expect(a.units[i]).toBe(c);
        expect(deposit).toBeCloseTo(c * 2000, 6);
      } else if (Math.abs(deposit - c * o.strike[p]) < 1e-6) {
        covered++;
        expect(p).toBe(0);
      } else {
        expect(deposit).toBeCloseTo(1.5 * o.initialFor(p, -c), 6);
      }
      expect(a.writer[i]).toBe(1);
      expect(a.equity[i]).toBeCloseTo(deposit, 6);
    }
    expect(covered / 300).toBeGreaterThan(0.3);
    expect(covered / 300).toBeLessThan(0.5);
  });

  it('writer arrivals sell only at a premium over their fair value: none below their vol, many above', () => {
    const run = (iv: number) =>
      runScenario(small({ options: { volatility: { model: 'fixed', level: iv } }, agents: [{ kind: 'option-writers', count: 0, arrivals: { perStep: 1, fairVol: 0.8, premium: 0.05 } }] }), { policy: 'none', seed: 3, baseDir: '.' }).summary;
    expect(run(0.7).options_trades).toBe(0);
    expect(run(1.2).options_trades).toBeGreaterThan(100);
  });

  it('buyers pay the premium in full; the whale sells into IV above its threshold, at most `max` times', () => {
    const s = small({
      options: { volatility: { model: 'fixed', level: 0.8, shocks: [{ at: 50, multiplier: 2, steps: 1 }] } },
      agents: [
        { kind: 'option-buyers', count: 20, arrivals: { perStep: 0.5 } },
        { kind: 'vol-whale', contracts: 10, margin: 3, adds: { ivAbove: 1.5, contracts: 5, everySteps: 10, max: 3 } },
      ],
    });
    const w = createWorld(s, { policy: 'none', seed: 3, baseDir: '.' });
    const o = w.options!;
    for (let i = 0; i < 20; i++) {
      expect(o.accounts.cash[i]).toBeCloseTo(0, 9);
      expect(o.accounts.writer[i]).toBe(0);
    }
    const whale = 20;
    expect(o.accounts.pos[2 * whale]).toBe(-10);
    expect(o.accounts.pos[2 * whale + 1]).toBe(-10);
    const adds: number[] = [];
    runWorld(w, (w) => {
      if (w.options!.accounts.pos[2 * whale] < -10 - 5 * adds.length) adds.push(w.step);
    });
    expect(adds).toEqual([50, 60, 70]);
    expect(o.accounts.pos[2 * whale]).toBe(-25);
    expect(o.ledger.trades).toBeGreaterThan(6 + 20);
  });
});

describe('options policies', () => {
  const stressed = (defenses: unknown[]) =>
    small({
      options: { volatility: { model: 'realised', halfLifeSteps: 100 } },
      agents: [{ kind: 'option-writers', count: 200, margin: { uniform: [1.05, 2] }, arrivals: { perStep: 1, fairVol: 0.6 } }],
      defenses,
      shocks: [{ kind: 'ramp', at: 60, steps: 10, factor: 0.85 }],
    });

  it('greeks-limits: after its hook no writer is beyond its bounds (in USD per equity)', () => {
    const s = stressed([{ kind: 'greeks-limits', maxDeltaToEquity: 3, maxGammaToEquity: 0.2 }]);
    const w = createWorld(s, { policy: 'all', seed: 3, baseDir: '.' });
    let checked = 0;
    let beyond = 0;
    runWorld(w, (w) => {
      const a = w.options!.accounts;
      for (let i = 0; i < a.count; i++) {
        if (a.open[i] !== 1 || a.writer[i] !== 1) continue;
        checked++;
        const eq = Math.max(a.equity[i], 0);
        if (Math.abs(a.delta[i]) > 3 * eq * 1.001 || Math.abs(a.gamma[i]) > 0.2 * eq * 1.001) beyond++;
      }
    });
    expect(checked).toBeGreaterThan(10000);
    expect(beyond).toBe(0);
    expect(w.options!.ledger.reductions).toBeGreaterThan(50);
    expect(w.events.interventions.every((e) => e.action === 'option-reduce' && e.value > e.threshold)).toBe(true);
    // the same run without the policy has writers beyond those bounds
    const none = createWorld(s, { policy: 'none', seed: 3, baseDir: '.' });
    let over = 0;
    runWorld(none, (w) => {
      const a = w.options!.accounts;
      for (let i = 0; i < a.count; i++) if (a.open[i] === 1 && a.writer[i] === 1 && Math.abs(a.gamma[i]) > 0.2 * Math.max(a.equity[i], 0)) over++;
    });
    expect(over).toBeGreaterThan(100);
  });

  it('greeks-limits with `hedge`: delta breaches are answered with units of the underlying', () => {
    const s = stressed([{ kind: 'greeks-limits', action: 'hedge', maxDeltaToEquity: 1, maxGammaToEquity: 100 }]);
    const w = createWorld(s, { policy: 'all', seed: 3, baseDir: '.' });
    let beyond = 0;
    runWorld(w, (w) => {
      const a = w.options!.accounts;
      for (let i = 0; i < a.count; i++) if (a.open[i] === 1 && a.writer[i] === 1 && Math.abs(a.delta[i]) > 1.001 * Math.max(a.equity[i], 0)) beyond++;
    });
    expect(beyond).toBe(0);
    const l = w.options!.ledger;
    expect(l.forcedHedges).toBeGreaterThan(50);
    expect(l.reductions).toBe(0);
    expect(w.options!.netUnits).not.toBe(0);
  });

  it("writer-delta-hedge holds -ratio x the writers' net delta in units, within its band; P&L marks to the index", () => {
    const s = stressed([{ kind: 'writer-delta-hedge', ratio: 0.5, band: 0.05, cost: 0.001 }]);
    const w = createWorld(s, { policy: 'all', seed: 3, baseDir: '.' });
    let steps = 0;
    runWorld(w, (w) => {
      const o = w.options!;
      const target = (-0.5 * o.writerDelta) / o.index;
      expect(Math.abs(o.ledger.hedgeSize - target)).toBeLessThanOrEqual(0.05 * Math.abs(target) + 1e-9);
      steps++;
    });
    expect(steps).toBe(150);
    const o = w.options!;
    expect(o.ledger.hedgeCosts).toBeGreaterThan(0);
    expect(o.hedgePnl).toBeCloseTo(o.ledger.hedgeCash + o.ledger.hedgeSize * o.index, 9);
    // the hedge is the protocol's: the venue's own figures are those of the run without it
    const a = runScenario(s, { policy: 'none', seed: 3, baseDir: '.' }).summary;
    const b = runScenario(s, { policy: 'all', seed: 3, baseDir: '.' }).summary;
    expect(b.options_bad_debt).toBe(a.options_bad_debt);
    expect(b.options_liquidations).toBe(a.options_liquidations);
    expect(b.options_hedge_pnl).not.toBe(0);
  });
});
