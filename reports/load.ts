// Reads bulwark Arrow results back: a results directory (runs, steps, events) or one table file, validated.
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { tableFromIPC, type Table } from 'apache-arrow';
import { InputError } from '../sim/errors.js';
import type { RunSummary } from '../sim/run.js';
import { READABLE_SCHEMA_VERSIONS, RESULT_FILES, SCHEMA_VERSION, TABLE_COLUMNS, type TableName } from './arrow.js';
import { SWEEP_EVENTS_COLUMNS, SWEEP_EVENTS_TABLE, SWEEP_RUNS_TABLE, SWEEP_STEPS_COLUMNS, SWEEP_STEPS_TABLE, sweepRunsColumns, type SweepTableName } from './sweep-arrow.js';

/** One Arrow file of bulwark's, checked: its table name, columns and metadata are what this version writes. */
export interface LoadedTable {
  file: string;
  name: TableName | SweepTableName;
  table: Table;
  /** The schema metadata (`bulwark.*` keys) as a plain object. */
  metadata: Record<string, string>;
}

/**
 * A results set as later code wants it:
 * - `runs`: one plain RunSummary per run, in file order; Int64 counts are converted to numbers (they are exact:
 *   counts stay far below 2^53) and `error` is a string or null.
 * - `steps`, `events`: the Arrow tables as read (columnar; `table.getChild('mark')?.toArray()` gives the typed array,
 *   dictionary columns such as `policy` give strings through `.get(i)`). Use `rowsOf(table)` for plain objects.
 * - `metadata`: the metadata shared by the three files (`bulwark.version`, `bulwark.scenario`,
 *   `bulwark.scenario_hash`, `bulwark.seed`, `bulwark.schema_version`), without the per-file `bulwark.table`.
 * - `files`: the three paths read.
 */
export interface LoadedResults {
  dir: string;
  files: { runs: string; steps: string; events: string };
  runs: RunSummary[];
  steps: Table;
  events: Table;
  metadata: Record<string, string>;
}

const TABLE_NAMES: readonly (TableName | SweepTableName)[] = ['runs', 'steps', 'events', 'records', SWEEP_RUNS_TABLE, SWEEP_STEPS_TABLE, SWEEP_EVENTS_TABLE];
/** Metadata keys the three files of a set must agree on. */
const SHARED_KEYS = ['bulwark.version', 'bulwark.scenario', 'bulwark.scenario_hash', 'bulwark.seed', 'bulwark.schema_version'] as const;
const MAGIC = 'ARROW1';

function invalid(file: string, message: string): InputError {
  return new InputError({ code: 'results.invalid', file, message });
}

function unreadable(file: string, e: unknown): InputError {
  const code = (e as NodeJS.ErrnoException).code;
  const why = code === 'ENOENT' ? 'no such file or directory' : code === 'EISDIR' ? 'is a directory' : (e as Error).message;
  return new InputError({ code: 'results.unreadable', file, message: `cannot read results: ${why}` });
}

function hasMagic(bytes: Uint8Array): boolean {
  if (bytes.length < 12) return false;
  const head = new TextDecoder().decode(bytes.subarray(0, 6));
  const tail = new TextDecoder().decode(bytes.subarray(bytes.length - 6));
  return head === MAGIC && tail === MAGIC;
}

export interface LoadTableOptions {
  /**
   * Accept a runs table (of `bulwark run` or `bulwark sweep`) that lacks summary columns added since it was written
   * (the other columns still in this version's order, none unknown); the reader must default the missing ones.
   * `compare` and `recommend` read them as 0.
   */
  olderRuns?: boolean;
}

/** Columns every runs table has had: an older runs table may lack any other summary column. */
const CORE_RUNS_COLUMNS = new Set(['scenario', 'policy', 'seed', 'parameters', 'steps', 'final_price', 'error']);

