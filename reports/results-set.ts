// Result sets for `bulwark compare`: runs tables (of `bulwark run` or `bulwark sweep`) read and grouped by
// (sweep, scenario, policy, parameter point), with per-run metric columns for the statistics.
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { InputError } from '../sim/errors.js';
import { canonicalJson } from '../sim/scenario.js';
import { RUNS_COLUMN_TYPES, RUNS_COLUMNS } from './arrow.js';
import { loadTable } from './load.js';
import { protocolLoss } from './stats/protocol-loss.js';
import { SWEEP_RUNS_TABLE } from './sweep-arrow.js';

/** Per-run metric columns a statistic or gate can use: the numeric summary columns and derived ones. */
export const DERIVED_COLUMNS = ['protocol_loss', 'insurance_fund_drawdown', 'max_leverage'] as const;
export const METRIC_COLUMNS: readonly string[] = [
  ...RUNS_COLUMNS.filter((c) => RUNS_COLUMN_TYPES[c] !== 'utf8' && RUNS_COLUMN_TYPES[c] !== 'utf8?' && c !== 'seed'),
  ...DERIVED_COLUMNS,
];

/** The runs of one policy at one parameter point of one result set. */
export interface Group {
  /** Matches the same group in another result set: sweep, scenario, policy and parameter values. */
  key: string;
  /** Result set (directory) it came from. */
  source: string;
  sweep: string;
  scenario: string;
  policy: string;
  /** Swept parameter values (empty for `bulwark run` results). */
  point: Record<string, number | string>;
  pointIndex: number;
  /** All runs, failed ones included. */
  runs: number;
  /** Runs with an error (excluded from the statistics). */
  failed: number;
  /** Seeds of the successful runs, in file order; `columns[c][i]` belongs to `seeds[i]`. */
  seeds: number[];
  columns: Record<string, number[]>;
}

export interface ResultSet {
  /** The runs.arrow file read. */
  file: string;
  dir: string;
  kind: 'sweep' | 'run';
  sweep: string;
  scenario: string;
  /** Policies in order of first appearance (the first is the reference of paired comparisons). */
  policies: string[];
  parameters: string[];
  groups: Group[];
  runs: number;
}

/** `venue.maintenanceMargin=0.04, defenses[0].sigmas=3` (numbers to 6 significant digits). */
export function pointLabel(point: Record<string, number | string>): string {
  return Object.entries(point)
    .map(([k, v]) => `${k}=${typeof v === 'number' ? String(Number(v.toPrecision(6))) : v}`)
    .join(', ');
}

/** The runs.arrow files a target names: a results directory, a runs file, or a directory of result directories. */
export function resultFiles(target: string): string[] {
  let st;
  try {
    st = statSync(target);
  } catch {
    throw new InputError({ code: 'results.unreadable', file: target, message: 'cannot read results: no such file or directory' });
  }
  if (!st.isDirectory()) return [target];
  const own = path.join(target, 'runs.arrow');
  if (existsSync(own)) return [own];
  const subs = readdirSync(target, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(path.join(target, d.name, 'runs.arrow')))
    .map((d) => path.join(target, d.name, 'runs.arrow'))
    .sort();
  if (subs.length === 0) {
    const partial = existsSync(path.join(target, 'runs.partial.arrow'));
    throw new InputError({
      code: 'results.unreadable',
      file: target,
      message: partial
        ? 'only an interrupted sweep here (runs.partial.arrow); finish it with `bulwark sweep <file> --resume` first'
        : 'no runs.arrow here, nor in its subdirectories',
    });
  }
  return subs;
}

function maxLeverage(parameters: string | null): number {
  if (!parameters) return NaN;
  try {
    const im = (JSON.parse(parameters) as { venue?: { initialMargin?: unknown } }).venue?.initialMargin;
    return typeof im === 'number' && im > 0 ? 1 / im : NaN;
  } catch {
    return NaN;
  }
}

