// `bulwark compare`: statistics per group (policy and parameter point), changes against a baseline, paired
// differences on common seeds with bootstrap intervals, and gate verdicts. Rendering is in compare-format.ts.
import { deviation, max, min, sum } from 'd3-array';
import { InputError } from '../sim/errors.js';
import { checkGate, evaluate, nodeText, parseGate, type Gate, type GateCheck, type GateData, type GateNode, type StatCall } from './gates.js';
import { METRIC_COLUMNS, pointLabel, type Group, type ResultSet } from './results-set.js';
import { bootstrapMeanCI } from './stats/bootstrap-mean-ci.js';
import { entropicValueAtRisk } from './stats/entropic-value-at-risk.js';
import { expectedShortfall } from './stats/expected-shortfall.js';
import { mean } from './stats/mean.js';
import { median } from './stats/median.js';
import { pairedDifferences } from './stats/paired-differences.js';
import { VENUES, type Venue } from './stats/protocol-loss.js';
import { quantile } from './stats/quantile.js';
import { sharePositive } from './stats/share-positive.js';
import { valueAtRisk } from './stats/value-at-risk.js';

export type Format = 'usd' | 'pct' | 'count' | 'x';

export const VENUE_LABELS: Record<Venue, string> = { perp: 'perp', options: 'options', lending: 'lending', cross: 'cross' };

/** A statistic reported for every group, written in the gate syntax. */
export interface Metric {
  id: string;
  expr: string;
  label: string;
  format: Format;
  node: GateNode;
  /**
   * When the statistic describes nothing in a group (NOT_APPLICABLE): its value is then n/a (NaN), not the 0 (or the
   * configured leverage) it would otherwise read, and `note` says why under the table.
   */
  notApplicable?: { test: (g: Group) => boolean; note: string };
}

// The solvency statistics cover every venue (perpetuals, options, lending pool, cross-margin): total_bad_debt,
// total_uncovered_bad_debt and protocol_loss are sums over venues (reports/results-set.ts DERIVED_COLUMNS); the ids
// keep their names, and for a perp-only scenario their values are the perp venue's. Per-venue means are at the end.
// LaR95 and mean slippage cover the venues that record them (total_liquidated_notional: perp, lending, cross;
// total_liquidation_slippage: perp, cross; reports/stats/liquidations.ts). Mean max OI and max leverage are the
// perpetuals venue's. Each is n/a for a group where it would measure nothing (NOT_APPLICABLE).
const METRIC_DEFS: [id: string, expr: string, label: string, format: Format][] = [
  ['runs', 'runs', 'runs', 'count'],
  ['failed', 'failed', 'failed', 'count'],
  ['bad_debt_mean', 'mean(total_bad_debt)', 'mean bad debt', 'usd'],
  ['bad_debt_median', 'median(total_bad_debt)', 'median bad debt', 'usd'],
  ['bad_debt_p95', 'p95(total_bad_debt)', 'p95 bad debt', 'usd'],
  ['bad_debt_p99', 'p99(total_bad_debt)', 'p99 bad debt', 'usd'],
  ['uncovered_bad_debt_mean', 'mean(total_uncovered_bad_debt)', 'mean uncovered', 'usd'],
  ['uncovered_bad_debt_median', 'median(total_uncovered_bad_debt)', 'median uncovered', 'usd'],
  ['uncovered_bad_debt_p95', 'p95(total_uncovered_bad_debt)', 'p95 uncovered', 'usd'],
  ['uncovered_bad_debt_p99', 'p99(total_uncovered_bad_debt)', 'p99 uncovered', 'usd'],
  ['protocol_loss_mean', 'mean(protocol_loss)', 'mean loss', 'usd'],
  ['protocol_loss_var95', 'var95(protocol_loss)', 'VaR95 loss', 'usd'],
  ['protocol_loss_cvar95', 'cvar95(protocol_loss)', 'CVaR95 loss', 'usd'],
  ['protocol_loss_cvar99', 'cvar99(protocol_loss)', 'CVaR99 loss', 'usd'],
  ['protocol_loss_evar99', 'evar99(protocol_loss)', 'EVaR99 loss', 'usd'],
  ['prob_insolvency', 'prob(total_uncovered_bad_debt)', 'P(insolvent)', 'pct'],
  ['liquidations_at_risk', 'p95(total_liquidated_notional)', 'LaR95', 'usd'],
  ['liquidation_slippage_mean', 'mean(total_liquidation_slippage)', 'mean slippage', 'usd'],
  ['steps_halted_mean', 'mean(steps_halted)', 'mean halted', 'x'],
  ['max_open_interest_mean', 'mean(max_open_interest)', 'mean max OI', 'usd'],
  ['max_leverage', 'mean(max_leverage)', 'max lev.', 'x'],
  ...VENUES.flatMap((v): [string, string, string, Format][] => [
    [`${v}_bad_debt_mean`, `mean(${v === 'perp' ? 'bad_debt' : `${v}_bad_debt`})`, `${VENUE_LABELS[v]} bad debt`, 'usd'],
    [`${v}_protocol_loss_mean`, `mean(${v}_protocol_loss)`, `${VENUE_LABELS[v]} loss`, 'usd'],
  ]),
];

