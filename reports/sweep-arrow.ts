// Sweep results as Arrow IPC files streamed to disk as runs finish: one record batch per chunk of runs, written in
// run-index order to a temp file that is renamed at the end (or to the `.partial` name when interrupted).
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { open } from 'node:fs/promises';
import path from 'node:path';
import {
  AsyncByteQueue,
  Field,
  Float64,
  Int32,
  Int64,
  makeData,
  RecordBatch,
  RecordBatchFileWriter,
  RecordBatchReader,
  Schema,
  Struct,
  Uint8,
  Utf8,
  type DataType,
} from 'apache-arrow';
import type { RunSummary } from '../sim/run.js';
import type { StepColumns } from '../sim/run-task.js';
import { Series, SERIES_COLUMNS } from '../sim/series.js';
import { bitmap, bulwarkVersion, int32Value, RUNS_COLUMN_TYPES, RUNS_COLUMNS, SCHEMA_VERSION, seedValue, typedColumn, utf8Column, type Column } from './arrow.js';
import { siblingName } from './atomic.js';

export const SWEEP_RUNS_TABLE = 'sweep-runs';
export const SWEEP_STEPS_TABLE = 'sweep-steps';
export type SweepTableName = typeof SWEEP_RUNS_TABLE | typeof SWEEP_STEPS_TABLE;

/** Columns before the swept parameters in a sweep's runs table. */
export const SWEEP_LEAD_COLUMNS = ['run_index', 'point_index', 'seed_index'] as const;
/** Summary columns that are never null in a sweep's runs table (known from the run spec even when a run died). */
const KNOWN_COLUMNS = new Set<string>(['scenario', 'policy', 'seed', 'steps']);
export const SWEEP_STEPS_COLUMNS = ['run_index', 'step', ...SERIES_COLUMNS] as const;

/** Runs per record batch of the runs table. Batch k holds runs [k * 1024, (k + 1) * 1024): boundaries never move. */
export const RUNS_PER_BATCH = 1024;
/** Target rows per batch of the steps table (a whole number of runs per batch, at least one). */
const STEP_ROWS_PER_BATCH = 65_536;

export function stepsRunsPerBatch(maxSteps: number): number {
  return Math.max(1, Math.floor(STEP_ROWS_PER_BATCH / Math.max(1, maxSteps)));
}

/** Columns of a sweep's runs table for these swept parameters, in order. */
export function sweepRunsColumns(parameters: readonly string[]): string[] {
  return [...SWEEP_LEAD_COLUMNS, ...parameters, ...RUNS_COLUMNS];
}

/** What the metadata of a sweep's files says. */
export interface SweepMeta {
  /** Base scenario name and the hash of the base scenario (after the sweep's override). */
  scenario: string;
  scenarioHash: string;
  /** Sweep seed. */
  seed: number;
  sweep: string;
  sweepHash: string;
  parameters: readonly string[];
  policies: readonly string[];
  points: number;
  seeds: number;
  runs: number;
}

/** Schema metadata, in a fixed key order. */
export function sweepMetadata(meta: SweepMeta, table: SweepTableName): Map<string, string> {
  const m = new Map<string, string>();
  m.set('bulwark.version', bulwarkVersion());
  m.set('bulwark.scenario', meta.scenario);
  m.set('bulwark.scenario_hash', meta.scenarioHash);
  m.set('bulwark.seed', String(meta.seed));
  m.set('bulwark.table', table);
  m.set('bulwark.schema_version', SCHEMA_VERSION);
  m.set('bulwark.sweep', meta.sweep);
  m.set('bulwark.sweep_hash', meta.sweepHash);
  m.set('bulwark.sweep.parameters', JSON.stringify(meta.parameters));
  m.set('bulwark.sweep.policies', JSON.stringify(meta.policies));
  m.set('bulwark.sweep.points', String(meta.points));
  m.set('bulwark.sweep.seeds', String(meta.seeds));
  m.set('bulwark.sweep.runs', String(meta.runs));
  return m;
}

