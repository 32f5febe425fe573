// Value conservation and incremental aggregates, checked at every step through the onStep hook.
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import path from 'node:path';
import { runScenario, type World, type RunResult } from '../../sim/run.js';
import { loadScenario, type Scenario } from '../../sim/scenario.js';
import { cascade, scenario } from './helpers.js';
import { policyKind } from '../../sim/policies/registry.js';

interface Check {
  steps: number;
  worstValue: number;
  worstAgg: number;
  failures: string[];
  fundingIndexNonZero: boolean;
  maxPending: number;
  maxLossIndex: number;
}

/** onStep checker: value conservation and aggregates == scan, every step. Collects failures (expect is slow). */
function checker(): { check: Check; onStep: (w: World) => void } {
  const check: Check = { steps: 0, worstValue: 0, worstAgg: 0, failures: [], fundingIndexNonZero: false, maxPending: 0, maxLossIndex: 0 };
  const onStep = (w: World): void => {
    const v = w.venue;
    const a = v.accounts;
    const l = v.ledger;
    const p = v.mark;
    let equity = 0;
    let open = 0;
    let absSize = 0;
    let netSize = 0;
    let collateral = 0;
    let absCollateral = 0;
    let sizeEntry = 0;
    let scale = 0;
    for (let i = 0; i < a.count; i++) {
      if (a.open[i] !== 1) continue;
      const e = v.equity(i, p);
      equity += e;
      open++;
      absSize += Math.abs(a.size[i]);
      netSize += a.size[i];
      collateral += a.collateral[i];
      absCollateral += Math.abs(a.collateral[i]);
      sizeEntry += a.size[i] * a.entry[i];
      scale += Math.abs(e) + a.collateral[i] + Math.abs(a.size[i]) * (p + a.entry[i]);
    }
    const total = equity + l.returnedToTraders + l.insuranceFund + l.tradingFees + l.liquidatorIncome + v.counterpartyPnl(p) - l.uncoveredBadDebt;
    const relValue = Math.abs(total - l.deposits) / l.deposits;
    if (relValue > check.worstValue) check.worstValue = relValue;
    if (!(relValue <= 1e-9) && check.failures.length < 5) check.failures.push(`step ${w.step}: total ${total} != deposits ${l.deposits} (rel ${relValue})`);
    // aggregates vs scan
    const g = v.agg;
    if (g.openCount !== open && check.failures.length < 5) check.failures.push(`step ${w.step}: openCount ${g.openCount} != ${open}`);
    const sizeScale = Math.max(absSize, 1e-12);
    const relAgg = Math.max(
      Math.abs(g.absSize - absSize) / sizeScale,
      Math.abs(g.netSize - netSize) / sizeScale,
      // the backstop vault's collateral can be negative (it took over underwater accounts): scale by sum |c|
      Math.abs(g.collateral - collateral) / Math.max(absCollateral, 1),
      Math.abs(g.sizeEntry - sizeEntry) / Math.max(sizeScale * p, 1),
      // equity from the aggregates equals the scan
      Math.abs(v.openEquity(p) - equity) / Math.max(scale, 1),
    );
    if (open === 0 && (g.absSize !== 0 || g.netSize !== 0 || g.collateral !== 0) && check.failures.length < 5) check.failures.push(`step ${w.step}: empty book has non-zero aggregates`);
    if (relAgg > check.worstAgg) check.worstAgg = relAgg;
    if (!(relAgg <= 1e-9) && check.failures.length < 5) check.failures.push(`step ${w.step}: aggregates differ from scan (rel ${relAgg})`);
    // the series agree with the venue
    if (w.series.openAccounts[w.step] !== open && check.failures.length < 5) check.failures.push(`step ${w.step}: series.openAccounts ${w.series.openAccounts[w.step]} != ${open}`);
    if (v.fundingIndex !== 0) check.fundingIndexNonZero = true;
    if (w.series.pendingLiquidations[w.step] > check.maxPending) check.maxPending = w.series.pendingLiquidations[w.step];
    if (v.lossIndex > check.maxLossIndex) check.maxLossIndex = v.lossIndex;
    check.steps++;
  };
  return { check, onStep };
}

function run(s: Scenario, policy: string, seed: number, baseDir = '.'): { r: RunResult; check: Check } {
  const { check, onStep } = checker();
  const r = runScenario(s, { policy, seed, baseDir, onStep });
  return { r, check };
}

function expectConserved(r: RunResult, check: Check, steps: number): void {
  expect(r.error).toBeUndefined();
  expect(check.steps).toBe(steps);
  expect(check.failures).toEqual([]);
  expect(check.worstValue).toBeLessThanOrEqual(1e-9);
  expect(check.worstAgg).toBeLessThanOrEqual(1e-9);
}

