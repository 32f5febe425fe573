// Results as Arrow IPC files (runs, steps, events, records): typed columns, bulwark metadata, byte-identical reruns.
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  Dictionary,
  Field,
  Float64,
  Int32,
  Int64,
  makeData,
  makeVector,
  RecordBatch,
  Schema,
  Struct,
  Table,
  tableToIPC,
  Uint8,
  Utf8,
  type Data,
  type DataType,
} from 'apache-arrow';
import { InputError } from '../sim/errors.js';
import { OPTION_EVENT_BASE, optionEventAction } from '../sim/options/events.js';
import { EVENT_CROSS_LIQUIDATION, EVENT_CROSS_PARTIAL } from '../sim/cross/venue.js';
import { isLendingEvent, lendingEventAction } from '../sim/lending/events.js';
import { EVENT_ROW_AGENT, EVENT_ROW_LIQUIDATION, visitEvents } from '../sim/events.js';
import type { RunResult, RunSummary } from '../sim/run.js';
import { Series, SERIES_COLUMNS } from '../sim/series.js';
import { writeFileAtomic, writeFilesAtomic } from './atomic.js';

/** Bumped whenever a column is added, removed, renamed or retyped. */
export const SCHEMA_VERSION = '2';
/**
 * Versions this bulwark reads. 2 added columns to version 1 (the cross-margin venue's, the options and lending
 * starting funds); a version-1 runs table is read where its columns allow (`compare` and `recommend` read the
 * summary columns it lacks as 0); other tables must have this version's columns.
 */
export const READABLE_SCHEMA_VERSIONS: readonly string[] = ['1', '2'];

export type TableName = 'runs' | 'steps' | 'events' | 'records';

/** File names of a results directory. */
export const RESULT_FILES = { runs: 'runs.arrow', steps: 'steps.arrow', events: 'events.arrow' } as const;

/** What the metadata says about a set of runs. `seed` is the run seed, or the seeds of a multi-seed set. */
export interface ResultsMeta {
  scenario: string;
  scenarioHash: string;
  seed: number | readonly number[];
}

/**
 * Arrow type of each `runs` column, in RunSummary declaration order. Counts bounded by the scenario (seed, steps,
 * accounts, halted steps) are Int32; counts that accumulate over a run (liquidations, opens, interventions) are Int64.
 * `satisfies` makes the compiler reject a RunSummary field without a type here (or a type for a field that is gone).
 */
export const RUNS_COLUMN_TYPES = {
  scenario: 'utf8',
  policy: 'utf8',
  seed: 'int32',
  parameters: 'utf8',
  steps: 'int32',
  initial_accounts: 'int32',
  final_price: 'float64',
  min_price: 'float64',
  insurance_fund_initial: 'float64',
  insurance_fund_final: 'float64',
  insurance_fund_min: 'float64',
  bad_debt: 'float64',
  uncovered_bad_debt: 'float64',
  socialized_loss: 'float64',
  liquidations: 'int64',
  liquidated_notional: 'float64',
  liquidation_slippage: 'float64',
  liquidation_fees: 'float64',
  liquidator_income: 'float64',
  trading_fees: 'float64',
  returned_to_traders: 'float64',
  deposits: 'float64',
  counterparty_pnl: 'float64',
  opens: 'int64',
  blocked_opens: 'int64',
  rejected_opens: 'int64',
  steps_halted: 'int32',
  interventions: 'int64',
  max_open_interest: 'float64',
  final_open_interest: 'float64',
  partial_liquidations: 'int64',
  bounties_from_fund: 'float64',
  adl_events: 'int64',
  adl_notional: 'float64',
  backstop_takeovers: 'int64',
  backstop_notional: 'float64',
  backstop_pnl: 'float64',
  deleverages: 'int64',
  hedge_pnl: 'float64',
  unrealized_bad_debt: 'float64',
  lending_liquidations: 'int64',
  lending_liquidated_debt: 'float64',
  lending_collateral_seized: 'float64',
  lending_protocol_fees: 'float64',
  lending_bad_debt: 'float64',
  lending_reserves_initial: 'float64',
  lending_reserves: 'float64',
  lending_reserves_min: 'float64',
  lending_liquidator_pnl: 'float64',
  lending_sold_notional: 'float64',
  lending_interest: 'float64',
  lending_min_hf: 'float64',
  lending_unprofitable: 'int64',
  lending_blocked_borrows: 'int64',
  options_trades: 'int64',
  options_blocked_trades: 'int64',
  options_liquidations: 'int64',
  options_reductions: 'int64',
  options_forced_hedges: 'int64',
  options_bad_debt: 'float64',
  options_uncovered_bad_debt: 'float64',
  options_insurance_fund_initial: 'float64',
  options_insurance_fund_final: 'float64',
  options_peak_writer_delta: 'float64',
  options_peak_writer_gamma: 'float64',
  options_hedge_pnl: 'float64',
  cross_accounts: 'int32',
  cross_liquidations: 'int64',
  cross_partial_liquidations: 'int64',
  cross_top_ups: 'float64',
  cross_reductions: 'int64',
  cross_liquidated_notional: 'float64',
  cross_collateral_sold: 'float64',
  cross_slippage: 'float64',
  cross_fees: 'float64',
  cross_bad_debt: 'float64',
  cross_uncovered_bad_debt: 'float64',
  cross_unrealized_bad_debt: 'float64',
  cross_insurance_fund_initial: 'float64',
  cross_insurance_fund_final: 'float64',
  cross_insurance_fund_min: 'float64',
  cross_min_margin_ratio: 'float64',
  cross_netting_initial: 'float64',
  attacker_pnl: 'float64',
  attacker_cost: 'float64',
  attacker_extracted: 'float64',
  error: 'utf8?',
} as const satisfies Record<keyof RunSummary, 'utf8' | 'utf8?' | 'int32' | 'int64' | 'float64'>;

