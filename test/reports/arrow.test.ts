// Arrow results: written tables read back equal the in-memory runs, carry their metadata, and are byte-identical on rerun.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { tableFromArrays, tableToIPC, Type, type Table } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bulwarkVersion,
  eventsTable,
  RUNS_COLUMNS,
  runsTable,
  SCHEMA_VERSION,
  stepsTable,
  writeResults,
  writeStepRecords,
  type ResultsMeta,
} from '../../reports/arrow.js';
import { loadResults, loadTable, rowsOf } from '../../reports/load.js';
import { EventLog } from '../../sim/events.js';
import { runScenario, type RunResult } from '../../sim/run.js';
import { loadScenario, type LoadedScenario } from '../../sim/scenario.js';
import { Series, SERIES_COLUMNS } from '../../sim/series.js';
import { InputError } from '../../sim/errors.js';
import { errorOf } from '../sim/helpers.js';

const STEPS = 400; // the crash starts at 50%: step 200
let ls: LoadedScenario;
let results: RunResult[];
let meta: ResultsMeta;
let tmp: string;

beforeAll(() => {
  ls = loadScenario('scenarios/bench/cascade.yaml');
  ls.scenario.steps = STEPS;
  results = ['none', 'vol-breaker'].map((policy) => runScenario(ls.scenario, { policy, seed: 1, baseDir: ls.baseDir }));
  meta = { scenario: ls.scenario.name, scenarioHash: ls.hash, seed: 1 };
  tmp = mkdtempSync(path.join(os.tmpdir(), 'bulwark-arrow-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function col(t: Table, name: string): any[] {
  return Array.from(t.getChild(name)!.toArray() as ArrayLike<unknown>);
}

/** Rows of a table belonging to run k (rows are grouped by run, in order). */
function runSlice(t: Table, counts: number[], k: number): Table {
  const start = counts.slice(0, k).reduce((a, b) => a + b, 0);
  return t.slice(start, start + counts[k]);
}

describe('the runs under test', () => {
  it('have liquidations, and interventions under vol-breaker (otherwise the checks below prove little)', () => {
    expect(results[0].summary.liquidations).toBeGreaterThan(100);
    expect(results[1].summary.liquidations).toBeGreaterThan(100);
    expect(results[0].interventions.length).toBe(0);
    expect(results[1].interventions.length).toBeGreaterThan(0);
    expect(results[1].summary.steps_halted).toBeGreaterThan(0);
  });
});

describe('writeResults + loadResults', () => {
  let dir: string;
  let files: { runs: string; steps: string; events: string };
  beforeAll(() => {
    dir = path.join(tmp, 'a', 'nested');
    files = writeResults(dir, results, meta);
  });

  it('writes exactly the three files', () => {
    expect(readdirSync(dir).sort()).toEqual(['events.arrow', 'runs.arrow', 'steps.arrow']);
    expect(files.runs).toBe(path.join(dir, 'runs.arrow'));
    // IPC file format: magic at both ends
    const b = readFileSync(files.steps);
    expect(b.subarray(0, 6).toString()).toBe('ARROW1');
    expect(b.subarray(b.length - 6).toString()).toBe('ARROW1');
  });

  it('runs: one row per run equal to the summary, columns in RunSummary order', () => {
    const loaded = loadResults(dir);
    expect(loaded.runs).toEqual(results.map((r) => r.summary));
    expect(loaded.runs[1].liquidations).toBe(results[1].summary.liquidations);
    expect(loaded.runs[1].interventions).toBe(results[1].interventions.length);
    expect(loaded.runs[0].error).toBeNull();
    expect(RUNS_COLUMNS).toEqual(Object.keys(results[0].summary));
    const t = loadTable(files.runs, 'runs').table;
    const types = Object.fromEntries(t.schema.fields.map((f) => [f.name, `${f.type}${f.nullable ? '?' : ''}`]));
    expect(types).toMatchObject({ scenario: 'Utf8', seed: 'Int32', steps: 'Int32', liquidations: 'Int64', opens: 'Int64', insurance_fund_final: 'Float64', error: 'Utf8?' });
  });

  it('steps: one row per (run, step) holding the series of each run', () => {
    const { steps } = loadResults(dir);
    expect(steps.numRows).toBe(2 * STEPS);
    expect(steps.schema.fields.map((f) => f.name)).toEqual(['policy', 'seed', 'step', ...SERIES_COLUMNS]);
    const typeOf = (n: string) => steps.schema.fields.find((f) => f.name === n)!.type.typeId;
    expect(typeOf('liquidations')).toBe(Type.Int);
    expect(typeOf('mark')).toBe(Type.Float);
    expect(typeOf('policy')).toBe(Type.Dictionary);
    expect(String(steps.schema.fields.find((f) => f.name === 'halted')!.type)).toBe('Uint8');
    results.forEach((r, k) => {
      const part = runSlice(steps, [STEPS, STEPS], k);
      expect(new Set(col(part, 'policy'))).toEqual(new Set([r.summary.policy]));
      expect(col(part, 'seed').every((s) => s === 1)).toBe(true);
      expect(col(part, 'step')).toEqual(Array.from({ length: STEPS }, (_, t) => t));
      for (const name of SERIES_COLUMNS) expect(col(part, name)).toEqual(Array.from(r.series.column(name)));
      const liqs = col(part, 'liquidations').reduce((a, b) => a + b, 0);
      expect(liqs).toBe(r.summary.liquidations);
      expect(col(part, 'insurance_fund')[STEPS - 1]).toBe(r.summary.insurance_fund_final);
      expect(col(part, 'halted').filter((h) => h > 0).length).toBe(r.summary.steps_halted);
    });
  });

  it('events: liquidations and interventions of each run, in order, with nulls where a field does not apply', () => {
    const { events } = loadResults(dir);
    const counts = results.map((r) => r.summary.liquidations + r.interventions.length);
    expect(events.numRows).toBe(counts[0] + counts[1]);
    results.forEach((r, k) => {
      const rows = rowsOf(runSlice(events, counts, k));
      const liqs = rows.filter((e) => e.type === 'liquidation');
      const ints = rows.filter((e) => e.type === 'intervention');
      expect(liqs.length).toBe(r.summary.liquidations);
      expect(ints.length).toBe(r.summary.interventions);
      expect(rows.every((e) => e.policy === r.summary.policy && e.seed === 1)).toBe(true);
      // by step; liquidations before interventions within a step
      for (let i = 1; i < rows.length; i++) {
        const a = rows[i - 1];
        const b = rows[i];
        expect((a.step as number) <= (b.step as number)).toBe(true);
        if (a.step === b.step) expect(a.type === 'intervention' && b.type === 'liquidation').toBe(false);
      }
      // liquidation rows are the EventLog entries, in order
      const ev = r.events;
      expect(liqs.map((e) => e.account)).toEqual(Array.from(ev.account.subarray(0, ev.liqCount)));
      expect(liqs.map((e) => e.notional)).toEqual(Array.from(ev.notional.subarray(0, ev.liqCount)));
      expect(liqs.map((e) => e.uncovered_bad_debt)).toEqual(Array.from(ev.uncovered.subarray(0, ev.liqCount)));
      const notional = liqs.reduce((a, e) => a + (e.notional as number), 0);
      expect(notional).toBeCloseTo(r.summary.liquidated_notional, 6);
      for (const e of liqs) {
        expect(e).toMatchObject({ source: 'venue', action: 'liquidate', reason: null, value: null, threshold: null });
        expect(e.price).toBeGreaterThan(0);
      }
      // intervention rows are the recorded interventions
      expect(ints.map((e) => [e.step, e.source, e.action, e.reason, e.value, e.threshold])).toEqual(
        r.interventions.map((i) => [i.step, i.policy, i.action, i.reason, i.value, i.threshold]),
      );
      for (const e of ints) expect(e).toMatchObject({ account: -1, size: null, notional: null, bad_debt: null });
    });
  });

  it('metadata: version, scenario, hash, seed, table and schema version on every file', () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
    expect(bulwarkVersion()).toBe(pkg.version);
    for (const name of ['runs', 'steps', 'events'] as const) {
      const t = loadTable(files[name], name);
      expect(t.metadata).toEqual({
        'bulwark.version': pkg.version,
        'bulwark.scenario': 'cascade-bench',
        'bulwark.scenario_hash': ls.hash,
        'bulwark.seed': '1',
        'bulwark.table': name,
        'bulwark.schema_version': SCHEMA_VERSION,
      });
    }
    const loaded = loadResults(dir);
    expect(loaded.metadata['bulwark.scenario_hash']).toBe(ls.hash);
    expect(loaded.metadata['bulwark.table']).toBeUndefined();
  });

  it('accepts one of the three files as the target', () => {
    const loaded = loadResults(files.events);
    expect(loaded.runs.map((r) => r.policy)).toEqual(['none', 'vol-breaker']);
    expect(loaded.dir).toBe(dir);
  });
});

describe('determinism', () => {
  it('the same runs written twice, and rerun and written again, give byte-identical files', () => {
    const a = writeResults(path.join(tmp, 'det-a'), results, meta);
    const b = writeResults(path.join(tmp, 'det-b'), results, meta);
    const rerun = ['none', 'vol-breaker'].map((policy) => runScenario(ls.scenario, { policy, seed: 1, baseDir: ls.baseDir }));
    const c = writeResults(path.join(tmp, 'det-c'), rerun, meta);
    for (const k of ['runs', 'steps', 'events'] as const) {
      const bytes = readFileSync(a[k]);
      expect(bytes.length).toBeGreaterThan(1000);
      expect(readFileSync(b[k]).equals(bytes)).toBe(true);
      expect(readFileSync(c[k]).equals(bytes)).toBe(true);
    }
  });

  it('a different seed gives different files', () => {
    const r2 = runScenario(ls.scenario, { policy: 'none', seed: 2, baseDir: ls.baseDir });
    const a = writeResults(path.join(tmp, 'seed-1'), [results[0]], meta);
    const b = writeResults(path.join(tmp, 'seed-2'), [r2], { ...meta, seed: 2 });
    expect(readFileSync(a.steps).equals(readFileSync(b.steps))).toBe(false);
    expect(loadTable(b.runs).metadata['bulwark.seed']).toBe('2');
  });
});

/** A hand-made run: 4 steps, liquidations at steps 1, 2, 2 and interventions at steps 0, 2, 3 (out of type order). */
function syntheticRun(): RunResult {
  const series = new Series(4);
  const events = new EventLog();
  events.liquidation(1, 10, -1, 2, 100, 99, 198, 2, 1, 0, 0, 0);
  events.liquidation(2, 11, 3, -1, 90, 91, 91, 1, 0.5, 0.2, 5, 1);
  events.liquidation(2, 12, -1, 1, 90, 89, 89, 1, 0.5, 0, 0, 0);
  events.interventions.push({ step: 0, policy: 'p', action: 'halt', reason: 'because', value: 1.5, threshold: 1 });
  events.interventions.push({ step: 2, policy: 'p', action: 'halt', reason: 'again', value: 2.5, threshold: 1 });
  events.interventions.push({ step: 3, policy: 'p', action: 'resume', reason: 'done', value: 0, threshold: 0 });
  const summary = { ...results[0].summary, policy: 'p', liquidations: 3, interventions: 3 };
  return { summary, series, events, interventions: events.interventions, loopSeconds: 0 };
}

describe('events order and sources', () => {
  it('orders by step with liquidations first within a step, and names liquidators', () => {
    const rows = rowsOf(eventsTable([syntheticRun()], meta));
    expect(rows.map((e) => [e.step, e.type, e.source, e.action, e.account])).toEqual([
      [0, 'intervention', 'p', 'halt', -1],
      [1, 'liquidation', 'venue', 'liquidate', 10],
      [2, 'liquidation', 'agent:3', 'liquidate', 11],
      [2, 'liquidation', 'venue', 'liquidate', 12],
      [2, 'intervention', 'p', 'halt', -1],
      [3, 'intervention', 'p', 'resume', -1],
    ]);
    expect(rows[2]).toMatchObject({ bounty: 0.2, bad_debt: 5, uncovered_bad_debt: 1, exec_price: 91, reason: null, value: null });
    expect(rows[4]).toMatchObject({ reason: 'again', value: 2.5, threshold: 1, size: null, price: null });
  });

  it('a scenario with a liquidator bot records agent:<index> as the source', () => {
    const s = structuredClone(ls.scenario);
    s.agents.push({ kind: 'liquidator', name: 'bot', bounty: 0.01, maxPerStep: 5, uptime: 1 } as any);
    const r = runScenario(s, { policy: 'none', seed: 1, baseDir: ls.baseDir });
    const rows = rowsOf(eventsTable([r], meta));
    expect(rows.length).toBe(r.summary.liquidations);
    expect(rows.length).toBeGreaterThan(0);
    expect(new Set(rows.map((e) => e.source))).toEqual(new Set(['agent:1']));
    expect(rows.some((e) => (e.bounty as number) > 0)).toBe(true);
  });
});

describe('edge cases', () => {
  it('a failed run keeps the steps before the failing one', () => {
    const failed: RunResult = { ...results[0], error: { code: 'internal', message: 'boom', step: 150 } };
    const t = stepsTable([failed, results[1]], meta);
    expect(t.numRows).toBe(150 + STEPS);
    expect(col(t, 'mark').slice(0, 150)).toEqual(Array.from(results[0].series.mark.subarray(0, 150)));
    expect(col(t, 'step')[150]).toBe(0);
  });

  it('no runs: empty tables with the full schema', () => {
    const files = writeResults(path.join(tmp, 'empty'), [], meta);
    const loaded = loadResults(path.dirname(files.runs));
    expect(loaded.runs).toEqual([]);
    expect(loaded.steps.numRows).toBe(0);
    expect(loaded.events.numRows).toBe(0);
    expect(loaded.events.schema.fields.length).toBe(19);
    expect(runsTable([], meta).schema.fields.map((f) => f.name)).toEqual(RUNS_COLUMNS);
  });

  it('metadata that disagrees with the results is refused', () => {
    expect(() => runsTable(results, { ...meta, scenario: 'other' })).toThrow(/scenario/);
    expect(() => stepsTable(results, { ...meta, seed: 7 })).toThrow(/seed/);
    expect(runsTable(results, { ...meta, seed: [1, 2] }).schema.metadata.get('bulwark.seed')).toBe('1,2');
  });

  it('a seed beyond Int32 is an input error', () => {
    const big: RunResult = { ...results[0], summary: { ...results[0].summary, seed: 2 ** 31 } };
    expect(() => runsTable([big], { ...meta, seed: 2 ** 31 })).toThrow(InputError);
    let err: unknown;
    try {
      stepsTable([big], { ...meta, seed: 2 ** 31 });
    } catch (e) {
      err = e;
    }
    expect((err as InputError).data.code).toBe('results.seed-range');
  });
});

describe('writeStepRecords', () => {
  it('writes step, price (mark), liquidations, insurance fund and uncovered bad debt', () => {
    const r = results[0];
    const file = path.join(tmp, 'rec', 'records.arrow');
    writeStepRecords(file, r);
    const t = loadTable(file, 'records');
    expect(t.table.schema.fields.map((f) => `${f.name}:${f.type}`)).toEqual([
      'step:Int32',
      'price:Float64',
      'liquidations:Int32',
      'insurance_fund:Float64',
      'uncovered_bad_debt:Float64',
    ]);
    expect(col(t.table, 'price')).toEqual(Array.from(r.series.mark));
    expect(col(t.table, 'liquidations')).toEqual(Array.from(r.series.liquidations));
    expect(col(t.table, 'insurance_fund')).toEqual(Array.from(r.series.insuranceFund));
    expect(col(t.table, 'uncovered_bad_debt').at(-1)).toBe(r.summary.uncovered_bad_debt);
    expect(t.metadata).toMatchObject({ 'bulwark.table': 'records', 'bulwark.scenario': 'cascade-bench', 'bulwark.seed': '1' });
    expect(t.metadata['bulwark.scenario_hash']).toBeUndefined();
    writeStepRecords(path.join(tmp, 'rec', 'again.arrow'), r, { scenarioHash: ls.hash });
    expect(loadTable(path.join(tmp, 'rec', 'again.arrow')).metadata['bulwark.scenario_hash']).toBe(ls.hash);
    expect(() => loadResults(file)).toThrow(/records/);
  });
});

describe('loadResults errors', () => {
  const code = errorOf;

  it('a missing directory or file is results.unreadable naming it', () => {
    const missing = path.join(tmp, 'nope');
    expect(code(() => loadResults(missing))).toMatchObject({ code: 'results.unreadable', file: missing });
    const partial = path.join(tmp, 'partial');
    const files = writeResults(partial, results, meta);
    rmSync(files.events);
    expect(code(() => loadResults(partial))).toMatchObject({ code: 'results.unreadable', file: files.events });
  });

  it('a file that is not Arrow, or Arrow without bulwark metadata, is results.invalid naming it', () => {
    const d = path.join(tmp, 'bad');
    mkdirSync(d, { recursive: true });
    const text = path.join(d, 'runs.arrow');
    writeFileSync(text, 'policy,seed\nnone,1\n');
    expect(code(() => loadResults(d))).toMatchObject({ code: 'results.invalid', file: text });
    const plain = path.join(d, 'plain.arrow');
    writeFileSync(plain, tableToIPC(tableFromArrays({ x: new Int32Array([1, 2]) }), 'file'));
    const err = code(() => loadTable(plain));
    expect(err).toMatchObject({ code: 'results.invalid', file: plain });
    expect(err.message).toMatch(/not bulwark/);
    const stream = path.join(d, 'stream.arrow');
    writeFileSync(stream, tableToIPC(runsTable(results, meta), 'stream'));
    expect(code(() => loadTable(stream))).toMatchObject({ code: 'results.invalid', file: stream });
  });

  it('a wrong table in a slot, or files of different runs, are results.invalid', () => {
    const d = path.join(tmp, 'mixed');
    const files = writeResults(d, results, meta);
    const other = writeResults(path.join(tmp, 'other'), results, { ...meta, scenarioHash: 'x'.repeat(64) });
    writeFileSync(files.steps, readFileSync(other.steps));
    const err = code(() => loadResults(d));
    expect(err).toMatchObject({ code: 'results.invalid', file: files.steps });
    expect(err.message).toMatch(/scenario_hash/);
    writeFileSync(files.steps, readFileSync(files.runs));
    expect(code(() => loadResults(d)).message).toMatch(/holds the 'runs' table, expected 'steps'/);
  });

  it('schema versions: this one (2) and version 1 are read, any other is results.invalid naming the versions', () => {
    expect(SCHEMA_VERSION).toBe('2');
    const d = path.join(tmp, 'versions');
    mkdirSync(d, { recursive: true });
    const labelled = (v: string) => {
      const t = runsTable(results, meta);
      t.schema.metadata.set('bulwark.schema_version', v);
      const f = path.join(d, `runs-${v}.arrow`);
      writeFileSync(f, tableToIPC(t, 'file'));
      return f;
    };
    expect(loadTable(labelled('1'), 'runs').metadata['bulwark.schema_version']).toBe('1');
    const err = code(() => loadTable(labelled('0'), 'runs'));
    expect(err.code).toBe('results.invalid');
    expect(err.message).toMatch(/schema version 0 is not one this bulwark reads \(1, 2; it writes 2\); rerun the scenario/);
  });
});

