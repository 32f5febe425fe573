// liquidation-cap: Synthetix's maxLiquidationAmountInWindow (mechanics.md 1.4, 7.1 vector 8), the window tally, a run.
import { describe, it, expect } from 'vitest';
import { liquidationCap, LiquidationCapParams, maxLiquidationAmountInWindow } from '../../../sim/policies/liquidation-cap.js';
import type { LiquidationPlan, RunView } from '../../../sim/types.js';
import { CASCADE_BOOK, book, run } from './book-scenarios.js';

describe('liquidation-cap', () => {
  it('vector 8: the Synthetix ETH market caps liquidations at 7,890.75 ETH per 30 s window', () => {
    const p = LiquidationCapParams.parse({ kind: 'liquidation-cap' });
    // (0.000001 + 0.0005) * 350,000 * 1.5 * 30
    expect(maxLiquidationAmountInWindow(p)).toBeCloseTo(7890.75, 9);
    expect(maxLiquidationAmountInWindow({ ...p, maxUnits: 12 })).toBe(12);
  });

  it('tracks the window: with 10 s steps a 30 s window spans 3 steps; with 60 s steps a step holds 2 windows', () => {
    const logs: unknown[][] = [];
    const env = (stepSeconds: number) => ({ name: 'cap', dt: stepSeconds / 31_536_000, stepSeconds, log: (...a: unknown[]) => logs.push(a) });
    const view = { step: 0, mark: 100, pendingLiquidations: 0, ledger: { liquidatedNotional: 0 } };
    const plan = { maxNotional: Infinity } as LiquidationPlan;
    const short = liquidationCap.create(LiquidationCapParams.parse({ kind: 'liquidation-cap', maxUnits: 10 }), env(10));
    const stepWith = (t: number, liquidatedUnits: number, pending = 0): number => {
      view.step = t;
      plan.maxNotional = Infinity;
      short.liquidation!(view as unknown as RunView, plan);
      const cap = plan.maxNotional;
      view.ledger.liquidatedNotional += liquidatedUnits * view.mark;
      view.pendingLiquidations = pending;
      short.afterStep!(view as unknown as RunView);
      return cap;
    };
    expect(stepWith(0, 4)).toBe(1000); // 10 units at 100
    expect(stepWith(1, 7, 3)).toBe(600); // 6 left; 7 liquidated (the last one went over)
    expect(logs).toHaveLength(1);
    expect(logs[0].slice(0, 1)).toEqual(['cap-reached']);
    expect(logs[0][2]).toBe(11);
    expect(logs[0][3]).toBe(10);
    expect(stepWith(2, 0, 3)).toBe(0); // over the cap until the window ends
    expect(logs).toHaveLength(1); // one entry per window
    expect(stepWith(3, 0)).toBe(1000); // steps 3..5: the next window
    const long = liquidationCap.create(LiquidationCapParams.parse({ kind: 'liquidation-cap', maxUnits: 10 }), env(60));
    view.step = 7;
    plan.maxNotional = Infinity;
    long.liquidation!(view as unknown as RunView, plan);
    expect(plan.maxNotional).toBe(2000); // 2 windows of 10 units per 60-s step
  });

  // A 20% decline over 100 minutes into a thin book that the venue liquidates at once, capped at 50 units (about
  // $90k) per 30-s window. Spreading the liquidations lets arbitrage (reversion 10% a step) pull the mark back toward
  // spot between steps instead of the cascade pushing it down. Seed 1: bad debt 632,961 -> 381,248, uncovered
  // 556,451 -> 287,311, lowest mark 1,461 -> 1,595, liquidations 90 -> 77, with up to 39 accounts waiting.
  const scenario = book({
    ...CASCADE_BOOK,
    defenses: [{ kind: 'liquidation-cap', maxUnits: 50 }],
  });

  it('spreading liquidations over windows damps the cascade: less bad debt than none on the same seed', () => {
    const n = run(scenario, 'none');
    const r = run(scenario, 'liquidation-cap');
    const c = r.summary;
    expect(c.bad_debt).toBeLessThan(0.7 * n.summary.bad_debt);
    expect(c.uncovered_bad_debt).toBeLessThan(0.6 * n.summary.uncovered_bad_debt);
    expect(c.min_price).toBeGreaterThan(n.summary.min_price + 100);
    expect(Math.max(...r.series.pendingLiquidations)).toBeGreaterThan(20);
    expect(Math.max(...n.series.pendingLiquidations)).toBe(0);
    // per step at most 2 windows x 50 units, plus the one liquidation that crosses the cap
    let maxSize = 0;
    for (let k = 0; k < r.events.liqCount; k++) maxSize = Math.max(maxSize, Math.abs(r.events.size[k]));
    for (let t = 0; t < r.series.length; t++) {
      expect(r.series.liquidatedNotional[t] / r.series.mark[Math.max(0, t - 1)]).toBeLessThan((100 + maxSize) * 1.2);
    }
    const logged = r.interventions.filter((x) => x.action === 'cap-reached');
    expect(logged.length).toBeGreaterThan(10);
    for (const x of logged) {
      expect(x.value).toBeGreaterThanOrEqual(x.threshold);
      expect(x.threshold).toBe(100);
    }
  });
});
