// margin-tiers: Hyperliquid's tier rule (MMR = IM/2, deductions) against mechanics.md 7.1 vector 5 and the venue, and its effect on a growing book.
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { PerpVenue } from '../../../sim/perp.js';
import { createWorld } from '../../../sim/run.js';
import { MarginTiersParams, resolveTier, tieredMaintenance } from '../../../sim/policies/margin-tiers.js';
import { VenueSchema } from '../../../sim/venue-config.js';
import { scenario } from '../helpers.js';
import { growingBook, run } from './setup.js';

/** A venue at `price` with the tiers a margin-tiers policy with `tiers` sets, over flat maintenance `mm`. */
function venueWith(tiers: unknown[], mm: number, price: number): PerpVenue {
  const p = MarginTiersParams.parse({ kind: 'margin-tiers', tiers });
  const v = new PerpVenue(VenueSchema.parse({ maintenanceMargin: mm, initialMargin: 2 * mm }), price, 16);
  v.setTiers(p.tiers.map(resolveTier), mm, 2 * mm);
  return v;
}

describe('margin-tiers', () => {
  it('maxLeverage tiers: IM = 1 / maxLeverage, MMR = IM / 2 (Hyperliquid)', () => {
    expect(resolveTier({ from: 0, maxLeverage: 40 })).toEqual({ from: 0, maintenance: 0.0125, initial: 0.025 });
    expect(resolveTier({ from: 0, maxLeverage: 20 })).toEqual({ from: 0, maintenance: 0.025, initial: 0.05 });
    expect(resolveTier({ from: 0, maxLeverage: 3 }).maintenance).toBeCloseTo(1 / 6, 15); // 16.7% at 3x
    // defaults: Hyperliquid ETH, 25x to 100M, 15x above
    expect(MarginTiersParams.parse({ kind: 'margin-tiers' }).tiers).toEqual([
      { from: 0, maxLeverage: 25 },
      { from: 100_000_000, maxLeverage: 15 },
    ]);
    expect(MarginTiersParams.safeParse({ kind: 'margin-tiers', tiers: [{ from: 10, maxLeverage: 5 }, { from: 5, maxLeverage: 3 }] }).success).toBe(false);
    expect(MarginTiersParams.safeParse({ kind: 'margin-tiers', tiers: [{ from: 0, maintenance: 0.1, initial: 0.05 }] }).success).toBe(false);
  });

  it('mechanics.md 7.1 vector 5: long 10 BTC at 100,000, margin 50,000, MMR 1.25% -> liquidation at 96,202.53 with equity = MM = 12,025.32', () => {
    // Hyperliquid: liq = price - side * margin_available / size / (1 - MMR * side), margin_available = margin - MM
    const mmr = 0.0125;
    const liq = 100_000 - (50_000 - 10 * 100_000 * mmr) / 10 / (1 - mmr);
    expect(liq).toBeCloseTo(96_202.53, 2);
    // the venue with the policy's 40x tier (flat maintenance below it) requires exactly the equity left at liq
    const v = venueWith([{ from: 0, maxLeverage: 40 }], 0.005, 100_000);
    const mm = v.maintenanceRequirement(10, liq, 0.005);
    expect(mm).toBeCloseTo(12_025.32, 2);
    expect(50_000 + 10 * (liq - 100_000)).toBeCloseTo(mm, 6);
    expect(tieredMaintenance([resolveTier({ from: 0, maxLeverage: 40 })], 0.005, 10 * liq)).toBeCloseTo(12_025.32, 2);
  });

  it('deductions keep the requirement continuous: BTC tiers 40x to 150M, 20x above', () => {
    const tiers = [
      { from: 0, maxLeverage: 40 },
      { from: 150e6, maxLeverage: 20 },
    ];
    const v = venueWith(tiers, 0.005, 1);
    // deduction(1) = 150M * (2.5% - 1.25%) = 1.875M; at 200M: 200M * 2.5% - 1.875M = 3.125M
    expect(v.maintenanceRequirement(200e6, 1, 0.005)).toBeCloseTo(3.125e6, 4);
    expect(v.maintenanceRequirement(150e6, 1, 0.005)).toBeCloseTo(1.875e6, 4);
    expect(v.maintenanceRequirement(150e6 + 1, 1, 0.005)).toBeCloseTo(1.875e6 + 0.025, 4);
    // the policy's own formula and the venue agree everywhere
    const resolved = tiers.map(resolveTier);
    fc.assert(
      fc.property(fc.double({ min: 1, max: 1e9, noNaN: true }), (n) => {
        const a = tieredMaintenance(resolved, 0.005, n);
        const b = v.maintenanceRequirement(n, 1, 0.005);
        return Math.abs(a - b) <= 1e-9 * Math.max(1, a);
      }),
    );
  });

  it('in a run: the 10 BTC position is liquidated just below 96,202.53 and not just above', () => {
    const one = (factor: number) =>
      scenario({
        steps: 5,
        market: { initialPrice: 100_000, process: { kind: 'constant' }, shocks: [{ kind: 'ramp', at: 2, steps: 1, factor }] },
        venue: { initialMargin: 0.01, maintenanceMargin: 0.005, liquidity: { depth: 1e9, slippage: 0.1, impact: 0, reversion: 0 }, tradingFee: 0, funding: null },
        agents: [{ kind: 'leveraged-traders', name: 'whale', count: 1, collateral: 50_000, leverage: 20, side: 'long' }],
        defenses: [{ kind: 'margin-tiers', name: 'hl', tiers: [{ from: 0, maxLeverage: 40 }] }],
      });
    const above = run(one(0.96203), 'hl');
    const below = run(one(0.96202), 'hl');
    expect(above.summary.liquidations).toBe(0);
    expect(below.summary.liquidations).toBe(1);
    expect(below.series.liquidations[2]).toBe(1);
    // without the tier the flat 0.5% does not liquidate it
    expect(run(one(0.96202), 'none').summary.liquidations).toBe(0);
    expect(below.interventions).toHaveLength(1);
    expect(below.interventions[0]).toMatchObject({ step: 0, policy: 'hl', action: 'set-tiers', value: 1, threshold: 0 });
  });

  it('larger positions carry more margin: less bad debt when a growing book meets a crash', () => {
    const s = growingBook([{ kind: 'margin-tiers', name: 'tiers', tiers: [{ from: 50_000, maxLeverage: 10 }, { from: 100_000, maxLeverage: 5 }] }]);
    const none = run(s, 'none');
    const tiers = run(s, 'tiers');
    const set = tiers.interventions.filter((x) => x.action === 'set-tiers');
    expect(set).toHaveLength(1);
    expect(set[0].step).toBe(0);
    expect(set[0].threshold).toBe(50_000);
    // the logged count: the starting positions above 50,000 notional, which now need more than the flat 3%
    const w = createWorld(s, { policy: 'none', seed: 1, baseDir: '.' });
    let big = 0;
    for (let i = 0; i < w.accounts.count; i++) if (Math.abs(w.accounts.size[i]) * 2000 > 50_000) big++;
    expect(big).toBeGreaterThan(20);
    expect(set[0].value).toBe(big);
    // new positions above 50,000 need 10% initial margin (20% above 100,000): more opens refused
    expect(tiers.summary.rejected_opens).toBeGreaterThan(1.5 * none.summary.rejected_opens);
    expect(none.summary.bad_debt).toBeGreaterThan(1_500_000);
    expect(tiers.summary.bad_debt).toBeLessThan(0.7 * none.summary.bad_debt);
    expect(tiers.summary.liquidation_slippage).toBeLessThan(0.8 * none.summary.liquidation_slippage);
  });
});
