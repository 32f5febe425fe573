// The report's sections for a sweep (bulwark sweep results, read through reports/results-set.ts): statistics per
// policy and setting, the parameter frontier, bad debt across seeds, and, with --steps-out, the step charts of one seed.
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Table } from 'apache-arrow';
import { badDebtDistributionSpec } from '../charts/bad-debt-distribution.js';
import { frontierSpec, type FrontierPoint } from '../charts/frontier.js';
import { fundAndDebtSpec } from '../charts/fund-and-debt.js';
import { pricePathsSpec } from '../charts/price-paths.js';
import { renderSvg } from '../charts/render.js';
import { gateData, perpInGroup } from '../compare.js';
import { loadTable, rowsOf } from '../load.js';
import { pointLabel, type Group, type ResultSet } from '../results-set.js';
import { mean } from '../stats/mean.js';
import { REPORT_STEP_COLUMNS, type RunSteps } from './data.js';
import { chartRow, esc, htmlTable, note } from './html.js';
import { count, dollars, slug, type RenderedChart, type SectionOptions } from './run-sections.js';

const stat = (g: Group, fn: string, column: string, level?: number): number => gateData(g).stat({ type: 'stat', fn, column, ...(level !== undefined ? { level } : {}) });
const pct = (v: number): string => (Number.isFinite(v) ? `${(100 * v).toFixed(1)}%` : 'n/a');

/** Capital efficiency on the frontier's x axis: the leverage allowed when the sweep varies it, else the peak open interest. */
function efficiencyAxis(groups: readonly Group[]): { column: string; title: string; format: string; text: (v: number) => string } {
  const lev = new Set(groups.map((g) => mean(g.columns.max_leverage ?? [])).filter(Number.isFinite));
  if (lev.size > 1) return { column: 'max_leverage', title: 'max leverage allowed (1 / initial margin)', format: '.3~f', text: (v) => `${v.toFixed(2)}x` };
  return { column: 'max_open_interest', title: 'peak open interest (USD, mean over seeds)', format: '$.3~s', text: dollars };
}

/** Steps of the runs at `pointIndex`, seed index 0, one per policy, from a sweep's steps.arrow (when it was written). */
function sweepSteps(dir: string, runsTable: Table, pointIndex: number): { policy: string; seed: number; steps: RunSteps }[] {
  const file = path.join(dir, 'steps.arrow');
  if (!existsSync(file)) return [];
  const steps = loadTable(file, 'sweep-steps').table;
  const wanted = rowsOf(runsTable).filter((r) => r.point_index === pointIndex && r.seed_index === 0 && r.error === null);
  const runIndex = steps.getChild('run_index')!.toArray() as Int32Array;
  const cols = Object.fromEntries(REPORT_STEP_COLUMNS.map((c) => [c, steps.getChild(c)!.toArray()]));
  return wanted.flatMap((r) => {
    const start = runIndex.indexOf(r.run_index as number);
    if (start < 0) return [];
    let end = start;
    while (end < runIndex.length && runIndex[end] === r.run_index) end++;
    const s = Object.fromEntries(REPORT_STEP_COLUMNS.map((c) => [c, (cols[c] as Float64Array).subarray(start, end)])) as unknown as RunSteps;
    return [{ policy: r.policy as string, seed: r.seed as number, steps: s }];
  });
}