export const RUNS_COLUMNS = Object.keys(RUNS_COLUMN_TYPES) as (keyof RunSummary)[];
export const STEPS_COLUMNS = ['policy', 'seed', 'step', ...SERIES_COLUMNS] as const;
/** Event columns that only liquidations have (null on intervention rows). */
export const LIQUIDATION_ONLY_COLUMNS = ['size', 'price', 'exec_price', 'notional', 'slippage', 'fee', 'bounty', 'bad_debt', 'uncovered_bad_debt'] as const;
export const EVENTS_COLUMNS = ['policy', 'seed', 'step', 'type', 'source', 'action', 'reason', 'account', ...LIQUIDATION_ONLY_COLUMNS, 'value', 'threshold'] as const;
export const RECORDS_COLUMNS = ['step', 'price', 'liquidations', 'insurance_fund', 'uncovered_bad_debt'] as const;

/** The columns each table must have, in order. */
export const TABLE_COLUMNS: Record<TableName, readonly string[]> = {
  runs: RUNS_COLUMNS,
  steps: STEPS_COLUMNS,
  events: EVENTS_COLUMNS,
  records: RECORDS_COLUMNS,
};

let version: string | undefined;

/** This package's version, from the nearest package.json named `bulwark` above this module (works from source and dist). */
export function bulwarkVersion(): string {
  if (version !== undefined) return version;
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    try {
      const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: unknown; version?: unknown };
      if (pkg.name === 'bulwark' && typeof pkg.version === 'string') return (version = pkg.version);
    } catch {
      // no (readable) package.json here: keep looking upwards
    }
    const up = path.dirname(dir);
    if (up === dir) throw new Error('cannot find the package.json of bulwark above reports/arrow');
    dir = up;
  }
}

function seedText(seed: ResultsMeta['seed']): string {
  return typeof seed === 'number' ? String(seed) : seed.join(',');
}

/** The schema metadata, in a fixed key order (insertion order is the serialized order). */
function metadataFor(meta: ResultsMeta, table: TableName, hasHash = true): Map<string, string> {
  const m = new Map<string, string>();
  m.set('bulwark.version', bulwarkVersion());
  m.set('bulwark.scenario', meta.scenario);
  if (hasHash) m.set('bulwark.scenario_hash', meta.scenarioHash);
  m.set('bulwark.seed', seedText(meta.seed));
  m.set('bulwark.table', table);
  m.set('bulwark.schema_version', SCHEMA_VERSION);
  return m;
}

