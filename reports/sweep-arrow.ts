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
import { EVENT_ROW_AGENT, EVENT_ROW_INTERVENTION, EVENT_ROW_LIQUIDATION, visitEvents, type RunEvents } from '../sim/events.js';
import type { RunSummary } from '../sim/run.js';
import type { StepColumns } from '../sim/run-task.js';
import { Series, SERIES_COLUMNS } from '../sim/series.js';
import {
  bitmap,
  bulwarkVersion,
  EVENTS_COLUMNS,
  eventSource,
  int32Value,
  LIQUIDATION_ONLY_COLUMNS,
  liquidationAction,
  RUNS_COLUMN_TYPES,
  RUNS_COLUMNS,
  SCHEMA_VERSION,
  seedValue,
  typedColumn,
  utf8Column,
  type Column,
} from './arrow.js';
import { siblingName } from './atomic.js';

export const SWEEP_RUNS_TABLE = 'sweep-runs';
export const SWEEP_STEPS_TABLE = 'sweep-steps';
export const SWEEP_EVENTS_TABLE = 'sweep-events';
export type SweepTableName = typeof SWEEP_RUNS_TABLE | typeof SWEEP_STEPS_TABLE | typeof SWEEP_EVENTS_TABLE;

/** Columns before the swept parameters in a sweep's runs table. */
export const SWEEP_LEAD_COLUMNS = ['run_index', 'point_index', 'seed_index'] as const;
/** Summary columns that are never null in a sweep's runs table (known from the run spec even when a run died). */
const KNOWN_COLUMNS = new Set<string>(['scenario', 'policy', 'seed', 'steps']);
export const SWEEP_STEPS_COLUMNS = ['run_index', 'step', ...SERIES_COLUMNS] as const;
/** The events table of `bulwark run` with `run_index` (joins to the runs table) in place of `policy` and `seed`. */
export const SWEEP_EVENTS_COLUMNS = ['run_index', ...EVENTS_COLUMNS.filter((c) => c !== 'policy' && c !== 'seed')] as const;
/** Float64 columns of the events table, in order: the liquidation-only ones, then value and threshold. */
const EVENT_FLOAT_COLUMNS = [...LIQUIDATION_ONLY_COLUMNS, 'value', 'threshold'] as const;
/** Rows an events batch reaches before it is written (a whole number of runs per batch; see SweepWriter.add). */
const EVENT_ROWS_PER_BATCH = 65_536;

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

/**
 * A run's rows of the sweep events table, as columns (the table's order: see eventsTable in arrow.ts). Built from the
 * run's events (sweepEventRows), or read back from a `.partial` file to replay a resumed sweep (readSweepEvents).
 */
export interface SweepEventRows {
  step: Int32Array;
  /** EVENT_ROW_LIQUIDATION, EVENT_ROW_INTERVENTION or EVENT_ROW_AGENT: decides which columns are null. */
  type: Uint8Array;
  source: string[];
  action: string[];
  reason: (string | null)[];
  account: Int32Array;
  /** EVENT_FLOAT_COLUMNS in order: the liquidation-only columns, value, threshold. */
  floats: Float64Array[];
}

const EVENT_TYPE_NAMES = ['liquidation', 'intervention', 'agent'] as const;

/** A run's rows of the sweep events table from its events: the rows of events.arrow for that run, in the same order. */
export function sweepEventRows(ev: RunEvents): SweepEventRows {
  const n = ev.liqCount + ev.interventions.length + ev.actions.length;
  const rows: SweepEventRows = {
    step: new Int32Array(n),
    type: new Uint8Array(n),
    source: new Array<string>(n),
    action: new Array<string>(n),
    reason: new Array<string | null>(n).fill(null),
    account: new Int32Array(n),
    floats: EVENT_FLOAT_COLUMNS.map(() => new Float64Array(n)),
  };
  const [size, price, execPrice, notional, , fee, , , , value, threshold] = rows.floats;
  const liq = [ev.size, ev.price, ev.execPrice, ev.notional, ev.slippage, ev.fee, ev.bounty, ev.badDebt, ev.uncovered];
  let row = 0;
  visitEvents(ev, (t, k) => {
    rows.type[row] = t;
    if (t === EVENT_ROW_AGENT) {
      const x = ev.actions[k];
      rows.step[row] = x.step;
      rows.source[row] = eventSource(x.agent);
      rows.action[row] = x.action;
      rows.account[row] = x.account;
      size[row] = x.size;
      price[row] = x.price;
      execPrice[row] = x.execPrice;
      notional[row] = x.notional;
      fee[row] = x.fee;
      value[row] = x.value;
    } else if (t === EVENT_ROW_LIQUIDATION) {
      rows.step[row] = ev.step[k];
      rows.source[row] = eventSource(ev.liquidator[k]);
      rows.action[row] = liquidationAction(ev.kind[k]);
      rows.account[row] = ev.account[k];
      for (let c = 0; c < liq.length; c++) rows.floats[c][row] = liq[c][k];
    } else {
      const it = ev.interventions[k];
      rows.step[row] = int32Value(it.step, 'events.step');
      rows.source[row] = it.policy;
      rows.action[row] = it.action;
      rows.reason[row] = it.reason;
      rows.account[row] = -1;
      value[row] = it.value;
      threshold[row] = it.threshold;
    }
    row++;
  });
  return rows;
}

