// scenarios/cross-margin-crash.yaml from the command line and in process: it validates, runs its five policies, writes
// the cross_* columns and events, conserves value every step, is deterministic with common random numbers across
// policies, and its policies change the outcome (numbers from seed 11; see the scenario file and docs/cross-margin.md).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadResults, loadTable, rowsOf } from '../../../reports/load.js';
import { runScenario } from '../../../sim/run.js';
import { loadScenario, parseScenario } from '../../../sim/scenario.js';
import type { World } from '../../../sim/world.js';
import { repoRoot } from '../helpers.js';

const cli = path.join(repoRoot, 'dist', 'cli.js');
const file = path.join(repoRoot, 'scenarios/cross-margin-crash.yaml');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'bulwark-cross-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function bulwark(...args: string[]) {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: repoRoot, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** |a / b - 1| <= rel */
const near = (a: number, b: number, rel = 1e-6): boolean => Math.abs(a / b - 1) <= rel;

describe('scenarios/cross-margin-crash.yaml from the CLI', () => {
  const out = path.join(tmp, 'crash');
  const r = bulwark('run', 'scenarios/cross-margin-crash.yaml', '--out', out, '--json');
  const runs = r.code === 0 ? (JSON.parse(r.stdout).runs as Record<string, any>[]) : [];
  const by = Object.fromEntries(runs.map((x) => [x.policy, x]));

  it('validates and runs its six policies', () => {
    expect(bulwark('validate', 'scenarios/cross-margin-crash.yaml').code).toBe(0);
    expect(r.code, r.stderr).toBe(0);
    expect(runs.map((x) => x.policy)).toEqual(['none', 'portfolio-margin', 'dynamic-haircuts', 'partial-liquidation', 'vol-breaker', 'cross-ewma-margin']);
  });

  it('none: 906 of 2,000 accounts liquidated, $0.67M of bad debt, all of it paid by the fund the fees filled', () => {
    const n = by.none;
    expect(n.cross_accounts).toBe(2000);
    expect(n.cross_liquidations).toBe(906);
    expect(near(n.cross_bad_debt, 671_724.88)).toBe(true);
    expect(n.cross_uncovered_bad_debt).toBe(0);
    expect(near(n.cross_collateral_sold, 13_785_719.70)).toBe(true);
    expect(n.cross_netting_initial).toBe(0); // standard margin: the summed requirement
    expect(n.cross_min_margin_ratio).toBeLessThan(0); // an account was found under water
    // the fund: initial + fees - bad debt
    expect(n.cross_insurance_fund_final).toBeCloseTo(2_000_000 + n.cross_fees - n.cross_bad_debt, 4);
  });

  it('the policies change the outcome', () => {
    const none = by.none.cross_bad_debt;
    // portfolio margin nets 16% of the requirement at the start; hedged accounts survive, fewer forced sales: -9%
    expect(by['portfolio-margin'].cross_netting_initial).toBeCloseTo(0.1607, 4);
    expect(near(by['portfolio-margin'].cross_bad_debt, 609_810.47)).toBe(true);
    expect(by['portfolio-margin'].cross_liquidations).toBeLessThan(by.none.cross_liquidations);
    // haircuts that follow volatility react once the crash is under way: 11 more liquidations, bad debt about equal
    expect(by['dynamic-haircuts'].cross_liquidations).toBe(917);
    expect(by['dynamic-haircuts'].interventions).toBe(8);
    expect(Math.abs(by['dynamic-haircuts'].cross_bad_debt / none - 1)).toBeLessThan(0.01);
    // 20% slices a minute cannot keep up with a 12-minute fall: 2.7x the bad debt
    expect(by['partial-liquidation'].cross_partial_liquidations).toBe(1317);
    expect(by['partial-liquidation'].cross_liquidations).toBe(2222);
    expect(near(by['partial-liquidation'].cross_bad_debt, 1_822_699.16)).toBe(true);
    // a breaker that also halts liquidations lets accounts sink for 75 steps: 55x the bad debt, $34.5M uncovered
    expect(by['vol-breaker'].steps_halted).toBe(75);
    expect(near(by['vol-breaker'].cross_bad_debt, 36_715_820.90)).toBe(true);
    expect(near(by['vol-breaker'].cross_uncovered_bad_debt, 34_518_745.53)).toBe(true);
    // margins that follow each market's volatility liquidate 52 more accounts, earlier, while they still have equity:
    // no bad debt, half the collateral sold, and the fees fill the fund
    const ewma = by['cross-ewma-margin'];
    expect(ewma.cross_bad_debt).toBe(0);
    expect(ewma.cross_liquidations).toBe(958);
    expect(ewma.interventions).toBe(12);
    expect(ewma.cross_collateral_sold).toBeLessThan(0.5 * by.none.cross_collateral_sold);
    expect(ewma.cross_min_margin_ratio).toBeGreaterThan(0);
  });

  it('writes the cross columns to runs, steps and events', () => {
    const res = loadResults(out);
    expect(res.runs.map((x: any) => x.cross_bad_debt)).toEqual(runs.map((x) => x.cross_bad_debt));
    const t = res.steps;
    expect(t.numRows).toBe(6 * 360);
    const col = (name: string) => Array.from(t.getChild(name)!.toArray() as ArrayLike<number>).slice(0, 360); // 'none' first
    expect(col('cross_bad_debt')[359]).toBe(by.none.cross_bad_debt);
    expect(col('cross_liquidations').reduce((a, b) => a + b, 0)).toBe(906);
    expect(col('cross_open_accounts')[0]).toBe(2000);
    expect(col('cross_open_accounts')[359]).toBe(2000 - 906);
    // the runs column also sees accounts as the pass finds them liquidatable, before they leave the distribution
    expect(Math.min(...col('cross_ratio_min'))).toBeGreaterThanOrEqual(by.none.cross_min_margin_ratio);
    expect(col('cross_ratio_p5')[0]).toBeLessThan(col('cross_ratio_p50')[0]);
    expect(col('cross_requirement')[0]).toBeGreaterThan(0);
    const pm = Array.from(t.getChild('cross_netting')!.toArray() as Float64Array).slice(360, 720);
    expect(pm[0]).toBeCloseTo(by['portfolio-margin'].cross_netting_initial, 12);
    const e = res.events;
    const count = (policy: string, action: string) => {
      let n = 0;
      for (let i = 0; i < e.numRows; i++) if (e.getChild('policy')!.get(i) === policy && e.getChild('action')!.get(i) === action) n++;
      return n;
    };
    expect(count('none', 'cross-liquidate')).toBe(906);
    expect(count('partial-liquidation', 'cross-partial')).toBe(1317);
    expect(count('partial-liquidation', 'cross-liquidate')).toBe(2222 - 1317);
    // the steps column counts the same events
    const partial = Array.from(t.getChild('cross_liquidations')!.toArray() as Int32Array).slice(3 * 360, 4 * 360);
    expect(partial.reduce((a, b) => a + b, 0)).toBe(2222);
  });
});

