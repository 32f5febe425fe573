// Sweep results files: streamed batches of fixed run ranges, nullable rows for runs that died, partial files that
// are valid Arrow, and replay through a fresh writer giving the same bytes.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { RecordBatchReader, tableFromIPC } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventsTable, RUNS_COLUMNS } from '../../reports/arrow.js';
import { loadTable, rowsOf } from '../../reports/load.js';
import {
  readSweepEvents,
  readSweepRows,
  readSweepSteps,
  RUNS_PER_BATCH,
  SWEEP_EVENTS_COLUMNS,
  sweepEventRows,
  SweepWriter,
  sweepRunsColumns,
  type SweepEventRows,
  type SweepMeta,
  type SweepRow,
} from '../../reports/sweep-arrow.js';
import { runEvents } from '../../sim/events.js';
import { executeRun, type StepColumns } from '../../sim/run-task.js';
import { runScenario, type RunResult, type RunSummary } from '../../sim/run.js';
import { loadScenario } from '../../sim/scenario.js';
import { repoRoot } from '../sim/helpers.js';

let dir: string;
let summary: RunSummary;
let steps: StepColumns;
const N = 2 * RUNS_PER_BATCH + 100; // three run batches, the last one short

const meta: SweepMeta = {
  scenario: 'flash-crash',
  scenarioHash: 'abc',
  seed: 1,
  sweep: 'w',
  sweepHash: 'def',
  parameters: ['venue.maintenanceMargin', 'venue.marginPrice'],
  policies: ['none', 'pause'],
  points: 2,
  seeds: N / 4,
  runs: N,
};
const points = [
  [0.03, 'mark'],
  [0.05, 'oracle'],
];

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'bulwark-sweep-arrow-'));
  const ls = loadScenario(path.join(repoRoot, 'scenarios/flash-crash.yaml'));
  const s = structuredClone(ls.scenario);
  s.steps = 30;
  (s.agents[0] as any).count = 20;
  const o = executeRun({ runIndex: 0, scenario: s, baseDir: ls.baseDir, policy: 'none', seed: 5, collectSteps: true, timeoutMs: null });
  summary = o.summary!;
  steps = o.steps!;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Run i: every 7th died without a summary, every 11th failed with one. */
function row(i: number): { row: SweepRow; steps: StepColumns | null } {
  const pointIndex = i < N / 2 ? 0 : 1;
  const dead = i % 7 === 3;
  const err = i % 11 === 5 ? 'boom (step 3)' : null;
  return {
    row: {
      runIndex: i,
      pointIndex,
      seedIndex: (i >> 1) % (N / 4),
      scenario: 'flash-crash',
      policy: i % 2 === 0 ? 'none' : 'pause',
      seed: 1000 + i,
      steps: 30,
      summary: dead ? null : { ...summary, policy: i % 2 === 0 ? 'none' : 'pause', seed: 1000 + i, bad_debt: i * 1.5, error: err },
      error: dead ? 'run exceeded the memory limit of 64 MB (its worker was stopped)' : err,
    },
    steps: dead ? null : steps,
  };
}

function write(sub: string, upto: number, stop: 'finish' | 'interrupt') {
  const w = new SweepWriter({ dir: path.join(dir, sub), meta, points, steps: { runsPerBatch: 100 } });
  for (let i = 0; i < upto; i++) {
    const r = row(i);
    w.add(r.row, r.steps);
  }
  return stop === 'finish' ? w.finish() : w.interrupt();
}

async function batchSizes(file: string): Promise<number[]> {
  const reader = RecordBatchReader.from(readFileSync(file));
  return [...reader].map((b) => b.numRows);
}