/** Whether some successful run of the group had anything on the perpetuals venue (results-set.ts `perp_used`). */
export function perpInGroup(g: Group): boolean {
  return (g.columns.perp_used ?? []).some((v) => v > 0);
}

/** Whether some successful run of the group has one of these counts above 0. */
const anyOf = (g: Group, columns: readonly string[]): boolean => columns.some((c) => (g.columns[c] ?? []).some((v) => v > 0));

/**
 * Statistics that describe nothing in some groups, and the rule. LaR95 and slippage: a group that had liquidations,
 * all of them in venues that do not record the amount (options: no notional; lending and options: no slippage),
 * would read 0 as if nothing had been liquidated. Max OI and leverage are the perpetuals venue's: a group that had
 * nothing on it would read 0 and the configured 1 / initial margin. A group without such liquidations, or with
 * positions on the perp venue in any run, is unchanged (a perp-only scenario never reads n/a).
 */
const NOT_APPLICABLE: Record<string, { test: (g: Group) => boolean; note: string }> = {
  liquidations_at_risk: {
    test: (g) => anyOf(g, ['options_liquidations']) && !anyOf(g, ['liquidations', 'lending_liquidations', 'cross_liquidations']),
    note: 'LaR95 is over the perpetuals, lending and cross venues (the options venue records no liquidated notional): n/a for GROUPS whose liquidations were all options liquidations.',
  },
  liquidation_slippage_mean: {
    test: (g) => anyOf(g, ['options_liquidations', 'lending_liquidations']) && !anyOf(g, ['liquidations', 'cross_liquidations', 'cross_reductions']),
    note: 'mean slippage is over the perpetuals and cross venues (the lending pool and the options venue record none): n/a for GROUPS whose liquidations were all lending or options liquidations.',
  },
  max_open_interest_mean: { test: (g) => !perpInGroup(g), note: "mean max OI and max lev. are the perpetuals venue's: n/a for GROUPS whose runs had no positions on it." },
  max_leverage: { test: (g) => !perpInGroup(g), note: "mean max OI and max lev. are the perpetuals venue's: n/a for GROUPS whose runs had no positions on it." },
};

/** Every statistic of a group, in report order. */
export const METRICS: readonly Metric[] = METRIC_DEFS.map(([id, expr, label, format]) => ({
  id,
  expr,
  label,
  format,
  node: parseGate(`${expr} > 0`, METRIC_COLUMNS).left,
  ...(NOT_APPLICABLE[id] ? { notApplicable: NOT_APPLICABLE[id] } : {}),
}));
/** The columns of the compact table. */
export const TABLE_METRICS = ['runs', 'failed', 'bad_debt_mean', 'uncovered_bad_debt_p99', 'protocol_loss_var95', 'protocol_loss_cvar99', 'prob_insolvency', 'liquidations_at_risk', 'liquidation_slippage_mean', 'steps_halted_mean', 'max_open_interest_mean', 'max_leverage'];
/** The metrics whose change against the baseline is listed (plus each gate's left-hand side). */
export const CHANGE_METRICS = ['bad_debt_mean', 'uncovered_bad_debt_p99', 'protocol_loss_var95', 'protocol_loss_cvar99', 'prob_insolvency', 'liquidations_at_risk', 'steps_halted_mean', 'max_open_interest_mean'];
/** Columns of the paired differences. */
export const PAIRED_COLUMNS = ['protocol_loss', 'total_bad_debt'];
/** Per-venue metrics of the by-venue table: mean bad debt and mean protocol loss. */
export const VENUE_METRICS: Record<Venue, [badDebt: string, loss: string]> = Object.fromEntries(VENUES.map((v) => [v, [`${v}_bad_debt_mean`, `${v}_protocol_loss_mean`]])) as Record<Venue, [string, string]>;