export function sweepEventsSchema(meta: SweepMeta): Schema {
  const fields: Field[] = [
    new Field('run_index', new Int32(), false),
    new Field('step', new Int32(), false),
    new Field('type', new Utf8(), false),
    new Field('source', new Utf8(), false),
    new Field('action', new Utf8(), false),
    new Field('reason', new Utf8(), true),
    new Field('account', new Int32(), false),
    ...EVENT_FLOAT_COLUMNS.map((c) => new Field(c, new Float64(), true)),
  ];
  return new Schema(fields, sweepMetadata(meta, SWEEP_EVENTS_TABLE));
}

/** Which rows of each Float64 column are valid, by row type (as in events.arrow: columns a row type does not fill are null). */
const FLOAT_VALID: Record<(typeof EVENT_FLOAT_COLUMNS)[number], (type: number) => boolean> = {
  size: (t) => t !== EVENT_ROW_INTERVENTION,
  price: (t) => t !== EVENT_ROW_INTERVENTION,
  exec_price: (t) => t !== EVENT_ROW_INTERVENTION,
  notional: (t) => t !== EVENT_ROW_INTERVENTION,
  slippage: (t) => t === EVENT_ROW_LIQUIDATION,
  fee: (t) => t !== EVENT_ROW_INTERVENTION,
  bounty: (t) => t === EVENT_ROW_LIQUIDATION,
  bad_debt: (t) => t === EVENT_ROW_LIQUIDATION,
  uncovered_bad_debt: (t) => t === EVENT_ROW_LIQUIDATION,
  value: (t) => t !== EVENT_ROW_LIQUIDATION,
  threshold: (t) => t === EVENT_ROW_INTERVENTION,
};