describe('SweepWriter', { timeout: 30_000 }, () => {
  it('writes the runs table in batches of fixed run ranges, with the sweep columns and metadata', async () => {
    const { mkdirSync } = await import('node:fs');
    mkdirSync(path.join(dir, 'full'), { recursive: true });
    const f = write('full', N, 'finish');
    expect(readdirSync(path.join(dir, 'full')).sort()).toEqual(['runs.arrow', 'steps.arrow']); // no temp files left
    expect(await batchSizes(f.runs)).toEqual([RUNS_PER_BATCH, RUNS_PER_BATCH, 100]);
    const t = loadTable(f.runs, 'sweep-runs');
    expect(t.table.schema.fields.map((x) => x.name)).toEqual(sweepRunsColumns(meta.parameters));
    expect(t.table.schema.fields.map((x) => x.name).slice(0, 5)).toEqual(['run_index', 'point_index', 'seed_index', 'venue.maintenanceMargin', 'venue.marginPrice']);
    expect(t.table.getChild('venue.maintenanceMargin')!.type.toString()).toBe('Float64');
    expect(t.table.getChild('venue.marginPrice')!.type.toString()).toBe('Utf8');
    expect(t.metadata).toMatchObject({ 'bulwark.table': 'sweep-runs', 'bulwark.sweep': 'w', 'bulwark.sweep_hash': 'def', 'bulwark.seed': '1', 'bulwark.sweep.runs': String(N), 'bulwark.sweep.parameters': '["venue.maintenanceMargin","venue.marginPrice"]' });
    const rows = rowsOf(t.table);
    expect(rows.map((r) => r.run_index)).toEqual(Array.from({ length: N }, (_, i) => i));
    expect(rows[N - 1]).toMatchObject({ point_index: 1, 'venue.maintenanceMargin': 0.05, 'venue.marginPrice': 'oracle' });
    // a run that died: identity columns set, metrics null, the error kept
    expect(rows[3]).toMatchObject({ policy: 'pause', seed: 1003, steps: 30, parameters: null, final_price: null, liquidations: null, error: 'run exceeded the memory limit of 64 MB (its worker was stopped)' });
    // a run that failed with a summary keeps it
    expect(rows[5]).toMatchObject({ bad_debt: 7.5, error: 'boom (step 3)', liquidations: summary.liquidations });
    expect(rows[0]).toMatchObject({ ...summary, seed: 1000, error: null, bad_debt: 0 });
    expect(t.table.schema.fields.find((x) => x.name === 'final_price')!.nullable).toBe(true);
    expect(t.table.schema.fields.find((x) => x.name === 'policy')!.nullable).toBe(false);
  });

  it('writes the steps table of the runs that have steps, joined on run_index', () => {
    const t = loadTable(path.join(dir, 'full', 'steps.arrow'), 'sweep-steps');
    const withSteps = Array.from({ length: N }, (_, i) => i).filter((i) => i % 7 !== 3);
    expect(t.table.numRows).toBe(withSteps.length * 30);
    const runIndex = t.table.getChild('run_index')!.toArray() as Int32Array;
    expect(runIndex[0]).toBe(0);
    expect(runIndex[30 * 3]).toBe(4); // run 3 has no steps
    expect(Array.from((t.table.getChild('mark')!.toArray() as Float64Array).subarray(0, 30))).toEqual(Array.from(steps.mark));
  });

  it('an interrupted writer leaves valid .partial files of its prefix; a replay gives the uninterrupted bytes', async () => {
    const cut = RUNS_PER_BATCH + 37;
    const p = write('int', cut, 'interrupt');
    expect(p.runs).toBe(path.join(dir, 'int', 'runs.partial.arrow'));
    expect(existsSync(path.join(dir, 'int', 'runs.arrow'))).toBe(false);
    const partial = tableFromIPC(readFileSync(p.runs));
    expect(partial.numRows).toBe(cut);
    expect(await batchSizes(p.runs)).toEqual([RUNS_PER_BATCH, 37]);
    // replay the partial rows and steps, then the rest, through a fresh writer
    const w = new SweepWriter({ dir: path.join(dir, 'int'), meta, points, steps: { runsPerBatch: 100 } });
    const stepIter = readSweepSteps(p.steps!);
    let pending = await stepIter.next();
    for await (const r of readSweepRows(p.runs)) {
      let s: StepColumns | null = null;
      if (!pending.done && pending.value.runIndex === r.runIndex) {
        s = pending.value.steps;
        pending = await stepIter.next();
      }
      w.add(r, s);
    }
    expect(w.written).toBe(cut);
    for (let i = cut; i < N; i++) {
      const r = row(i);
      w.add(r.row, r.steps);
    }
    const f = w.finish();
    expect(readFileSync(f.runs).equals(readFileSync(path.join(dir, 'full', 'runs.arrow')))).toBe(true);
    expect(readFileSync(f.steps!).equals(readFileSync(path.join(dir, 'full', 'steps.arrow')))).toBe(true);
    expect(readdirSync(path.join(dir, 'int')).sort()).toEqual(['runs.arrow', 'steps.arrow']); // partial files removed
  });

  it('refuses rows out of order; discard leaves nothing behind', () => {
    const w = new SweepWriter({ dir: path.join(dir, 'full'), meta, points, steps: null });
    expect(() => w.add(row(1).row, null)).toThrow('sweep writer: run 1 added, expected run 0');
    w.discard();
    expect(readdirSync(path.join(dir, 'full')).sort()).toEqual(['runs.arrow', 'steps.arrow']);
  });

  it('every summary column is in the sweep runs table', () => {
    expect(sweepRunsColumns(['a']).slice(4)).toEqual(RUNS_COLUMNS);
  });
});

