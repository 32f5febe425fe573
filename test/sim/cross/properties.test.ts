// Property tests of the cross-margin venue (sim/cross/venue.ts): for random books, price paths and plans, value is
// conserved after every pass, nothing becomes NaN, and liquidation leaves no open account below its requirement
// when the pass was neither halted nor paced and liquidations do not move prices. Amounts are integers or decimals of
// them: fast-check's doubles favour edge values such as 1e-300, which would hide fees and slippage.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CrossSchema } from '../../../sim/cross/config.js';
import { CrossVenue } from '../../../sim/cross/venue.js';
import { EventLog } from '../../../sim/events.js';

const ASSETS = ['A', 'B', 'C'];
const P0 = [100, 20, 5];

const account = fc.record({
  cash: fc.integer({ min: 0, max: 100_000 }),
  sizes: fc.array(fc.integer({ min: -2_000, max: 2_000 }), { minLength: 3, maxLength: 3 }),
  units: fc.array(fc.integer({ min: 0, max: 5_000 }), { minLength: 2, maxLength: 2 }),
});

const world = fc.record({
  accounts: fc.array(account, { minLength: 1, maxLength: 25 }),
  // per step and asset: a log move, crashes included
  moves: fc.array(fc.array(fc.integer({ min: -400, max: 300 }).map((x) => x / 1000), { minLength: 3, maxLength: 3 }), { minLength: 1, maxLength: 12 }),
  portfolio: fc.boolean(),
  dispersion: fc.integer({ min: 0, max: 100 }).map((x) => x / 100),
  haircuts: fc.array(fc.integer({ min: 0, max: 90 }).map((x) => x / 100), { minLength: 2, maxLength: 2 }),
  partial: fc.constantFrom(0, 0.2, 0.5),
  restoreBuffer: fc.constantFrom(0, 0.05),
  fee: fc.integer({ min: 0, max: 50 }).map((x) => x / 1000),
  fund: fc.integer({ min: 0, max: 100_000 }),
  depth: fc.integer({ min: 4, max: 8 }).map((x) => 10 ** x),
  impact: fc.constantFrom(0, 0.2),
  maxPerStep: fc.option(fc.integer({ min: 1, max: 5 }), { nil: undefined }),
  halted: fc.array(fc.boolean(), { minLength: 12, maxLength: 12 }),
  reduce: fc.array(fc.integer({ min: 0, max: 100 }).map((x) => x / 100), { minLength: 12, maxLength: 12 }),
});

describe('cross venue invariants (fast-check)', () => {
  it('conserves USD and collateral units, keeps every number finite, and clears what it may', () => {
    fc.assert(
      fc.property(world, (wd) => {
        const cfg = CrossSchema.parse({
          markets: [{ asset: 'A', initialMargin: 0.1, maintenanceMargin: 0.05 }, { asset: 'B' }, { asset: 'C', initialMargin: 0.2, maintenanceMargin: 0.1 }],
          collateral: [{ asset: 'B', haircut: wd.haircuts[0] }, { asset: 'C', haircut: wd.haircuts[1] }],
          margin: { mode: wd.portfolio ? 'portfolio' : 'standard', dispersion: wd.dispersion },
          liquidation: { fee: wd.fee, ...(wd.maxPerStep !== undefined ? { maxPerStep: wd.maxPerStep } : {}) },
          insuranceFund: wd.fund,
          liquidity: { depth: wd.depth, slippage: 0.1, impact: wd.impact },
        });
        const v = new CrossVenue(cfg, ASSETS, P0);
        for (const a of wd.accounts) {
          const i = v.seedAccount(0, a.cash);
          a.sizes.forEach((s, m) => v.seedPosition(i, m, s));
          a.units.forEach((u, k) => v.seedCollateral(i, k, u));
        }
        v.finishSeeding();
        Object.assign(v.plan, { partialFraction: wd.partial, partialMinNotional: 0, restoreBuffer: wd.restoreBuffer });
        const units0 = [0, 0];
        for (let i = 0; i < v.count; i++) for (let k = 0; k < 2; k++) units0[k] += v.units[i * 2 + k];
        const usd = () => {
          const l = v.ledger;
          let cash = 0;
          for (let i = 0; i < v.count; i++) if (v.open[i] === 1) cash += v.cash[i];
          return cash + l.insuranceFund + l.returnedToTraders - l.uncoveredBadDebt - l.realisedPnl - l.collateralProceeds - l.topUps + l.tradingFees;
        };
        const c0 = usd();
        const ev = new EventLog();
        const px = Float64Array.from(P0);
        for (let t = 0; t < wd.moves.length; t++) {
          const mv = wd.moves[t];
          for (let a = 0; a < 3; a++) px[a] = Math.max(1e-6, px[a] * v.impactFactor[a] * Math.exp(mv[a]));
          v.impactFactor.fill(1);
          v.setPrices(px, 0, px[0]);
          if (wd.reduce[t] > 0.5) v.reduce(0, t % v.count, wd.reduce[t] - 0.5, wd.halted[t]);
          v.marginPass(t, wd.halted[t], ev);
          // the engine stops a run whose prices the liquidations drove to infinity (sim/cross/engine.ts crossPass)
          if (!v.px.every((p) => p > 0 && p < 1e100)) break;
          const l = v.ledger;
          // conservation (absolute tolerance scaled by the book)
          expect(Math.abs(usd() - c0)).toBeLessThanOrEqual(1e-7 * (1e6 + Math.abs(c0) + Math.abs(l.realisedPnl) + l.collateralProceeds));
          for (let k = 0; k < 2; k++) {
            let open = 0;
            for (let i = 0; i < v.count; i++) if (v.open[i] === 1) open += v.units[i * 2 + k];
            expect(open + l.collateralSoldUnits[k] + l.collateralReturnedUnits[k]).toBeCloseTo(units0[k], 6);
          }
          for (const x of [l.insuranceFund, l.badDebt, l.uncoveredBadDebt, l.fees, l.slippage, l.realisedPnl]) expect(Number.isFinite(x)).toBe(true);
          expect(l.badDebt).toBeGreaterThanOrEqual(0);
          expect(l.uncoveredBadDebt).toBeLessThanOrEqual(l.badDebt + 1e-9);
          expect(l.insuranceFund).toBeGreaterThanOrEqual(-1e-9);
          expect(l.fees).toBeGreaterThanOrEqual(0);
          expect(l.slippage).toBeGreaterThanOrEqual(0);
          // the fee is junior: a liquidation that leaves bad debt paid no fee
          for (let j = 0; j < ev.liqCount; j++) if (ev.badDebt[j] > 0) expect(ev.fee[j]).toBe(0);
          // without price impact (no account's liquidation moves another's prices), a whole, unhalted, unpaced pass
          // leaves no open account below its requirement
          if (wd.impact === 0 && !wd.halted[t] && wd.maxPerStep === undefined && wd.partial === 0) {
            for (let i = 0; i < v.count; i++) if (v.open[i] === 1) expect(v.equityOf(i)).toBeGreaterThanOrEqual(v.requirementOf(i));
          }
        }
      }),
      { numRuns: 300, seed: 20261122 },
    );
  });
});