describe('cross-margin-crash in process', () => {
  const ls = loadScenario(file);

  /** Runs a policy and checks, after every step, the venue's USD and collateral conservation identities. */
  function conserved(policy: string) {
    let c0 = NaN;
    let units0: number[] = [];
    let worst = 0;
    const check = (w: World) => {
      const v = w.cross!;
      const l = v.ledger;
      let cash = 0;
      const units = new Array(v.nk).fill(0);
      for (let i = 0; i < v.count; i++) {
        if (v.open[i] !== 1) continue;
        cash += v.cash[i];
        for (let k = 0; k < v.nk; k++) units[k] += v.units[i * v.nk + k];
      }
      // balances + fund + what traders kept - uncovered - P&L from the counterparty - collateral sold - deposits
      // + trading fees = constant
      const c = cash + l.insuranceFund + l.returnedToTraders - l.uncoveredBadDebt - l.realisedPnl - l.collateralProceeds - l.topUps + l.tradingFees;
      if (Number.isNaN(c0)) {
        c0 = c;
        units0 = units.map((u, k) => u + l.collateralSoldUnits[k] + l.collateralReturnedUnits[k]);
      }
      worst = Math.max(worst, Math.abs(c - c0) / 1e8);
      units.forEach((u, k) => expect(u + l.collateralSoldUnits[k] + l.collateralReturnedUnits[k]).toBeCloseTo(units0[k], 6));
    };
    const r = runScenario(ls.scenario, { policy, seed: ls.scenario.seed, baseDir: ls.baseDir, onStep: check });
    return { r, worst };
  }

  it.each(['none', 'partial-liquidation', 'vol-breaker'])('conserves USD and collateral units every step (%s)', (policy) => {
    const { r, worst } = conserved(policy);
    expect(r.error).toBeUndefined();
    expect(r.summary.cross_liquidations).toBeGreaterThan(800);
    expect(worst).toBeLessThan(1e-12); // relative to $100M of deposits
  });

  it('portfolio margin follows cross.margin.dispersion: less credit, less netting; at 1 it is stricter than the sum (collateral is exposure)', () => {
    const at = (d: number) => {
      const s = structuredClone(ls.scenario);
      s.cross!.margin.dispersion = d;
      return runScenario(s, { policy: 'portfolio-margin', seed: 11, baseDir: ls.baseDir }).summary;
    };
    const d8 = at(0.8);
    expect(d8.cross_netting_initial).toBeCloseTo(0.0611, 4);
    expect(near(d8.cross_bad_debt, 621_460.96)).toBe(true);
    expect(at(1).cross_netting_initial).toBeCloseTo(-0.0054, 4);
  });

  it('is a pure function of (scenario, policy, seed); policies leave the market path alone until they act', () => {
    const paths = (policy: string) => {
      const rows: number[][] = [];
      let first = -1;
      runScenario(ls.scenario, {
        policy,
        seed: 11,
        baseDir: ls.baseDir,
        onStep: (w) => {
          rows.push(Array.from(w.prices));
          if (first < 0 && w.cross!.ledger.liquidations > 0) first = w.step;
        },
      });
      return { rows, first };
    };
    const a = runScenario(ls.scenario, { policy: 'none', seed: 11, baseDir: ls.baseDir }).summary;
    const b = runScenario(ls.scenario, { policy: 'none', seed: 11, baseDir: ls.baseDir }).summary;
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
    const none = paths('none');
    const pm = paths('portfolio-margin');
    const until = Math.min(none.first, pm.first);
    expect(until).toBeGreaterThan(100);
    // every asset's price identical up to the first liquidation of either run (common random numbers)
    expect(pm.rows.slice(0, until)).toEqual(none.rows.slice(0, until));
    expect(pm.rows[359]).not.toEqual(none.rows[359]);
    const other = runScenario(ls.scenario, { policy: 'none', seed: 12, baseDir: ls.baseDir }).summary;
    expect(other.cross_bad_debt).not.toBe(a.cross_bad_debt);
  });
});

