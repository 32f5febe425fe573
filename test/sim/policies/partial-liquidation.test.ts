// partial-liquidation: Hyperliquid's 20% slices above $100k (cooldown) and Drift's restore-to-buffer, unit and in a run.
import { NO_SHAPING } from '../../../sim/phases/margin.js';
import { describe, it, expect } from 'vitest';
import { PerpVenue, EVENT_PARTIAL, EVENT_LIQUIDATION } from '../../../sim/perp.js';
import { EventLog } from '../../../sim/events.js';
import { VenueSchema } from '../../../sim/venue-config.js';
import { cooldownSteps, partialLiquidation, PartialLiquidationParams } from '../../../sim/policies/partial-liquidation.js';
import type { LiquidationPlan, RunView } from '../../../sim/types.js';
import { CASCADE_BOOK, book, run } from './book-scenarios.js';

function emptyPlan(): LiquidationPlan {
  return { ...NO_SHAPING };
}

describe('partial-liquidation', () => {
  it('defaults are Hyperliquid\'s: 20% slices above $100k, 30 s cooldown (mechanics.md 1.1)', () => {
    const p = PartialLiquidationParams.parse({ kind: 'partial-liquidation' });
    expect(p).toEqual({ kind: 'partial-liquidation', fraction: 0.2, minNotional: 100_000, cooldownSeconds: 30, restoreBuffer: 0 });
    // 30 s with one-minute steps: the next step is past the cooldown; with 10 s steps the next 3 steps are inside it
    expect(cooldownSteps(30, 60)).toBe(0);
    expect(cooldownSteps(30, 10)).toBe(3);
    expect(cooldownSteps(30, 30)).toBe(1);
    expect(() => PartialLiquidationParams.parse({ kind: 'partial-liquidation', fraction: 1 })).toThrow();
  });

  it('a $150k position loses a $30k slice; a $90k one is closed whole', () => {
    const cfg = VenueSchema.parse({ initialMargin: 0.1, maintenanceMargin: 0.05, liquidity: { depth: 1e7, slippage: 0.1, impact: 0.2, reversion: 0 }, insuranceFund: 1e5, funding: null });
    const v = new PerpVenue(cfg, 2000, 16, 1);
    v.seed(0, 15_000, 75, 2000); // $150k at 10x
    v.seed(0, 9_000, 45, 2000); // $90k at 10x
    v.finishSeeding();
    const logs: unknown[][] = [];
    const pol = partialLiquidation.create(PartialLiquidationParams.parse({ kind: 'partial-liquidation' }), { name: 'pl', dt: 60 / 31_536_000, stepSeconds: 60, log: (...a) => logs.push(a) });
    const plan = emptyPlan();
    const view = { ledger: v.ledger } as unknown as RunView;
    pol.liquidation!(view, plan);
    expect(plan).toMatchObject({ partialFraction: 0.2, partialMinNotional: 100_000, partialCooldownSteps: 0, restoreBuffer: 0 });
    v.mark = 1890; // both below (2000 - 200)/0.95 = 1894.7
    const ev = new EventLog();
    v.liquidationPass(0.05, true, 1890, Infinity, 0, ev, null, plan);
    expect(ev.liqCount).toBe(2);
    expect(ev.kind[0]).toBe(EVENT_PARTIAL);
    expect(ev.size[0]).toBeCloseTo(15, 12);
    expect(ev.notional[0]).toBeCloseTo(15 * 1890, 8); // 20% of $141,750 at the mark
    expect(ev.kind[1]).toBe(EVENT_LIQUIDATION);
    expect(ev.size[1]).toBe(45);
    pol.afterStep!(view);
    expect(logs).toHaveLength(1);
    expect(logs[0][0]).toBe('partial-liquidation');
    expect(logs[0][2]).toBe(1);
    expect(logs[0][3]).toBe(100_000);
  });

  // A 20% decline over 100 one-minute steps into a thin book (depth 30% of open interest) that the venue liquidates at
  // once: whole-position sales push the mark below spot and cascade. Measured on seed 1 (none -> partial): bad debt
  // 632,961 -> 535,040, uncovered 556,451 -> 422,094, liquidation slippage 148,899 -> 93,353, lowest mark 1,461 -> 1,509,
  // liquidations 90 -> 212 (127 slices).
  const scenario = book({
    ...CASCADE_BOOK,
    defenses: [{ kind: 'partial-liquidation' }],
  });

  it('on a slow decline into a thin book it cuts slippage, the cascade and bad debt against none (same seed)', () => {
    const none = run(scenario, 'none').summary;
    const r = run(scenario, 'partial-liquidation');
    const pl = r.summary;
    expect(none.partial_liquidations).toBe(0);
    expect(pl.partial_liquidations).toBeGreaterThan(100);
    expect(pl.liquidations).toBeGreaterThan(2 * none.liquidations);
    expect(pl.liquidation_slippage).toBeLessThan(0.7 * none.liquidation_slippage);
    expect(pl.bad_debt).toBeLessThan(0.9 * none.bad_debt);
    expect(pl.uncovered_bad_debt).toBeLessThan(0.85 * none.uncovered_bad_debt);
    expect(pl.min_price).toBeGreaterThan(none.min_price + 30);
    // the same market path
    expect(Array.from(r.series.spot)).toEqual(Array.from(run(scenario, 'none').series.spot));
    // every step with slices is logged, with the count as value and the threshold notional
    const logged = r.interventions.filter((x) => x.action === 'partial-liquidation');
    expect(logged.length).toBeGreaterThan(3);
    expect(logged.every((x) => x.policy === 'partial-liquidation' && x.threshold === 100_000)).toBe(true);
    expect(logged.reduce((s, x) => s + x.value, 0)).toBe(pl.partial_liquidations);
    let slicesInEvents = 0;
    for (let k = 0; k < r.events.liqCount; k++) if (r.events.kind[k] === EVENT_PARTIAL) slicesInEvents++;
    expect(slicesInEvents).toBe(pl.partial_liquidations);
    expect(logged[0].reason).toMatch(/20\.00% slices of positions above \$100,000/);
  });

  it("Drift's restore-to-buffer: with maintenance (3%) close to fee + slippage, restoring needs most of the position", () => {
    // Closing a unit frees m P of requirement but costs (fee + slippage) P, so the slice is shortage / (m - costs)
    // (Drift's base_to_cover, mechanics.md 1.5): here 7 accounts were sliced and the rest closed whole (seed 1).
    const s = structuredClone(scenario);
    (s.defenses[0] as any).restoreBuffer = 0.02;
    (s.defenses[0] as any).fraction = 0.05;
    const fixed = run(scenario, 'partial-liquidation').summary;
    const r = run(s, 'partial-liquidation');
    expect(r.summary.partial_liquidations).toBeGreaterThan(0);
    expect(r.summary.partial_liquidations).toBeLessThan(fixed.partial_liquidations / 5);
    expect(r.interventions[0].reason).toMatch(/back to maintenance \+ 2\.00% \(at least 5\.00%\)/);
  });
});