/** Swept parameter column: Float64 when every value is a finite number, else Utf8 (strings as is, others as JSON). */
export interface ParamColumn {
  name: string;
  kind: 'float64' | 'utf8';
  /** Value of each point, as written. */
  values: (number | string)[];
}

export function paramColumns(parameters: readonly string[], points: readonly (readonly unknown[])[]): ParamColumn[] {
  return parameters.map((name, j) => {
    const vals = points.map((p) => p[j]);
    if (vals.every((v) => typeof v === 'number' && Number.isFinite(v))) return { name, kind: 'float64', values: vals as number[] };
    if (vals.every((v) => typeof v === 'string')) return { name, kind: 'utf8', values: vals as string[] };
    return { name, kind: 'utf8', values: vals.map((v) => JSON.stringify(v) ?? 'null') };
  });
}

/** One row of a sweep's runs table. `summary` is null when the run produced none (its worker died, or it never started). */
export interface SweepRow {
  runIndex: number;
  pointIndex: number;
  seedIndex: number;
  scenario: string;
  policy: string;
  seed: number;
  steps: number;
  summary: RunSummary | null;
  /** The error text (`runs.error`), or null. */
  error: string | null;
}

function arrowType(kind: 'utf8' | 'utf8?' | 'int32' | 'int64' | 'float64'): DataType {
  switch (kind) {
    case 'utf8':
    case 'utf8?':
      return new Utf8();
    case 'int32':
      return new Int32();
    case 'int64':
      return new Int64();
    case 'float64':
      return new Float64();
  }
}

export function sweepRunsSchema(meta: SweepMeta, params: readonly ParamColumn[]): Schema {
  const fields: Field[] = [
    ...SWEEP_LEAD_COLUMNS.map((c) => new Field(c, new Int32(), false)),
    ...params.map((p) => new Field(p.name, p.kind === 'float64' ? new Float64() : new Utf8(), false)),
    ...RUNS_COLUMNS.map((c) => new Field(c, arrowType(RUNS_COLUMN_TYPES[c]), !KNOWN_COLUMNS.has(c))),
  ];
  return new Schema(fields, sweepMetadata(meta, SWEEP_RUNS_TABLE));
}

const emptySeries = new Series(0);
type SeriesCtor = Float64ArrayConstructor | Int32ArrayConstructor | Uint8ArrayConstructor;
const seriesCtor = (name: (typeof SERIES_COLUMNS)[number]): SeriesCtor => emptySeries.column(name).constructor as SeriesCtor;

export function sweepStepsSchema(meta: SweepMeta): Schema {
  const fields: Field[] = [new Field('run_index', new Int32(), false), new Field('step', new Int32(), false)];
  for (const c of SERIES_COLUMNS) {
    const C = seriesCtor(c);
    fields.push(new Field(c, C === Float64Array ? new Float64() : C === Int32Array ? new Int32() : new Uint8(), false));
  }
  return new Schema(fields, sweepMetadata(meta, SWEEP_STEPS_TABLE));
}

function batchOf(schema: Schema, columns: readonly Column[], length: number): RecordBatch {
  const struct = makeData({ type: new Struct(schema.fields), length, nullCount: 0, children: columns.map((c) => c.data) });
  return new RecordBatch(schema, struct);
}

