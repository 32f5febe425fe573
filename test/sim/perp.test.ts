// Liquidation arithmetic, trigger keys, throughput limits and the oracle margin price, against formulas in the test.
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { PerpVenue } from '../../sim/perp.js';
import { EventLog } from '../../sim/events.js';
import { VenueSchema } from '../../sim/venue-config.js';
import { runScenario, type RunResult } from '../../sim/run.js';
import type { Scenario } from '../../sim/scenario.js';
import { scenario, closeRel } from './helpers.js';

const E = 2000;

interface One {
  factor: number;
  fund?: number;
  side?: 'long' | 'short';
  collateral?: number;
  leverage?: number;
  depth?: number;
  shockAt?: number;
  steps?: number;
}

/** One account opened at 2000, a constant price, and a one-step ramp shock at `shockAt`. */
function oneAccount(o: One): Scenario {
  return scenario({
    steps: o.steps ?? 6,
    market: { initialPrice: E, process: { kind: 'constant' }, shocks: [{ kind: 'ramp', at: o.shockAt ?? 2, steps: 1, factor: o.factor }] },
    venue: {
      initialMargin: 0.1,
      maintenanceMargin: 0.05,
      liquidity: { depth: o.depth ?? 1e6, slippage: 0.1, impact: 0.2, reversion: 0 },
      liquidationFee: 0.01,
      tradingFee: 0,
      insuranceFund: o.fund ?? 10000,
      funding: null,
    },
    agents: [{ kind: 'leveraged-traders', name: 'traders', count: 1, collateral: o.collateral ?? 1000, leverage: o.leverage ?? 10, side: o.side ?? 'long' }],
  });
}

function run(s: Scenario, policy = 'none', seed = 1): RunResult {
  const r = runScenario(s, { policy, seed, baseDir: '.' });
  expect(r.error).toBeUndefined();
  return r;
}

/** What the reference (benchmark.md step 2) says a single liquidation does, computed here independently. */
function expectedLiquidation(P: number, s: number, c: number, L: number, D: number, fund0: number) {
  const q = ((s * c) * L) / E;
  const aq = Math.abs(q);
  const n = aq * P;
  const X = P * (1 - s * 0.1 * Math.sqrt(n / D));
  const slip = aq * Math.abs(P - X);
  const R = c + q * (X - E);
  const fee = 0.01 * aq * X;
  let fund = fund0;
  let paid = 0;
  let returned = 0;
  let debt = 0;
  let uncovered = 0;
  if (R >= 0) {
    paid = Math.min(fee, R);
    fund += paid;
    returned = R - paid;
  } else {
    debt = -R;
    if (fund >= debt) fund -= debt;
    else {
      uncovered = debt - fund;
      fund = 0;
    }
  }
  const mark = P * (1 - (s * 0.2 * n) / D);
  return { q, n, X, slip, R, fee, paid, returned, debt, uncovered, fund, mark };
}

function expectRel(got: number, want: number, what: string, rel = 1e-12): void {
  expect(closeRel(got, want, rel), `${what}: ${got} vs ${want}`).toBe(true);
}

