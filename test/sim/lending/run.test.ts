// The lending pool inside runs: the lending identities and the index every step, determinism, policies, and runs
// without `lending:` unchanged.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { runScenario, type RunResult, type World } from '../../../sim/run.js';
import type { Scenario } from '../../../sim/scenario.js';
import type { LendingPool } from '../../../sim/lending/pool.js';
import { EVENT_LENDING_ABSORB, EVENT_LENDING_BUY, EVENT_LENDING_LIQUIDATION, isLendingEvent } from '../../../sim/lending/events.js';
import { scenario } from '../helpers.js';

interface Check {
  steps: number;
  worst: number;
  failures: string[];
  maxFound: number;
}

/** Every step: the lending identities (docs/lending.md) to 1e-9 of their scale, and index == naive scan. */
function checker(): { check: Check; onStep: (w: World) => void } {
  const check: Check = { steps: 0, worst: 0, failures: [], maxFound: 0 };
  const fail = (w: World, what: string, a: number, b: number, scale: number): void => {
    const rel = Math.abs(a - b) / Math.max(scale, 1);
    if (rel > check.worst) check.worst = rel;
    if (!(rel <= 1e-9) && check.failures.length < 8) check.failures.push(`step ${w.step}: ${what}: ${a} != ${b} (rel ${rel})`);
  };
  const onStep = (w: World): void => {
    const pool = w.lending!;
    const l = pool.ledger;
    const a = pool.loans;
    const P = w.oracle;
    let coll = 0;
    let scaled = 0;
    let open = 0;
    const naive: number[] = [];
    for (let i = 0; i < a.count; i++) {
      if (a.open[i] !== 1) {
        if (a.collateral[i] !== 0 || a.scaledDebt[i] !== 0) check.failures.push(`step ${w.step}: closed position ${i} holds something`);
        continue;
      }
      open++;
      coll += a.collateral[i];
      scaled += a.scaledDebt[i];
      if (pool.healthFactorOf(i, P) < 1) naive.push(i);
    }
    const debt = scaled * pool.borrowIndex;
    const units = l.collateralDeposited;
    const usd = l.lenderDeposits + l.borrowed + l.interest + 1;
    // collateral (units)
    fail(w, 'collateral units', units, coll + l.collateralWithdrawn + l.collateralToLiquidators + l.treasuryCollateral + l.protocolCollateral + l.collateralBought, units);
    fail(w, 'seized = to liquidators + treasury', l.collateralSeized, l.collateralToLiquidators + l.treasuryCollateral, units);
    fail(w, 'absorbed = held + bought', l.collateralAbsorbed, l.protocolCollateral + l.collateralBought, units);
    fail(w, 'aggregate collateral', pool.totalCollateral, coll, units);
    // debt (USD)
    fail(w, 'aggregate debt', pool.totalDebt, debt, usd);
    fail(w, 'debt flows', debt, l.borrowed + l.interest - l.repaid - l.liquidatorRepaid - l.debtWrittenOff - l.debtAbsorbed, usd);
    // pool balance sheet
    fail(w, 'cash flows', l.cash, l.lenderDeposits + l.reservesInitial - l.borrowed + l.repaid + l.liquidatorRepaid + l.buyProceeds, usd);
    fail(w, 'cash + debt = lenders + reserves', l.cash + debt, l.lenderClaims + l.reserves, usd);
    fail(w, 'lenders', l.lenderClaims, l.lenderDeposits + l.interestToLenders + l.absorbSurplus, usd);
    fail(w, 'reserves', l.reserves, l.reservesInitial + l.interestToReserves + l.buyProceeds - l.debtWrittenOff - l.debtAbsorbed - l.absorbSurplus, usd);
    fail(w, 'interest split', l.interest, l.interestToLenders + l.interestToReserves, usd);
    // liquidators
    let pnl = 0;
    for (let k = 0; k < l.pnlBy.length; k++) pnl += l.pnlBy[k];
    fail(w, 'liquidator P&L = proceeds - repaid - paid', pnl, l.liquidatorProceeds - l.liquidatorRepaid - l.liquidatorPaid, usd);
    fail(w, 'liquidator P&L = bonus + gap - slippage', pnl, l.liquidatorBonus + l.liquidatorOracleGap - l.liquidatorSlippage, usd);
    if (w.scenario.lending!.mode === 'aave') fail(w, 'bad debt = written off', l.badDebt, l.debtWrittenOff, usd);
    if (pool.openCount !== open) check.failures.push(`step ${w.step}: openCount ${pool.openCount} != ${open}`);
    // the index finds exactly the naive scan's positions with HF < 1 (after this step's pass and interest)
    const found: number[] = [];
    for (let i = pool.nextCandidate(0, P, 1); i >= 0; i = pool.nextCandidate(i + 1, P, 1)) if (pool.isLiquidatable(i, P, 1)) found.push(i);
    if (found.join() !== naive.join() && check.failures.length < 8) check.failures.push(`step ${w.step}: index ${found.length} positions, scan ${naive.length}`);
    if (found.length > check.maxFound) check.maxFound = found.length;
    // the series row agrees
    if (w.series.lending.pending[w.step] > 0 && found.length === 0 && w.halted !== 2 && check.failures.length < 8) {
      // pending positions counted by the pass must still be there (nothing else liquidates them)
      check.failures.push(`step ${w.step}: pass left ${w.series.lending.pending[w.step]} pending, none found`);
    }
    check.steps++;
  };
  return { check, onStep };
}