/** A record batch of the runs table from consecutive rows. */
export function runsBatch(schema: Schema, params: readonly ParamColumn[], rows: readonly SweepRow[]): RecordBatch {
  const n = rows.length;
  const int32 = (f: (r: SweepRow) => number, what: string): Column => {
    const a = new Int32Array(n);
    for (let i = 0; i < n; i++) a[i] = int32Value(f(rows[i]), what);
    return typedColumn(what, a);
  };
  const columns: Column[] = [
    int32((r) => r.runIndex, 'run_index'),
    int32((r) => r.pointIndex, 'point_index'),
    int32((r) => r.seedIndex, 'seed_index'),
  ];
  for (const p of params) {
    if (p.kind === 'float64') {
      const a = new Float64Array(n);
      for (let i = 0; i < n; i++) a[i] = p.values[rows[i].pointIndex] as number;
      columns.push(typedColumn(p.name, a));
    } else {
      columns.push(utf8Column(p.name, rows.map((r) => p.values[r.pointIndex] as string), false));
    }
  }
  const has = bitmap(n, (i) => rows[i].summary !== null);
  for (const name of RUNS_COLUMNS) {
    const kind = RUNS_COLUMN_TYPES[name];
    const known = KNOWN_COLUMNS.has(name);
    const get = (r: SweepRow): unknown => {
      if (name === 'error') return r.error;
      if (known) return name === 'scenario' ? r.scenario : name === 'policy' ? r.policy : name === 'seed' ? r.seed : r.steps;
      return r.summary === null ? null : r.summary[name];
    };
    let col: Column;
    if (kind === 'utf8' || kind === 'utf8?') {
      col = utf8Column(name, rows.map((r) => get(r) as string | null), !known);
    } else {
      const validity = known ? null : has;
      const a = kind === 'int32' ? new Int32Array(n) : kind === 'int64' ? new BigInt64Array(n) : new Float64Array(n);
      for (let i = 0; i < n; i++) {
        const v = get(rows[i]) as number | null;
        if (v === null) continue;
        if (a instanceof BigInt64Array) {
          if (!Number.isSafeInteger(v)) throw new Error(`runs.${name} = ${v} is not an integer count`);
          a[i] = BigInt(v);
        } else if (a instanceof Int32Array) a[i] = name === 'seed' ? seedValue(v) : int32Value(v, `runs.${name}`);
        else a[i] = v;
      }
      col = typedColumn(name, a, validity);
    }
    columns.push({ ...col, nullable: !known });
  }
  return batchOf(schema, columns, n);
}

/** A record batch of the steps table: the completed steps of consecutive runs. */
export function stepsBatch(schema: Schema, runs: readonly { runIndex: number; steps: StepColumns | null }[]): RecordBatch {
  let total = 0;
  for (const r of runs) total += r.steps ? r.steps.spot.length : 0;
  const runIndex = new Int32Array(total);
  const step = new Int32Array(total);
  let off = 0;
  for (const r of runs) {
    const n = r.steps ? r.steps.spot.length : 0;
    runIndex.fill(r.runIndex, off, off + n);
    for (let t = 0; t < n; t++) step[off + t] = t;
    off += n;
  }
  const columns: Column[] = [typedColumn('run_index', runIndex), typedColumn('step', step)];
  for (const c of SERIES_COLUMNS) {
    const C = seriesCtor(c);
    const out = new C(total);
    off = 0;
    for (const r of runs) {
      if (!r.steps) continue;
      const src = r.steps[c];
      if (src.constructor !== C) throw new Error(`steps column ${c} is not a ${C.name}`);
      out.set(src as any, off);
      off += src.length;
    }
    columns.push(typedColumn(c, out));
  }
  return batchOf(schema, columns, total);
}

/** arrow's byte queue, redirected: every chunk the writer produces goes straight to a file descriptor. */
class FileSink extends AsyncByteQueue {
  constructor(private readonly fd: number) {
    super();
  }
  override write(value: ArrayBufferView | ArrayBuffer | ArrayBufferLike | string | Uint8Array | any): void {
    const bytes = value instanceof Uint8Array ? value : ArrayBuffer.isView(value) ? new Uint8Array(value.buffer, value.byteOffset, value.byteLength) : new Uint8Array(value as ArrayBuffer);
    let off = 0;
    while (off < bytes.byteLength) off += writeSync(this.fd, bytes, off, bytes.byteLength - off);
  }
}

/** One Arrow IPC file written batch by batch to a temp file beside its final name. */
class StreamedFile {
  readonly tmp: string;
  private fd: number;
  private readonly writer: RecordBatchFileWriter;
  private open = true;

