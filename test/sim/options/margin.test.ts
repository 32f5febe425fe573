// Options margin: Deribit standard margin against hand-computed cases, the scenario grids and vol-shock rule, and the
// portfolio-margin multiply-add against a brute-force full revaluation of every account under every scenario.
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { bsmPrice } from '../../../sim/options/black-scholes.js';
import { PortfolioMarginSchema, StandardMarginSchema } from '../../../sim/options/config.js';
import { buildGrid, shortCallInitial, shortCallMaintenance, shortPutInitial, shortPutMaintenance, volFactor, volShockRule, VOL_DOWN, VOL_SAME, VOL_UP } from '../../../sim/options/margin.js';
import { SERIES, venue } from './helpers.js';

const STD = StandardMarginSchema.parse({});

describe('standard margin (Deribit, USD-quoted)', () => {
  it('short calls: IM = max(0.15 - OTM/S, 0.1) S + mark, MM = 0.075 S + mark', () => {
    // S = 2000: ATM call with mark 90 -> IM 0.15 * 2000 + 90 = 390, MM 150 + 90 = 240
    expect(shortCallInitial(2000, 2000, 90, STD)).toBeCloseTo(390, 12);
    expect(shortCallMaintenance(2000, 2000, 90, STD)).toBeCloseTo(240, 12);
    // 5% OTM (K 2100): 0.15 - 0.05 = 0.10 -> 200 + 30
    expect(shortCallInitial(2000, 2100, 30, STD)).toBeCloseTo(230, 12);
    // 2% OTM (K 2040): 0.13 * 2000 + 50 = 310
    expect(shortCallInitial(2000, 2040, 50, STD)).toBeCloseTo(310, 12);
    // 10% OTM: floored at 0.10 -> 200 + 12
    expect(shortCallInitial(2000, 2200, 12, STD)).toBeCloseTo(212, 12);
    // ITM (K 1800): OTM 0 -> 0.15 * 2000 + 230
    expect(shortCallInitial(2000, 1800, 230, STD)).toBeCloseTo(530, 12);
  });

  it('short puts: IM = max(max(0.15 - OTM/S, 0.1) S + mark, MM), MM = max(0.075 S, 0.075 mark) + mark', () => {
    // OTM put K 1800, mark 30: IM max(0.10 * 2000 + 30, 150 + 30) = 230; MM 180
    expect(shortPutInitial(2000, 1800, 30, STD)).toBeCloseTo(230, 12);
    expect(shortPutMaintenance(2000, 1800, 30, STD)).toBeCloseTo(180, 12);
    // deep ITM K 3000, mark 1000: IM 300 + 1000 = 1300; MM max(150, 75) + 1000 = 1150
    expect(shortPutInitial(2000, 3000, 1000, STD)).toBeCloseTo(1300, 12);
    expect(shortPutMaintenance(2000, 3000, 1000, STD)).toBeCloseTo(1150, 12);
    // mark above S (K 5000, mark 3000): MM max(150, 225) + 3000 = 3225; IM max(300 + 3000, 3225) = 3300
    expect(shortPutMaintenance(2000, 5000, 3000, STD)).toBeCloseTo(3225, 12);
    expect(shortPutInitial(2000, 5000, 3000, STD)).toBeCloseTo(3300, 12);
    // when MM exceeds the IM formula: S 2000, K 1000 (50% OTM: rate 0.1), mark 0 -> IM max(200, 150) = 200
    expect(shortPutInitial(2000, 1000, 0, STD)).toBeCloseTo(200, 12);
  });

  it('an account: shorts pay per contract, longs their premium at IM only, units cover short calls pro rata', () => {
    const { o } = venue({ series: SERIES, volatility: { model: 'fixed', level: 0.8 } });
    const [C2000, C2200, P2000, P1800] = [0, 1, 2, 3];
    const S = 2000;
    const m = o.mark;
    // short 2 C2200, short 1 P1800, long 1 C2000, long 3 P2000, 0.5 units
    const i = o.seedAccount(0, 5000);
    o.seedPosition(i, C2200, -2);
    o.seedPosition(i, P1800, -1);
    o.seedPosition(i, C2000, 1);
    o.seedPosition(i, P2000, 3);
    o.seedUnits(i, 0.5);
    o.evaluate(i);
    const a = o.accounts;
    const covered = 0.5 / 2; // half a unit for two short calls
    const mm = 2 * (0.075 * S + m[C2200]) * (1 - covered) + (Math.max(0.075 * S, 0.075 * m[P1800]) + m[P1800]);
    expect(a.maintenance[i]).toBeCloseTo(mm, 9);
    const imCall = Math.max(0.15 - 200 / S, 0.1) * S + m[C2200];
    const imPut = Math.max(Math.max(0.15 - 200 / S, 0.1) * S + m[P1800], 0.075 * S + m[P1800]);
    const im = 2 * imCall * (1 - covered) + imPut + m[C2000] + 3 * m[P2000];
    expect(o.requirement(a.pos, i * o.seriesCount, a.units[i], true)).toBeCloseTo(im, 9);
    // equity = cash + units S + sum pos * mark; the seeds paid the marks, so it is the deposit
    expect(a.equity[i]).toBeCloseTo(5000, 9);
    expect(a.writer[i]).toBe(1);
    // units beyond the short calls need deltaMaintenance of their value
    const j = o.seedAccount(0, 10000);
    o.seedPosition(j, C2200, -1);
    o.seedUnits(j, 3);
    o.evaluate(j);
    expect(a.maintenance[j]).toBeCloseTo(0.065 * 2 * S, 9);
    // a short position of units (a forced hedge of short puts) needs it too
    const k = o.seedAccount(0, 10000);
    o.seedPosition(k, P2000, -1);
    o.seedUnits(k, -0.5);
    o.evaluate(k);
    expect(a.maintenance[k]).toBeCloseTo(Math.max(0.075 * S, 0.075 * m[P2000]) + m[P2000] + 0.065 * 0.5 * S, 9);
    // long-only: nothing at MM, the premium at IM
    const b = o.seedAccount(1, m[C2000]);
    o.seedPosition(b, C2000, 1);
    o.evaluate(b);
    expect(a.maintenance[b]).toBe(0);
    expect(a.writer[b]).toBe(0);
    expect(o.requirement(a.pos, b * o.seriesCount, 0, true)).toBeCloseTo(m[C2000], 12);
  });
});

