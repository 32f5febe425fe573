// `bulwark recommend`: from a sweep's runs, the least restrictive parameter setting whose tail risk of protocol loss
// stays under a budget, with its capital-efficiency cost and the change in liquidations. Rendering: recommend-format.ts.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { InputError } from '../sim/errors.js';
import { getPath, parsePath } from '../sim/scenario-path.js';
import { loadSweep, type SweepPlan } from '../sim/sweep.js';
import { gateData } from './compare.js';
import { evaluate, nodeText, parseGate, type GateNode } from './gates.js';
import { loadTable } from './load.js';
import { loadResultSet, METRIC_COLUMNS, resultFiles, type Group } from './results-set.js';
import { mean } from './stats/mean.js';

/**
 * A loss budget: an amount in USD, or a multiple of the starting insurance fund (mean over a point's runs) - of every
 * venue, as protocol loss is: the perp, options and cross funds plus the lending pool's starting reserves.
 */
export type Budget = { kind: 'usd'; usd: number; text: string } | { kind: 'fund'; multiple: number; text: string };

/** How far one proposal may move a parameter: an absolute step, or a share of the current value. */
export type MaxStep = { abs: number } | { rel: number };

export interface RecommendOptions {
  /** The sweep file the results came from: the base scenario gives the current values; its hash must match. */
  sweepFile: string;
  /** A statistic of the runs in the gate syntax, e.g. `var95(protocol_loss)`; a bare `var95`, `evar99` means of protocol_loss. */
  objective: string;
  budget: Budget;
  /** Policy whose runs are used (default: the sweep's first policy). */
  policy?: string;
  /** Per parameter path (or `*` for all): the largest move from the current value one proposal may make. */
  maxStep?: Record<string, MaxStep>;
  /** Per parameter path: which direction is less restrictive, overriding the built-in directions. */
  prefer?: Record<string, 'low' | 'high'>;
}

/** Which way a parameter is less restrictive, for the parameters whose meaning is known. */
const KNOWN_DIRECTIONS: [RegExp, 'low' | 'high', string][] = [
  [/(^|\.)(initialMargin|maintenanceMargin)$/, 'low', 'a lower margin lets traders hold more leverage'],
  [/(^|\.)liquidationFee$/, 'low', 'a lower liquidation fee takes less from liquidated traders'],
  [/(^|\.)insuranceFund$/, 'low', 'a smaller fund locks up less capital'],
  [/(^|\.)sigmas$/, 'high', 'a wider breaker threshold halts trading less often'],
  [/(^|\.)(haltSteps|pauseSteps|cooldownSteps)$/, 'low', 'shorter halts keep the venue open longer'],
];

export interface PointRow {
  pointIndex: number;
  values: Record<string, number | string>;
  runs: number;
  failed: number;
  objective: number;
  budget: number;
  withinBudget: boolean;
  withinStep: boolean;
  /** Capital efficiency: mean leverage allowed (1 / initial margin) and mean peak open interest. */
  maxLeverage: number;
  maxOpenInterest: number;
  liquidations: number;
  liquidatedNotional: number;
  probInsolvency: number;
  /** 0 = least restrictive values of the sweep, 1 = most (mean over parameters with a direction). */
  restrictiveness: number | null;
  isCurrent: boolean;
}

export interface ParameterChange {
  path: string;
  current: number | string | undefined;
  recommended: number | string;
  /** Which way is less restrictive, and why (or null when unknown). */
  direction: 'low' | 'high' | null;
  why: string | null;
  maxStep: MaxStep | null;
}

export interface Recommendation {
  status: 'recommended' | 'budget-not-met';
  sweep: string;
  scenario: string;
  policy: string;
  objective: string;
  budget: Budget;
  parameters: ParameterChange[];
  /** The row of the current setting, when the sweep ran it. */
  current: PointRow | null;
  /** The recommended row (the lowest-risk reachable one when the budget cannot be met). */
  recommended: PointRow | null;
  points: PointRow[];
  selection: string;
  reproduce: {
    version: string;
    sweepFile: string;
    sweepSha256: string;
    scenarioFile: string;
    scenarioSha256: string;
    sweepHash: string;
    sweepSeed: number;
    seeds: number[];
    resultsDir: string;
  };
  notes: string[];
}

/** `0.5x-insurance-fund`, `2x-fund`, `250000`, `$1.5M`, `750k`. */
export function parseBudget(text: string): Budget {
  const t = text.trim();
  const fund = /^(\d+(?:\.\d+)?|\.\d+)\s*x[-_ ]?(?:insurance[-_ ]?)?fund$/i.exec(t);
  if (fund) return { kind: 'fund', multiple: Number(fund[1]), text: t };
  const usd = /^\$?([\d.]+(?:e[+-]?\d+)?)\s*([kmb])?(?:\s*usd)?$/i.exec(t.replace(/,/g, ''));
  const amount = usd ? Number(usd[1]) * ({ k: 1e3, m: 1e6, b: 1e9 }[(usd[2] ?? '').toLowerCase() as 'k' | 'm' | 'b'] ?? 1) : NaN;
  if (Number.isFinite(amount) && amount >= 0) return { kind: 'usd', usd: amount, text: t };
  throw new InputError({ code: 'cli.bad-argument', message: `--budget expects USD (250000, 1e6, $1.5M, 750k) or a multiple of the insurance fund (0.5x-insurance-fund), found '${text}'` });
}