  constructor(readonly target: string, schema: Schema) {
    this.tmp = siblingName(target, 'tmp');
    this.fd = openSync(this.tmp, 'w');
    this.writer = new RecordBatchFileWriter();
    this.writer.reset(new FileSink(this.fd) as unknown as AsyncByteQueue, schema);
  }

  write(batch: RecordBatch): void {
    this.writer.write(batch);
  }

  /** Writes the footer and closes; then the temp file is a complete Arrow file, renamed to `name`. */
  finishAs(name: string): void {
    this.writer.finish();
    fsyncSync(this.fd);
    closeSync(this.fd);
    this.open = false;
    renameSync(this.tmp, name);
  }

  /** Closes and deletes the temp file. */
  discard(): void {
    if (this.open) {
      try {
        closeSync(this.fd);
      } catch {
        // already closed
      }
      this.open = false;
    }
    rmSync(this.tmp, { force: true });
  }
}

/** File names of a sweep's output: final, and the `.partial` files an interrupted sweep leaves. */
export function sweepFiles(dir: string): { runs: string; steps: string; runsPartial: string; stepsPartial: string } {
  return {
    runs: path.join(dir, 'runs.arrow'),
    steps: path.join(dir, 'steps.arrow'),
    runsPartial: path.join(dir, 'runs.partial.arrow'),
    stepsPartial: path.join(dir, 'steps.partial.arrow'),
  };
}

export interface SweepWriterOptions {
  dir: string;
  meta: SweepMeta;
  /** Parameter values of every point (in the order of meta.parameters). */
  points: readonly (readonly unknown[])[];
  /** Write the steps table too; its batches hold this many runs each. */
  steps: { runsPerBatch: number } | null;
}

/**
 * Writes a sweep's tables as the runs come in (in run-index order, starting at run 0). Batch boundaries depend on
 * run indices only, so a file does not depend on the number of workers, on completion order, or on an interruption
 * in between (a resumed sweep replays the finished runs through a fresh writer).
 */
export class SweepWriter {
  private readonly params: ParamColumn[];
  private readonly runsSchema: Schema;
  private readonly stepsSchema: Schema | null;
  private readonly runs: StreamedFile;
  private readonly steps: StreamedFile | null;
  private pendingRows: SweepRow[] = [];
  private pendingSteps: { runIndex: number; steps: StepColumns | null }[] = [];
  private next = 0;
  readonly files: ReturnType<typeof sweepFiles>;

  constructor(private readonly opts: SweepWriterOptions) {
    this.files = sweepFiles(opts.dir);
    this.params = paramColumns(opts.meta.parameters, opts.points);
    this.runsSchema = sweepRunsSchema(opts.meta, this.params);
    this.stepsSchema = opts.steps ? sweepStepsSchema(opts.meta) : null;
    mkdirSync(opts.dir, { recursive: true });
    this.runs = new StreamedFile(this.files.runs, this.runsSchema);
    try {
      this.steps = this.stepsSchema ? new StreamedFile(this.files.steps, this.stepsSchema) : null;
    } catch (e) {
      this.runs.discard();
      throw e;
    }
  }

  /** Runs added so far (runs [0, written) are in the files or their pending batch). */
  get written(): number {
    return this.next;
  }

  add(row: SweepRow, steps: StepColumns | null): void {
    if (row.runIndex !== this.next) throw new Error(`sweep writer: run ${row.runIndex} added, expected run ${this.next}`);
    this.next++;
    this.pendingRows.push(row);
    if (this.next % RUNS_PER_BATCH === 0) this.flushRuns();
    if (this.steps) {
      this.pendingSteps.push({ runIndex: row.runIndex, steps });
      if (this.next % this.opts.steps!.runsPerBatch === 0) this.flushSteps();
    }
  }

  private flushRuns(): void {
    if (this.pendingRows.length === 0) return;
    this.runs.write(runsBatch(this.runsSchema, this.params, this.pendingRows));
    this.pendingRows = [];
  }

