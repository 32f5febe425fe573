// Result sets for `bulwark compare`: runs tables (of `bulwark run` or `bulwark sweep`) read and grouped by
// (sweep, scenario, policy, parameter point), with per-run metric columns for the statistics.
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { InputError } from '../sim/errors.js';
import { canonicalJson } from '../sim/scenario.js';
import { RUNS_COLUMN_TYPES, RUNS_COLUMNS } from './arrow.js';
import { loadTable } from './load.js';
import { perpUsed, totalLiquidatedNotional, totalLiquidationSlippage } from './stats/liquidations.js';
import { lendingUncovered, sumVenues, totalBadDebt, totalUncoveredBadDebt, venueLosses, VENUES } from './stats/protocol-loss.js';
import { SWEEP_RUNS_TABLE } from './sweep-arrow.js';

/**
 * Per-run columns derived from the summary (definitions: reports/stats/protocol-loss.ts, docs/sweeps.md):
 * - `protocol_loss`: over every venue, uncovered bad debt + the net fall of its fund (lending: of its reserves);
 *   `perp_protocol_loss`, `options_protocol_loss`, `lending_protocol_loss`, `cross_protocol_loss` per venue;
 * - `total_bad_debt`: bad debt of the perpetuals, options, lending and cross venues;
 * - `total_uncovered_bad_debt`: the perp, options and cross funds' shortfalls plus `lending_uncovered_bad_debt`, the
 *   lending pool's deficit max(0, -lending_reserves);
 * - `total_insurance_fund_initial`: the venues' starting funds and the pool's starting reserves (recommend's budget);
 * - `insurance_fund_drawdown`: the perp fund's net fall; `max_leverage`: 1 / venue.initialMargin.
 * - `total_liquidated_notional`: perp liquidated notional + lending debt liquidated + cross liquidated notional;
 *   `total_liquidation_slippage`: perp liquidation slippage + cross slippage (reports/stats/liquidations.ts);
 * - `perp_used`: 1 when the run had anything on the perpetuals venue (accounts, opens, open interest, liquidations or
 *   bad debt), else 0: `compare` shows the perp venue's open interest and leverage as n/a for a group without any.
 */
export const DERIVED_COLUMNS = [
  'protocol_loss',
  'insurance_fund_drawdown',
  'max_leverage',
  'total_bad_debt',
  'total_uncovered_bad_debt',
  'total_insurance_fund_initial',
  'lending_uncovered_bad_debt',
  'perp_protocol_loss',
  'options_protocol_loss',
  'lending_protocol_loss',
  'cross_protocol_loss',
  'total_liquidated_notional',
  'total_liquidation_slippage',
  'perp_used',
] as const;
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

/** Summary columns that are NaN in a run without the venue (so also when an older file lacks them); others are 0. */
const NAN_WHEN_ABSENT = new Set(['lending_min_hf', 'cross_min_margin_ratio']);

/** What a group's runs share through the `parameters` column: one venue configuration per point and policy. */
interface PointParameters {
  maxLeverage: number;
  /** Starting lending reserves and cross fund, for files written before their `*_initial` columns existed. */
  lendingReserves: number;
  crossFund: number;
}

function pointParameters(parameters: string | null): PointParameters {
  const num = (v: unknown, absent: number) => (typeof v === 'number' ? v : absent);
  let p: { venue?: { initialMargin?: unknown }; lending?: { reserves?: unknown }; cross?: { insuranceFund?: unknown } } = {};
  try {
    if (parameters) p = JSON.parse(parameters);
  } catch {
    p = {};
  }
  const im = p?.venue?.initialMargin;
  return {
    maxLeverage: typeof im === 'number' && im > 0 ? 1 / im : NaN,
    lendingReserves: num(p?.lending?.reserves, 0),
    crossFund: num(p?.cross?.insuranceFund, 0),
  };
}