describe('sweep events table', { timeout: 60_000 }, () => {
  // runs with agents' actions and interventions (mango, all defenses), agents' actions and a liquidation (bZx), and
  // a flash crash's liquidations
  let results: RunResult[];
  beforeAll(() => {
    const run = (file: string, policy: string, edit?: (s: any) => void) => {
      const ls = loadScenario(path.join(repoRoot, file));
      const s = structuredClone(ls.scenario);
      edit?.(s);
      return runScenario(s, { policy, seed: 3, baseDir: ls.baseDir });
    };
    results = [
      run('scenarios/incidents/mango-2022.yaml', 'all'),
      run('scenarios/incidents/bzx-flash-loan-2020.yaml', 'none'),
      run('scenarios/flash-crash.yaml', 'pause', (s) => {
        s.agents[0].count = 200;
      }),
    ];
    const count = (t: number) => results.reduce((n, r) => n + [...rowsOf(eventsTable([r], { scenario: r.summary.scenario, scenarioHash: '', seed: r.summary.seed }))].filter((x) => x.type === ['liquidation', 'intervention', 'agent'][t]).length, 0);
    expect([count(0), count(1), count(2)].every((n) => n > 0)).toBe(true); // every row type is exercised
  });
  const M = RUNS_PER_BATCH + 100;
  /** Run i: every 7th died (no events); the others cycle through the three runs above. */
  const cache = new Map<number, SweepEventRows>();
  const eventsOf = (i: number): SweepEventRows | null => {
    if (i % 7 === 3) return null;
    if (!cache.has(i % 3)) cache.set(i % 3, sweepEventRows(runEvents(results[i % 3].events)));
    return cache.get(i % 3)!;
  };
  const runRow = (i: number): SweepRow => ({ ...row(i).row, runIndex: i, pointIndex: 0 });
  const sub = (name: string) => path.join(dir, name);
  function writeEvents(name: string, upto: number, stop: 'finish' | 'interrupt') {
    const w = new SweepWriter({ dir: sub(name), meta: { ...meta, runs: M }, points, steps: null, events: true });
    for (let i = 0; i < upto; i++) w.add(runRow(i), null, eventsOf(i));
    return stop === 'finish' ? w.finish() : w.interrupt();
  }

  it("holds each run's rows of events.arrow, with run_index in place of policy and seed", async () => {
    const f = writeEvents('ev-full', M, 'finish');
    expect(readdirSync(sub('ev-full')).sort()).toEqual(['events.arrow', 'runs.arrow']);
    const t = loadTable(f.events!, 'sweep-events');
    expect(t.table.schema.fields.map((x) => x.name)).toEqual([...SWEEP_EVENTS_COLUMNS]);
    expect(t.metadata).toMatchObject({ 'bulwark.table': 'sweep-events', 'bulwark.sweep_hash': 'def' });
    const perRun = results.map((r) => rowsOf(eventsTable([r], { scenario: r.summary.scenario, scenarioHash: '', seed: r.summary.seed })).map(({ policy: _p, seed: _s, ...x }) => x));
    const want: Record<string, unknown>[] = [];
    for (let i = 0; i < M; i++) if (i % 7 !== 3) want.push(...perRun[i % 3].map((x) => ({ run_index: i, ...x })));
    expect(t.table.numRows).toBe(want.length);
    expect(rowsOf(t.table.slice(0, 500))).toEqual(want.slice(0, 500));
    expect(rowsOf(t.table.slice(-500))).toEqual(want.slice(-500));
    // batches hold whole runs: closed at 65,536 rows or 1,024 runs
    const sizes = await batchSizes(f.events!);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(want.length);
    expect(sizes.length).toBeGreaterThan(1);
  });

  it('a worker outcome carries the events as plain data: typed arrays and plain records', () => {
    const ls = loadScenario(path.join(repoRoot, 'scenarios/incidents/mango-2022.yaml'));
    const o = executeRun({ runIndex: 0, scenario: ls.scenario, baseDir: ls.baseDir, policy: 'all', seed: 3, collectSteps: false, collectEvents: true, timeoutMs: null });
    const ev = o.events!;
    expect(Object.getPrototypeOf(ev)).toBe(Object.prototype);
    expect(ev.step).toBeInstanceOf(Int32Array);
    expect(structuredClone(ev)).toEqual(ev);
    expect(sweepEventRows(ev)).toEqual(sweepEventRows(runEvents(results[0].events)));
    expect(executeRun({ runIndex: 0, scenario: ls.scenario, baseDir: ls.baseDir, policy: 'all', seed: 3, collectSteps: false, timeoutMs: null }).events).toBeUndefined();
  });

  it('an interrupted writer leaves a valid events.partial.arrow; a replay gives the uninterrupted bytes', async () => {
    const cut = RUNS_PER_BATCH - 37;
    const p = writeEvents('ev-int', cut, 'interrupt');
    expect(p.events).toBe(path.join(sub('ev-int'), 'events.partial.arrow'));
    const partialRuns = loadTable(p.events!, 'sweep-events').table.getChild('run_index')!.toArray() as Int32Array;
    expect(partialRuns.at(-1)).toBe(cut - 1 - ((cut - 1) % 7 === 3 ? 1 : 0));
    const w = new SweepWriter({ dir: sub('ev-int'), meta: { ...meta, runs: M }, points, steps: null, events: true });
    const evIter = readSweepEvents(p.events!);
    let pending = await evIter.next();
    for await (const r of readSweepRows(p.runs)) {
      let e: SweepEventRows | null = null;
      if (!pending.done && pending.value.runIndex === r.runIndex) {
        e = pending.value.events;
        pending = await evIter.next();
      }
      w.add(r, null, e);
    }
    expect(w.written).toBe(cut);
    for (let i = cut; i < M; i++) w.add(runRow(i), null, eventsOf(i));
    const f = w.finish();
    expect(readFileSync(f.events!).equals(readFileSync(path.join(sub('ev-full'), 'events.arrow')))).toBe(true);
    expect(readFileSync(f.runs).equals(readFileSync(path.join(sub('ev-full'), 'runs.arrow')))).toBe(true);
    expect(readdirSync(sub('ev-int')).sort()).toEqual(['events.arrow', 'runs.arrow']);
  });
});