describe('single-account liquidation arithmetic (through the engine)', () => {
  const cases: [string, One, (x: ReturnType<typeof expectedLiquidation>) => void][] = [
    ['long, R >= fee: fee to the fund, rest returned', { factor: 0.94 }, (x) => {
      expect(x.R).toBeGreaterThan(x.fee);
    }],
    ['long, 0 <= R < fee: the fund takes all of R', { factor: 0.91 }, (x) => {
      expect(x.R).toBeGreaterThanOrEqual(0);
      expect(x.R).toBeLessThan(x.fee);
    }],
    ['long, bad debt covered by the fund', { factor: 0.85, fund: 10000 }, (x) => {
      expect(x.debt).toBeGreaterThan(0);
      expect(x.uncovered).toBe(0);
    }],
    ['long, bad debt beyond the fund: uncovered', { factor: 0.85, fund: 100 }, (x) => {
      expect(x.uncovered).toBeGreaterThan(0);
      expect(x.fund).toBe(0);
    }],
    ['short, R >= fee (price up)', { factor: 1.06, side: 'short' }, (x) => {
      expect(x.R).toBeGreaterThan(x.fee);
    }],
    ['short, uncovered bad debt (price way up)', { factor: 1.2, side: 'short', fund: 50 }, (x) => {
      expect(x.uncovered).toBeGreaterThan(0);
    }],
  ];

  for (const [name, o, sanity] of cases) {
    it(name, () => {
      const fund0 = o.fund ?? 10000;
      const s = o.side === 'short' ? -1 : 1;
      const r = run(oneAccount(o));
      const P = E * Math.exp(Math.log(o.factor) / 1); // the engine's ramp factor, one step
      const x = expectedLiquidation(P, s, 1000, 10, 1e6, fund0);
      sanity(x);
      const m = r.summary;
      // nothing before the shock step, one liquidation at it
      expect(Array.from(r.series.liquidations)).toEqual([0, 0, 1, 0, 0, 0]);
      expect(r.series.mark[0]).toBe(E);
      expect(r.series.mark[1]).toBe(E);
      expect(r.series.spot[2]).toBe(P);
      expect(m.liquidations).toBe(1);
      expect(r.events.liqCount).toBe(1);
      expect(r.events.account[0]).toBe(0);
      expect(r.events.liquidator[0]).toBe(-1); // no liquidator agent: the venue
      expectRel(r.events.size[0], x.q, 'size');
      expectRel(r.events.price[0], P, 'price');
      expectRel(r.events.execPrice[0], x.X, 'execution price');
      expectRel(r.events.notional[0], x.n, 'notional');
      expectRel(m.liquidated_notional, x.n, 'liquidated notional');
      expectRel(m.liquidation_slippage, x.slip, 'slippage');
      expectRel(m.liquidation_fees, x.paid, 'fee paid');
      expectRel(r.events.fee[0], x.paid, 'event fee');
      expectRel(m.returned_to_traders, x.returned, 'returned');
      expectRel(m.bad_debt, x.debt, 'bad debt');
      expectRel(m.uncovered_bad_debt, x.uncovered, 'uncovered');
      expectRel(m.insurance_fund_final, x.fund, 'fund');
      expectRel(r.series.insuranceFund[2], x.fund, 'fund series');
      expect(m.insurance_fund_initial).toBe(fund0);
      // permanent impact: the mark moved against the liquidation and stays there (no reversion)
      expectRel(r.series.mark[2], x.mark, 'mark after impact');
      expectRel(m.final_price, x.mark, 'final price');
      if (s === 1) expect(x.mark).toBeLessThan(P);
      else expect(x.mark).toBeGreaterThan(P);
      // spot is not moved by the venue's impact
      expect(r.series.spot[5]).toBe(P);
      expect(r.series.openAccounts[1]).toBe(1);
      expect(r.series.openAccounts[2]).toBe(0);
      expect(m.final_open_interest).toBe(0);
    });
  }

  it('an account just above the trigger price is not liquidated; just below it is', () => {
    // long, c = 1000, q = 5, m = 0.05: liquidatable iff P < (E - c/q)/(1 - m) = 1894.7368...
    const pStar = (E - 1000 / 5) / (1 - 0.05);
    const above = run(oneAccount({ factor: (pStar / E) * (1 + 1e-9) }));
    expect(above.summary.liquidations).toBe(0);
    const below = run(oneAccount({ factor: (pStar / E) * (1 - 1e-9) }));
    expect(below.summary.liquidations).toBe(1);
    // short, q = -5: liquidatable iff P > (E + c/|q|)/(1 + m) = 2095.238...
    const sStar = (E + 1000 / 5) / (1 + 0.05);
    expect(run(oneAccount({ factor: (sStar / E) * (1 - 1e-9), side: 'short' })).summary.liquidations).toBe(0);
    expect(run(oneAccount({ factor: (sStar / E) * (1 + 1e-9), side: 'short' })).summary.liquidations).toBe(1);
  });
});

