// `compare` on real sweep results: statistics equal the stats functions on the runs, paired differences on the same
// seeds, baseline changes and gates, and each output format.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tableToIPC } from 'apache-arrow';
import { RUNS_COLUMN_TYPES, RUNS_COLUMNS, runsTable, writeResults } from '../../reports/arrow.js';
import { buildComparison, METRICS } from '../../reports/compare.js';
import { renderCsv, renderJson, renderJunit, renderMarkdown, renderText } from '../../reports/compare-format.js';
import { parseGate } from '../../reports/gates.js';
import { loadTable, rowsOf } from '../../reports/load.js';
import { loadResultSet, loadResultSets, METRIC_COLUMNS } from '../../reports/results-set.js';
import { expectedShortfall, mean, protocolLoss, quantile, sharePositive, valueAtRisk } from '../../reports/stats/index.js';
import { SweepWriter } from '../../reports/sweep-arrow.js';
import { InputError } from '../../sim/errors.js';
import { InlineExecutor } from '../../sim/executor.js';
import { runScenario, type RunResult, type RunSummary } from '../../sim/run.js';
import { loadScenario } from '../../sim/scenario.js';
import { loadSweep, runAt } from '../../sim/sweep.js';
import { drive } from '../../sim/sweep-driver.js';
import { repoRoot } from '../sim/helpers.js';

let dir: string;
let sweepDir: string;

/** Runs a sweep file in this thread into `out` (what `bulwark sweep --workers 0` does). */
async function sweep(text: string, out: string): Promise<void> {
  const f = path.join(dir, `${path.basename(out)}.yaml`);
  writeFileSync(f, text.replace('SCENARIO', path.relative(dir, path.join(repoRoot, 'scenarios/flash-crash.yaml'))));
  const plan = loadSweep(f);
  const w = new SweepWriter({
    dir: out,
    meta: { scenario: plan.base.name, scenarioHash: plan.baseHash, seed: plan.seed, sweep: plan.name, sweepHash: plan.hash, parameters: plan.parameters, policies: plan.policies, points: plan.points.length, seeds: plan.seeds.length, runs: plan.runs },
    points: plan.points.map((p) => p.values),
    steps: null,
  });
  await drive({
    executor: new InlineExecutor(),
    start: 0,
    total: plan.runs,
    task: (i) => {
      const c = runAt(plan, i);
      return { runIndex: i, scenario: plan.points[c.pointIndex].scenario, baseDir: plan.baseDir, policy: c.policy, seed: c.seed, collectSteps: false, timeoutMs: null };
    },
    sink: (o) => {
      const c = runAt(plan, o.runIndex);
      w.add({ runIndex: o.runIndex, pointIndex: c.pointIndex, seedIndex: c.seedIndex, scenario: plan.base.name, policy: c.policy, seed: c.seed, steps: plan.base.steps, summary: o.summary, error: o.summary?.error ?? o.error?.message ?? null }, null);
    },
  });
  w.finish();
}