/** Reads one runs file (`runs` or `sweep-runs` table) into groups. */
export function loadResultSet(file: string): ResultSet {
  const t = loadTable(file, undefined, { olderRuns: true });
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
  /** A summary column, or null when the file was written before it existed. */
  const optional = (name: string) => table.getChild(name);
  const policyCol = col('policy');
  const scenarioCol = col('scenario');
  const seedCol = col('seed');
  const errorCol = col('error');
  const finalCol = col('final_price');
  const paramsCol = col('parameters');
  const pointCol = isSweep ? col('point_index') : null;
  const paramCols = parameters.map(col);
  const sources = METRIC_COLUMNS.filter((c) => !(DERIVED_COLUMNS as readonly string[]).includes(c)).map((c) => [c, optional(c)] as const);
  const num = (v: unknown): number => (typeof v === 'bigint' ? Number(v) : (v as number));
  // a file with a venue's final figure but not its starting one: the start is in the parameters
  const hasLending = optional('lending_reserves') !== null;
  const hasCross = optional('cross_insurance_fund_final') !== null;
  const groups = new Map<string, Group>();
  const shared = new Map<Group, PointParameters>();
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
    let pp = shared.get(g);
    if (pp === undefined) {
      pp = pointParameters(paramsCol.get(i) as string | null); // the venues' configuration is one per point
      shared.set(g, pp);
    }
    for (const [c, v] of sources) {
      if (v !== null) g.columns[c].push(num(v.get(i)));
      else g.columns[c].push(c === 'lending_reserves_initial' && hasLending ? pp.lendingReserves : c === 'cross_insurance_fund_initial' && hasCross ? pp.crossFund : NAN_WHEN_ABSENT.has(c) ? NaN : 0);
    }
    derive(g.columns, g.columns.bad_debt.length - 1);
    g.columns.max_leverage.push(pp.maxLeverage);
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

/** Appends the derived columns (but max_leverage) of row k of a group's columns (reports/stats/protocol-loss.ts). */
function derive(c: Record<string, number[]>, k: number): void {
  const r = {
    initial_accounts: c.initial_accounts[k],
    opens: c.opens[k],
    max_open_interest: c.max_open_interest[k],
    liquidations: c.liquidations[k],
    liquidated_notional: c.liquidated_notional[k],
    liquidation_slippage: c.liquidation_slippage[k],
    lending_liquidated_debt: c.lending_liquidated_debt[k],
    cross_liquidated_notional: c.cross_liquidated_notional[k],
    cross_slippage: c.cross_slippage[k],
    bad_debt: c.bad_debt[k],
    uncovered_bad_debt: c.uncovered_bad_debt[k],
    insurance_fund_initial: c.insurance_fund_initial[k],
    insurance_fund_final: c.insurance_fund_final[k],
    options_bad_debt: c.options_bad_debt[k],
    options_uncovered_bad_debt: c.options_uncovered_bad_debt[k],
    options_insurance_fund_initial: c.options_insurance_fund_initial[k],
    options_insurance_fund_final: c.options_insurance_fund_final[k],
    lending_bad_debt: c.lending_bad_debt[k],
    lending_reserves_initial: c.lending_reserves_initial[k],
    lending_reserves: c.lending_reserves[k],
    cross_bad_debt: c.cross_bad_debt[k],
    cross_uncovered_bad_debt: c.cross_uncovered_bad_debt[k],
    cross_insurance_fund_initial: c.cross_insurance_fund_initial[k],
    cross_insurance_fund_final: c.cross_insurance_fund_final[k],
  };
  const loss = venueLosses(r);
  c.protocol_loss.push(sumVenues(loss));
  for (const v of VENUES) c[`${v}_protocol_loss`].push(loss[v]);
  c.insurance_fund_drawdown.push(Math.max(0, r.insurance_fund_initial - r.insurance_fund_final));
  c.total_bad_debt.push(totalBadDebt(r));
  c.total_uncovered_bad_debt.push(totalUncoveredBadDebt(r));
  c.lending_uncovered_bad_debt.push(lendingUncovered(r.lending_reserves));
  c.total_liquidated_notional.push(totalLiquidatedNotional(r));
  c.total_liquidation_slippage.push(totalLiquidationSlippage(r));
  c.perp_used.push(perpUsed(r) ? 1 : 0);
  c.total_insurance_fund_initial.push(r.insurance_fund_initial + r.options_insurance_fund_initial + r.lending_reserves_initial + r.cross_insurance_fund_initial);
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