// ---- direct venue tests -------------------------------------------------------------------------------------------

/** A bare venue; `depth` goes into `liquidity`, everything else to the top level of the venue config. */
function venue(over: Record<string, unknown> = {}, price = E): PerpVenue {
  const { depth, ...rest } = over;
  const cfg = VenueSchema.parse({
    initialMargin: 0.1,
    maintenanceMargin: 0.05,
    liquidity: { depth: depth ?? 1e6, slippage: 0.1, impact: 0.2, reversion: 0 },
    liquidationFee: 0.01,
    tradingFee: 0,
    insuranceFund: 10000,
    funding: null,
    ...rest,
  });
  return new PerpVenue(cfg, price, 16);
}

/**
 * Calls the venue's liquidation pass. With `bounty` set, one liquidator (agent 0) offers unlimited capacity at that
 * rate; otherwise the venue liquidates on its own.
 */
function pass(v: PerpVenue, m: number, opts: { useMark?: boolean; oracle?: number; budget?: number; bounty?: number } = {}) {
  const ev = new EventLog();
  const offers =
    opts.bounty === undefined
      ? null
      : { n: 1, agent: Int32Array.of(0), count: Float64Array.of(Infinity), bounty: Float64Array.of(opts.bounty), minReward: Float64Array.of(0) };
  const pending = v.liquidationPass(m, opts.useMark ?? true, opts.oracle ?? v.mark, opts.budget ?? Infinity, 0, ev, offers);
  return { ev, pending };
}