/** Everything on: arrivals, a throttled liquidator with a bounty, funding, reversion, socialization, a breaker. */
function richScenario(seed = 3, opts: { levHi?: number; crash?: number; steps?: number; count?: number } = {}): Scenario {
  const steps = opts.steps ?? 400;
  return scenario({
    seed,
    steps,
    market: {
      initialPrice: 2000,
      process: { kind: 'gbm', sigma: 0.8 },
      shocks: [
        { kind: 'ramp', at: '50%', steps: 10, factor: opts.crash ?? 0.6 },
        { kind: 'ramp', at: '65%', steps: 40, factor: 1.3 },
      ],
    },
    venue: {
      initialMargin: 0.05,
      maintenanceMargin: 0.03,
      liquidity: { reversion: 0.05 },
      insuranceFund: 20000,
      socializeLosses: true,
      funding: { intervalSteps: 10 },
      tradingFee: 0.0005,
    },
    agents: [
      { kind: 'leveraged-traders', name: 'traders', count: opts.count ?? 300, leverage: { uniform: [2, opts.levHi ?? 19] }, arrivals: { perStep: 2, leverage: { uniform: [2, 18] } } },
      { kind: 'liquidator', name: 'bot', maxPerStep: 5, bounty: 0.01 },
    ],
    defenses: [{ kind: 'vol-breaker', window: 5, haltSteps: 20 }],
  });
}

describe('value conservation, every step', () => {
  it('cascade scenario (sigma 0.8, N=1000, crash included)', () => {
    const { scenario: s, baseDir } = cascade();
    s.steps = 400; // the crash is at 50% = step 200
    const { r, check } = run(s, 'none', 1, baseDir);
    expectConserved(r, check, 400);
    const m = r.summary;
    expect(m.liquidations).toBeGreaterThan(100);
    expect(m.bad_debt).toBeGreaterThan(0);
    expect(m.uncovered_bad_debt).toBeGreaterThan(0);
    expect(m.liquidation_fees).toBeGreaterThan(0);
    expect(m.returned_to_traders).toBeGreaterThan(0);
    // the crash window itself liquidates accounts
    let inCrash = 0;
    for (let t = 200; t < 210; t++) inCrash += r.series.liquidations[t];
    expect(inCrash).toBeGreaterThan(0);
  });

  it('in-code scenario: arrivals, throttled liquidator + bounty, funding, reversion, socialization, vol-breaker', () => {
    const s = richScenario();
    const { r, check } = run(s, 'all', 3);
    expectConserved(r, check, 400);
    const m = r.summary;
    // every mechanism actually ran
    expect(m.opens).toBeGreaterThan(0);
    expect(m.trading_fees).toBeGreaterThan(0);
    expect(m.liquidations).toBeGreaterThan(0);
    expect(m.bad_debt).toBeGreaterThan(m.uncovered_bad_debt); // part of it covered by the fund
    expect(m.uncovered_bad_debt).toBeGreaterThan(0);
    expect(m.socialized_loss).toBeGreaterThan(0);
    expect(m.socialized_loss).toBeCloseTo(m.uncovered_bad_debt, 6); // every uncovered dollar was socialized
    expect(check.maxLossIndex).toBeGreaterThan(0);
    expect(check.fundingIndexNonZero).toBe(true);
    expect(r.series.fundingRate.some((x) => x !== 0)).toBe(true);
    expect(m.liquidator_income).toBeGreaterThan(0);
    expect(check.maxPending).toBeGreaterThan(0);
    expect(m.interventions).toBeGreaterThan(0);
    expect(m.blocked_opens).toBeGreaterThan(0);
    expect(m.steps_halted).toBeGreaterThan(0);
    // the liquidator's throughput is respected every step
    for (let t = 0; t < 400; t++) expect(r.series.liquidations[t]).toBeLessThanOrEqual(5);
    // every liquidation was done by the bot (agent index 1)
    for (let k = 0; k < r.events.liqCount; k++) expect(r.events.liquidator[k]).toBe(1);
  });

  it('the invariant is sensitive: leaving out any one non-zero term breaks it far beyond the tolerance', () => {
    const s = richScenario();
    let terms: Record<string, number> = {};
    const r = runScenario(s, {
      policy: 'all',
      seed: 3,
      baseDir: '.',
      onStep: (w) => {
        if (w.step !== w.steps - 1) return;
        const v = w.venue;
        const l = v.ledger;
        let eq = 0;
        for (let i = 0; i < v.accounts.count; i++) if (v.accounts.open[i] === 1) eq += v.equity(i, v.mark);
        terms = {
          equity: eq,
          returned: l.returnedToTraders,
          fund: l.insuranceFund,
          tradingFees: l.tradingFees,
          liquidator: l.liquidatorIncome,
          counterparty: v.counterpartyPnl(v.mark),
          uncovered: -l.uncoveredBadDebt,
        };
      },
    });
    const deposits = r.summary.deposits;
    const total = Object.values(terms).reduce((a, b) => a + b, 0);
    expect(Math.abs(total - deposits) / deposits).toBeLessThan(1e-9);
    for (const [k, v] of Object.entries(terms)) {
      expect(Math.abs(v), k).toBeGreaterThan(1e-6 * deposits);
      expect(Math.abs(total - v - deposits) / deposits, k).toBeGreaterThan(1e-6);
    }
  });

  it('oracle margin price with latency, no socialization, venue liquidates (no bot)', () => {
    const s = richScenario(5);
    s.venue.marginPrice = 'oracle';
    s.venue.socializeLosses = false;
    (s.oracle as any).latencySteps = 3;
    s.agents = s.agents.filter((a) => a.kind !== 'liquidator');
    const { r, check } = run(s, 'none', 5);
    expectConserved(r, check, 400);
    expect(r.summary.liquidations).toBeGreaterThan(0);
    expect(r.summary.uncovered_bad_debt).toBeGreaterThan(0);
    expect(r.summary.socialized_loss).toBe(0);
    expect(r.summary.liquidator_income).toBe(0);
  });

  it('property: random small scenarios (seed, leverage range, crash size) conserve value every step', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1_000_000 }),
        fc.double({ min: 3, max: 30, noNaN: true }),
        fc.double({ min: 0.4, max: 0.97, noNaN: true }),
        fc.boolean(),
        (seed, levHi, crash, socialize) => {
          const s = richScenario(seed, { levHi, crash, steps: 120, count: 120 });
          s.venue.socializeLosses = socialize;
          const { r, check } = run(s, 'all', seed);
          expect(r.error).toBeUndefined();
          expect(check.steps).toBe(120);
          expect(check.failures).toEqual([]);
          expect(check.worstValue).toBeLessThanOrEqual(1e-9);
          expect(check.worstAgg).toBeLessThanOrEqual(1e-9);
          if (!socialize) expect(r.summary.socialized_loss).toBe(0);
        },
      ),
      { numRuns: 20 },
    );
  });
});