describe('portfolio margin scenarios', () => {
  it('deribit grid: +-16% in 9 buckets x vol up / same / down; derive: PMRM v1 23 scenarios; extended tails', () => {
    const d = buildGrid(PortfolioMarginSchema.parse({}));
    expect(d.count).toBe(27);
    const moves = [...new Set(Array.from(d.move))];
    expect(moves.map((m) => Math.round(m * 1e12) / 1e12)).toEqual([-0.16, -0.12, -0.08, -0.04, 0, 0.04, 0.08, 0.12, 0.16]);
    expect(Array.from(d.vol.subarray(0, 3))).toEqual([VOL_UP, VOL_SAME, VOL_DOWN]);
    expect(d.move[12]).toBe(0);
    const v = buildGrid(PortfolioMarginSchema.parse({ grid: 'derive' }));
    expect(v.count).toBe(23);
    expect(v.move[0]).toBeCloseTo(0.2, 12);
    expect(v.vol[0]).toBe(VOL_UP);
    expect(v.move[22]).toBeCloseTo(-0.2, 12);
    expect(v.vol[22]).toBe(VOL_UP);
    const e = buildGrid(PortfolioMarginSchema.parse({ grid: 'derive', extended: true }));
    expect(e.count).toBe(31);
    expect(e.move[23]).toBeCloseTo(-0.66, 12);
    expect(e.weight[23]).toBe(0.21);
    expect(e.move[30]).toBeCloseTo(5, 12);
    expect(e.weight[30]).toBe(0.02772);
  });

  it('vol shock: up 1 + a (30/T)^p, down max(0, 1 - b (30/T)^p); short-term power under 30 days', () => {
    const deribit = volShockRule(PortfolioMarginSchema.parse({}));
    expect(volFactor(VOL_UP, 30, deribit)).toBeCloseTo(1.38, 12);
    expect(volFactor(VOL_DOWN, 30, deribit)).toBeCloseTo(0.62, 12);
    expect(volFactor(VOL_SAME, 30, deribit)).toBe(1);
    expect(volFactor(VOL_UP, 7.5, deribit)).toBeCloseTo(1 + 0.38 * Math.pow(4, 0.3), 12);
    const derive = volShockRule(PortfolioMarginSchema.parse({ grid: 'derive' }));
    expect(volFactor(VOL_UP, 30, derive)).toBeCloseTo(1.6, 12);
    expect(volFactor(VOL_DOWN, 30, derive)).toBeCloseTo(0.7, 12);
    expect(volFactor(VOL_UP, 90, derive)).toBeCloseTo(1 + 0.6 * Math.pow(1 / 3, 0.13), 12);
    // below the floor (1 day) the shock stays at the floor's; a large down shock floors at zero
    expect(volFactor(VOL_UP, 0.01, derive)).toBe(volFactor(VOL_UP, 1, derive));
    expect(volFactor(VOL_DOWN, 1, { ...derive, down: 0.9 })).toBe(0);
  });

  it('property: the multiply-add equals a brute-force full revaluation of each account under each scenario', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('deribit', 'derive'),
        fc.boolean(),
        fc.array(fc.integer({ min: -20, max: 20 }), { minLength: 6, maxLength: 6 }),
        fc.double({ min: -5, max: 5, noNaN: true }),
        fc.double({ min: 0.7, max: 1.3, noNaN: true }),
        fc.integer({ min: 0, max: 590 }),
        (grid, extended, pos, units, move, t) => {
          const { o, events } = venue({ series: SERIES, margin: 'portfolio', portfolio: { grid, extended }, riskFreeRate: 0.03, volatility: { model: 'fixed', level: 0.9 } }, 2016);
          const i = o.seedAccount(0, 1e6);
          pos.forEach((c, j) => c !== 0 && o.seedPosition(i, j, c));
          o.seedUnits(i, units);
          o.beginStep(t, 2000 * move, events);
          o.evaluate(i);
          // brute force: every scenario, every series repriced with Black-Scholes
          const cfg = PortfolioMarginSchema.parse({ grid, extended });
          const g = buildGrid(cfg);
          const rule = volShockRule(cfg);
          const S = o.index;
          let worst = 0;
          for (let k = 0; k < g.count; k++) {
            let pnl = units * S * g.move[k] * g.weight[k];
            SERIES.forEach((s, j) => {
              if (pos[j] === 0) return;
              const T = ((s.expiry - t) * 300) / (365 * 86400);
              const days = ((s.expiry - t) * 300) / 86400;
              const call = s.type === 'call';
              const now = bsmPrice(call, S, s.strike, T, 0.03, 0, 0.9);
              const then = bsmPrice(call, S * (1 + g.move[k]), s.strike, T, 0.03, 0, 0.9 * volFactor(g.vol[k], days, rule));
              pnl += pos[j] * g.weight[k] * (then - now);
            });
            worst = Math.max(worst, -pnl);
          }
          const shorts = pos.reduce((a, c) => a + (c < 0 ? -c : 0), 0);
          const mm = worst + 0.01 * shorts * S;
          expect(Math.abs(o.accounts.maintenance[i] - mm)).toBeLessThanOrEqual(1e-9 * Math.max(1, mm));
          expect(Math.abs(o.requirement(o.accounts.pos, i * 6, units, true) - 1.25 * mm)).toBeLessThanOrEqual(1e-9 * Math.max(1, mm));
        },
      ),
      { numRuns: 60 },
    );
  });

  it('hedges count: a delta-hedged short call needs less than a naked one; a covered call carries the downside', () => {
    const { o } = venue({ series: SERIES, margin: 'portfolio', volatility: { model: 'fixed', level: 0.8 } });
    const C2200 = 1;
    const naked = o.seedAccount(0, 1000);
    o.seedPosition(naked, C2200, -1);
    const hedged = o.seedAccount(0, 1000);
    o.seedPosition(hedged, C2200, -1);
    o.seedUnits(hedged, o.delta[C2200]);
    const covered = o.seedAccount(0, 3000);
    o.seedPosition(covered, C2200, -1);
    o.seedUnits(covered, 1);
    for (const i of [naked, hedged, covered]) o.evaluate(i);
    const mm = o.accounts.maintenance;
    expect(mm[hedged]).toBeLessThan(0.9 * mm[naked]);
    // the covered call is long (1 - delta) units: its worst scenario is the -16% move, where the call it sold is worth
    // between nothing and its mark
    expect(mm[covered]).toBeGreaterThan(0.16 * 2000 - o.mark[C2200] + 0.01 * 2000 - 1e-9);
    expect(mm[covered]).toBeLessThanOrEqual(0.16 * 2000 + 0.01 * 2000);
  });
});