  private flushSteps(): void {
    if (!this.steps || this.pendingSteps.length === 0) return;
    const batch = stepsBatch(this.stepsSchema!, this.pendingSteps);
    if (batch.numRows > 0) this.steps.write(batch);
    this.pendingSteps = [];
  }

  private close(runsName: string, stepsName: string): { runs: string; steps: string | null } {
    this.flushRuns();
    this.flushSteps();
    // steps first: runs.arrow (the file readers look for) appears last
    this.steps?.finishAs(stepsName);
    this.runs.finishAs(runsName);
    return { runs: runsName, steps: this.steps ? stepsName : null };
  }

  /** All runs written: complete the files and move them into place (replacing older ones); drop `.partial` files. */
  finish(): { runs: string; steps: string | null } {
    const out = this.close(this.files.runs, this.files.steps);
    rmSync(this.files.runsPartial, { force: true });
    rmSync(this.files.stepsPartial, { force: true });
    return out;
  }

  /** Interrupted: the runs so far (a prefix in run-index order) become valid Arrow files under the `.partial` names. */
  interrupt(): { runs: string; steps: string | null } {
    return this.close(this.files.runsPartial, this.files.stepsPartial);
  }

  /** Gives up: temp files removed, nothing renamed. */
  discard(): void {
    this.runs.discard();
    this.steps?.discard();
  }
}

/** Rows of a sweep runs file (e.g. a `.partial` one), batch by batch, as SweepRow. Reads lazily. */
export async function* readSweepRows(file: string): AsyncGenerator<SweepRow> {
  const handle = await open(file, 'r');
  try {
    const reader = await RecordBatchReader.from(handle);
    await reader.open();
    for await (const batch of reader) {
      const col = (name: string) => batch.getChild(name)!;
      const cols = Object.fromEntries(RUNS_COLUMNS.map((c) => [c, col(c)]));
      const lead = SWEEP_LEAD_COLUMNS.map(col);
      for (let i = 0; i < batch.numRows; i++) {
        const summaryPresent = cols.final_price.get(i) !== null;
        let summary: RunSummary | null = null;
        if (summaryPresent) {
          const s: Record<string, unknown> = {};
          for (const c of RUNS_COLUMNS) {
            const v: unknown = cols[c].get(i);
            s[c] = typeof v === 'bigint' ? Number(v) : v;
          }
          summary = s as unknown as RunSummary;
        }
        yield {
          runIndex: lead[0].get(i) as number,
          pointIndex: lead[1].get(i) as number,
          seedIndex: lead[2].get(i) as number,
          scenario: cols.scenario.get(i) as string,
          policy: cols.policy.get(i) as string,
          seed: cols.seed.get(i) as number,
          steps: cols.steps.get(i) as number,
          summary,
          error: (cols.error.get(i) as string | null) ?? null,
        };
      }
    }
  } finally {
    await handle.close();
  }
}

/** Per-run step columns of a sweep steps file, in file order (runs without steps do not appear). Reads lazily. */
export async function* readSweepSteps(file: string): AsyncGenerator<{ runIndex: number; steps: StepColumns }> {
  const handle = await open(file, 'r');
  try {
    const reader = await RecordBatchReader.from(handle);
    await reader.open();
    for await (const batch of reader) {
      const runIndex = batch.getChild('run_index')!.toArray() as Int32Array;
      const cols = SERIES_COLUMNS.map((c) => batch.getChild(c)!.toArray() as Float64Array | Int32Array | Uint8Array);
      let start = 0;
      while (start < batch.numRows) {
        let end = start + 1;
        while (end < batch.numRows && runIndex[end] === runIndex[start]) end++;
        const steps = {} as StepColumns;
        SERIES_COLUMNS.forEach((c, k) => {
          steps[c] = cols[k].slice(start, end);
        });
        yield { runIndex: runIndex[start], steps };
        start = end;
      }
    }
  } finally {
    await handle.close();
  }
}