/** A small lending crash: borrowers near their limits, a throttled liquidator, sales moving the spot. */
function lendingScenario(opts: { seed?: number; mode?: 'aave' | 'absorb'; drop?: number; steps?: number; count?: number; capital?: number; liquidator?: boolean; defenses?: unknown[]; traders?: number } = {}): Scenario {
  const steps = opts.steps ?? 240;
  const agents: unknown[] = [
    { kind: 'borrowers', count: opts.count ?? 300, collateral: { uniform: [0.5, 40] }, healthFactor: { uniform: [1.03, 1.6] }, manage: { perStep: 3, repayBelow: 1.05, reborrowAbove: 1.5, target: 1.25 } },
  ];
  if (opts.liquidator !== false) agents.push({ kind: 'lending-liquidator', name: 'bot', capital: opts.capital ?? 300_000, maxPerStep: 6, minProfit: 5 });
  if (opts.traders) agents.push({ kind: 'leveraged-traders', count: opts.traders });
  return scenario({
    seed: opts.seed ?? 11,
    steps,
    market: { initialPrice: 2000, process: { kind: 'gbm', sigma: 1.11 }, shocks: [{ kind: 'crash', at: '30%', drop: opts.drop ?? 0.3, steps: 30, hold: 20, recover: 0.1 }] },
    oracle: { kind: 'spot', latencySteps: 1 },
    lending:
      opts.mode === 'absorb'
        ? { mode: 'absorb', reserves: 100_000, collateral: { ltv: 0.825, liquidationThreshold: 0.895, liquidationBonus: 0, protocolFee: 0 }, debt: { supply: 20_000_000, reserveFactor: 0.15 }, absorb: { targetReserves: 5_000_000 }, liquidity: { depth: 5_000_000 } }
        : { debt: { supply: 20_000_000 }, liquidity: { depth: 5_000_000 } },
    agents,
    defenses: opts.defenses ?? [],
  });
}

function run(s: Scenario, policy = 'none', seed = s.seed): { r: RunResult; check: Check } {
  const { check, onStep } = checker();
  const r = runScenario(s, { policy, seed, baseDir: '.', onStep });
  return { r, check };
}

function expectConserved(r: RunResult, check: Check, steps: number): void {
  expect(r.error).toBeUndefined();
  expect(check.steps).toBe(steps);
  expect(check.failures).toEqual([]);
  expect(check.worst).toBeLessThanOrEqual(1e-9);
}