export async function sweepSections(set: ResultSet, gi: number, opts: SectionOptions): Promise<{ html: string; charts: RenderedChart[] }> {
  const base = `g${gi}-${slug(set.sweep)}`;
  const charts: RenderedChart[] = [];
  const add = async (kind: string, suffix: string, spec: Parameters<typeof renderSvg>[0], aside: string) => {
    const id = `${base}-${kind}${suffix ? `-${slug(suffix)}` : ''}`;
    charts.push({ id, kind, html: chartRow(id, await renderSvg(spec), aside, (spec as { description?: string }).description) });
  };
  const groups = [...set.groups].sort((a, b) => a.pointIndex - b.pointIndex || set.policies.indexOf(a.policy) - set.policies.indexOf(b.policy));
  const label = (g: Group) => pointLabel(g.point) || '(base scenario)';
  /** The values alone, for labels on the charts: `0.04`, or `0.04, 3` for two parameters. */
  const short = (g: Group) => Object.values(g.point).map((v) => (typeof v === 'number' ? String(Number(v.toPrecision(6))) : v)).join(', ') || 'base';
  const seeds = Math.max(0, ...groups.map((g) => g.seeds.length + g.failed));
  // statistics of every (setting, policy)
  const statRows = groups.map((g) => [
    { text: label(g), align: 'left' as const },
    { text: g.policy, align: 'left' as const },
    `${g.runs - g.failed}${g.failed ? ` (+${g.failed} failed)` : ''}`,
    dollars(stat(g, 'mean', 'total_bad_debt')),
    dollars(stat(g, 'var', 'protocol_loss', 0.95)),
    dollars(stat(g, 'cvar', 'protocol_loss', 0.95)),
    dollars(stat(g, 'evar', 'protocol_loss', 0.99)),
    pct(stat(g, 'prob', 'total_uncovered_bad_debt')),
    count(stat(g, 'mean', 'liquidations')),
    // the perpetuals venue's: n/a when no run of the group had anything on it (as in `compare`)
    perpInGroup(g) ? `${stat(g, 'mean', 'max_leverage').toFixed(1)}x` : 'n/a',
    perpInGroup(g) ? dollars(stat(g, 'mean', 'max_open_interest')) : 'n/a',
  ]);
  const statsTable = htmlTable(
    ['setting', 'policy', 'runs', 'mean bad debt', 'VaR95 loss', 'CVaR95 loss', 'EVaR99 loss', 'P(insolvent)', 'liquidations', 'max leverage', 'peak OI'],
    statRows,
    `Per setting and policy, over ${seeds} seeds (USD; bad debt and loss summed over the venues; loss = protocol loss)`,
  );
  // frontier
  const eff = efficiencyAxis(groups);
  const frontier: FrontierPoint[] = groups
    .filter((g) => g.seeds.length > 0)
    .map((g) => ({ policy: g.policy, label: label(g), short: short(g), efficiency: stat(g, 'mean', eff.column), risk: stat(g, 'var', 'protocol_loss', 0.95) }));
  if (set.parameters.length > 0 && frontier.length > 1) {
    const best = set.policies.map((p) => {
      const own = frontier.filter((f) => f.policy === p);
      const low = own.reduce((a, b) => (b.risk < a.risk ? b : a), own[0]);
      return low ? [p, low.short, dollars(low.risk)] : [p, 'n/a', ''];
    });
    await add(
      'frontier',
      '',
      frontierSpec({ points: frontier, policies: set.policies, efficiencyTitle: eff.title, efficiencyFormat: eff.format, riskTitle: 'VaR95 of protocol loss (USD)' }),
      htmlTable(['policy', `setting (${set.parameters.join(', ')})`, 'VaR95 loss'], best, 'Lowest VaR95 per policy') +
        note(`Capital efficiency here: ${eff.title}. VaR95: the 95th percentile of protocol loss over the seeds (uncovered bad debt plus the fall of the insurance fund, summed over the venues). For the least restrictive setting within a loss budget: bulwark recommend.`),
    );
  }
  // distribution across seeds
  if (seeds > 1) {
    const rows: string[] = [];
    const values = groups.flatMap((g) => {
      const row = set.parameters.length > 0 ? `${g.policy} @ ${short(g)}` : g.policy;
      rows.push(row);
      return g.seeds.map((seed, i) => ({ policy: g.policy, seed, usd: g.columns.total_bad_debt[i], row }));
    });
    await add(
      'bad-debt-distribution',
      '',
      badDebtDistributionSpec({ values, policies: set.policies, rows: [...new Set(rows)] }),
      htmlTable(
        [set.parameters.join(', ') || 'setting', 'policy', 'median', 'p95', 'max'],
        groups.map((g) => [{ text: short(g), align: 'left' as const }, { text: g.policy, align: 'left' as const }, dollars(stat(g, 'median', 'total_bad_debt')), dollars(stat(g, 'p', 'total_bad_debt', 0.95)), dollars(stat(g, 'max', 'total_bad_debt'))]),
        'Bad debt per run (USD)',
      ),
    );
  }
  // step charts of seed index 0 at the first setting, when the sweep wrote its steps
  const runsTable = loadTable(set.file).table;
  const first = groups[0]?.pointIndex ?? 0;
  const stepRuns = sweepSteps(set.dir, runsTable, first);
  if (stepRuns.length > 0) {
    const seed = stepRuns[0].seed;
    await add(
      'fund-and-debt',
      '',
      fundAndDebtSpec({ seed, runs: stepRuns.map((r) => ({ policy: r.policy, steps: r.steps })), policies: set.policies, buckets: opts.buckets }),
      note(`At ${label(groups[0])}, the sweep's first seed.`),
    );
    for (const r of stepRuns) await add('price-paths', r.policy, pricePathsSpec({ policy: r.policy, seed, steps: r.steps, buckets: opts.buckets }), note(`At ${label(groups[0])}.`));
  }
  const head = [
    `<h2 id="${esc(base)}">${esc(`sweep ${set.sweep}`)} <small>(${esc(set.scenario)})</small></h2>`,
    note(`${set.runs} runs: ${new Set(groups.map((g) => g.pointIndex)).size} settings of ${set.parameters.join(', ') || 'the base scenario'} x ${set.policies.length} policies x ${seeds} seeds, from ${set.dir}.${stepRuns.length === 0 ? ' Step-by-step charts need the per-step series: run the sweep with --steps-out.' : ''}`),
    `<div class="summary">${statsTable}</div>`,
  ];
  return { html: [...head, ...charts.map((c) => c.html)].join('\n'), charts };
}