/** Results must describe what the metadata says: catches a caller passing the wrong scenario or seed. */
function checkMeta(results: readonly RunResult[], meta: ResultsMeta): void {
  const seeds = typeof meta.seed === 'number' ? [meta.seed] : meta.seed;
  for (const r of results) {
    if (r.summary.scenario !== meta.scenario) {
      throw new Error(`results of scenario '${r.summary.scenario}' written as scenario '${meta.scenario}'`);
    }
    if (!seeds.includes(r.summary.seed)) throw new Error(`results of seed ${r.summary.seed} written with metadata seed ${seedText(meta.seed)}`);
  }
}

// ---- column builders: every one produces Data straight from typed arrays ----

export interface Column {
  name: string;
  data: Data;
  nullable: boolean;
}

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

export function int32Value(v: number, what: string): number {
  if (!Number.isInteger(v) || v < INT32_MIN || v > INT32_MAX) throw new Error(`${what} = ${v} does not fit an Int32 column`);
  return v;
}

/** Seeds are user input (the scenario schema has no upper bound), so an out-of-range seed is an input error. */
export function seedValue(seed: number): number {
  if (!Number.isInteger(seed) || seed < INT32_MIN || seed > INT32_MAX) {
    throw new InputError({
      code: 'results.seed-range',
      message: `seed ${seed} does not fit the Int32 seed column of the results (${INT32_MIN}..${INT32_MAX})`,
    });
  }
  return seed;
}

/** Validity bitmap (LSB first) with bit i set when valid(i). Returns null when every row is valid. */
export function bitmap(n: number, valid: (i: number) => boolean): { bits: Uint8Array; nulls: number } | null {
  const bits = new Uint8Array((n + 7) >> 3);
  let nulls = 0;
  for (let i = 0; i < n; i++) {
    if (valid(i)) bits[i >> 3] |= 1 << (i & 7);
    else nulls++;
  }
  return nulls === 0 ? null : { bits, nulls };
}

function nullProps(validity: { bits: Uint8Array; nulls: number } | null) {
  return validity === null ? { nullCount: 0 } : { nullCount: validity.nulls, nullBitmap: validity.bits };
}

export function typedColumn(name: string, data: Float64Array | Int32Array | Uint8Array | BigInt64Array, validity: { bits: Uint8Array; nulls: number } | null = null): Column {
  const np = nullProps(validity);
  let d: Data;
  if (data instanceof Float64Array) d = makeData({ type: new Float64(), length: data.length, data, ...np });
  else if (data instanceof Int32Array) d = makeData({ type: new Int32(), length: data.length, data, ...np });
  else if (data instanceof Uint8Array) d = makeData({ type: new Uint8(), length: data.length, data, ...np });
  else d = makeData({ type: new Int64(), length: data.length, data, ...np });
  return { name, data: d, nullable: validity !== null };
}

const encoder = new TextEncoder();

/** Plain Utf8 column; null entries become nulls. `nullable` is the field's declared nullability. */
export function utf8Column(name: string, values: readonly (string | null)[], nullable: boolean): Column {
  const n = values.length;
  const encoded = values.map((v) => (v === null ? null : encoder.encode(v)));
  const offsets = new Int32Array(n + 1);
  let total = 0;
  for (let i = 0; i < n; i++) {
    total += encoded[i]?.length ?? 0;
    offsets[i + 1] = total;
  }
  const bytes = new Uint8Array(total);
  for (let i = 0; i < n; i++) {
    const e = encoded[i];
    if (e) bytes.set(e, offsets[i]);
  }
  const validity = bitmap(n, (i) => values[i] !== null);
  if (validity !== null && !nullable) throw new Error(`column ${name} has nulls but is not nullable`);
  return { name, data: makeData({ type: new Utf8(), length: n, valueOffsets: offsets, data: bytes, ...nullProps(validity) }), nullable };
}

/**
 * Dictionary<Utf8, Int32> column from indices into `dictionary`. The dictionary id is explicit: apache-arrow would
 * otherwise take it from a process-wide counter, and the ids are written into the file (bytes would differ per call).
 */
