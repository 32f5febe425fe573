// Value conservation of the options venue at every step of whole runs (standard and portfolio margin, every policy),
// next to the perp's own identity, and the options aggregates against a scan.
import { describe, it, expect } from 'vitest';
import { loadScenario, type Scenario } from '../../../sim/scenario.js';
import { runScenario, type World } from '../../../sim/run.js';
import { scenario } from '../helpers.js';
import { optionsResidual, OVS } from './helpers.js';

interface Check {
  steps: number;
  worst: number;
  worstPerp: number;
  failures: string[];
}

function checker(): { check: Check; onStep: (w: World) => void } {
  const check: Check = { steps: 0, worst: 0, worstPerp: 0, failures: [] };
  const onStep = (w: World): void => {
    const o = w.options!;
    const r = optionsResidual(o);
    if (r > check.worst) check.worst = r;
    if (!(r <= 1e-9) && check.failures.length < 5) check.failures.push(`step ${w.step}: options identity off by ${r} of deposits`);
    // aggregates against a scan
    const a = o.accounts;
    const n = o.seriesCount;
    const net = new Float64Array(n);
    let units = 0;
    let wd = 0;
    for (let i = 0; i < a.count; i++) {
      if (a.open[i] !== 1) {
        for (let j = 0; j < n; j++) if (a.pos[i * n + j] !== 0 && check.failures.length < 5) check.failures.push(`step ${w.step}: closed account ${i} holds positions`);
        continue;
      }
      for (let j = 0; j < n; j++) net[j] += a.pos[i * n + j];
      units += a.units[i];
      if (a.writer[i] === 1) wd += a.delta[i];
    }
    for (let j = 0; j < n; j++) {
      if (Math.abs(net[j] - o.netPos[j]) > 1e-9 * Math.max(1, Math.abs(net[j])) && check.failures.length < 5) check.failures.push(`step ${w.step}: netPos[${j}] ${o.netPos[j]} != scan ${net[j]}`);
    }
    if (Math.abs(units - o.netUnits) > 1e-9 * Math.max(1, Math.abs(units)) && check.failures.length < 5) check.failures.push(`step ${w.step}: netUnits ${o.netUnits} != scan ${units}`);
    if (Math.abs(wd - o.writerDelta) > 1e-9 * Math.max(1, Math.abs(wd)) && check.failures.length < 5) check.failures.push(`step ${w.step}: writerDelta ${o.writerDelta} != scan ${wd}`);
    // the perp's identity (docs/architecture.md) still holds beside the options venue
    const v = w.venue;
    const l = v.ledger;
    const total = v.openEquity(v.mark) + l.returnedToTraders + l.insuranceFund + l.tradingFees + l.liquidatorIncome + v.counterpartyPnl(v.mark) - l.uncoveredBadDebt;
    const rp = Math.abs(total - l.deposits) / Math.max(l.deposits, 1);
    if (rp > check.worstPerp) check.worstPerp = rp;
    check.steps++;
  };
  return { check, onStep };
}

function expectConserved(s: Scenario, policy: string, baseDir = '.') {
  const { check, onStep } = checker();
  const r = runScenario(s, { policy, seed: s.seed, baseDir, onStep });
  expect(r.error).toBeUndefined();
  expect(check.steps).toBe(s.steps);
  expect(check.failures).toEqual([]);
  expect(check.worst).toBeLessThanOrEqual(1e-9);
  expect(check.worstPerp).toBeLessThanOrEqual(1e-9);
  return r;
}

describe('options value conservation, every step', () => {
  it('options-vol-shock.yaml under every policy it compares (liquidations, bad debt, expiry, reductions, hedges)', () => {
    const ls = loadScenario(OVS);
    const s = structuredClone(ls.scenario);
    s.steps = 1600; // past the first expiry (step 1512)
    for (const policy of ['none', 'greeks-limits', 'greeks-hedge', 'greeks-limits+writer-delta-hedge']) {
      const r = expectConserved(s, policy, ls.baseDir);
      const m = r.summary;
      expect(m.options_liquidations, policy).toBeGreaterThan(0);
      expect(m.options_bad_debt, policy).toBeGreaterThan(0);
      if (policy !== 'none' && policy !== 'greeks-hedge') expect(m.options_reductions, policy).toBeGreaterThan(0);
      if (policy === 'greeks-hedge') expect(m.options_forced_hedges).toBeGreaterThan(0);
    }
  }, 60_000);

  it('portfolio margin (Derive grid, extended tails), a perp book, a vol breaker halting both venues', () => {
    const s = scenario({
      seed: 11,
      steps: 500,
      stepSeconds: 300,
      market: { initialPrice: 2000, process: { kind: 'gbm', sigma: 0.9 }, shocks: [{ kind: 'ramp', at: 200, steps: 3, factor: 0.8 }, { kind: 'ramp', at: 300, steps: 2, factor: 1.3 }] },
      options: {
        series: [
          { name: 'P', type: 'put', moneyness: 0.95, expiry: 250 },
          { name: 'C', type: 'call', moneyness: 1.05, expiry: 450 },
          { name: 'A', type: 'call', moneyness: 1, expiry: 1000 },
        ],
        volatility: { model: 'realised', halfLifeSteps: 100, shocks: [{ at: 200, multiplier: 1.5, steps: 3 }] },
        margin: 'portfolio',
        portfolio: { grid: 'derive', extended: true },
        insuranceFund: 2000,
        riskFreeRate: 0.03,
      },
      agents: [
        { kind: 'leveraged-traders', count: 100, arrivals: { perStep: 0.5 } },
        { kind: 'option-writers', count: 150, coveredShare: 0.3, margin: { uniform: [1.02, 1.3] }, arrivals: { perStep: 1, fairVol: 0.5 } },
        { kind: 'option-buyers', count: 50, arrivals: { perStep: 1 } },
        { kind: 'vol-whale', series: ['A'], contracts: 200, margin: 1.1, adds: { ivAbove: 0.5, contracts: 50, everySteps: 20 } },
      ],
      defenses: [{ kind: 'vol-breaker', window: 3, sigmas: 3, haltSteps: 20 }, { kind: 'greeks-limits', action: 'hedge', maxDeltaToEquity: 1.5 }, { kind: 'writer-delta-hedge' }],
    });
    for (const policy of ['none', 'all']) {
      const r = expectConserved(s, policy);
      expect(r.summary.options_liquidations).toBeGreaterThan(0);
      expect(r.summary.options_trades).toBeGreaterThan(0);
      if (policy === 'all') {
        expect(r.summary.options_blocked_trades).toBeGreaterThan(0); // the breaker blocks option writers too
        expect(r.summary.options_forced_hedges).toBeGreaterThan(0);
        expect(r.summary.options_hedge_pnl).not.toBe(0);
        expect(r.summary.steps_halted).toBeGreaterThan(0);
      }
    }
  }, 60_000);
});
