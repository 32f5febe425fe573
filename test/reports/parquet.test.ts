// Parquet results: read back with hyparquet (the writer's companion reader), every column and value equals the Arrow
// table's, with the same metadata; `bulwark run --format` writes the files asked for, byte-identical on rerun.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Table } from 'apache-arrow';
import { parquetMetadata, parquetReadObjects, parquetSchema } from 'hyparquet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventsTable, runsTable, stepsTable, type ResultsMeta } from '../../reports/arrow.js';
import { loadTable } from '../../reports/load.js';
import { tableToParquet } from '../../reports/parquet.js';
import { runScenario, type RunResult } from '../../sim/run.js';
import { loadScenario } from '../../sim/scenario.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'bulwark-parquet-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

let results: RunResult[];
let meta: ResultsMeta;

beforeAll(() => {
  const ls = loadScenario(path.join(root, 'scenarios', 'flash-crash.yaml'));
  ls.scenario.steps = 700; // past the crash at step 600: liquidations, halts and interventions
  results = ['none', 'vol-breaker'].map((policy) => runScenario(ls.scenario, { policy, seed: 3, baseDir: ls.baseDir }));
  meta = { scenario: ls.scenario.name, scenarioHash: ls.hash, seed: 3 };
});

function arrayBuffer(bytes: Uint8Array): ArrayBuffer {
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}

async function roundTrip(table: Table): Promise<void> {
  const file = arrayBuffer(tableToParquet(table));
  const rows = await parquetReadObjects({ file });
  expect(rows.length).toBe(table.numRows);
  const names = table.schema.fields.map((f) => f.name);
  expect(Object.keys(rows[0] ?? {})).toEqual(names);
  for (const f of table.schema.fields) {
    const col = table.getChild(f.name)!;
    const want = Array.from({ length: table.numRows }, (_, i): unknown => col.get(i) ?? null);
    expect(rows.map((r) => r[f.name]), f.name).toEqual(want);
  }
  const md = parquetMetadata(file);
  const kv = Object.fromEntries((md.key_value_metadata ?? []).map((e) => [e.key, e.value]));
  expect(kv).toEqual(Object.fromEntries(table.schema.metadata));
  const schema = parquetSchema(md);
  for (const child of schema.children) {
    const f = table.schema.fields.find((x) => x.name === child.element.name)!;
    expect(child.element.repetition_type, f.name).toBe(f.nullable ? 'OPTIONAL' : 'REQUIRED');
  }
}

describe('Parquet results', () => {
  it('runs: every column and value, Int64 counts as BigInt, metadata and nullability as in Arrow', async () => {
    await roundTrip(runsTable(results, meta));
  });

  it('steps: every column and value (dictionary policy as strings, halted as UINT_8)', async () => {
    const t = stepsTable(results, meta);
    await roundTrip(t);
    const md = parquetMetadata(arrayBuffer(tableToParquet(t)));
    const halted = parquetSchema(md).children.find((c) => c.element.name === 'halted')!.element;
    expect([halted.type, halted.converted_type]).toEqual(['INT32', 'UINT_8']);
  });

  it('events: liquidations and interventions, nulls where a column does not apply', async () => {
    const t = eventsTable(results, meta);
    expect(t.numRows).toBeGreaterThan(10);
    expect(results[1].interventions.length).toBeGreaterThan(0);
    await roundTrip(t);
  });
});

describe('bulwark run --format', () => {
  const run = (out: string, format: string) => spawnSync(process.execPath, [path.join(root, 'dist', 'cli.js'), 'run', 'scenarios/flash-crash.yaml', '--policy', 'none', '--out', out, '--format', format, '--quiet'], { cwd: root, encoding: 'utf8' });

  it('writes Parquet instead of Arrow, both, and the same bytes on rerun', () => {
    const p = path.join(tmp, 'parquet');
    const b = path.join(tmp, 'both');
    const again = path.join(tmp, 'again');
    for (const [dir, format] of [[p, 'parquet'], [b, 'both'], [again, 'parquet']]) {
      const r = run(dir, format);
      expect(r.status, r.stderr).toBe(0);
    }
    expect(readdirSync(p).sort()).toEqual(['events.parquet', 'runs.parquet', 'steps.parquet']);
    expect(readdirSync(b).sort()).toEqual(['events.arrow', 'events.parquet', 'runs.arrow', 'runs.parquet', 'steps.arrow', 'steps.parquet']);
    for (const f of ['runs.parquet', 'steps.parquet', 'events.parquet']) expect(readFileSync(path.join(again, f)).equals(readFileSync(path.join(p, f))), f).toBe(true);
    const bad = run(path.join(tmp, 'bad'), 'csv');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/Allowed choices are arrow, parquet, both/);
  }, 60_000);

  it('bulwark sweep --format both writes Parquet copies of runs.arrow and steps.arrow with the same rows', async () => {
    const out = path.join(tmp, 'sweep');
    const r = spawnSync(process.execPath, [path.join(root, 'dist', 'cli.js'), 'sweep', 'test/fixtures/recommend/margin.yaml', '--out', out, '--format', 'both', '--steps-out', '--workers', '2', '--quiet'], { cwd: root, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(readdirSync(out).sort()).toEqual(['runs.arrow', 'runs.parquet', 'steps.arrow', 'steps.parquet']);
    const runs = loadTable(path.join(out, 'runs.arrow')).table;
    const rows = await parquetReadObjects({ file: arrayBuffer(readFileSync(path.join(out, 'runs.parquet'))), columns: ['run_index', 'venue.maintenanceMargin', 'policy', 'bad_debt', 'liquidations'] });
    expect(rows).toHaveLength(36);
    for (const c of ['run_index', 'venue.maintenanceMargin', 'policy', 'bad_debt']) expect(rows.map((x) => x[c]), c).toEqual(Array.from({ length: 36 }, (_, i) => runs.getChild(c)!.get(i)));
    expect(rows.map((x) => x.liquidations)).toEqual(Array.from({ length: 36 }, (_, i) => runs.getChild('liquidations')!.get(i)));
    const steps = loadTable(path.join(out, 'steps.arrow')).table;
    expect(parquetMetadata(arrayBuffer(readFileSync(path.join(out, 'steps.parquet')))).num_rows).toBe(BigInt(steps.numRows));
  }, 120_000);
});