function dictColumn(name: string, indices: Int32Array, dictionary: readonly string[], id: number, validity: { bits: Uint8Array; nulls: number } | null = null): Column {
  const type = new Dictionary(new Utf8(), new Int32(), id, false);
  const dict = makeVector(utf8Column(name, dictionary, false).data as Data<Utf8>);
  return { name, data: makeData({ type, length: indices.length, data: indices, dictionary: dict, ...nullProps(validity) }), nullable: validity !== null };
}

/** Interns strings in first-seen order: deterministic dictionaries. */
class Interner {
  readonly values: string[] = [];
  private readonly index = new Map<string, number>();
  id(s: string): number {
    let i = this.index.get(s);
    if (i === undefined) {
      i = this.values.length;
      this.values.push(s);
      this.index.set(s, i);
    }
    return i;
  }
}

function makeTable(columns: readonly Column[], metadata: Map<string, string>, length: number): Table {
  const fields = columns.map((c) => new Field(c.name, c.data.type as DataType, c.nullable));
  const schema = new Schema(fields, metadata);
  const struct = makeData({ type: new Struct(fields), length, nullCount: 0, children: columns.map((c) => c.data) });
  return new Table(schema, [new RecordBatch(schema, struct)]);
}

/** Steps a run completed: all of them, or those before the step that failed (its row would be half written). */
export function completedSteps(r: RunResult): number {
  const failed = r.error?.step;
  return failed === undefined ? r.series.length : Math.min(failed, r.series.length);
}

// ---- tables ----

/** One row per run: the RunSummary fields in declaration order (see RUNS_COLUMN_TYPES). */
export function runsTable(results: readonly RunResult[], meta: ResultsMeta): Table {
  checkMeta(results, meta);
  const n = results.length;
  const columns = RUNS_COLUMNS.map((name): Column => {
    const kind = RUNS_COLUMN_TYPES[name];
    const value = (i: number) => results[i].summary[name];
    switch (kind) {
      case 'utf8':
      case 'utf8?':
        return utf8Column(name, results.map((r) => r.summary[name] as string | null), kind === 'utf8?');
      case 'int32': {
        const a = new Int32Array(n);
        for (let i = 0; i < n; i++) a[i] = name === 'seed' ? seedValue(value(i) as number) : int32Value(value(i) as number, `runs.${name}`);
        return typedColumn(name, a);
      }
      case 'int64': {
        const a = new BigInt64Array(n);
        for (let i = 0; i < n; i++) {
          const v = value(i) as number;
          if (!Number.isSafeInteger(v)) throw new Error(`runs.${name} = ${v} is not an integer count`);
          a[i] = BigInt(v);
        }
        return typedColumn(name, a);
      }
      case 'float64': {
        const a = new Float64Array(n);
        for (let i = 0; i < n; i++) a[i] = value(i) as number;
        return typedColumn(name, a);
      }
    }
  });
  return makeTable(columns, metadataFor(meta, 'runs'), n);
}

/** One row per (run, completed step), runs in the given order; series columns keep the type of their typed array. */
export function stepsTable(results: readonly RunResult[], meta: ResultsMeta): Table {
  checkMeta(results, meta);
  const counts = results.map(completedSteps);
  const total = counts.reduce((a, b) => a + b, 0);
  const policies = new Interner();
  const policy = new Int32Array(total);
  const seed = new Int32Array(total);
  const step = new Int32Array(total);
  let off = 0;
  results.forEach((r, k) => {
    const p = policies.id(r.summary.policy);
    const s = seedValue(r.summary.seed);
    const n = counts[k];
    policy.fill(p, off, off + n);
    seed.fill(s, off, off + n);
    for (let t = 0; t < n; t++) step[off + t] = t;
    off += n;
  });
  const columns: Column[] = [dictColumn('policy', policy, policies.values, 0), typedColumn('seed', seed), typedColumn('step', step)];
  const empty = new Series(0); // column types of the Series class, also when there is no run
  for (const name of SERIES_COLUMNS) {
    const Ctor = empty.column(name).constructor as Float64ArrayConstructor | Int32ArrayConstructor | Uint8ArrayConstructor;
    const out = new Ctor(total);
    off = 0;
    results.forEach((r, k) => {
      const src = r.series.column(name);
      if (src.constructor !== Ctor) throw new Error(`series column ${name} is not a ${Ctor.name}`);
      out.set(src.subarray(0, counts[k]), off);
      off += counts[k];
    });
    columns.push(typedColumn(name, out));
  }
  return makeTable(columns, metadataFor(meta, 'steps'), total);
}