describe('PerpVenue: boundary and trigger keys', () => {
  it('exactly at the maintenance boundary (equity == m*|q|*P) is not liquidated; one ulp below is', () => {
    // m = 1/16 and P = 1920 make every quantity exact: equity 1000 + 5*(1920 - 2000) = 600 = (0.0625*5)*1920
    const m = 0.0625;
    const v = venue({ maintenanceMargin: m, initialMargin: 0.1 });
    v.seed(0, 1000, 5, E);
    v.finishSeeding();
    v.mark = 1920;
    expect(v.equity(0, 1920)).toBe(600);
    expect(m * 5 * 1920).toBe(600);
    let r = pass(v, m);
    expect(r.ev.liqCount).toBe(0);
    expect(r.pending).toBe(0);
    expect(v.accounts.open[0]).toBe(1);
    // the next double below 1920
    const below = 1920 - 1920 * Number.EPSILON / 2;
    expect(below).toBeLessThan(1920);
    v.mark = below;
    r = pass(v, m);
    expect(r.ev.liqCount).toBe(1);
    expect(v.accounts.open[0]).toBe(0);
  });

  it('same for a short at the boundary: (E + c/|q|)/(1 + m)', () => {
    // c = 1000, q = -5, m = 1/16: P* = 2200 / 1.0625 = 2070.588..., not exact; use c = 625: P* = 2125/1.0625 = 2000
    const m = 0.0625;
    const v = venue({ maintenanceMargin: m });
    v.seed(0, 625, -5, E);
    v.finishSeeding();
    v.mark = 2000; // equity 625 == (0.0625*5)*2000 = 625
    expect(pass(v, m).ev.liqCount).toBe(0);
    v.mark = 2000 + 2000 * Number.EPSILON;
    expect(pass(v, m).ev.liqCount).toBe(1);
  });

  it('property: a long is liquidatable iff P < (E - c/q)/(1 - m) (no funding), a short iff P > (E + c/|q|)/(1 + m)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 100, max: 10000, noNaN: true }),
        fc.double({ min: 1.2, max: 50, noNaN: true }),
        fc.double({ min: 500, max: 5000, noNaN: true }),
        fc.double({ min: 0.005, max: 0.3, noNaN: true }),
        fc.boolean(),
        (c, L, entry, m, long) => {
          const q = ((long ? 1 : -1) * c * L) / entry;
          const star = long ? (entry - c / q) / (1 - m) : (entry + c / -q) / (1 + m);
          fc.pre(star > 0);
          const at = (P: number): number => {
            const v = venue({ maintenanceMargin: m, initialMargin: Math.max(m, 0.1) }, entry);
            v.seed(0, c, q, entry);
            v.finishSeeding();
            v.mark = P;
            return pass(v, m).ev.liqCount;
          };
          const safe = long ? star * (1 + 1e-8) : star * (1 - 1e-8);
          const unsafe = long ? star * (1 - 1e-8) : star * (1 + 1e-8);
          expect(at(safe)).toBe(0);
          expect(at(unsafe)).toBe(1);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('funding moves the trigger: a long that paid F per unit is liquidatable iff P < (E - c/q + F)/(1 - m)', () => {
    const m = 0.05;
    const mk = (P: number, F: number): number => {
      const v = venue({ maintenanceMargin: m });
      v.seed(0, 1000, 5, E);
      v.finishSeeding();
      v.applyFunding(F / 2000, 2000); // rate * index = F per unit
      expect(v.fundingIndex).toBeCloseTo(F, 12);
      v.mark = P;
      return pass(v, m).ev.liqCount;
    };
    const F = 30;
    const star = (E - 1000 / 5 + F) / (1 - m);
    expect(mk(star * (1 + 1e-9), F)).toBe(0);
    expect(mk(star * (1 - 1e-9), F)).toBe(1);
    // without funding the same price is safe
    expect(mk(star * (1 - 1e-9), 0)).toBe(0);
  });

  it('a socialized loss index G moves a long trigger to (E - c/q + G)/(1 - m)', () => {
    const m = 0.05;
    const mk = (P: number, G: number): number => {
      const v = venue({ maintenanceMargin: m });
      v.seed(0, 1000, 5, E);
      v.finishSeeding();
      v.lossIndex = G;
      v.mark = P;
      return pass(v, m).ev.liqCount;
    };
    const star = (E - 200 + 25) / (1 - m);
    expect(mk(star * (1 + 1e-9), 25)).toBe(0);
    expect(mk(star * (1 - 1e-9), 25)).toBe(1);
  });

  it('account order: impact reaches later accounts in the same pass; an earlier one waits for the next pass', () => {
    // three longs, q = 5 each: 0 and 2 nearly at the boundary, 1 deep underwater. Liquidating 1 pushes the mark down.
    const m = 0.05;
    const build = (): PerpVenue => {
      const v = venue({ maintenanceMargin: m, insuranceFund: 1e6 });
      v.seed(0, 1000 + 1, 5, E); // trigger just below P* of 1894.7 (needs a lower price)
      v.seed(0, 200, 5, E); // trigger at (2000 - 40)/0.95 = 2063: liquidatable at any P below that
      v.seed(0, 1000 + 1, 5, E);
      v.finishSeeding();
      return v;
    };
    const v = build();
    const pStar = (E - 1001 / 5) / (1 - m);
    v.mark = pStar * (1 + 1e-6); // 0 and 2 are safe at this price
    const first = pass(v, m);
    expect(Array.from(first.ev.account.subarray(0, first.ev.liqCount))).toEqual([1, 2]); // 1's impact brought 2 down
    expect(v.accounts.open[0]).toBe(1); // 0 was before 1 in the pass: it waits
    expect(v.equity(0, v.mark) < m * 5 * v.mark).toBe(true); // ... although it is liquidatable now
    const second = pass(v, m);
    expect(Array.from(second.ev.account.subarray(0, second.ev.liqCount))).toEqual([0]);
  });

  it('budget: liquidates up to the budget in account order and counts the rest as pending', () => {
    const v = venue({ depth: 1e9, insuranceFund: 1e6 });
    for (let i = 0; i < 10; i++) v.seed(0, 1000, 5, E);
    v.finishSeeding();
    v.mark = 1800;
    const r1 = pass(v, 0.05, { budget: 3 });
    expect(r1.ev.liqCount).toBe(3);
    expect(Array.from(r1.ev.account.subarray(0, 3))).toEqual([0, 1, 2]);
    expect(r1.pending).toBe(7);
    const r2 = pass(v, 0.05, { budget: 3 });
    expect(Array.from(r2.ev.account.subarray(0, 3))).toEqual([3, 4, 5]);
    expect(r2.pending).toBe(4);
    const r3 = pass(v, 0.05, { budget: 0 });
    expect(r3.ev.liqCount).toBe(0);
    expect(r3.pending).toBe(4);
    expect(v.agg.openCount).toBe(4);
  });

  it('bounty: min(bounty*|q|*X, equity left after the fee) to the liquidator, the rest to the trader', () => {
    const v = venue({ depth: 1e6, insuranceFund: 0 });
    v.seed(0, 1000, 5, E);
    v.finishSeeding();
    const P = 1860;
    v.mark = P;
    const x = expectedLiquidation(P, 1, 1000, 10, 1e6, 0);
    const r = pass(v, 0.05, { bounty: 0.01 });
    expect(r.ev.liqCount).toBe(1);
    expect(r.ev.liquidator[0]).toBe(0);
    const b = Math.min(0.01 * 5 * x.X, x.R - x.paid);
    expect(x.R - x.paid).toBeGreaterThan(0.01 * 5 * x.X); // the full bounty is affordable here
    expectRel(v.ledger.liquidatorIncome, b, 'liquidator income');
    expectRel(r.ev.bounty[0], b, 'event bounty');
    expectRel(v.ledger.returnedToTraders, x.R - x.paid - b, 'returned');
    expectRel(v.ledger.insuranceFund, x.paid, 'fund');
    // a bounty larger than what is left takes only what is left
    const w = venue({ depth: 1e6, insuranceFund: 0 });
    w.seed(0, 1000, 5, E);
    w.finishSeeding();
    w.mark = P;
    pass(w, 0.05, { bounty: 0.5 });
    expectRel(w.ledger.liquidatorIncome, x.R - x.paid, 'capped bounty');
    expect(w.ledger.returnedToTraders).toBe(0);
  });

  it('uncovered bad debt is socialized over the remaining |size| when socializeLosses is on', () => {
    const v = venue({ depth: 1e6, insuranceFund: 100, socializeLosses: true });
    v.seed(0, 200, 5, E); // deep underwater after the drop
    v.seed(0, 5000, 2, E); // survives
    v.seed(0, 5000, -3, E); // short, survives
    v.finishSeeding();
    v.mark = 1700;
    const x = expectedLiquidation(1700, 1, 200, 50, 1e6, 100); // q = 200*50/2000 = 5
    expect(x.q).toBe(5);
    const r = pass(v, 0.05);
    expect(r.ev.liqCount).toBe(1);
    expectRel(v.ledger.uncoveredBadDebt, x.uncovered, 'uncovered');
    expectRel(v.ledger.socializedLoss, x.uncovered, 'socialized');
    expectRel(v.lossIndex, x.uncovered / 5, 'loss index per unit of |size|');
    // the survivors' equity dropped by their share
    expectRel(v.equity(1, v.mark), 5000 + 2 * (v.mark - E) - 2 * (x.uncovered / 5), 'long survivor equity');
    expectRel(v.equity(2, v.mark), 5000 - 3 * (v.mark - E) - 3 * (x.uncovered / 5), 'short survivor equity');
  });

  it('open(): initial-margin check, fee, entry with slippage and impact', () => {
    const v = venue({ tradingFee: 0.001, depth: 1e6 });
    v.finishSeeding();
    const n = 1000 * 5;
    const X = E * (1 + 0.1 * Math.sqrt(n / 1e6));
    const i = v.open(3, 1, 1000, 5, 0.1, 7);
    expect(i).toBe(0);
    expectRel(v.accounts.entry[i], X, 'entry');
    expectRel(v.accounts.size[i], n / X, 'size');
    expectRel(v.accounts.collateral[i], 1000 - 0.001 * n, 'collateral net of fee');
    expect(v.accounts.owner[i]).toBe(3);
    expect(v.accounts.openedStep[i]).toBe(7);
    expectRel(v.ledger.tradingFees, 0.001 * n, 'trading fee');
    expectRel(v.mark, E * (1 + (0.2 * n) / 1e6), 'impact of a buy');
    // 20x with a 10% initial margin is rejected and changes nothing
    const mark = v.mark;
    expect(v.open(3, -1, 1000, 20, 0.1, 8)).toBe(-1);
    expect(v.ledger.rejectedOpens).toBe(1);
    expect(v.mark).toBe(mark);
    expect(v.agg.openCount).toBe(1);
  });
});

// ---- naive reference pass: account-order scan, no index ---------------------------------------------------------

interface NaiveOut {
  liquidated: number[];
  pending: number;
  mark: number;
  fund: number;
  uncovered: number;
  badDebt: number;
  lossIndex: number;
}

function naivePass(v: PerpVenue, m: number, useMark: boolean, oracle: number, budget: number, bounty: number): NaiveOut {
  const a = v.accounts;
  const open = Array.from(a.open.subarray(0, a.count));
  let mark = v.mark;
  let fund = v.ledger.insuranceFund;
  let uncoveredTotal = v.ledger.uncoveredBadDebt;
  let badDebt = v.ledger.badDebt;
  let G = v.lossIndex;
  const F = v.fundingIndex;
  let absSize = v.agg.absSize;
  let openCount = v.agg.openCount;
  const D = v.depth;
  const liquidated: number[] = [];
  let pending = 0;
  for (let i = 0; i < a.count; i++) {
    if (open[i] !== 1) continue;
    const pm = useMark ? mark : oracle;
    const q = a.size[i];
    const aq = Math.abs(q);
    const eq = a.collateral[i] + q * (pm - a.entry[i]) - q * (F - a.fundingIndex[i]) - aq * (G - a.lossIndex[i]);
    if (!(eq < m * aq * pm)) continue;
    if (liquidated.length >= budget) {
      pending++;
      continue;
    }
    liquidated.push(i);
    open[i] = 0;
    const s = q > 0 ? 1 : -1;
    const n = aq * mark;
    const X = mark * (1 - s * v.slippage * Math.sqrt(n / D));
    const R = a.collateral[i] - q * (F - a.fundingIndex[i]) - aq * (G - a.lossIndex[i]) + q * (X - a.entry[i]);
    let unc = 0;
    if (R >= 0) {
      fund += Math.min(v.liquidationFee * aq * X, R);
      void bounty;
    } else {
      badDebt += -R;
      if (fund >= -R) fund -= -R;
      else {
        unc = -R - fund;
        fund = 0;
      }
    }
    uncoveredTotal += unc;
    absSize -= aq;
    openCount--;
    if (openCount === 0) absSize = 0;
    mark = mark * (1 - (s * v.impact * n) / D);
    if (unc > 0 && v.socialize && absSize > 0) G += unc / absSize;
  }
  return { liquidated, pending, mark, fund, uncovered: uncoveredTotal, badDebt, lossIndex: G };
}

describe('PerpVenue.liquidationPass equals a naive account-order scan (property)', () => {
  const account = fc.record({
    c: fc.double({ min: 100, max: 10000, noNaN: true }),
    L: fc.double({ min: 1, max: 40, noNaN: true }),
    entry: fc.double({ min: 1500, max: 2500, noNaN: true }),
    long: fc.boolean(),
  });

  it('same accounts liquidated in the same order, same pending, mark, fund, debt and loss index', () => {
    fc.assert(
      fc.property(
        fc.array(account, { minLength: 1, maxLength: 60 }),
        fc.array(fc.record({ side: fc.constantFrom(1 as const, -1 as const), c: fc.double({ min: 100, max: 5000, noNaN: true }), L: fc.double({ min: 1, max: 9, noNaN: true }) }), { maxLength: 10 }),
        fc.double({ min: -40, max: 40, noNaN: true }), // funding index F
        fc.double({ min: 0, max: 30, noNaN: true }), // loss index G
        fc.double({ min: 0.01, max: 0.2, noNaN: true }), // m
        fc.double({ min: 0.6, max: 1.4, noNaN: true }), // price move
        fc.oneof(fc.constant(Infinity), fc.integer({ min: 0, max: 20 })),
        fc.boolean(), // socialize
        fc.boolean(), // margin at mark or oracle
        fc.double({ min: 0, max: 1e5, noNaN: true }), // fund
        (accts, opens, F, G, m, move, budget, socialize, useMark, fund) => {
          // fixed depth, large against any single order here: impact and slippage factors stay well inside (0, 2)
          const v = venue({ socializeLosses: socialize, insuranceFund: fund, depth: 2e6 });
          for (const x of accts) v.seed(0, x.c, ((x.long ? 1 : -1) * x.c * x.L) / x.entry, x.entry);
          v.finishSeeding();
          v.applyFunding(F / E, E);
          for (const o of opens) v.open(1, o.side, o.c, o.L, 0.1, 0); // entries and funding indices differ from the seeds
          v.lossIndex = G;
          const oracle = v.mark * move;
          v.mark = v.mark * move * (useMark ? 1 : 1.01);
          const want = naivePass(v, m, useMark, oracle, budget, 0);
          const got = pass(v, m, { useMark, oracle, budget });
          expect(Array.from(got.ev.account.subarray(0, got.ev.liqCount))).toEqual(want.liquidated);
          expect(got.pending).toBe(want.pending);
          expect(closeRel(v.mark, want.mark, 1e-12)).toBe(true);
          expect(closeRel(v.ledger.insuranceFund, want.fund, 1e-9)).toBe(true);
          expect(closeRel(v.ledger.uncoveredBadDebt, want.uncovered, 1e-9)).toBe(true);
          expect(closeRel(v.ledger.badDebt, want.badDebt, 1e-9)).toBe(true);
          expect(closeRel(v.lossIndex, want.lossIndex, 1e-9)).toBe(true);
          expect(v.agg.openCount).toBe(accts.length + v.ledger.opens - want.liquidated.length);
          expect(v.mark).toBeGreaterThan(0);
          expect(Number.isFinite(v.ledger.badDebt)).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });
});

// ---- throughput, bounty and oracle price, through the engine ----------------------------------------------------

describe('liquidators and the margin price (through the engine)', () => {
  function crowd(opts: { maxPerStep: number; bounty: number }): Scenario {
    return scenario({
      steps: 12,
      market: { initialPrice: E, process: { kind: 'constant' }, shocks: [{ kind: 'ramp', at: 2, steps: 1, factor: 0.93 }] },
      venue: {
        initialMargin: 0.1,
        maintenanceMargin: 0.05,
        liquidity: { depth: 1e8, slippage: 0.1, impact: 0.2, reversion: 0 },
        liquidationFee: 0.01,
        tradingFee: 0,
        insuranceFund: 10000,
        funding: null,
      },
      agents: [
        { kind: 'leveraged-traders', name: 'traders', count: 20, collateral: 1000, leverage: 10, side: 'long' },
        { kind: 'liquidator', name: 'bot', maxPerStep: opts.maxPerStep, bounty: opts.bounty },
      ],
    });
  }

  it('throughput limit leaves pending liquidations; the bounty goes to liquidator income', () => {
    const r = run(crowd({ maxPerStep: 3, bounty: 0.01 }));
    const s = r.series;
    expect(Array.from(s.liquidations)).toEqual([0, 0, 3, 3, 3, 3, 3, 3, 2, 0, 0, 0]);
    expect(Array.from(s.pendingLiquidations)).toEqual([0, 0, 17, 14, 11, 8, 5, 2, 0, 0, 0, 0]);
    expect(r.summary.liquidations).toBe(20);
    // every liquidation by the bot (agent 1), in account order
    expect(Array.from(r.events.liquidator.subarray(0, 20))).toEqual(new Array(20).fill(1));
    expect(Array.from(r.events.account.subarray(0, 20))).toEqual(Array.from({ length: 20 }, (_, i) => i));
    // bounty = 0.01 * |q| * X per liquidation (affordable here), summed into liquidator income
    let sum = 0;
    let returned = 0;
    for (let k = 0; k < 20; k++) {
      const aq = Math.abs(r.events.size[k]);
      const X = r.events.execPrice[k];
      const R = 1000 + r.events.size[k] * (X - E);
      const fee = 0.01 * aq * X;
      expect(R - fee).toBeGreaterThan(0.01 * aq * X);
      expectRel(r.events.bounty[k], 0.01 * aq * X, `bounty ${k}`);
      expectRel(r.events.fee[k], fee, `fee ${k}`);
      sum += 0.01 * aq * X;
      returned += R - fee - 0.01 * aq * X;
    }
    expectRel(r.summary.liquidator_income, sum, 'liquidator income', 1e-10);
    expectRel(r.summary.returned_to_traders, returned, 'returned', 1e-10);
  });

  it('without a liquidator agent the venue liquidates everything at once, without bounty', () => {
    const s = crowd({ maxPerStep: 3, bounty: 0.01 });
    s.agents = s.agents.slice(0, 1);
    const r = run(s);
    expect(r.series.liquidations[2]).toBe(20);
    expect(r.series.pendingLiquidations[2]).toBe(0);
    expect(r.summary.liquidator_income).toBe(0);
  });

  it('a liquidator with maxPerStep 0 liquidates nothing: all pending every step', () => {
    const r = run(crowd({ maxPerStep: 0, bounty: 0.01 }));
    expect(r.summary.liquidations).toBe(0);
    for (let t = 2; t < 12; t++) expect(r.series.pendingLiquidations[t]).toBe(20);
  });

  it('marginPrice oracle with latencySteps delays liquidations relative to mark', () => {
    const mk = (marginPrice: 'mark' | 'oracle', latency: number): RunResult => {
      const s = oneAccount({ factor: 0.94, shockAt: 5, steps: 15 });
      s.venue.marginPrice = marginPrice;
      (s.oracle as any).latencySteps = latency;
      return run(s);
    };
    const step = (r: RunResult): number => r.series.liquidations.findIndex((x) => x > 0);
    expect(step(mk('mark', 0))).toBe(5);
    expect(step(mk('mark', 3))).toBe(5); // the mark does not wait for the oracle
    expect(step(mk('oracle', 0))).toBe(5);
    const late = mk('oracle', 3);
    expect(step(late)).toBe(8);
    expect(late.series.oracle[7]).toBe(E);
    expect(late.series.oracle[8]).toBe(late.series.spot[5]);
    // it executes at the mark of its step (= the shocked price), with the same arithmetic
    const P = E * Math.exp(Math.log(0.94));
    const x = expectedLiquidation(P, 1, 1000, 10, 1e6, 10000);
    expectRel(late.events.execPrice[0], x.X, 'exec price at the mark');
    expect(late.summary.liquidations).toBe(1);
  });
});

describe('large orders against the depth', () => {
  // Linear impact mark <- mark * (1 - s*impact*n/D) would go <= 0 for a sell of notional n >= D/impact. The venue
  // rejects opens larger than its depth and floors every price factor, so one 2x short of 600 USD against D = 100
  // (which used to set the mark to 2000*(1 - 0.2*6) = -400) is refused and prices and the ledger stay finite.
  it('the mark stays positive and the ledger finite when an order is large against the depth', () => {
    const s = scenario({
      steps: 4,
      market: { initialPrice: E, process: { kind: 'constant' } },
      agents: [{ kind: 'leveraged-traders', name: 'traders', count: 1, collateral: 100, leverage: 2, arrivals: { perStep: 1, collateral: 300, leverage: 2, longShare: 0 } }],
    });
    const r = runScenario(s, { policy: 'none', seed: 1, baseDir: '.' });
    expect(r.error).toBeUndefined();
    expect(r.summary.opens).toBe(0);
    expect(r.summary.rejected_opens).toBeGreaterThan(0); // every Poisson arrival is refused
    for (let t = 0; t < 4; t++) expect(r.series.mark[t]).toBe(E);
    expect(r.summary.bad_debt).toBe(0);
    expect(r.summary.liquidations).toBe(0);
  });
});