const SWEEP = `name: cmp
scenario: SCENARIO
override:
  steps: 660
  agents[0].count: 100
  agents[0].arrivals.perStep: 0.2
policies: [none, pause]
seeds: 12
space: { kind: grid, parameters: { venue.maintenanceMargin: [0.03, 0.05] } }
`;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'bulwark-compare-'));
  sweepDir = path.join(dir, 'cmp');
  await sweep(SWEEP, sweepDir);
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('statistics of a sweep', { timeout: 30_000 }, () => {
  it('groups by policy and point; each statistic equals the stats function on the runs', () => {
    const set = loadResultSet(path.join(sweepDir, 'runs.arrow'));
    expect(set.kind).toBe('sweep');
    expect(set.policies).toEqual(['none', 'pause']);
    expect(set.groups.map((g) => [g.policy, g.point['venue.maintenanceMargin'], g.runs])).toEqual([
      ['none', 0.03, 12],
      ['pause', 0.03, 12],
      ['none', 0.05, 12],
      ['pause', 0.05, 12],
    ]);
    const rows = rowsOf(loadTable(path.join(sweepDir, 'runs.arrow')).table) as any[];
    const rep = buildComparison([set], null, []);
    for (const g of rep.groups) {
      const mine = rows.filter((r) => r.policy === g.group.policy && r['venue.maintenanceMargin'] === g.group.point['venue.maintenanceMargin']);
      const loss = mine.map((r) => protocolLoss(r));
      const uncovered = mine.map((r) => r.uncovered_bad_debt as number);
      expect(g.values.runs).toBe(12);
      expect(g.values.failed).toBe(0);
      expect(g.values.bad_debt_mean).toBe(mean(mine.map((r) => r.bad_debt)));
      expect(g.values.uncovered_bad_debt_p99).toBe(quantile(uncovered, 0.99));
      expect(g.values.protocol_loss_var95).toBe(valueAtRisk(loss, 0.95));
      expect(g.values.protocol_loss_cvar99).toBe(expectedShortfall(loss, 0.99));
      expect(g.values.prob_insolvency).toBe(sharePositive(uncovered));
      // a perp-only scenario: the liquidation and capital-efficiency statistics are the perp venue's, unchanged
      expect(g.values.liquidations_at_risk).toBe(quantile(mine.map((r) => r.liquidated_notional), 0.95));
      expect(g.values.liquidation_slippage_mean).toBe(mean(mine.map((r) => r.liquidation_slippage)));
      expect(g.values.max_open_interest_mean).toBe(mean(mine.map((r) => r.max_open_interest)));
      expect(g.values.max_leverage).toBeCloseTo(20, 12); // initialMargin 0.05
      expect(g.values.steps_halted_mean).toBe(mean(mine.map((r) => r.steps_halted)));
    }
    // the higher maintenance margin leaves less bad debt without a defense, on the same seeds
    const none = rep.groups.filter((g) => g.group.policy === 'none');
    expect(none[1].values.bad_debt_mean).toBeLessThan(none[0].values.bad_debt_mean);
    expect(METRICS.map((m) => m.id)).toContain('protocol_loss_evar99');
  });

  it('paired differences against the first policy use the same seeds', () => {
    const set = loadResultSet(path.join(sweepDir, 'runs.arrow'));
    const rep = buildComparison([set], null, []);
    const p = rep.paired.find((x) => x.label === 'pause @ venue.maintenanceMargin=0.03' && x.column === 'protocol_loss')!;
    expect(p.against).toBe('none');
    expect(p.pairs).toBe(12);
    const none = set.groups[0];
    const pause = set.groups[1];
    expect(pause.seeds).toEqual(none.seeds); // common random numbers
    const d = pause.columns.protocol_loss.map((v, i) => v - none.columns.protocol_loss[i]);
    expect(p.mean).toBeCloseTo(mean(d), 6);
    expect(p.low).toBeLessThanOrEqual(p.mean);
    expect(p.high).toBeGreaterThanOrEqual(p.mean);
    expect(p.mean).toBeLessThan(0); // the pause helps in this V-shaped crash
  });
});