/**
 * One row per event. Order: runs in the given order; within a run by step; within a step the liquidations (in the
 * order the margin pass executed them) before the interventions (in the order policies logged them). Columns that do
 * not apply to a row's type are null.
 */
export function eventsTable(results: readonly RunResult[], meta: ResultsMeta): Table {
  checkMeta(results, meta);
  let total = 0;
  let agentRows = 0;
  for (const r of results) {
    total += r.events.liqCount + r.interventions.length + r.events.actions.length;
    agentRows += r.events.actions.length;
  }
  const policies = new Interner();
  const sources = new Interner();
  const actions = new Interner();
  const policy = new Int32Array(total);
  const seed = new Int32Array(total);
  const step = new Int32Array(total);
  const type = new Int32Array(total); // 0 liquidation, 1 intervention, 2 agent (the dictionary below)
  const source = new Int32Array(total);
  const action = new Int32Array(total);
  const reason: (string | null)[] = new Array<string | null>(total).fill(null);
  const account = new Int32Array(total);
  const liqCols = LIQUIDATION_ONLY_COLUMNS.map(() => new Float64Array(total));
  const value = new Float64Array(total);
  const threshold = new Float64Array(total);
  actions.id('liquidate'); // first in the dictionary, whatever the runs hold
  let row = 0;
  for (const r of results) {
    const ev = r.events;
    const ints = r.interventions;
    const p = policies.id(r.summary.policy);
    const s = seedValue(r.summary.seed);
    const liqSource = new Map<number, number>();
    const src = [ev.size, ev.price, ev.execPrice, ev.notional, ev.slippage, ev.fee, ev.bounty, ev.badDebt, ev.uncovered];
    const acts = ev.actions; // adversaries' actions, in step order (sim/events.ts AgentAction)
    const sourceOf = (who: number): number => {
      let sid = liqSource.get(who);
      if (sid === undefined) {
        sid = sources.id(eventSource(who));
        liqSource.set(who, sid);
      }
      return sid;
    };
    visitEvents({ liqCount: ev.liqCount, step: ev.step, interventions: ints, actions: acts }, (t, k) => {
      policy[row] = p;
      seed[row] = s;
      if (t === EVENT_ROW_AGENT) {
        // an agent's action: within a step before the liquidations (the agents phase precedes the margin pass)
        const x = acts[k];
        step[row] = x.step;
        type[row] = 2;
        source[row] = sourceOf(x.agent);
        action[row] = actions.id(x.action);
        account[row] = x.account;
        liqCols[0][row] = x.size;
        liqCols[1][row] = x.price;
        liqCols[2][row] = x.execPrice;
        liqCols[3][row] = x.notional;
        liqCols[5][row] = x.fee;
        value[row] = x.value;
      } else if (t === EVENT_ROW_LIQUIDATION) {
        step[row] = ev.step[k];
        type[row] = 0;
        source[row] = sourceOf(ev.liquidator[k]);
        action[row] = actions.id(liquidationAction(ev.kind[k]));
        account[row] = ev.account[k];
        for (let c = 0; c < src.length; c++) liqCols[c][row] = src[c][k];
      } else {
        const it = ints[k];
        step[row] = int32Value(it.step, 'events.step');
        type[row] = 1;
        source[row] = sources.id(it.policy);
        action[row] = actions.id(it.action);
        reason[row] = it.reason;
        account[row] = -1;
        value[row] = it.value;
        threshold[row] = it.threshold;
      }
      row++;
    });
  }
  const isLiq = bitmap(total, (i) => type[i] === 0);
  const isInt = bitmap(total, (i) => type[i] === 1);
  // agent rows fill size, price, exec_price, notional, fee and value (the same bitmaps as before when there are none)
  const isLiqOrAgent = agentRows === 0 ? isLiq : bitmap(total, (i) => type[i] !== 1);
  const isIntOrAgent = agentRows === 0 ? isInt : bitmap(total, (i) => type[i] !== 0);
  const agentFilled = new Set<string>(['size', 'price', 'exec_price', 'notional', 'fee']);
  const columns: Column[] = [
    dictColumn('policy', policy, policies.values, 0),
    typedColumn('seed', seed),
    typedColumn('step', step),
    dictColumn('type', type, agentRows === 0 ? ['liquidation', 'intervention'] : ['liquidation', 'intervention', 'agent'], 1),
    dictColumn('source', source, sources.values, 2),
    dictColumn('action', action, actions.values, 3),
    utf8Column('reason', reason, true),
    typedColumn('account', account),
    ...LIQUIDATION_ONLY_COLUMNS.map((name, c) => nullableFloat(name, liqCols[c], agentFilled.has(name) ? isLiqOrAgent : isLiq)),
    nullableFloat('value', value, isIntOrAgent),
    nullableFloat('threshold', threshold, isInt),
  ];
  return makeTable(columns, metadataFor(meta, 'events'), total);
}