describe('value conservation with the liquidation, backstop and exposure policies, every step', () => {
  /** The rich scenario with a keeper that wants $20 a liquidation, its defenses replaced by `defs` (defaults filled in). */
  function withDefenses(defs: Record<string, unknown>[], seed = 3, opts: Parameters<typeof richScenario>[1] = {}): Scenario {
    const s = richScenario(seed, opts);
    (s.agents[1] as any).minReward = 20;
    s.defenses = defs.map((d) => policyKind(d.kind as string)!.params.parse(d)) as Scenario['defenses'];
    return s;
  }
  const LIBRARY: Record<string, unknown>[] = [
    { kind: 'partial-liquidation', minNotional: 20_000 },
    { kind: 'dynamic-bounty', baseRate: 0.002, perSecond: 2e-5, graceSeconds: 120, fromFund: true },
    { kind: 'dutch-auction', buf: 1.05 },
    { kind: 'liquidation-cap', maxUnits: 40 },
    { kind: 'backstop-vault', unwindFraction: 0.05 },
    { kind: 'adl' },
    { kind: 'oi-cap', maxOpenInterest: { openInterest: 1.05 } },
    { kind: 'expansion-limit' },
    { kind: 'collateral-haircut', haircut: 0.1 },
    { kind: 'treasury-hedge', everySteps: 20 },
    { kind: 'predictive-deleverage', threshold: 0.02, horizonSeconds: 14_400 },
  ];
  // the venue paths each one exercises (seed 3, 400 steps)
  const exercised: Record<string, (m: RunResult['summary']) => void> = {
    'partial-liquidation': (m) => expect(m.partial_liquidations).toBeGreaterThan(0),
    'dynamic-bounty': (m) => expect(m.bounties_from_fund).toBeGreaterThan(0),
    'dutch-auction': (m) => expect(m.bounties_from_fund).toBeGreaterThan(0),
    'liquidation-cap': (m) => expect(m.liquidations).toBeGreaterThan(0),
    'backstop-vault': (m) => expect(m.backstop_takeovers).toBeGreaterThan(0),
    adl: (m) => expect(m.adl_events).toBeGreaterThan(0),
    'oi-cap': (m) => expect(m.blocked_opens).toBeGreaterThan(0),
    'expansion-limit': (m) => expect(m.blocked_opens).toBeGreaterThan(0),
    'collateral-haircut': (m) => expect(m.interventions).toBeGreaterThan(0),
    'treasury-hedge': (m) => expect(m.hedge_pnl).not.toBe(0),
    'predictive-deleverage': (m) => expect(m.deleverages).toBeGreaterThan(0),
  };

  for (const d of LIBRARY) {
    it(`${d.kind as string}`, () => {
      const s = withDefenses([d]);
      // a keeper that wants a reward never takes an underwater account without a fund-paid bounty: ADL needs one that does
      if (d.kind === 'adl') (s.agents[1] as any).minReward = 0;
      const { r, check } = run(s, d.kind as string, 3);
      expectConserved(r, check, 400);
      expect(r.summary.interventions).toBeGreaterThan(0);
      exercised[d.kind as string](r.summary);
    });
  }

  it('all of them in one stack (partial slices, ready hook, takeovers and unwinds, ADL, deleverages, hedge)', () => {
    const s = withDefenses(LIBRARY.filter((d) => d.kind !== 'backstop-vault'));
    const { r, check } = run(s, 'all', 3);
    expectConserved(r, check, 400);
    const m = r.summary;
    expect(m.partial_liquidations).toBeGreaterThan(0);
    expect(m.deleverages).toBeGreaterThan(0);
    const withVault = withDefenses([...LIBRARY.filter((d) => d.kind !== 'adl')]);
    const v = run(withVault, 'all', 3);
    expectConserved(v.r, v.check, 400);
    expect(v.r.summary.backstop_takeovers).toBeGreaterThan(0);
  });

  it('property: random seeds, leverage and crashes with the whole library on', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1_000_000 }), fc.double({ min: 3, max: 30, noNaN: true }), fc.double({ min: 0.4, max: 0.97, noNaN: true }), fc.boolean(), (seed, levHi, crash, vault) => {
        const s = withDefenses(LIBRARY.filter((d) => d.kind !== (vault ? 'adl' : 'backstop-vault')), seed, { levHi, crash, steps: 120, count: 120 });
        const { r, check } = run(s, 'all', seed);
        expect(r.error).toBeUndefined();
        expect(check.failures).toEqual([]);
        expect(check.worstValue).toBeLessThanOrEqual(1e-9);
        expect(check.worstAgg).toBeLessThanOrEqual(1e-9);
      }),
      { numRuns: 15 },
    );
  });
});