describe('lending identities and the index, every step', () => {
  it('Aave mode: crash, throttled liquidator, partial and full liquidations, bad debt, interest, spot impact', () => {
    const s = lendingScenario();
    const { r, check } = run(s);
    expectConserved(r, check, 240);
    const m = r.summary;
    expect(m.lending_liquidations).toBeGreaterThan(50);
    expect(m.lending_bad_debt).toBeGreaterThan(0);
    expect(m.lending_interest).toBeGreaterThan(0);
    expect(m.lending_protocol_fees).toBeGreaterThan(0);
    expect(m.lending_liquidator_pnl).toBeGreaterThan(0);
    expect(m.lending_min_hf).toBeLessThan(1);
    expect(check.maxFound).toBeGreaterThan(0); // positions waited for the liquidator
    // the throughput limit holds every step, and the series sum to the summary
    let sum = 0;
    for (let t = 0; t < 240; t++) {
      expect(r.series.lending.liquidations[t]).toBeLessThanOrEqual(6);
      sum += r.series.lending.liquidations[t];
    }
    expect(sum).toBe(m.lending_liquidations);
    expect(r.series.lending.badDebt[239]).toBe(m.lending_bad_debt);
    expect(r.series.lending.reserves[239]).toBe(m.lending_reserves);
    // the sales moved the spot: against the same run with no impact (same draws), the spot is identical until the
    // first liquidation and lower after it
    const flat = structuredClone(s);
    flat.lending!.liquidity.impact = 0;
    const f = runScenario(flat, { policy: 'none', seed: s.seed, baseDir: '.' });
    const first = r.series.lending.liquidations.findIndex((x) => x > 0);
    expect(first).toBeGreaterThan(0);
    for (let t = 0; t < first; t++) expect(r.series.spot[t]).toBe(f.series.spot[t]);
    expect(r.series.spot[first]).toBeLessThan(f.series.spot[first]);
    expect(r.series.spot[239]).toBeLessThan(f.series.spot[239] * 0.99);
  });

  it('absorb mode (Compound v3): absorbs, buyCollateral, reserves below zero, conserved', () => {
    const { r, check } = run(lendingScenario({ mode: 'absorb', drop: 0.35 }));
    expectConserved(r, check, 240);
    const m = r.summary;
    expect(m.lending_liquidations).toBeGreaterThan(10);
    expect(m.lending_collateral_seized).toBeGreaterThan(0);
    expect(m.lending_reserves_min).toBeLessThan(0);
    expect(m.lending_liquidator_pnl).toBeGreaterThan(0);
  });

  it('no liquidator agent: the implicit liquidator takes every profitable liquidation', () => {
    const { r, check } = run(lendingScenario({ liquidator: false }));
    expectConserved(r, check, 240);
    expect(r.summary.lending_liquidations).toBeGreaterThan(0);
  });

  it('property: random small lending scenarios conserve value and agree with the naive scan every step', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1_000_000 }),
        fc.double({ min: 0.05, max: 0.5, noNaN: true }),
        fc.constantFrom<'aave' | 'absorb'>('aave', 'absorb'),
        fc.double({ min: 20_000, max: 2_000_000, noNaN: true }),
        (seed, drop, mode, capital) => {
          const s = lendingScenario({ seed, drop, mode, capital, steps: 100, count: 120 });
          const { r, check } = run(s);
          expectConserved(r, check, 100);
        },
      ),
      { numRuns: 15 },
    );
  });
});