describe('cross-margin input errors name the field', () => {
  const base = {
    steps: 10,
    market: { assets: [{ name: 'BTC', initialPrice: 100000 }, { name: 'ETH', initialPrice: 4000 }] },
    oracle: { kind: 'spot' },
    cross: { markets: [{ asset: 'BTC' }, { asset: 'ETH' }], collateral: [{ asset: 'ETH' }] },
    agents: [{ kind: 'cross-traders', count: 10 }],
  };
  const bad = (patch: (s: any) => void) => {
    const s = structuredClone(base) as any;
    patch(s);
    try {
      parseScenario({ name: 't', ...s });
    } catch (e: any) {
      return { path: e.data?.path ?? e.data?.details?.[0]?.path, message: String(e.data?.message ?? e.message) + ' ' + JSON.stringify(e.data?.details ?? []) };
    }
    return undefined;
  };

  it('an asset the market does not have', () => {
    const e = bad((s) => (s.cross.markets[1].asset = 'SOL'))!;
    expect(e.path).toBe('cross.markets[1].asset');
    expect(e.message).toContain("no asset named 'SOL'");
    expect(e.message).toContain('BTC, ETH');
  });
  it('an asset listed twice', () => {
    expect(bad((s) => s.cross.markets.push({ asset: 'BTC' }))!.path).toBe('cross.markets[2].asset');
  });
  it('maintenance above initial margin', () => {
    const e = bad((s) => (s.cross.markets[0] = { asset: 'BTC', initialMargin: 0.02, maintenanceMargin: 0.05 }))!;
    expect(e.message).toContain('maintenanceMargin');
  });
  it('cross-traders without a cross section', () => {
    const e = bad((s) => delete s.cross)!;
    expect(e.path).toBe('agents[0]');
    expect(e.message).toContain("add a 'cross:' section");
  });
  it('a market the venue does not have, in cross-traders.markets', () => {
    const e = bad((s) => (s.agents[0].markets = ['BTC', 'SOL']))!;
    expect(e.path).toBe('agents[0].markets[1]');
    expect(e.message).toContain("no cross market on 'SOL'; expected one of: BTC, ETH");
  });
  it('a scenario key that is not an asset', () => {
    expect(bad((s) => (s.cross.margin = { mode: 'portfolio', scenarios: [{ BTC: -0.2, DOGE: -0.5 }] }))!.path).toBe('cross.margin.scenarios[0].DOGE');
  });
  it('collateral shares of an asset the venue does not take: exit 2 from the CLI, nothing written', () => {
    const s = structuredClone(base) as any;
    s.agents[0].collateral = { BTC: 0.5 };
    const f = path.join(tmp, 'bad-collateral.json');
    writeFileSync(f, JSON.stringify({ name: 'bad', ...s }));
    const out = path.join(tmp, 'bad-out');
    const r = bulwark('run', f, '--out', out);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('agents[0].collateral.BTC');
    expect(bulwark('validate', f).code).toBe(2); // validate catches it too
    expect(r.stderr).toContain("'BTC' is not a collateral asset of the cross venue; expected one of: ETH");
    expect(spawnSync('ls', [out]).status).not.toBe(0);
  });
});