/** `venue.maintenanceMargin=0.01`, `venue.maintenanceMargin=50%`, or a bare `0.01` / `50%` for every parameter. */
export function parseMaxStep(text: string): [string, MaxStep] {
  const eq = text.lastIndexOf('=');
  const key = eq >= 0 ? text.slice(0, eq).trim() : '*';
  const v = (eq >= 0 ? text.slice(eq + 1) : text).trim();
  const m = /^(\d+(?:\.\d+)?|\.\d+)(%)?$/.exec(v);
  if (!m || key === '') throw new InputError({ code: 'cli.bad-argument', message: `--max-step expects [path=]step, the step a number or a percentage of the current value (venue.maintenanceMargin=0.01, 50%), found '${text}'` });
  return [key, m[2] ? { rel: Number(m[1]) / 100 } : { abs: Number(m[1]) }];
}

/** `var95` -> `var95(protocol_loss)`; anything else is taken as a gate-syntax expression. */
export function objectiveNode(text: string): { node: GateNode; text: string } {
  const t = /^[a-z]+[\d.]*$/i.test(text.trim()) ? `${text.trim()}(protocol_loss)` : text.trim();
  const node = parseGate(`${t} > 0`, METRIC_COLUMNS).left;
  return { node, text: nodeText(node) };
}