describe('determinism and policies', () => {
  it('same scenario, policy and seed: identical summaries and series', () => {
    const s = lendingScenario({ defenses: [{ kind: 'lending-sentinel', drop: 0.05, window: 5 }] });
    const a = runScenario(s, { policy: 'all', seed: 5, baseDir: '.' });
    const b = runScenario(structuredClone(s), { policy: 'all', seed: 5, baseDir: '.' });
    expect(b.summary).toEqual(a.summary);
    expect(Array.from(b.series.lending.minHf)).toEqual(Array.from(a.series.lending.minHf));
    expect(Array.from(b.series.spot)).toEqual(Array.from(a.series.spot));
  });

  it('a lending policy changes lending outcomes but not the draws: the path before the first intervention is identical', () => {
    const s = lendingScenario({ defenses: [{ kind: 'lending-close-factor', name: 'full', partial: 1 }] });
    const a = runScenario(s, { policy: 'none', seed: 5, baseDir: '.' });
    const b = runScenario(s, { policy: 'full', seed: 5, baseDir: '.' });
    expect(b.summary.lending_liquidations).not.toBe(a.summary.lending_liquidations);
    const first = a.series.lending.liquidations.findIndex((x) => x > 0);
    expect(first).toBeGreaterThan(0);
    for (let t = 0; t < first; t++) expect(b.series.spot[t]).toBe(a.series.spot[t]);
  });

  it('the sentinel blocks borrows and liquidations above HF 0.95 during its grace period, and logs it', () => {
    const s = lendingScenario({ defenses: [{ kind: 'lending-sentinel', drop: 0.05, window: 5, graceSteps: 30 }] });
    const { r, check } = run(s, 'all');
    expectConserved(r, check, 240);
    const ev = r.interventions.filter((e) => e.action === 'lending-grace');
    expect(ev.length).toBeGreaterThan(0);
    expect(r.summary.lending_blocked_borrows).toBeGreaterThan(0);
  });

  it('a full trading halt stops lending liquidations (the backlog shows as pending)', () => {
    const s = lendingScenario({ defenses: [{ kind: 'vol-breaker', window: 5, sigmas: 3, volatility: 1.11, haltSteps: 400, mode: 'all' }] });
    const r = runScenario(s, { policy: 'all', seed: 11, baseDir: '.' });
    const halted = r.series.halted.findIndex((h) => h === 2);
    expect(halted).toBeGreaterThan(0);
    for (let t = halted; t < 240; t++) expect(r.series.lending.liquidations[t]).toBe(0);
    expect(Math.max(...r.series.lending.pending.subarray(halted))).toBeGreaterThan(0);
  });
});