describe('value conservation with the market agents and adversaries (scenarios/incidents)', () => {
  // Swaps are outside the venue: the pool's reserves move by exactly what the agents' wallets traded (plus the pool's
  // built-in arbitrage), flash loans are repaid within the turn, and the venue's per-owner flows add up to its ledger.
  const incidents = ['black-thursday-2020', 'compound-dai-oracle-2020', 'bzx-flash-loan-2020', 'mango-2022', 'luna-2022', 'aug-2024', 'oct-2025-adl'];
  for (const name of incidents) {
    it(`${name}: every compared policy, every step`, () => {
      const ls = loadScenario(path.join('scenarios/incidents', `${name}.yaml`));
      for (const policy of ls.scenario.compare) {
        const { check, onStep } = checker();
        const flows: string[] = [];
        let poolQuote = NaN;
        let poolBase = NaN;
        const r = runScenario(ls.scenario, {
          policy,
          seed: ls.scenario.seed,
          baseDir: ls.baseDir,
          onStep: (w) => {
            onStep(w);
            const l = w.venue.ledger;
            const wl = w.wallets;
            let dep = 0;
            let paid = 0;
            for (let k = 0; k < l.depositedBy.length; k++) {
              dep += l.depositedBy[k];
              paid += l.paidTo[k];
            }
            if (Math.abs(dep - (l.deposits - l.insuranceFundInitial)) > 1e-9 * l.deposits) flows.push(`step ${w.step}: deposits by owner ${dep} != ${l.deposits - l.insuranceFundInitial}`);
            if (Math.abs(paid - (l.returnedToTraders + l.liquidatorIncome)) > 1e-9 * l.deposits) flows.push(`step ${w.step}: paid to owners ${paid} != ${l.returnedToTraders + l.liquidatorIncome}`);
            let swapUsd = 0;
            let base = 0;
            for (let i = 0; i < wl.usd.length; i++) {
              swapUsd += wl.swapUsd[i];
              base += wl.base[i] - wl.base0[i];
              if (wl.loan[i] !== 0) flows.push(`step ${w.step}: agent ${i} ends the step owing a flash loan`);
            }
            const p = w.pool;
            if (p === null) return;
            const q = p.reserveQuote + swapUsd - p.arbQuote;
            const b = p.reserveBase + base - p.arbBase;
            if (poolQuote !== poolQuote) {
              poolQuote = q;
              poolBase = b;
            }
            if (Math.abs(q - poolQuote) > 1e-9 * poolQuote || Math.abs(b - poolBase) > 1e-9 * poolBase) flows.push(`step ${w.step}: the pool's reserves moved by more than the swaps`);
          },
        });
        expectConserved(r, check, ls.scenario.steps);
        expect(flows.slice(0, 5), `${name} / ${policy}`).toEqual([]);
      }
    });
  }
});