describe('baseline and gates', { timeout: 30_000 }, () => {
  it('against itself: nothing changes, paired differences are 0, baseline gates pass', () => {
    const sets = loadResultSets([sweepDir]);
    const gate = parseGate('p99(uncovered_bad_debt) > 1.05 * baseline', METRIC_COLUMNS);
    const rep = buildComparison(sets, loadResultSets([sweepDir]), [gate]);
    expect(rep.changes.length).toBeGreaterThan(0);
    expect(rep.changes.every((c) => c.change === 0)).toBe(true);
    expect(rep.pairedBaseline.every((p) => p.mean === 0 && p.low === 0 && p.high === 0 && p.pairs === 12)).toBe(true);
    expect(rep.gates).toHaveLength(4);
    expect(rep.gates.every((g) => g.check.verdict === 'pass')).toBe(true);
    expect(rep.failures).toBe(0);
  });

  it('a gate that holds fails, per group, and shows in every format', () => {
    const sets = loadResultSets([sweepDir]);
    const gates = [parseGate('mean(bad_debt) > 0.5 * baseline', METRIC_COLUMNS), parseGate('failed > 0', METRIC_COLUMNS)];
    gates[1].policies = ['pause'];
    const rep = buildComparison(sets, loadResultSets([sweepDir]), gates);
    const positive = rep.groups.filter((g) => g.values.bad_debt_mean > 0).length;
    expect(rep.failures).toBe(positive);
    expect(rep.gates).toHaveLength(4 + 2);
    const md = renderMarkdown(rep);
    expect(md).toMatch(/^### bulwark compare: :x: \d+ of 6 gate checks failed/);
    expect(md).toContain('| :x: **FAIL** | `mean(bad_debt) > 0.5 * baseline` | none @ venue.maintenanceMargin=0.03 |');
    expect(md).toContain('#### Changes against the baseline');
    expect(md).toContain('No statistic changed.');
    expect(renderText(rep)).toMatch(/FAIL\s+mean\(bad_debt\) > 0\.5 \* baseline\s+none @ venue\.maintenanceMargin=0\.03/);
    const junit = renderJunit(rep);
    expect(junit).toContain(`<testsuites name="bulwark compare" tests="6" failures="${positive}" skipped="0">`);
    expect(junit.match(/<testcase /g)).toHaveLength(6);
    expect(junit.match(/<failure /g)).toHaveLength(positive);
    const json = JSON.parse(renderJson(rep));
    expect(json.failures).toBe(positive);
    expect(json.passed).toBe(false);
    expect(json.gates[0]).toMatchObject({ gate: 'mean(bad_debt) > 0.5 * baseline', group: 'none @ venue.maintenanceMargin=0.03', verdict: 'fail' });
    const csv = renderCsv(rep).split('\n');
    expect(csv[0]).toMatch(/^source,sweep,scenario,policy,point,runs,failed,bad_debt_mean,/);
    expect(csv[0]).toContain(',bad_debt_mean_baseline,');
    expect(csv).toHaveLength(5);
  });

  it('a gate naming a policy the results do not have is bad input', () => {
    const g = parseGate('failed > 0', METRIC_COLUMNS);
    g.policies = ['nonesuch'];
    expect(() => buildComparison(loadResultSets([sweepDir]), null, [g])).toThrow(InputError);
  });
});

describe('result sets', { timeout: 30_000 }, () => {
  it('reads `bulwark run` results too: one group per policy', () => {
    const ls = loadScenario(path.join(repoRoot, 'scenarios/flash-crash.yaml'));
    const s = structuredClone(ls.scenario);
    s.steps = 660;
    (s.agents[0] as any).count = 100;
    const results = ['none', 'pause'].map((policy) => runScenario(s, { policy, seed: 3, baseDir: ls.baseDir }));
    const out = path.join(dir, 'run');
    writeResults(out, results, { scenario: s.name, scenarioHash: 'h', seed: 3 });
    const [set] = loadResultSets([out]);
    expect(set.kind).toBe('run');
    expect(set.groups.map((g) => [g.policy, g.runs, g.seeds])).toEqual([
      ['none', 1, [3]],
      ['pause', 1, [3]],
    ]);
    const rep = buildComparison([set], null, []);
    expect(rep.groups[0].values.bad_debt_mean).toBe(results[0].summary.bad_debt);
    // paired bad debt is of every venue's: for this perp-only scenario, the perp venue's
    expect(rep.paired.find((p) => p.column === 'total_bad_debt')!.mean).toBe(results[1].summary.bad_debt - results[0].summary.bad_debt);
  });

  it('a directory of result directories is read in name order; the same groups twice are ambiguous', () => {
    expect(() => loadResultSets([sweepDir, sweepDir])).toThrow(/both hold runs of policy 'none' at venue\.maintenanceMargin=0\.03 of sweep 'cmp'/);
    expect(loadResultSets([dir]).map((s) => path.basename(s.dir))).toEqual(['cmp', 'run']);
    expect(() => loadResultSets([path.join(dir, 'nope')])).toThrow(/no such file or directory/);
  });
});

/** A runs file of synthetic summaries: every column 0 but the ones given (policy, seed and parameters per row). */
function syntheticRuns(name: string, rows: Partial<RunSummary>[], drop: readonly string[] = []): string {
  const zero = Object.fromEntries(RUNS_COLUMNS.map((c) => [c, RUNS_COLUMN_TYPES[c] === 'utf8' ? '' : RUNS_COLUMN_TYPES[c] === 'utf8?' ? null : 0])) as unknown as RunSummary;
  const parameters = JSON.stringify({ defenses: [], venue: { initialMargin: 0.1 }, lending: { reserves: 1000 }, cross: { insuranceFund: 5000 } });
  const results = rows.map((r) => ({ summary: { ...zero, scenario: 'syn', parameters, steps: 10, final_price: 100, ...r } }) as RunResult);
  const seeds = [...new Set(results.map((r) => r.summary.seed))];
  let table = runsTable(results, { scenario: 'syn', scenarioHash: 'h', seed: seeds });
  if (drop.length > 0) table = table.select(RUNS_COLUMNS.filter((c) => !drop.includes(c)));
  const file = path.join(dir, `${name}.arrow`);
  writeFileSync(file, tableToIPC(table, 'file'));
  return file;
}

describe('every venue counts', { timeout: 30_000 }, () => {
  // two policies on seeds 1, 2: only the lending pool and the cross venue have losses, the perp venue none
  const ROWS: Partial<RunSummary>[] = [
    { policy: 'none', seed: 1, lending_bad_debt: 900, lending_reserves_initial: 1000, lending_reserves: -400, cross_bad_debt: 300, cross_uncovered_bad_debt: 0, cross_insurance_fund_initial: 5000, cross_insurance_fund_final: 4800 },
    { policy: 'none', seed: 2, lending_bad_debt: 100, lending_reserves_initial: 1000, lending_reserves: 950, cross_bad_debt: 6000, cross_uncovered_bad_debt: 1000, cross_insurance_fund_initial: 5000, cross_insurance_fund_final: 0 },
    { policy: 'guard', seed: 1, lending_bad_debt: 0, lending_reserves_initial: 1000, lending_reserves: 1010 },
    { policy: 'guard', seed: 2, lending_reserves_initial: 1000, lending_reserves: 1000, options_bad_debt: 70, options_uncovered_bad_debt: 20, options_insurance_fund_initial: 100, options_insurance_fund_final: 50 },
  ];

  it('bad debt, uncovered, protocol loss and P(insolvent) of a run whose losses are outside the perp venue', () => {
    const set = loadResultSet(syntheticRuns('venues', ROWS));
    const [none, guard] = set.groups;
    // per run: total bad debt; uncovered = cross shortfall + lending deficit; loss = lending reserves' fall + cross
    expect(none.columns.total_bad_debt).toEqual([1200, 6100]);
    expect(none.columns.lending_uncovered_bad_debt).toEqual([400, 0]);
    expect(none.columns.total_uncovered_bad_debt).toEqual([400, 1000]);
    expect(none.columns.lending_protocol_loss).toEqual([1400, 50]);
    expect(none.columns.cross_protocol_loss).toEqual([200, 6000]);
    expect(none.columns.perp_protocol_loss).toEqual([0, 0]);
    expect(none.columns.protocol_loss).toEqual([1600, 6050]);
    expect(none.columns.total_insurance_fund_initial).toEqual([6000, 6000]);
    expect(guard.columns.protocol_loss).toEqual([0, 20 + 50]);
    expect(guard.columns.total_uncovered_bad_debt).toEqual([0, 20]);
    const rep = buildComparison([set], null, []);
    const [n, g] = rep.groups;
    expect(n.values.bad_debt_mean).toBe(3650);
    expect(n.values.bad_debt_p99).toBe(quantile([1200, 6100], 0.99));
    expect(n.values.uncovered_bad_debt_p99).toBe(quantile([400, 1000], 0.99));
    expect(n.values.protocol_loss_mean).toBe(3825);
    expect(n.values.protocol_loss_var95).toBe(valueAtRisk([1600, 6050], 0.95));
    expect(n.values.prob_insolvency).toBe(1);
    expect(g.values.prob_insolvency).toBe(0.5);
    expect(n.values.perp_bad_debt_mean).toBe(0);
    expect(n.values.lending_bad_debt_mean).toBe(500);
    expect(n.values.cross_protocol_loss_mean).toBe(3100);
    // paired differences on the totals
    const p = rep.paired.find((x) => x.label === 'guard' && x.column === 'protocol_loss')!;
    expect(p.mean).toBe(mean([0 - 1600, 70 - 6050]));
    expect(rep.paired.find((x) => x.label === 'guard' && x.column === 'total_bad_debt')!.mean).toBe(mean([0 - 1200, 70 - 6100]));
    // the table says where the loss is: the venues that have some
    const text = renderText(rep);
    expect(text).toContain('by venue (mean per run)');
    expect(text).toMatch(/group\s+options bad debt\s+options loss\s+lending bad debt\s+lending loss\s+cross bad debt\s+cross loss\n/);
    expect(text).not.toContain('perp bad debt');
    expect(renderMarkdown(rep)).toContain('| group | options bad debt | options loss | lending bad debt | lending loss | cross bad debt | cross loss |');
    const json = JSON.parse(renderJson(rep));
    expect(json.statistics.bad_debt_mean).toBe('mean(total_bad_debt)');
    expect(json.groups[0].stats).toMatchObject({ bad_debt_mean: 3650, protocol_loss_mean: 3825, lending_protocol_loss_mean: 725 });
  });

  it('gates on a venue, on the totals, and prob_insolvency', () => {
    const sets = [loadResultSet(syntheticRuns('venues-gates', ROWS))];
    const gates = ['p99(cross_bad_debt) > 5000', 'mean(lending_protocol_loss) > 700', 'prob_insolvency > 0.5', 'cvar99(protocol_loss) > 6000', 'max(total_uncovered_bad_debt) >= 1000'].map((t) => parseGate(t, METRIC_COLUMNS));
    const rep = buildComparison(sets, null, gates);
    const verdicts = rep.gates.map((r) => `${r.gate.text} | ${r.policy}: ${r.check.verdict}`);
    expect(verdicts).toEqual([
      'p99(cross_bad_debt) > 5000 | none: fail',
      'p99(cross_bad_debt) > 5000 | guard: pass',
      'mean(lending_protocol_loss) > 700 | none: fail',
      'mean(lending_protocol_loss) > 700 | guard: pass',
      'prob_insolvency > 0.5 | none: fail',
      'prob_insolvency > 0.5 | guard: pass',
      'cvar99(protocol_loss) > 6000 | none: fail',
      'cvar99(protocol_loss) > 6000 | guard: pass',
      'max(total_uncovered_bad_debt) >= 1000 | none: fail',
      'max(total_uncovered_bad_debt) >= 1000 | guard: pass',
    ]);
  });

  it('a runs file written before the cross venue and the starting-fund columns still loads: missing columns read as 0', () => {
    const dropped = RUNS_COLUMNS.filter((c) => c.startsWith('cross_') || c === 'options_insurance_fund_initial' || c === 'lending_reserves_initial');
    const file = syntheticRuns('older', ROWS, dropped);
    expect(() => loadTable(file)).toThrow(/columns do not match the bulwark 'runs' table \(missing /);
    const set = loadResultSet(file);
    const [none, guard] = set.groups;
    expect(none.columns.cross_bad_debt).toEqual([0, 0]);
    expect(none.columns.cross_min_margin_ratio).toEqual([NaN, NaN]); // as in a run without the venue
    // the starting lending reserves come from the parameters (lending.reserves); the options fund's is unknown: 0
    expect(none.columns.lending_reserves_initial).toEqual([1000, 1000]);
    expect(none.columns.total_bad_debt).toEqual([900, 100]);
    expect(none.columns.protocol_loss).toEqual([1400, 50]);
    expect(guard.columns.protocol_loss).toEqual([0, 20]);
    // with the cross venue's final fund but not its start (results of the first cross versions): from cross.insuranceFund
    const early = loadResultSet(syntheticRuns('early-cross', ROWS, ['cross_insurance_fund_initial']));
    expect(early.groups[0].columns.cross_insurance_fund_initial).toEqual([5000, 5000]);
    expect(early.groups[0].columns.protocol_loss).toEqual([1600, 6050]);
    const rep = buildComparison([set], [loadResultSet(syntheticRuns('newer', ROWS))], [parseGate('p99(cross_bad_debt) > baseline', METRIC_COLUMNS)]);
    expect(rep.groups[0].values.bad_debt_mean).toBe(500);
    expect(rep.gates.every((r) => r.check.verdict === 'pass')).toBe(true);
    // an unknown column is still refused
    const odd = path.join(dir, 'odd.arrow');
    const t = loadTable(syntheticRuns('odd-base', ROWS)).table;
    writeFileSync(odd, tableToIPC(t.select(RUNS_COLUMNS.filter((c) => c !== 'final_price')), 'file'));
    expect(() => loadResultSet(odd)).toThrow(/missing final_price/);
  });

  it('LaR95 and slippage over the venues that record them; n/a where a statistic would measure nothing', () => {
    const rows: Partial<RunSummary>[] = [
      // cross liquidations and a lending liquidation, nothing on the perp venue
      { policy: 'mixed', seed: 1, cross_liquidations: 3, cross_liquidated_notional: 5000, cross_slippage: 40, lending_liquidations: 2, lending_liquidated_debt: 800 },
      { policy: 'mixed', seed: 2, cross_liquidations: 5, cross_liquidated_notional: 20000, cross_slippage: 100 },
      // lending and options liquidations only: LaR95 has the lending debt, slippage nothing recorded
      { policy: 'lending', seed: 1, options_liquidations: 4 },
      { policy: 'lending', seed: 2, lending_liquidations: 1, lending_liquidated_debt: 300 },
      // options liquidations only: no liquidated notional recorded
      { policy: 'options', seed: 1, options_liquidations: 7 },
      { policy: 'options', seed: 2 },
      // the perp venue used in one run of two: its statistics are the plain means, as before
      { policy: 'perp', seed: 1, initial_accounts: 10, max_open_interest: 1e6, liquidations: 2, liquidated_notional: 4000, liquidation_slippage: 30, cross_liquidations: 1, cross_liquidated_notional: 600, cross_slippage: 6 },
      { policy: 'perp', seed: 2 },
      // no liquidations anywhere: 0 (nothing was liquidated), not n/a
      { policy: 'calm', seed: 1 },
      { policy: 'calm', seed: 2 },
    ];
    const set = loadResultSet(syntheticRuns('liquidations', rows));
    expect(set.groups.map((g) => g.columns.perp_used)).toEqual([[0, 0], [0, 0], [0, 0], [1, 0], [0, 0]]);
    expect(set.groups[0].columns.total_liquidated_notional).toEqual([5800, 20000]);
    expect(set.groups[3].columns.total_liquidation_slippage).toEqual([36, 0]);
    const rep = buildComparison([set], null, []);
    const v = Object.fromEntries(rep.groups.map((g) => [g.group.policy, g.values]));
    // before: LaR95 = p95(liquidated_notional) = 0, mean slippage 0, max OI 0 and max leverage 10 (initialMargin 0.1)
    expect(v.mixed.liquidations_at_risk).toBe(quantile([5800, 20000], 0.95));
    expect(v.mixed.liquidation_slippage_mean).toBe(70);
    expect(v.mixed.max_open_interest_mean).toBeNaN();
    expect(v.mixed.max_leverage).toBeNaN();
    expect(v.lending.liquidations_at_risk).toBe(quantile([0, 300], 0.95));
    expect(v.lending.liquidation_slippage_mean).toBeNaN();
    expect(v.options.liquidations_at_risk).toBeNaN();
    expect(v.options.liquidation_slippage_mean).toBeNaN();
    expect(v.perp.liquidations_at_risk).toBe(quantile([4600, 0], 0.95));
    expect(v.perp.liquidation_slippage_mean).toBe(18);
    expect(v.perp.max_open_interest_mean).toBe(5e5);
    expect(v.perp.max_leverage).toBeCloseTo(10, 12);
    expect([v.calm.liquidations_at_risk, v.calm.liquidation_slippage_mean]).toEqual([0, 0]);
    expect(v.calm.max_leverage).toBeNaN();
    // gates see the per-run columns; the statistic ids and their expressions are stable
    const gates = ['p95(total_liquidated_notional) > 19000', 'mean(total_liquidation_slippage) > 50'].map((t) => parseGate(t, METRIC_COLUMNS));
    expect(buildComparison([set], null, gates).gates.filter((r) => r.check.verdict === 'fail').map((r) => `${r.gate.text} | ${r.policy}`)).toEqual([
      'p95(total_liquidated_notional) > 19000 | mixed',
      'mean(total_liquidation_slippage) > 50 | mixed',
    ]);
    const json = JSON.parse(renderJson(rep));
    expect(json.statistics).toMatchObject({ liquidations_at_risk: 'p95(total_liquidated_notional)', liquidation_slippage_mean: 'mean(total_liquidation_slippage)', max_open_interest_mean: 'mean(max_open_interest)', max_leverage: 'mean(max_leverage)' });
    expect(json.groups[0].stats).toMatchObject({ liquidation_slippage_mean: 70, max_open_interest_mean: null, max_leverage: null });
    const csv = renderCsv(rep).split('\n');
    const col = csv[0].split(',').indexOf('max_leverage');
    expect(csv.slice(1).map((l) => l.split(',')[col])).toEqual(['', '', '', '10', '']);
    // the table prints n/a and says why under it
    const text = renderText(rep);
    expect(text).toMatch(/\nmixed\s.*\s70\.00\s+0\.00\s+n\/a\s+n\/a\n/);
    expect(text).toMatch(/\noptions\s.*\sn\/a\s+n\/a\s+0\.00\s+n\/a\s+n\/a\n/);
    expect(text).toContain("mean max OI and max lev. are the perpetuals venue's: n/a for 4 groups (of 5) whose runs had no positions on it.");
    expect(text).toContain('n/a for 1 group (of 5) whose liquidations were all options liquidations.');
    expect(text).toContain('n/a for 2 groups (of 5) whose liquidations were all lending or options liquidations.');
    expect(renderMarkdown(rep)).toContain("Mean max OI and max lev. are the perpetuals venue's: n/a for 4 groups (of 5)");
  });

  it('a perp-only result shows no n/a note', () => {
    const set = loadResultSet(path.join(sweepDir, 'runs.arrow'));
    const text = renderText(buildComparison([set], null, []));
    expect(text).not.toContain('n/a');
  });

  it('lending-crash: the pool\'s bad debt and deficit show in the headline statistics (they were 0 before)', () => {
    const ls = loadScenario(path.join(repoRoot, 'scenarios/lending-crash.yaml'));
    const results = ['none'].map((policy) => runScenario(ls.scenario, { policy, seed: ls.scenario.seed, baseDir: ls.baseDir }));
    const s = results[0].summary;
    expect(s.bad_debt).toBe(0);
    expect(s.lending_bad_debt).toBeGreaterThan(1e6);
    expect(s.lending_reserves).toBeLessThan(0);
    const out = path.join(dir, 'lending');
    writeResults(out, results, { scenario: s.scenario, scenarioHash: 'h', seed: s.seed });
    const rep = buildComparison(loadResultSets([out]), null, []);
    const v = rep.groups[0].values;
    expect(v.bad_debt_mean).toBe(s.lending_bad_debt);
    expect(v.uncovered_bad_debt_p99).toBe(-s.lending_reserves);
    expect(v.protocol_loss_var95).toBe(s.lending_reserves_initial - s.lending_reserves);
    expect(v.prob_insolvency).toBe(1);
    // LaR95 is the debt liquidated (it read 0); the pool records no slippage, and the perp venue had nothing
    expect(v.liquidations_at_risk).toBe(s.lending_liquidated_debt);
    expect(s.lending_liquidated_debt).toBeGreaterThan(1e6);
    expect(v.liquidation_slippage_mean).toBeNaN();
    expect(v.max_open_interest_mean).toBeNaN();
    expect(v.max_leverage).toBeNaN();
  });
});