describe('the event log', () => {
  /** Sums of the lending rows of a run's event log, by kind. */
  function lendingRows(r: RunResult) {
    const ev = r.events;
    const by = new Map<number, { n: number; size: number; notional: number; slippage: number; fee: number; bounty: number; badDebt: number }>();
    for (let k = 0; k < ev.liqCount; k++) {
      if (!isLendingEvent(ev.kind[k])) continue;
      let a = by.get(ev.kind[k]);
      if (a === undefined) by.set(ev.kind[k], (a = { n: 0, size: 0, notional: 0, slippage: 0, fee: 0, bounty: 0, badDebt: 0 }));
      a.n++;
      a.size += ev.size[k];
      a.notional += ev.notional[k];
      a.slippage += ev.slippage[k];
      a.fee += ev.fee[k];
      a.bounty += ev.bounty[k];
      a.badDebt += ev.badDebt[k];
    }
    return by;
  }
  const near = (a: number, b: number): void => expect(Math.abs(a - b)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(b)));

  function runWithPool(s: Scenario): { r: RunResult; pool: LendingPool } {
    const got: { pool?: LendingPool } = {};
    const r = runScenario(s, {
      policy: 'none',
      seed: s.seed,
      baseDir: '.',
      onStep: (w) => {
        got.pool = w.lending!;
      },
    });
    return { r, pool: got.pool! };
  }

  it('Aave mode: one row per liquidation; the rows sum to the ledger (debt, collateral, fees, bonus, slippage, bad debt)', () => {
    const { r, pool } = runWithPool(lendingScenario());
    const l = pool.ledger;
    const rows = lendingRows(r);
    expect([...rows.keys()]).toEqual([EVENT_LENDING_LIQUIDATION]);
    const a = rows.get(EVENT_LENDING_LIQUIDATION)!;
    expect(a.n).toBe(r.summary.lending_liquidations);
    near(a.notional, r.summary.lending_liquidated_debt);
    near(a.size, r.summary.lending_collateral_seized);
    near(a.fee, r.summary.lending_protocol_fees);
    near(a.badDebt, r.summary.lending_bad_debt);
    near(a.bounty, l.liquidatorBonus);
    near(a.slippage, l.liquidatorSlippage);
    expect(a.badDebt).toBeGreaterThan(0);
    // the liquidator's P&L: bonus at the oracle + (spot - oracle) gap - slippage
    near(r.summary.lending_liquidator_pnl, a.bounty + l.liquidatorOracleGap - a.slippage);
  });

  it('absorb mode: one row per absorb, one per collateral purchase; they sum to the ledger', () => {
    const { r, pool } = runWithPool(lendingScenario({ mode: 'absorb', drop: 0.35 }));
    const l = pool.ledger;
    const rows = lendingRows(r);
    const ab = rows.get(EVENT_LENDING_ABSORB)!;
    const buy = rows.get(EVENT_LENDING_BUY)!;
    expect(rows.has(EVENT_LENDING_LIQUIDATION)).toBe(false);
    expect(ab.n).toBe(r.summary.lending_liquidations);
    expect(buy.n).toBe(l.buys);
    expect(buy.n).toBeGreaterThan(0);
    near(ab.notional, r.summary.lending_liquidated_debt);
    near(ab.size, r.summary.lending_collateral_seized);
    near(ab.badDebt, r.summary.lending_bad_debt);
    expect(ab.fee + ab.bounty + ab.slippage + buy.fee + buy.badDebt).toBe(0);
    near(buy.size, l.collateralBought);
    near(buy.notional, l.buyProceeds);
    near(buy.bounty, l.liquidatorBonus);
    near(buy.slippage, l.liquidatorSlippage);
  });

  it('with a perp venue: in every step the lending rows come after the perp rows, in the pass order; same run, same rows', () => {
    const s = lendingScenario({ traders: 200, drop: 0.4 });
    const r = runScenario(s, { policy: 'none', seed: s.seed, baseDir: '.' });
    const ev = r.events;
    let perp = 0;
    let lending = 0;
    for (let k = 0; k < ev.liqCount; k++) {
      if (isLendingEvent(ev.kind[k])) lending++;
      else perp++;
      if (k > 0) expect(ev.step[k]).toBeGreaterThanOrEqual(ev.step[k - 1]);
      if (k > 0 && ev.step[k] === ev.step[k - 1] && isLendingEvent(ev.kind[k - 1])) expect(isLendingEvent(ev.kind[k])).toBe(true);
    }
    expect(perp).toBe(r.summary.liquidations);
    expect(lending).toBe(r.summary.lending_liquidations);
    expect(perp).toBeGreaterThan(0);
    expect(lending).toBeGreaterThan(0);
    const b = runScenario(structuredClone(s), { policy: 'none', seed: s.seed, baseDir: '.' });
    expect(b.events.liqCount).toBe(ev.liqCount);
    for (const c of ['step', 'account', 'liquidator', 'kind', 'size', 'notional', 'badDebt'] as const) expect(Array.from(b.events[c].subarray(0, ev.liqCount))).toEqual(Array.from(ev[c].subarray(0, ev.liqCount)));
  });
});

describe('runs without lending', () => {
  it('lending columns are NaN / 0 and the scenario keeps no lending state', () => {
    const s = scenario({ steps: 50, agents: [{ kind: 'leveraged-traders', count: 50 }] });
    const r = runScenario(s, { policy: 'none', seed: 1, baseDir: '.' });
    expect(r.summary.lending_liquidations).toBe(0);
    expect(r.summary.lending_bad_debt).toBe(0);
    expect(r.summary.lending_min_hf).toBeNaN();
    expect(r.series.lending.minHf.every((x) => Number.isNaN(x))).toBe(true);
    expect(r.series.lending.debt.every((x) => x === 0)).toBe(true);
    expect(JSON.parse(r.summary.parameters)).not.toHaveProperty('lending');
  });

  it('lending agents without a lending section are bad input', () => {
    expect(() => scenario({ steps: 5, agents: [{ kind: 'borrowers' }] })).toThrow(/lending/);
  });
});