/** A record batch of the events table: the rows of consecutive runs. */
export function eventsBatch(schema: Schema, runs: readonly { runIndex: number; events: SweepEventRows }[]): RecordBatch {
  let total = 0;
  for (const r of runs) total += r.events.step.length;
  const runIndex = new Int32Array(total);
  const step = new Int32Array(total);
  const type = new Uint8Array(total);
  const account = new Int32Array(total);
  const floats = EVENT_FLOAT_COLUMNS.map(() => new Float64Array(total));
  const source: string[] = [];
  const action: string[] = [];
  const reason: (string | null)[] = [];
  let off = 0;
  for (const { runIndex: ri, events: e } of runs) {
    const n = e.step.length;
    runIndex.fill(ri, off, off + n);
    step.set(e.step, off);
    type.set(e.type, off);
    account.set(e.account, off);
    floats.forEach((f, c) => f.set(e.floats[c], off));
    for (let i = 0; i < n; i++) {
      source.push(e.source[i]);
      action.push(e.action[i]);
      reason.push(e.reason[i]);
    }
    off += n;
  }
  const columns: Column[] = [
    typedColumn('run_index', runIndex),
    typedColumn('step', step),
    utf8Column('type', Array.from(type, (t) => EVENT_TYPE_NAMES[t]), false),
    utf8Column('source', source, false),
    utf8Column('action', action, false),
    utf8Column('reason', reason, true),
    typedColumn('account', account),
    ...EVENT_FLOAT_COLUMNS.map((c, k): Column => {
      const valid = FLOAT_VALID[c];
      return { ...typedColumn(c, floats[k], bitmap(total, (i) => valid(type[i]))), nullable: true };
    }),
  ];
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
export function sweepFiles(dir: string): { runs: string; steps: string; events: string; runsPartial: string; stepsPartial: string; eventsPartial: string } {
  return {
    runs: path.join(dir, 'runs.arrow'),
    steps: path.join(dir, 'steps.arrow'),
    events: path.join(dir, 'events.arrow'),
    runsPartial: path.join(dir, 'runs.partial.arrow'),
    stepsPartial: path.join(dir, 'steps.partial.arrow'),
    eventsPartial: path.join(dir, 'events.partial.arrow'),
  };
}

export interface SweepWriterOptions {
  dir: string;
  meta: SweepMeta;
  /** Parameter values of every point (in the order of meta.parameters). */
  points: readonly (readonly unknown[])[];
  /** Write the steps table too; its batches hold this many runs each. */
  steps: { runsPerBatch: number } | null;
  /** Write the events table too (default false). */
  events?: boolean;
}

/** The files a sweep writer completed (`steps` and `events` null when not written). */
export interface SweepWriterFiles {
  runs: string;
  steps: string | null;
  events: string | null;
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
  private readonly eventsSchema: Schema | null;
  private readonly events: StreamedFile | null = null;
  private pendingRows: SweepRow[] = [];
  private pendingSteps: { runIndex: number; steps: StepColumns | null }[] = [];
  private pendingEvents: { runIndex: number; events: SweepEventRows }[] = [];
  private pendingEventRows = 0;
  private pendingEventRuns = 0;
  private next = 0;
  readonly files: ReturnType<typeof sweepFiles>;

  constructor(private readonly opts: SweepWriterOptions) {
    this.files = sweepFiles(opts.dir);
    this.params = paramColumns(opts.meta.parameters, opts.points);
    this.runsSchema = sweepRunsSchema(opts.meta, this.params);
    this.stepsSchema = opts.steps ? sweepStepsSchema(opts.meta) : null;
    this.eventsSchema = opts.events === true ? sweepEventsSchema(opts.meta) : null;
    mkdirSync(opts.dir, { recursive: true });
    this.runs = new StreamedFile(this.files.runs, this.runsSchema);
    this.steps = null;
    try {
      this.steps = this.stepsSchema ? new StreamedFile(this.files.steps, this.stepsSchema) : null;
      this.events = this.eventsSchema ? new StreamedFile(this.files.events, this.eventsSchema) : null;
    } catch (e) {
      this.runs.discard();
      this.steps?.discard();
      throw e;
    }
  }

  /** Runs added so far (runs [0, written) are in the files or their pending batch). */
  get written(): number {
    return this.next;
  }

  /**
   * Adds the next run: its row, its steps (steps table) and its event rows (events table; null: none). An events
   * batch holds whole runs: it is written once it has at least 65,536 rows or 1,024 runs, so its boundaries depend
   * on the runs' events only (the same for any number of workers and after a replay).
   */
  add(row: SweepRow, steps: StepColumns | null, events: SweepEventRows | null = null): void {
    if (row.runIndex !== this.next) throw new Error(`sweep writer: run ${row.runIndex} added, expected run ${this.next}`);
    this.next++;
    this.pendingRows.push(row);
    if (this.next % RUNS_PER_BATCH === 0) this.flushRuns();
    if (this.steps) {
      this.pendingSteps.push({ runIndex: row.runIndex, steps });
      if (this.next % this.opts.steps!.runsPerBatch === 0) this.flushSteps();
    }
    if (this.events) {
      if (events !== null && events.step.length > 0) {
        this.pendingEvents.push({ runIndex: row.runIndex, events });
        this.pendingEventRows += events.step.length;
      }
      this.pendingEventRuns++;
      if (this.pendingEventRows >= EVENT_ROWS_PER_BATCH || this.pendingEventRuns >= RUNS_PER_BATCH) this.flushEvents();
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

  private flushEvents(): void {
    if (this.events && this.pendingEvents.length > 0) this.events.write(eventsBatch(this.eventsSchema!, this.pendingEvents));
    this.pendingEvents = [];
    this.pendingEventRows = 0;
    this.pendingEventRuns = 0;
  }

  private close(runsName: string, stepsName: string, eventsName: string): SweepWriterFiles {
    this.flushRuns();
    this.flushSteps();
    this.flushEvents();
    // steps and events first: runs.arrow (the file readers look for) appears last
    this.steps?.finishAs(stepsName);
    this.events?.finishAs(eventsName);
    this.runs.finishAs(runsName);
    return { runs: runsName, steps: this.steps ? stepsName : null, events: this.events ? eventsName : null };
  }

  /** All runs written: complete the files and move them into place (replacing older ones); drop `.partial` files. */
  finish(): SweepWriterFiles {
    const out = this.close(this.files.runs, this.files.steps, this.files.events);
    rmSync(this.files.runsPartial, { force: true });
    rmSync(this.files.stepsPartial, { force: true });
    rmSync(this.files.eventsPartial, { force: true });
    return out;
  }

  /** Interrupted: the runs so far (a prefix in run-index order) become valid Arrow files under the `.partial` names. */
  interrupt(): SweepWriterFiles {
    return this.close(this.files.runsPartial, this.files.stepsPartial, this.files.eventsPartial);
  }

  /** Gives up: temp files removed, nothing renamed. */
  discard(): void {
    this.runs.discard();
    this.steps?.discard();
    this.events?.discard();
  }
}

/** The record batches of an Arrow file, read lazily; the file is closed when the caller stops or finishes. */
async function* batchesOf(file: string): AsyncGenerator<RecordBatch> {
  const handle = await open(file, 'r');
  try {
    const reader = await RecordBatchReader.from(handle);
    await reader.open();
    yield* reader;
  } finally {
    await handle.close();
  }
}

/** Rows of a sweep runs file (e.g. a `.partial` one), batch by batch, as SweepRow. Reads lazily. */
export async function* readSweepRows(file: string): AsyncGenerator<SweepRow> {
  for await (const batch of batchesOf(file)) {
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
}

/** [start, end) row ranges of consecutive equal run indices in one batch (a batch holds whole runs). */
function* runRanges(runIndex: Int32Array): Generator<[number, number]> {
  let start = 0;
  while (start < runIndex.length) {
    let end = start + 1;
    while (end < runIndex.length && runIndex[end] === runIndex[start]) end++;
    yield [start, end];
    start = end;
  }
}

/** Per-run step columns of a sweep steps file, in file order (runs without steps do not appear). Reads lazily. */
export async function* readSweepSteps(file: string): AsyncGenerator<{ runIndex: number; steps: StepColumns }> {
  for await (const batch of batchesOf(file)) {
    const runIndex = batch.getChild('run_index')!.toArray() as Int32Array;
    const cols = SERIES_COLUMNS.map((c) => batch.getChild(c)!.toArray() as Float64Array | Int32Array | Uint8Array);
    for (const [start, end] of runRanges(runIndex)) {
      const steps = {} as StepColumns;
      SERIES_COLUMNS.forEach((c, k) => {
        steps[c] = cols[k].slice(start, end);
      });
      yield { runIndex: runIndex[start], steps };
    }
  }
}

/** Per-run event rows of a sweep events file, in file order (runs without events do not appear). Reads lazily. */
export async function* readSweepEvents(file: string): AsyncGenerator<{ runIndex: number; events: SweepEventRows }> {
  for await (const batch of batchesOf(file)) {
    const runIndex = batch.getChild('run_index')!.toArray() as Int32Array;
    const step = batch.getChild('step')!.toArray() as Int32Array;
    const account = batch.getChild('account')!.toArray() as Int32Array;
    // the values as stored, also under nulls (what the writer put there): a replay writes the same bytes
    const floats = EVENT_FLOAT_COLUMNS.map((c) => batch.getChild(c)!.data[0].values as Float64Array);
    const strings = (name: string) => batch.getChild(name)!;
    const [type, source, action, reason] = ['type', 'source', 'action', 'reason'].map(strings);
    for (const [start, end] of runRanges(runIndex)) {
      const n = end - start;
      const rows: SweepEventRows = {
        step: step.slice(start, end),
        type: new Uint8Array(n),
        source: new Array<string>(n),
        action: new Array<string>(n),
        reason: new Array<string | null>(n),
        account: account.slice(start, end),
        floats: floats.map((f) => f.slice(start, end)),
      };
      for (let i = 0; i < n; i++) {
        const t = EVENT_TYPE_NAMES.indexOf(type.get(start + i) as (typeof EVENT_TYPE_NAMES)[number]);
        if (t < 0) throw new Error(`${file}: unknown event type '${String(type.get(start + i))}'`);
        rows.type[i] = t;
        rows.source[i] = source.get(start + i) as string;
        rows.action[i] = action.get(start + i) as string;
        rows.reason[i] = (reason.get(start + i) as string | null) ?? null;
      }
      yield { runIndex: runIndex[start], events: rows };
    }
  }
}