/** Reads one bulwark Arrow file (IPC file format). `expected` names the table it must hold. */
export function loadTable(file: string, expected?: TableName | SweepTableName, opts: LoadTableOptions = {}): LoadedTable {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    throw unreadable(file, e);
  }
  if (!hasMagic(bytes)) throw invalid(file, 'not an Arrow IPC file (bulwark writes the IPC file format, starting and ending with ARROW1)');
  let table: Table;
  try {
    table = tableFromIPC(bytes);
  } catch (e) {
    throw invalid(file, `damaged Arrow file: ${(e as Error).message}`);
  }
  const metadata = Object.fromEntries(table.schema.metadata);
  const name = metadata['bulwark.table'];
  if (name === undefined) throw invalid(file, 'an Arrow file, but not bulwark results (no bulwark.table in its metadata)');
  if (!TABLE_NAMES.includes(name as TableName | SweepTableName)) throw invalid(file, `unknown bulwark table '${name}'; expected one of: ${TABLE_NAMES.join(', ')}`);
  const version = metadata['bulwark.schema_version'];
  if (version === undefined || !READABLE_SCHEMA_VERSIONS.includes(version)) {
    throw invalid(file, `results schema version ${version ?? '(none)'} is not one this bulwark reads (${READABLE_SCHEMA_VERSIONS.join(', ')}; it writes ${SCHEMA_VERSION}); rerun the scenario`);
  }
  if (expected !== undefined && name !== expected) throw invalid(file, `holds the '${name}' table, expected '${expected}'`);
  const want = expectedColumns(file, name as TableName | SweepTableName, metadata);
  const have = table.schema.fields.map((f) => f.name);
  if (have.length !== want.length || have.some((c, i) => c !== want[i])) {
    const missing = want.filter((c) => !have.includes(c));
    const extra = have.filter((c) => !want.includes(c));
    const summary = new Set<string>(TABLE_COLUMNS.runs);
    const older =
      opts.olderRuns === true &&
      (name === 'runs' || name === SWEEP_RUNS_TABLE) &&
      extra.length === 0 &&
      missing.every((c) => summary.has(c) && !CORE_RUNS_COLUMNS.has(c)) &&
      want.filter((c) => have.includes(c)).every((c, i) => c === have[i]);
    if (older) return { file, name: name as TableName | SweepTableName, table, metadata };
    const what = [missing.length > 0 ? `missing ${missing.join(', ')}` : '', extra.length > 0 ? `unexpected ${extra.join(', ')}` : '']
      .filter(Boolean)
      .join('; ');
    throw invalid(file, `columns do not match the bulwark '${name}' table (${what || 'different order'})`);
  }
  return { file, name: name as TableName | SweepTableName, table, metadata };
}

/** The columns a table must have: fixed, except the swept-parameter columns of a sweep's runs table (its metadata). */
function expectedColumns(file: string, name: TableName | SweepTableName, metadata: Record<string, string>): readonly string[] {
  if (name === SWEEP_STEPS_TABLE) return SWEEP_STEPS_COLUMNS;
  if (name === SWEEP_EVENTS_TABLE) return SWEEP_EVENTS_COLUMNS;
  if (name !== SWEEP_RUNS_TABLE) return TABLE_COLUMNS[name];
  let params: unknown;
  try {
    params = JSON.parse(metadata['bulwark.sweep.parameters'] ?? '');
  } catch {
    params = undefined;
  }
  if (!Array.isArray(params) || !params.every((p) => typeof p === 'string')) throw invalid(file, 'a sweep runs table without a valid bulwark.sweep.parameters list in its metadata');
  return sweepRunsColumns(params);
}

/** Plain objects for the rows of a table: BigInt (Int64) values become numbers, dictionary values their strings. */
export function rowsOf(table: Table): Record<string, unknown>[] {
  const names = table.schema.fields.map((f) => f.name);
  const cols = names.map((n) => table.getChild(n)!);
  const out: Record<string, unknown>[] = [];
  for (let i = 0; i < table.numRows; i++) {
    const row: Record<string, unknown> = {};
    for (let c = 0; c < names.length; c++) {
      const v: unknown = cols[c].get(i);
      row[names[c]] = typeof v === 'bigint' ? Number(v) : v;
    }
    out.push(row);
  }
  return out;
}

/**
 * Reads a results set: `target` is a results directory or one of its runs/steps/events files (then its directory
 * is read). All three files must be there, be bulwark tables of this schema version, and come from the same run set.
 */
export function loadResults(target: string): LoadedResults {
  let dir: string;
  let isDir: boolean;
  try {
    isDir = statSync(target).isDirectory();
  } catch (e) {
    throw unreadable(target, e);
  }
  if (isDir) {
    dir = target;
  } else {
    const one = loadTable(target);
    if (one.name === 'records') throw invalid(target, "a --records file, not a results set (read it with loadTable)");
    dir = path.dirname(target);
  }
  const files = {
    runs: path.join(dir, RESULT_FILES.runs),
    steps: path.join(dir, RESULT_FILES.steps),
    events: path.join(dir, RESULT_FILES.events),
  };
  const runs = loadTable(files.runs, 'runs');
  const steps = loadTable(files.steps, 'steps');
  const events = loadTable(files.events, 'events');
  for (const other of [steps, events]) {
    for (const key of SHARED_KEYS) {
      if (other.metadata[key] !== runs.metadata[key]) {
        throw invalid(other.file, `not from the same runs as ${files.runs}: ${key} is '${other.metadata[key] ?? '(none)'}' here, '${runs.metadata[key] ?? '(none)'}' there`);
      }
    }
  }
  const metadata = { ...runs.metadata };
  delete metadata['bulwark.table'];
  return { dir, files, runs: rowsOf(runs.table) as unknown as RunSummary[], steps: steps.table, events: events.table, metadata };
}