describe('scenarios/sweeps/cross-margin-haircuts.yaml', () => {
  it('sweeps the SOL haircut for two policies on common seeds: bad debt falls as the haircut rises, portfolio margin lowers it at each point', () => {
    const out = path.join(tmp, 'haircuts');
    const r = bulwark('sweep', 'scenarios/sweeps/cross-margin-haircuts.yaml', '--out', out, '--workers', '2');
    expect(r.code, r.stderr).toBe(0);
    const runs = rowsOf(loadTable(path.join(out, 'runs.arrow'), 'sweep-runs').table) as Record<string, any>[];
    expect(runs.length).toBe(48);
    expect(runs.every((x) => x.error === null)).toBe(true);
    const mean = (policy: string, haircut: number) => {
      const xs = runs.filter((x) => x.policy === policy && x['cross.collateral[1].haircut'] === haircut).map((x) => x.cross_bad_debt);
      expect(xs.length).toBe(8);
      return xs.reduce((a, b) => a + b, 0) / xs.length;
    };
    for (const policy of ['none', 'portfolio-margin']) {
      expect(mean(policy, 0.3)).toBeLessThan(mean(policy, 0.2));
      expect(mean(policy, 0.4)).toBeLessThan(mean(policy, 0.3));
    }
    for (const h of [0.2, 0.3, 0.4]) expect(mean('portfolio-margin', h)).toBeLessThan(mean('none', h));
    expect(near(mean('none', 0.2), 3_681.52, 1e-5)).toBe(true);
    const gate = bulwark('compare', out, '--fail-if', 'p99(cross_uncovered_bad_debt) > 0');
    expect(gate.code, gate.stdout + gate.stderr).toBe(0);
  });
});