/** A Float64 column declared nullable whether or not this file happens to have nulls (the schema must not vary). */
function nullableFloat(name: string, data: Float64Array, validity: { bits: Uint8Array; nulls: number } | null): Column {
  return { ...typedColumn(name, data, validity), nullable: true };
}

/** The `source` of a liquidation or agent row: the venue (-1) or the agent's index in the scenario. */
export function eventSource(who: number): string {
  return who === -1 ? 'venue' : `agent:${who}`;
}

/** The `action` of a liquidation row from its kind: the perp venue's closes, cross-margin, lending and options events. */
export function liquidationAction(kind: number): string {
  if (kind === EVENT_CROSS_LIQUIDATION) return 'cross-liquidate'; // cross-margin venue
  if (kind === EVENT_CROSS_PARTIAL) return 'cross-partial'; // a share of every position
  if (isLendingEvent(kind)) return lendingEventAction(kind); // lending pool
  if (kind >= OPTION_EVENT_BASE) return optionEventAction(kind); // options venue
  return 'liquidate';
}

/** The `--records` table of one run: step, price (the mark), liquidations, insurance fund, uncovered bad debt. */
export function recordsTable(result: RunResult, meta?: Partial<ResultsMeta>): Table {
  const s = result.series;
  const n = completedSteps(result);
  const step = new Int32Array(n);
  for (let t = 0; t < n; t++) step[t] = t;
  const full: ResultsMeta = { scenario: meta?.scenario ?? result.summary.scenario, scenarioHash: meta?.scenarioHash ?? '', seed: meta?.seed ?? seedValue(result.summary.seed) };
  const columns: Column[] = [
    typedColumn('step', step),
    typedColumn('price', s.mark.slice(0, n)),
    typedColumn('liquidations', s.liquidations.slice(0, n)),
    typedColumn('insurance_fund', s.insuranceFund.slice(0, n)),
    typedColumn('uncovered_bad_debt', s.uncoveredBadDebt.slice(0, n)),
  ];
  return makeTable(columns, metadataFor(full, 'records', meta?.scenarioHash !== undefined), n);
}

function ipcFile(table: Table): Uint8Array {
  return tableToIPC(table, 'file');
}

/** Writes runs.arrow, steps.arrow and events.arrow into `dir` (created if needed), all three or none. */
export function writeResults(dir: string, results: readonly RunResult[], meta: ResultsMeta): { runs: string; steps: string; events: string } {
  const files = {
    runs: path.join(dir, RESULT_FILES.runs),
    steps: path.join(dir, RESULT_FILES.steps),
    events: path.join(dir, RESULT_FILES.events),
  };
  const entries = [
    { path: files.runs, bytes: ipcFile(runsTable(results, meta)) },
    { path: files.steps, bytes: ipcFile(stepsTable(results, meta)) },
    { path: files.events, bytes: ipcFile(eventsTable(results, meta)) },
  ];
  mkdirSync(dir, { recursive: true });
  writeFilesAtomic(entries);
  return files;
}

/**
 * Writes the per-step records of one run (the benchmark's `--records`). Metadata as for results, with table
 * `records`; scenario and seed default to the run's, and `bulwark.scenario_hash` is present only when given.
 */
export function writeStepRecords(file: string, result: RunResult, meta?: Partial<ResultsMeta>): string {
  const bytes = ipcFile(recordsTable(result, meta));
  mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  writeFileAtomic(file, bytes);
  return file;
}