/**
 * Why some values of the table read n/a: one line per rule that made a group's statistic n/a (among groups with
 * successful runs), GROUPS replaced by which groups.
 */
export function notApplicableNotes(groups: readonly GroupReport[], ids: readonly string[]): string[] {
  const notes = new Map<string, number>();
  for (const id of ids) {
    const m = METRICS.find((x) => x.id === id)!;
    if (!m.notApplicable) continue;
    const n = groups.filter((g) => g.group.seeds.length > 0 && m.notApplicable!.test(g.group)).length;
    if (n > 0) notes.set(m.notApplicable.note, Math.max(n, notes.get(m.notApplicable.note) ?? 0));
  }
  return [...notes].map(([note, n]) => note.replace('GROUPS', n === groups.length ? 'every group' : n === 1 ? `1 group (of ${groups.length})` : `${n} groups (of ${groups.length})`));
}

/** Venues with bad debt or protocol loss in some group; the by-venue table is shown when one is not the perp venue. */
export function activeVenues(groups: readonly GroupReport[]): Venue[] {
  return VENUES.filter((v) => groups.some((g) => VENUE_METRICS[v].some((id) => g.values[id] > 0)));
}

/** One statistic of one group's successful runs. */
export function statOf(g: Group, call: StatCall): number {
  const v = g.columns[call.column];
  if (!v || v.length === 0) return NaN;
  switch (call.fn) {
    case 'mean':
      return mean(v);
    case 'median':
      return median(v);
    case 'min':
      return min(v) ?? NaN;
    case 'max':
      return max(v) ?? NaN;
    case 'sum':
      return sum(v);
    case 'std':
      return deviation(v) ?? NaN;
    case 'prob':
      return sharePositive(v);
    case 'p':
      return quantile(v, call.level!);
    case 'var':
      return valueAtRisk(v, call.level!);
    case 'cvar':
      return expectedShortfall(v, call.level!);
    case 'evar':
      return entropicValueAtRisk(v, call.level!);
    default:
      throw new Error(`unknown statistic ${call.fn}`);
  }
}

/** A group as gates see it, with memoised statistics. */
export function gateData(g: Group): GateData {
  const cache = new Map<string, number>();
  return {
    runs: g.runs,
    failed: g.failed,
    stat(call) {
      const k = `${call.fn}:${call.level ?? ''}:${call.column}`;
      let v = cache.get(k);
      if (v === undefined) {
        v = statOf(g, call);
        cache.set(k, v);
      }
      return v;
    },
  };
}

export interface GroupReport {
  group: Group;
  label: string;
  /** METRICS values by id. */
  values: Record<string, number>;
}

export interface Change {
  label: string;
  metric: string;
  format: Format;
  baseline: number;
  current: number;
  change: number;
  /** change / |baseline| (0 when both are 0, +-Infinity when only the baseline is 0). */
  relative: number;
}

export interface Paired {
  /** What is compared: `policy - reference` at a point, or `current - baseline` for a group. */
  label: string;
  against: string;
  column: string;
  pairs: number;
  mean: number;
  low: number;
  high: number;
}

export interface GateResult {
  gate: Gate;
  label: string;
  policy: string;
  check: GateCheck;
}

export interface CompareReport {
  sets: ResultSet[];
  baselineSets: ResultSet[] | null;
  groups: GroupReport[];
  baseline: GroupReport[] | null;
  changes: Change[];
  /** Paired differences between policies (vs the first policy of the set, same seeds). */
  paired: Paired[];
  /** Paired differences current - baseline on common seeds. */
  pairedBaseline: Paired[];
  gates: GateResult[];
  /** Gate checks that failed (verdict fail or no-data). */
  failures: number;
}

function labelFor(g: Group, multi: boolean): string {
  const prefix = multi ? `${g.sweep || g.scenario}: ` : '';
  const pt = pointLabel(g.point);
  return `${prefix}${g.policy}${pt ? ` @ ${pt}` : ''}`;
}

function report(sets: readonly ResultSet[], multi: boolean): GroupReport[] {
  return sets.flatMap((s) =>
    s.groups.map((group) => {
      const data = gateData(group);
      const values: Record<string, number> = {};
      for (const m of METRICS) values[m.id] = m.notApplicable?.test(group) ? NaN : checkNode(m.node, data);
      return { group, label: labelFor(group, multi), values };
    }),
  );
}

function checkNode(n: GateNode, data: GateData): number {
  return evaluate(n, data, null, n);
}

