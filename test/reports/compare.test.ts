// `compare` on real sweep results: statistics equal the stats functions on the runs, paired differences on the same
// seeds, baseline changes and gates, and each output format.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeResults } from '../../reports/arrow.js';
import { buildComparison, METRICS } from '../../reports/compare.js';
import { renderCsv, renderJson, renderJunit, renderMarkdown, renderText } from '../../reports/compare-format.js';
import { parseGate } from '../../reports/gates.js';
import { loadTable, rowsOf } from '../../reports/load.js';
import { loadResultSet, loadResultSets, METRIC_COLUMNS } from '../../reports/results-set.js';
import { expectedShortfall, mean, protocolLoss, quantile, sharePositive, valueAtRisk } from '../../reports/stats/index.js';
import { SweepWriter } from '../../reports/sweep-arrow.js';
import { InputError } from '../../sim/errors.js';
import { InlineExecutor } from '../../sim/executor.js';
import { runScenario } from '../../sim/run.js';
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
      expect(g.values.liquidations_at_risk).toBe(quantile(mine.map((r) => r.liquidated_notional), 0.95));
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
    expect(rep.paired.find((p) => p.column === 'bad_debt')!.mean).toBe(results[1].summary.bad_debt - results[0].summary.bad_debt);
  });

  it('a directory of result directories is read in name order; the same groups twice are ambiguous', () => {
    expect(() => loadResultSets([sweepDir, sweepDir])).toThrow(/both hold runs of policy 'none' at venue\.maintenanceMargin=0\.03 of sweep 'cmp'/);
    expect(loadResultSets([dir]).map((s) => path.basename(s.dir))).toEqual(['cmp', 'run']);
    expect(() => loadResultSets([path.join(dir, 'nope')])).toThrow(/no such file or directory/);
  });
});