/** Reads one runs file (`runs` or `sweep-runs` table) into groups. */
export function loadResultSet(file: string): ResultSet {
  const t = loadTable(file);
  if (t.name !== 'runs' && t.name !== SWEEP_RUNS_TABLE) {
    throw new InputError({ code: 'results.invalid', file, message: `holds the '${t.name}' table; compare reads runs tables (runs.arrow)` });
  }
  const isSweep = t.name === SWEEP_RUNS_TABLE;
  const parameters: string[] = isSweep ? JSON.parse(t.metadata['bulwark.sweep.parameters']) : [];
  const sweep = isSweep ? t.metadata['bulwark.sweep'] : '';
  const scenario = t.metadata['bulwark.scenario'] ?? '';
  // columnar: no object per row, so 10^5 runs read in well under a second and a few MB per metric
  const table = t.table;
  const n = table.numRows;
  const col = (name: string) => table.getChild(name)!;
  const policyCol = col('policy');
  const scenarioCol = col('scenario');
  const seedCol = col('seed');
  const errorCol = col('error');
  const finalCol = col('final_price');
  const paramsCol = col('parameters');
  const pointCol = isSweep ? col('point_index') : null;
  const paramCols = parameters.map(col);
  const sources = METRIC_COLUMNS.filter((c) => !(DERIVED_COLUMNS as readonly string[]).includes(c)).map((c) => [c, col(c)] as const);
  const num = (v: unknown): number => (typeof v === 'bigint' ? Number(v) : (v as number));
  const fundInitial = col('insurance_fund_initial');
  const fundFinal = col('insurance_fund_final');
  const uncovered = col('uncovered_bad_debt');
  const groups = new Map<string, Group>();
  const leverage = new Map<Group, number>();
  const policies: string[] = [];
  for (let i = 0; i < n; i++) {
    const policy = policyCol.get(i) as string;
    const scen = scenarioCol.get(i) as string;
    const pointIndex = pointCol ? (pointCol.get(i) as number) : 0;
    const local = `${scen}\u0000${policy}\u0000${pointIndex}`;
    let g = groups.get(local);
    if (!g) {
      if (!policies.includes(policy)) policies.push(policy);
      const point: Record<string, number | string> = {};
      parameters.forEach((p, k) => {
        point[p] = paramCols[k].get(i) as number | string;
      });
      const key = canonicalJson({ sweep, scenario: scen, policy, point });
      g = { key, source: path.dirname(file), sweep, scenario: scen, policy, point, pointIndex, runs: 0, failed: 0, seeds: [], columns: {} };
      for (const c of METRIC_COLUMNS) g.columns[c] = [];
      groups.set(local, g);
    }
    g.runs++;
    if (errorCol.get(i) !== null || finalCol.get(i) === null) {
      g.failed++;
      continue;
    }
    g.seeds.push(seedCol.get(i) as number);
    for (const [c, v] of sources) g.columns[c].push(num(v.get(i)));
    const u = num(uncovered.get(i));
    const f0 = num(fundInitial.get(i));
    const f1 = num(fundFinal.get(i));
    g.columns.protocol_loss.push(protocolLoss({ uncovered_bad_debt: u, insurance_fund_initial: f0, insurance_fund_final: f1 }));
    g.columns.insurance_fund_drawdown.push(Math.max(0, f0 - f1));
    let lev = leverage.get(g);
    if (lev === undefined) {
      lev = maxLeverage(paramsCol.get(i) as string | null); // the venue's initial margin is one per point
      leverage.set(g, lev);
    }
    g.columns.max_leverage.push(lev);
  }
  return {
    file,
    dir: path.dirname(file),
    kind: isSweep ? 'sweep' : 'run',
    sweep,
    scenario,
    policies,
    parameters,
    groups: [...groups.values()],
    runs: n,
  };
}

/** Reads every target; fails (bad input) when two sets hold the same group, since they could not be told apart. */
export function loadResultSets(targets: readonly string[]): ResultSet[] {
  const sets = targets.flatMap(resultFiles).map(loadResultSet);
  const seen = new Map<string, { set: ResultSet; file: string }>();
  for (const s of sets) {
    for (const g of s.groups) {
      const prev = seen.get(g.key);
      const other = prev?.file;
      if (prev !== undefined && prev.set !== s) {
        throw new InputError({
          code: 'results.ambiguous',
          file: s.file,
          message: `${other} and ${s.file} both hold runs of policy '${g.policy}'${Object.keys(g.point).length ? ` at ${pointLabel(g.point)}` : ''} of ${g.sweep ? `sweep '${g.sweep}'` : `scenario '${g.scenario}'`}; compare them one at a time (or one as --baseline)`,
        });
      }
      seen.set(g.key, { set: s, file: s.file });
    }
  }
  return sets;
}