function seedMap(g: Group, column: string): Map<number, number> {
  const m = new Map<number, number>();
  const v = g.columns[column];
  g.seeds.forEach((s, i) => m.set(s, v[i]));
  return m;
}

function paired(label: string, against: string, a: Group, b: Group, column: string): Paired {
  const { differences } = pairedDifferences(seedMap(a, column), seedMap(b, column));
  const [low, high] = bootstrapMeanCI(differences, { seed: `${a.key}|${b.key}|${column}` });
  return { label, against, column, pairs: differences.length, mean: mean(differences), low, high };
}

function relative(change: number, base: number): number {
  if (change === 0) return 0;
  return base === 0 ? (change > 0 ? Infinity : -Infinity) : change / Math.abs(base);
}

/** Key of a point within a result set (groups of different policies at the same point share it). */
function pointKey(g: Group): string {
  return `${g.sweep}|${g.scenario}|${JSON.stringify(g.point)}`;
}

export function buildComparison(sets: ResultSet[], baselineSets: ResultSet[] | null, gates: readonly Gate[]): CompareReport {
  const scopes = new Set([...sets, ...(baselineSets ?? [])].map((s) => `${s.sweep}|${s.scenario}`));
  const multi = scopes.size > 1;
  const groups = report(sets, multi);
  const baseline = baselineSets ? report(baselineSets, multi) : null;
  const baseByKey = new Map((baseline ?? []).map((b) => [b.group.key, b]));

  // paired differences between policies at each point, against the set's first policy
  const pairedList: Paired[] = [];
  for (const s of sets) {
    const ref = s.policies[0];
    const byPoint = new Map<string, Group[]>();
    for (const g of s.groups) {
      const k = pointKey(g);
      byPoint.set(k, [...(byPoint.get(k) ?? []), g]);
    }
    for (const gs of byPoint.values()) {
      const r = gs.find((g) => g.policy === ref);
      if (!r) continue;
      for (const g of gs) {
        if (g === r) continue;
        for (const c of PAIRED_COLUMNS) pairedList.push(paired(labelFor(g, multi), ref, g, r, c));
      }
    }
  }

  // changes against the baseline
  const changes: Change[] = [];
  const pairedBaseline: Paired[] = [];
  if (baseline) {
    const extra = gates.map((g) => nodeText(g.left)).filter((t, i, a) => a.indexOf(t) === i && !METRICS.some((m) => m.expr === t));
    for (const cur of groups) {
      const base = baseByKey.get(cur.group.key);
      if (!base) continue;
      for (const id of CHANGE_METRICS) {
        const m = METRICS.find((x) => x.id === id)!;
        const c = cur.values[id] - base.values[id];
        changes.push({ label: cur.label, metric: m.expr, format: m.format, baseline: base.values[id], current: cur.values[id], change: c, relative: relative(c, base.values[id]) });
      }
      for (const g of gates) {
        const t = nodeText(g.left);
        if (!extra.includes(t) || (g.policies && !g.policies.includes(cur.group.policy))) continue;
        const a = checkNode(g.left, gateData(cur.group));
        const b = checkNode(g.left, gateData(base.group));
        changes.push({ label: cur.label, metric: t, format: 'usd', baseline: b, current: a, change: a - b, relative: relative(a - b, b) });
      }
      for (const c of PAIRED_COLUMNS) pairedBaseline.push(paired(cur.label, 'baseline', cur.group, base.group, c));
    }
  }

  // gates
  const results: GateResult[] = [];
  const policies = new Set(groups.map((g) => g.group.policy));
  for (const gate of gates) {
    const unknown = (gate.policies ?? []).filter((p) => !policies.has(p));
    if (unknown.length > 0) {
      throw new InputError({ code: 'gate.invalid', message: `gate '${gate.name ?? gate.text}' names polic${unknown.length > 1 ? 'ies' : 'y'} ${unknown.map((p) => `'${p}'`).join(', ')} that the results do not have; they have: ${[...policies].join(', ')}` });
    }
    for (const cur of groups) {
      if (gate.policies && !gate.policies.includes(cur.group.policy)) continue;
      const base = baseByKey.get(cur.group.key);
      const check = checkGate(gate, gateData(cur.group), base ? gateData(base.group) : null);
      results.push({ gate, label: cur.label, policy: cur.group.policy, check });
    }
  }
  const failures = results.filter((r) => r.check.verdict === 'fail' || r.check.verdict === 'no-data').length;
  return { sets, baselineSets, groups, baseline, changes, paired: pairedList, pairedBaseline, gates: results, failures };
}
