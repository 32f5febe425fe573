// What a report shows, read from results sets: runs grouped by scenario, per-run step series and liquidation events.
import type { Table } from 'apache-arrow';
import { InputError } from '../../sim/errors.js';
import type { RunSummary } from '../../sim/run.js';
import { loadResults } from '../load.js';

/** Per-step columns of the lending, options and cross-margin venues a report draws (sim/series.ts SERIES_COLUMNS). */
export const VENUE_STEP_COLUMNS = [
  'lending_debt',
  'lending_reserves',
  'lending_bad_debt',
  'lending_liquidations',
  'options_bad_debt',
  'options_net_delta',
  'options_liquidations',
  'cross_open_accounts',
  'cross_insurance_fund',
  'cross_bad_debt',
  'cross_liquidations',
  'cross_ratio_p5',
  'cross_ratio_p50',
] as const;
export type VenueStepColumn = (typeof VENUE_STEP_COLUMNS)[number];

/**
 * The per-step columns a report draws, for one run (typed arrays as stored). The other venues' columns are there
 * when the steps table has them (a results set of `bulwark run` always does).
 */
export interface RunSteps extends Partial<Record<VenueStepColumn, Float64Array | Int32Array>> {
  spot: Float64Array;
  mark: Float64Array;
  oracle: Float64Array;
  insurance_fund: Float64Array;
  bad_debt: Float64Array;
  uncovered_bad_debt: Float64Array;
  liquidations: Int32Array;
  halted: Uint8Array;
}
export const REPORT_STEP_COLUMNS = ['spot', 'mark', 'oracle', 'insurance_fund', 'bad_debt', 'uncovered_bad_debt', 'liquidations', 'halted'] as const;
/** Any column of RunSteps by name. */
export type StepColumn = Exclude<keyof RunSteps, number | symbol>;

/** Liquidation events of the perpetuals venue of one run, in file order (the slippage chart and table). */
export interface RunLiquidations {
  step: Int32Array;
  notional: Float64Array;
  slippage: Float64Array;
}

export interface ReportRun {
  summary: RunSummary;
  /** Absent when the results hold no steps for the run. */
  steps?: RunSteps;
  liquidations?: RunLiquidations;
}

/** Runs of one scenario (same `bulwark.scenario_hash`), possibly from several results directories. */
export interface ScenarioGroup {
  scenario: string;
  scenarioHash: string;
  version: string;
  /** Directories the runs came from, in the order given. */
  sources: string[];
  /** Policies in first-seen order. */
  policies: string[];
  /** Seeds in first-seen order. */
  seeds: number[];
  runs: ReportRun[];
}

export const runKey = (policy: string, seed: number): string => `${policy}\u0000${seed}`;

/** Row ranges of consecutive equal (policy, seed) in a steps or events table: `key -> [start, end)`. */
function segments(table: Table): Map<string, [number, number]> {
  const out = new Map<string, [number, number]>();
  const policy = table.getChild('policy');
  const seed = table.getChild('seed')?.toArray() as Int32Array | undefined;
  if (!policy || !seed) return out;
  let start = 0;
  let key = '';
  for (let i = 0; i < table.numRows; i++) {
    const k = i === 0 || seed[i] !== seed[i - 1] || policy.get(i) !== policy.get(i - 1) ? runKey(String(policy.get(i)), seed[i]) : key;
    if (k !== key) {
      if (i > 0 && !out.has(key)) out.set(key, [start, i]);
      key = k;
      start = i;
    }
  }
  if (table.numRows > 0 && !out.has(key)) out.set(key, [start, table.numRows]);
  return out;
}

type StepArray = Float64Array | Int32Array | Uint8Array;

/** The columns of a steps table that RunSteps holds, each read once (then every run takes a view of its rows). */
function stepArrays(table: Table): [string, StepArray][] {
  return [...REPORT_STEP_COLUMNS, ...VENUE_STEP_COLUMNS].flatMap((c): [string, StepArray][] => {
    const col = table.getChild(c);
    return col ? [[c, col.toArray() as StepArray]] : [];
  });
}

function stepsOf(arrays: readonly [string, StepArray][], range: [number, number]): RunSteps {
  return Object.fromEntries(arrays.map(([c, a]) => [c, a.subarray(range[0], range[1])])) as unknown as RunSteps;
}

/** Event actions of the venues other than the perpetuals venue. */
const OTHER_VENUES = /^(option|lending|cross)-/;

function liquidationsOf(table: Table, range: [number, number]): RunLiquidations {
  const type = table.getChild('type')!;
  const step = table.getChild('step')!.toArray() as Int32Array;
  const notional = table.getChild('notional')!;
  const slippage = table.getChild('slippage')!;
  const action = table.getChild('action')!;
  const rows: number[] = [];
  // the perpetuals venue's rows only: the other venues' (option-*, lending-*, cross-*) have their own sections
  for (let i = range[0]; i < range[1]; i++) if (type.get(i) === 'liquidation' && !OTHER_VENUES.test(String(action.get(i)))) rows.push(i);
  return {
    step: Int32Array.from(rows, (i) => step[i]),
    notional: Float64Array.from(rows, (i) => (notional.get(i) as number | null) ?? 0),
    slippage: Float64Array.from(rows, (i) => (slippage.get(i) as number | null) ?? 0),
  };
}

/** Reads results directories (of `bulwark run`) and groups their runs by scenario hash. A (policy, seed) met twice is kept once. */
export function loadRunGroups(dirs: readonly string[]): ScenarioGroup[] {
  const groups = new Map<string, ScenarioGroup>();
  const seen = new Map<string, Set<string>>();
  for (const dir of dirs) {
    const r = loadResults(dir);
    const hash = r.metadata['bulwark.scenario_hash'];
    let g = groups.get(hash);
    if (!g) {
      g = { scenario: r.metadata['bulwark.scenario'], scenarioHash: hash, version: r.metadata['bulwark.version'], sources: [], policies: [], seeds: [], runs: [] };
      groups.set(hash, g);
      seen.set(hash, new Set());
    }
    g.sources.push(r.dir);
    const stepRanges = segments(r.steps);
    const arrays = stepArrays(r.steps);
    const eventRanges = segments(r.events);
    for (const summary of r.runs) {
      const key = runKey(summary.policy, summary.seed);
      if (seen.get(hash)!.has(key)) continue;
      seen.get(hash)!.add(key);
      if (!g.policies.includes(summary.policy)) g.policies.push(summary.policy);
      if (!g.seeds.includes(summary.seed)) g.seeds.push(summary.seed);
      const sr = stepRanges.get(key);
      const er = eventRanges.get(key);
      g.runs.push({
        summary,
        ...(sr ? { steps: stepsOf(arrays, sr) } : {}),
        liquidations: er ? liquidationsOf(r.events, er) : { step: new Int32Array(0), notional: new Float64Array(0), slippage: new Float64Array(0) },
      });
    }
  }
  if (groups.size === 0) throw new InputError({ code: 'report.no-results', message: 'no results to report on' });
  return [...groups.values()];
}
