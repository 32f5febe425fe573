// The report's sections for results of `bulwark run`: summary, prices, fund and bad debt, distribution across seeds, slippage.
import { quantile } from 'd3-array';
import { badDebtDistributionSpec } from '../charts/bad-debt-distribution.js';
import { fundAndDebtSpec } from '../charts/fund-and-debt.js';
import { liquidationSlippageSpec } from '../charts/liquidation-slippage.js';
import { pricePathsSpec } from '../charts/price-paths.js';
import { renderSvg } from '../charts/render.js';
import type { RunSummary } from '../../sim/run.js';
import type { ReportRun, ScenarioGroup } from './data.js';
import { chartRow, esc, htmlTable, note } from './html.js';

export const dollars = (v: number): string => (Number.isFinite(v) ? `${v < 0 ? '-' : ''}$${Math.abs(v).toLocaleString('en-US', { maximumFractionDigits: 0 })}` : 'n/a');
export const count = (v: number): string => (Number.isFinite(v) ? v.toLocaleString('en-US', { maximumFractionDigits: 0 }) : 'n/a');
/** Compact USD for narrow tables: $3.53M, $675.5k, $812. */
export const dollarsShort = (v: number): string => {
  const a = Math.abs(v);
  const [d, u] = a >= 1e9 ? [1e9, 'B'] : a >= 1e6 ? [1e6, 'M'] : a >= 1e4 ? [1e3, 'k'] : [1, ''];
  return Number.isFinite(v) ? `${v < 0 ? '-' : ''}$${(a / d).toLocaleString('en-US', { maximumFractionDigits: d === 1 ? 0 : a / d >= 100 ? 1 : 2 })}${u}` : 'n/a';
};
export const price = (v: number): string => `$${v.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

export interface SectionOptions {
  /** Seed of the per-step charts (default: the group's first seed). */
  seed?: number;
  buckets?: number;
}

/** A rendered chart and what it is, so the caller (and the tests) know every chart on the page. */
export interface RenderedChart {
  id: string;
  kind: string;
  html: string;
}

export function slug(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'x';
}

function summaryTable(g: ScenarioGroup): string {
  const many = g.seeds.length > 1;
  const rows = g.policies.map((p) => {
    const runs = g.runs.filter((r) => r.summary.policy === p && r.summary.error === null).map((r) => r.summary);
    const failed = g.runs.filter((r) => r.summary.policy === p && r.summary.error !== null).length;
    const m = (f: (s: RunSummary) => number) => (runs.length > 0 ? mean(runs.map(f)) : NaN);
    return [
      p,
      `${runs.length}${failed > 0 ? ` (+${failed} failed)` : ''}`,
      dollars(m((s) => s.bad_debt)),
      dollars(m((s) => s.uncovered_bad_debt)),
      count(m((s) => s.liquidations)),
      dollars(m((s) => s.liquidated_notional)),
      dollars(m((s) => s.liquidation_slippage)),
      dollars(m((s) => s.insurance_fund_min)),
      count(m((s) => s.steps_halted)),
      count(m((s) => s.blocked_opens)),
    ];
  });
  const headers = ['policy', 'runs', 'bad debt', 'uncovered bad debt', 'liquidations', 'liquidated notional', 'liquidation slippage', 'lowest insurance fund', 'halted steps', 'blocked opens'];
  return `<div class="summary">${htmlTable(headers, rows, many ? `Per policy, mean over ${g.seeds.length} seeds (USD)` : `Per policy, seed ${g.seeds[0]} (USD)`)}</div>`;
}

function priceAside(r: RunSummary): string {
  return htmlTable(
    ['', 'value'],
    [
      ['starting insurance fund', dollars(r.insurance_fund_initial)],
      ['lowest mark', price(r.min_price)],
      ['final mark', price(r.final_price)],
      ['liquidations', count(r.liquidations)],
      ['steps halted', count(r.steps_halted)],
      ['opens blocked by halts', count(r.blocked_opens)],
      ['defense interventions', count(r.interventions)],
      ['bad debt', dollars(r.bad_debt)],
      ['uncovered bad debt', dollars(r.uncovered_bad_debt)],
    ],
    `'${r.policy}', seed ${r.seed}`,
  );
}

function fundAside(runs: readonly ReportRun[]): string {
  return htmlTable(
    ['policy', 'fund at start', 'lowest', 'at end', 'uncovered'],
    runs.map((r) => [r.summary.policy, dollars(r.summary.insurance_fund_initial), dollars(r.summary.insurance_fund_min), dollars(r.summary.insurance_fund_final), dollars(r.summary.uncovered_bad_debt)]),
    'Insurance fund (USD)',
  );
}

function slippageAside(runs: readonly ReportRun[]): string {
  return (
    htmlTable(
      ['policy', 'liquidations', 'slippage', 'bps', 'worst bps'],
      runs.map((r) => {
        const l = r.liquidations!;
        let worst = 0;
        for (let i = 0; i < l.step.length; i++) if (l.notional[i] > 0) worst = Math.max(worst, (1e4 * l.slippage[i]) / l.notional[i]);
        const s = r.summary;
        return [s.policy, count(s.liquidations), dollarsShort(s.liquidation_slippage), s.liquidated_notional > 0 ? (1e4 * s.liquidation_slippage / s.liquidated_notional).toFixed(1) : 'n/a', worst.toFixed(1)];
      }),
      'Liquidation slippage',
    ) + note('bps: slippage per dollar liquidated (notional-weighted); worst: the single liquidation with the largest slippage.')
  );
}

function distributionAside(g: ScenarioGroup, metric: (s: RunSummary) => number, name: string): string {
  return htmlTable(
    ['policy', 'seeds', 'mean', 'median', 'p95', 'max'],
    g.policies.map((p) => {
      const xs = g.runs.filter((r) => r.summary.policy === p && r.summary.error === null).map((r) => metric(r.summary));
      return [p, count(xs.length), dollars(mean(xs)), dollars(quantile(xs, 0.5) ?? NaN), dollars(quantile(xs, 0.95) ?? NaN), dollars(Math.max(...xs))];
    }),
    `${name[0].toUpperCase()}${name.slice(1)} per run across seeds (USD)`,
  ) + note('Quantiles interpolate linearly between order statistics (R-7, as numpy). Runs that failed are left out.');
}

/** Renders the sections of one scenario group. */
export async function runGroupSections(g: ScenarioGroup, gi: number, opts: SectionOptions): Promise<{ html: string; charts: RenderedChart[] }> {
  const seed = opts.seed !== undefined && g.seeds.includes(opts.seed) ? opts.seed : g.seeds[0];
  const onSeed = g.policies.map((p) => g.runs.find((r) => r.summary.policy === p && r.summary.seed === seed)).filter((r): r is ReportRun => r !== undefined);
  const withSteps = onSeed.filter((r) => r.steps !== undefined && r.steps.mark.length > 0);
  const charts: RenderedChart[] = [];
  const base = `g${gi}-${slug(g.scenario)}`;
  const add = async (kind: string, suffix: string, spec: Parameters<typeof renderSvg>[0], aside: string) => {
    const id = `${base}-${kind}${suffix ? `-${slug(suffix)}` : ''}`;
    charts.push({ id, kind, html: chartRow(id, await renderSvg(spec), aside, (spec as { description?: string }).description) });
  };
  if (withSteps.length > 0) {
    await add('fund-and-debt', '', fundAndDebtSpec({ seed, runs: withSteps.map((r) => ({ policy: r.summary.policy, steps: r.steps! })), policies: g.policies, buckets: opts.buckets }), fundAside(withSteps));
  }
  const complete = g.runs.filter((r) => r.summary.error === null);
  if (g.seeds.length > 1) {
    const values = complete.map((r) => ({ policy: r.summary.policy, seed: r.summary.seed, usd: r.summary.bad_debt }));
    await add('bad-debt-distribution', '', badDebtDistributionSpec({ values, policies: g.policies }), distributionAside(g, (s) => s.bad_debt, 'bad debt') + distributionAside(g, (s) => s.uncovered_bad_debt, 'uncovered bad debt'));
  }
  if (withSteps.length > 0) {
    const steps = Math.max(...withSteps.map((r) => r.steps!.mark.length));
    await add('liquidation-slippage', '', liquidationSlippageSpec({ seed, steps, runs: withSteps.map((r) => ({ policy: r.summary.policy, liquidations: r.liquidations! })), policies: g.policies, buckets: opts.buckets }), slippageAside(withSteps));
  }
  // then what happened step by step under each policy
  for (const r of withSteps) await add('price-paths', r.summary.policy, pricePathsSpec({ policy: r.summary.policy, seed, steps: r.steps!, buckets: opts.buckets }), priceAside(r.summary));
  const failed = g.runs.filter((r) => r.summary.error !== null);
  const head = [
    `<h2 id="${esc(base)}">${esc(g.scenario)}</h2>`,
    `<p class="note">${esc(`${g.runs.length} run${g.runs.length === 1 ? '' : 's'}: ${g.policies.length} polic${g.policies.length === 1 ? 'y' : 'ies'} x ${g.seeds.length} seed${g.seeds.length === 1 ? '' : 's'} (${g.seeds.join(', ')}). Step charts show seed ${seed}. Scenario hash ${g.scenarioHash.slice(0, 16)}..., from ${g.sources.join(', ')}.`)}</p>`,
    summaryTable(g),
    g.seeds.length > 1 ? '' : note('One seed: run more seeds (bulwark run --seed, or a sweep) to see the distribution of bad debt across market paths.'),
    ...failed.map((r) => note(`Run '${r.summary.policy}', seed ${r.summary.seed} failed: ${r.summary.error}`)),
  ];
  return { html: [...head, ...charts.map((c) => c.html)].join('\n'), charts };
}