function sha256(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

function direction(p: string, prefer: Record<string, 'low' | 'high'>): { dir: 'low' | 'high' | null; why: string | null } {
  if (prefer[p]) return { dir: prefer[p], why: `set with --prefer ${p}=${prefer[p]}` };
  for (const [re, dir, why] of KNOWN_DIRECTIONS) if (re.test(p)) return { dir, why };
  return { dir: null, why: null };
}

function stepOk(current: unknown, value: number | string, step: MaxStep | undefined): boolean {
  if (step === undefined) return true;
  if (typeof current !== 'number' || typeof value !== 'number') return value === current;
  const limit = 'abs' in step ? step.abs : step.rel * Math.abs(current);
  return Math.abs(value - current) <= limit + 1e-12 * Math.max(1, Math.abs(current));
}

/** Reads the sweep results and the sweep file, and picks the recommendation. */
export function recommend(resultsDir: string, opts: RecommendOptions): Recommendation {
  const files = resultFiles(resultsDir);
  if (files.length !== 1) throw new InputError({ code: 'results.invalid', file: resultsDir, message: 'recommend reads one sweep: name its results directory' });
  const table = loadTable(files[0], undefined, { olderRuns: true });
  const set = loadResultSet(files[0]);
  if (set.kind !== 'sweep') throw new InputError({ code: 'results.invalid', file: files[0], message: 'results of bulwark run, not of a sweep: recommend needs a parameter sweep (bulwark sweep)' });
  const plan: SweepPlan = loadSweep(opts.sweepFile);
  const runHash = table.metadata['bulwark.sweep_hash'];
  if (runHash !== plan.hash) {
    throw new InputError({
      code: 'results.mismatch',
      file: opts.sweepFile,
      message: `the results in ${resultsDir} come from another sweep (sweep hash ${runHash?.slice(0, 12) ?? '(none)'}..., this file gives ${plan.hash.slice(0, 12)}...): pass the sweep file they were made with, or rerun it`,
    });
  }
  const policy = opts.policy ?? set.policies[0];
  if (!set.policies.includes(policy)) throw new InputError({ code: 'cli.bad-argument', message: `no runs of policy '${policy}' in ${resultsDir}; it has: ${set.policies.join(', ')}` });
  const objective = objectiveNode(opts.objective);
  const prefer = opts.prefer ?? {};
  const maxStep = opts.maxStep ?? {};
  for (const k of [...Object.keys(prefer), ...Object.keys(maxStep)]) {
    if (k !== '*' && !set.parameters.includes(k)) throw new InputError({ code: 'cli.bad-argument', message: `'${k}' is not a parameter of this sweep; it sweeps: ${set.parameters.join(', ')}` });
  }
  const current: Record<string, unknown> = Object.fromEntries(set.parameters.map((p) => [p, getPath(plan.base, parsePath(p))]));
  const dirs = Object.fromEntries(set.parameters.map((p) => [p, direction(p, prefer)]));
  // the sweep's values of each parameter, least restrictive first (for the restrictiveness score)
  const order = Object.fromEntries(
    set.parameters.map((p) => {
      const vals = [...new Set(plan.points.map((pt) => pt.values[set.parameters.indexOf(p)]))] as (number | string)[];
      if (dirs[p].dir !== null && vals.every((v) => typeof v === 'number')) (vals as number[]).sort((a, b) => (dirs[p].dir === 'low' ? a - b : b - a));
      return [p, vals];
    }),
  );
  const groups = set.groups.filter((g) => g.policy === policy).sort((a, b) => a.pointIndex - b.pointIndex);
  const col = (g: Group, c: string) => mean(g.columns[c] ?? []);
  const points: PointRow[] = groups.map((g) => {
    const data = gateData(g);
    const obj = evaluate(objective.node, data, null, objective.node);
    const budget = opts.budget.kind === 'usd' ? opts.budget.usd : opts.budget.multiple * col(g, 'total_insurance_fund_initial');
    const directed = set.parameters.filter((p) => dirs[p].dir !== null && order[p].length > 1);
    const restrictiveness = directed.length === 0 ? null : mean(directed.map((p) => order[p].indexOf(g.point[p]) / (order[p].length - 1)));
    return {
      pointIndex: g.pointIndex,
      values: g.point,
      runs: g.runs,
      failed: g.failed,
      objective: obj,
      budget,
      withinBudget: Number.isFinite(obj) && obj <= budget,
      withinStep: set.parameters.every((p) => stepOk(current[p], g.point[p], maxStep[p] ?? maxStep['*'])),
      maxLeverage: col(g, 'max_leverage'),
      maxOpenInterest: col(g, 'max_open_interest'),
      liquidations: col(g, 'liquidations'),
      liquidatedNotional: col(g, 'liquidated_notional'),
      probInsolvency: data.stat({ type: 'stat', fn: 'prob', column: 'total_uncovered_bad_debt' }),
      restrictiveness,
      isCurrent: set.parameters.every((p) => g.point[p] === current[p]),
    };
  });
  const allDirected = set.parameters.every((p) => dirs[p].dir !== null);
  const moveOf = (r: PointRow) => mean(set.parameters.map((p) => Math.abs(order[p].indexOf(r.values[p]) - Math.max(0, order[p].indexOf(current[p] as number | string))) / Math.max(1, order[p].length - 1)));
  const byEfficiency = (a: PointRow, b: PointRow) => b.maxLeverage - a.maxLeverage || b.maxOpenInterest - a.maxOpenInterest;
  const rank = (a: PointRow, b: PointRow): number =>
    (allDirected ? a.restrictiveness! - b.restrictiveness! : 0) || byEfficiency(a, b) || moveOf(a) - moveOf(b) || a.objective - b.objective || a.pointIndex - b.pointIndex;
  const eligible = points.filter((r) => r.withinBudget && r.withinStep && r.runs > r.failed).sort(rank);
  const reachable = points.filter((r) => r.withinStep && Number.isFinite(r.objective)).sort((a, b) => a.objective - b.objective || rank(a, b));
  const chosen = eligible[0] ?? reachable[0] ?? null;
  const notes: string[] = [];
  const failed = points.reduce((a, r) => a + r.failed, 0);
  if (failed > 0) notes.push(`${failed} run${failed > 1 ? 's' : ''} failed and ${failed > 1 ? 'are' : 'is'} left out of the statistics (see the error column of runs.arrow).`);
  if (!points.some((r) => r.isCurrent)) notes.push('The current setting is not one of the swept points: the comparison with it is not available; add it to the sweep.');
  const seeds = plan.seeds.length;
  if (/(^|\()(p99|var99|cvar99|es99|evar99)/.test(objective.text) && seeds <= 100) notes.push(`With ${seeds} seeds per point a 99% tail statistic rests on the largest loss or two: raise \`seeds\` before relying on it.`);
  const selection = allDirected
    ? 'Among the settings within the budget (and within --max-step of the current value), the least restrictive: the lowest mean rank of its values, each parameter ordered from least to most restrictive; ties go to higher capital efficiency, then to the smaller move.'
    : 'Among the settings within the budget (and within --max-step of the current value), the one with the highest capital efficiency (leverage allowed, then peak open interest); ties go to the smaller move. Use --prefer path=low|high to say which way a parameter is less restrictive.';
  return {
    status: eligible.length > 0 ? 'recommended' : 'budget-not-met',
    sweep: set.sweep,
    scenario: set.scenario,
    policy,
    objective: objective.text,
    budget: opts.budget,
    parameters: set.parameters.map((p) => ({
      path: p,
      current: current[p] as number | string | undefined,
      recommended: chosen ? chosen.values[p] : (current[p] as number | string),
      direction: dirs[p].dir,
      why: dirs[p].why,
      maxStep: maxStep[p] ?? maxStep['*'] ?? null,
    })),
    current: points.find((r) => r.isCurrent) ?? null,
    recommended: chosen,
    points,
    selection,
    reproduce: {
      version: table.metadata['bulwark.version'],
      sweepFile: opts.sweepFile,
      sweepSha256: sha256(opts.sweepFile),
      scenarioFile: plan.scenarioFile,
      scenarioSha256: sha256(plan.scenarioFile),
      sweepHash: plan.hash,
      sweepSeed: plan.seed,
      seeds: plan.seeds,
      resultsDir,
    },
    notes,
  };
}
