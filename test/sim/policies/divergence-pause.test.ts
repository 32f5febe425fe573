// divergence-pause: the mark/oracle divergence test and its effect on a liquidation cascade that pushes the mark off the index.
import { describe, it, expect } from 'vitest';
import { divergence } from '../../../sim/policies/divergence-pause.js';
import { book, haltedSteps, run } from './setup.js';

describe('divergence-pause', () => {
  it("Drift's 10% mark/oracle divergence", () => {
    expect(divergence(1800, 2000)).toBeCloseTo(-0.1, 15);
    expect(Math.abs(divergence(1800, 2000)) > 0.1).toBe(false);
    expect(Math.abs(divergence(1799, 2000)) > 0.1).toBe(true);
    expect(divergence(2300, 2000)).toBeCloseTo(0.15, 15);
  });

  it('pauses liquidations while the cascade holds the mark >10% under the index; less bad debt and slippage', () => {
    // a long-heavy book (80% long) on a thin venue (depth 30% of the open interest, permanent impact 0.5), -10% over
    // 5 steps: liquidations' impact drags the mark below the index, the keeper's 20 liquidations a step keep the
    // cascade going for many steps; arbitrage closes 20% of the mark-index gap each step
    const s = book({
      steps: 200,
      longShare: 0.8,
      venue: { liquidity: { depth: { openInterest: 0.3 }, slippage: 0.1, impact: 0.5, reversion: 0.2 } },
      shocks: [{ kind: 'ramp', at: 100, steps: 5, factor: 0.9 }],
      defenses: [{ kind: 'divergence-pause', name: 'drift' }],
    });
    const none = run(s, 'none');
    const dp = run(s, 'drift');
    // the cascade without the pause drives the mark well below the 10% band
    let widest = 0;
    for (let t = 0; t < 200; t++) widest = Math.min(widest, none.series.mark[t] / none.series.oracle[t] - 1);
    expect(widest).toBeLessThan(-0.3);
    // every pause starts when the gap passes 10%, and nothing is liquidated while paused
    const halts = dp.interventions.filter((x) => x.action === 'halt-all');
    expect(halts.length).toBeGreaterThan(0);
    for (const h of halts) {
      expect(h.value).toBeLessThan(-0.1);
      expect(h.threshold).toBe(0.1);
      expect(h.policy).toBe('drift');
    }
    expect(dp.interventions.filter((x) => x.action === 'resume')).toHaveLength(halts.length);
    const halted = haltedSteps(dp);
    expect(halted.length).toBeGreaterThan(10);
    for (const t of halted) {
      expect(dp.series.halted[t]).toBe(2);
      expect(dp.series.liquidations[t]).toBe(0);
    }
    // the effect
    expect(none.summary.bad_debt).toBeGreaterThan(2_000_000);
    expect(dp.summary.bad_debt).toBeLessThan(0.6 * none.summary.bad_debt);
    expect(dp.summary.liquidations).toBeLessThan(0.85 * none.summary.liquidations);
    expect(dp.summary.liquidation_slippage).toBeLessThan(none.summary.liquidation_slippage);
    expect(dp.summary.min_price).toBeGreaterThan(1.1 * none.summary.min_price);
  });
});
