// The report's sections for results of `bulwark run`: summary, prices, fund and bad debt, distribution across seeds,
// slippage, and a section per other venue the runs used (venues.ts).
import { quantile } from 'd3-array';
import { badDebtDistributionSpec } from '../charts/bad-debt-distribution.js';
import { fundAndDebtSpec } from '../charts/fund-and-debt.js';
import { liquidationSlippageSpec } from '../charts/liquidation-slippage.js';
import { pricePathsSpec } from '../charts/price-paths.js';
import { renderSvg } from '../charts/render.js';
import type { RunSummary } from '../../sim/run.js';
import type { ReportRun, RunSteps, ScenarioGroup } from './data.js';
import { count, dollars, dollarsShort, mean, price } from './format.js';
import { chartRow, esc, htmlTable, note } from './html.js';
import { int, perpUsed, usd, VENUES, type Metric, type Venue } from './venues.js';

export { count, dollars, dollarsShort, price } from './format.js';

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

/** The runs of each policy that completed, and how many failed. */
function byPolicy(g: ScenarioGroup): { policy: string; runs: RunSummary[]; failed: number }[] {
  return g.policies.map((policy) => ({
    policy,
    runs: g.runs.filter((r) => r.summary.policy === policy && r.summary.error === null).map((r) => r.summary),
    failed: g.runs.filter((r) => r.summary.policy === policy && r.summary.error !== null).length,
  }));
}

/** Per policy: runs and the mean over its seeds of each metric (failed runs left out). */
function policyTable(g: ScenarioGroup, metrics: readonly Metric[], what: string): string {
  const rows = byPolicy(g).map(({ policy, runs, failed }) => [
    policy,
    `${runs.length}${failed > 0 ? ` (+${failed} failed)` : ''}`,
    ...metrics.map((m) => m.format(runs.length > 0 ? mean(runs.map(m.value)) : NaN)),
  ]);
  const caption = g.seeds.length > 1 ? `Per policy, mean over ${g.seeds.length} seeds${what}` : `Per policy, seed ${g.seeds[0]}${what}`;
  return `<div class="summary">${htmlTable(['policy', 'runs', ...metrics.map((m) => m.header)], rows, caption)}</div>`;
}

/** The perpetuals venue's summary columns. */
const PERP_SUMMARY: readonly Metric[] = [
  usd('bad debt', (s) => s.bad_debt),
  usd('uncovered bad debt', (s) => s.uncovered_bad_debt),
  int('liquidations', (s) => s.liquidations),
  usd('liquidated notional', (s) => s.liquidated_notional),
  usd('liquidation slippage', (s) => s.liquidation_slippage),
  usd('lowest insurance fund', (s) => s.insurance_fund_min),
  int('halted steps', (s) => s.steps_halted),
  int('blocked opens', (s) => s.blocked_opens),
];

/** What every run has whichever venues it uses: the market path and the defenses' actions. */
const MARKET_SUMMARY: readonly Metric[] = [
  { header: 'lowest mark', value: (s) => s.min_price, format: price },
  { header: 'final mark', value: (s) => s.final_price, format: price },
  int('halted steps', (s) => s.steps_halted),
  int('defense interventions', (s) => s.interventions),
];

/** The table beside a price chart: the market, the perpetuals venue's numbers when it was used, and per other venue its liquidations and losses. */
function priceAside(r: RunSummary, perp: boolean, venues: readonly Venue[]): string {
  // [label, value, only with the perpetuals venue]
  const rows: [string, string, boolean][] = [
    ['starting insurance fund', dollars(r.insurance_fund_initial), true],
    ['lowest mark', price(r.min_price), false],
    ['final mark', price(r.final_price), false],
    ['liquidations', count(r.liquidations), true],
    ['steps halted', count(r.steps_halted), false],
    ['opens blocked by halts', count(r.blocked_opens), true],
    ['defense interventions', count(r.interventions), false],
    ['bad debt', dollars(r.bad_debt), true],
    ['uncovered bad debt', dollars(r.uncovered_bad_debt), true],
  ];
  const venueRows = venues.flatMap((v) => v.perRun.map((m) => [m.header, m.format(m.value(r))]));
  return htmlTable(['', 'value'], [...rows.filter((x) => perp || !x[2]).map(([label, value]) => [label, value]), ...venueRows], `'${r.policy}', seed ${r.seed}`);
}

/** A per-policy table of metrics of each run on the chart seed. */
function runsAside(runs: readonly ReportRun[], all: readonly Metric[], caption: string): string {
  const metrics = all.filter((m) => !m.hideWhenZero || runs.some((r) => m.value(r.summary) !== 0));
  return htmlTable(['policy', ...metrics.map((m) => m.header)], runs.map((r) => [r.summary.policy, ...metrics.map((m) => m.format(m.value(r.summary)))]), caption);
}

const PERP_FUND: readonly Metric[] = [
  usd('fund at start', (s) => s.insurance_fund_initial),
  usd('lowest', (s) => s.insurance_fund_min),
  usd('at end', (s) => s.insurance_fund_final),
  usd('uncovered', (s) => s.uncovered_bad_debt),
];

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

/** Mean, median, p95 and max across seeds of a per-run USD metric, per policy. */
function distributionAside(g: ScenarioGroup, metric: Metric): string {
  const name = metric.header;
  return htmlTable(
    ['policy', 'seeds', 'mean', 'median', 'p95', 'max'],
    byPolicy(g).map(({ policy, runs }) => {
      const xs = runs.map(metric.value);
      return [policy, count(xs.length), dollars(mean(xs)), dollars(quantile(xs, 0.5) ?? NaN), dollars(quantile(xs, 0.95) ?? NaN), dollars(Math.max(...xs))];
    }),
    `${name[0].toUpperCase()}${name.slice(1)} per run across seeds (USD)`,
  ) + note('Quantiles interpolate linearly between order statistics (R-7, as numpy). Runs that failed are left out.');
}

/** Liquidations per step over the venues a run used, and what to call them (the perpetuals venue's alone as before). */
function liquidationSeries(steps: RunSteps, perp: boolean, venues: readonly Venue[]): { values: ArrayLike<number>; label: string } {
  const cols = [...(perp ? [steps.liquidations] : []), ...venues.flatMap((v) => (steps[v.liquidations] ? [steps[v.liquidations]!] : []))];
  const names = [...(perp ? ['perp'] : []), ...venues.map((v) => v.short)];
  if (perp && venues.length === 0) return { values: steps.liquidations, label: 'liquidations' };
  const values = new Float64Array(steps.mark.length);
  for (const c of cols) for (let i = 0; i < values.length; i++) values[i] += c[i];
  return { values, label: names.length === 1 ? `${names[0]} liquidations` : `liquidations (${names.join(' + ')})` };
}

/**
 * Renders the sections of one scenario group: the perpetuals venue's (summary, fund and debt, bad debt across seeds,
 * slippage), one per other venue the runs used (venues.ts), then the prices under each policy. A group whose runs
 * had nothing on the perpetuals venue says so instead of showing its zeros.
 */
export async function runGroupSections(g: ScenarioGroup, gi: number, opts: SectionOptions): Promise<{ html: string; charts: RenderedChart[] }> {
  const seed = opts.seed !== undefined && g.seeds.includes(opts.seed) ? opts.seed : g.seeds[0];
  const onSeed = g.policies.map((p) => g.runs.find((r) => r.summary.policy === p && r.summary.seed === seed)).filter((r): r is ReportRun => r !== undefined);
  const withSteps = onSeed.filter((r) => r.steps !== undefined && r.steps.mark.length > 0);
  const perp = g.runs.some((r) => perpUsed(r.summary));
  const venues = VENUES.filter((v) => g.runs.some((r) => v.used(r.summary)));
  const charts: RenderedChart[] = [];
  const parts: string[] = [];
  const base = `g${gi}-${slug(g.scenario)}`;
  const add = async (kind: string, suffix: string, spec: Parameters<typeof renderSvg>[0], aside: string) => {
    const id = `${base}-${kind}${suffix ? `-${slug(suffix)}` : ''}`;
    const chart = { id, kind, html: chartRow(id, await renderSvg(spec), aside, (spec as { description?: string }).description) };
    charts.push(chart);
    parts.push(chart.html);
  };
  const heading = (id: string, text: string) => `<h3 class="venue" id="${esc(`${base}-${id}`)}">${esc(text)}</h3>`;
  const stepRuns = withSteps.map((r) => ({ policy: r.summary.policy, steps: r.steps! }));
  const complete = g.runs.filter((r) => r.summary.error === null);
  const failed = g.runs.filter((r) => r.summary.error !== null);
  const used = [...(perp ? ['perpetuals venue'] : []), ...venues.map((v) => v.title.toLowerCase())];
  parts.push(
    `<h2 id="${esc(base)}">${esc(g.scenario)}</h2>`,
    `<p class="note">${esc(`${g.runs.length} run${g.runs.length === 1 ? '' : 's'}: ${g.policies.length} polic${g.policies.length === 1 ? 'y' : 'ies'} x ${g.seeds.length} seed${g.seeds.length === 1 ? '' : 's'} (${g.seeds.join(', ')}). Step charts show seed ${seed}. Scenario hash ${g.scenarioHash.slice(0, 16)}..., from ${g.sources.join(', ')}.`)}</p>`,
  );
  const general = [
    g.seeds.length > 1 ? '' : note('One seed: run more seeds (bulwark run --seed, or a sweep) to see the distribution of bad debt across market paths.'),
    ...failed.map((r) => note(`Run '${r.summary.policy}', seed ${r.summary.seed} failed: ${r.summary.error}`)),
  ];
  if (perp && venues.length === 0) {
    // the perpetuals venue alone: the page it has always been
    parts.push(policyTable(g, PERP_SUMMARY, ' (USD)'), ...general);
  } else if (perp) {
    parts.push(note(`Venues in these runs: ${used.join(', ')}.`), ...general, heading('perp', 'Perpetuals venue'), policyTable(g, PERP_SUMMARY, ' (USD)'));
  } else {
    parts.push(
      note(used.length > 0 ? `Venues in these runs: ${used.join(', ')}.` : 'These runs have nothing on any venue.'),
      note('No positions on the perpetuals venue in these runs (no accounts at the start, no opens, no open interest): its bad debt, insurance fund and slippage are left out. The mark below is its price, which follows the market.'),
      policyTable(g, MARKET_SUMMARY, ': market and defenses'),
      ...general,
    );
  }
  if (perp) {
    if (withSteps.length > 0) {
      await add('fund-and-debt', '', fundAndDebtSpec({ seed, runs: stepRuns, policies: g.policies, buckets: opts.buckets }), runsAside(withSteps, PERP_FUND, 'Insurance fund (USD)'));
    }
    if (g.seeds.length > 1) {
      const values = complete.map((r) => ({ policy: r.summary.policy, seed: r.summary.seed, usd: r.summary.bad_debt }));
      await add('bad-debt-distribution', '', badDebtDistributionSpec({ values, policies: g.policies }), distributionAside(g, PERP_SUMMARY[0]) + distributionAside(g, PERP_SUMMARY[1]));
    }
    if (withSteps.length > 0) {
      const steps = Math.max(...withSteps.map((r) => r.steps!.mark.length));
      await add('liquidation-slippage', '', liquidationSlippageSpec({ seed, steps, runs: withSteps.map((r) => ({ policy: r.summary.policy, liquidations: r.liquidations! })), policies: g.policies, buckets: opts.buckets }), slippageAside(withSteps));
    }
  }
  for (const v of venues) {
    parts.push(heading(v.id, v.title), note(v.size(g.runs)), policyTable(g, v.table, ` (USD): ${v.title.toLowerCase()}`));
    if (withSteps.length > 0) {
      const { title, description, panels } = v.chart;
      await add(`${v.id}-fund-and-debt`, '', fundAndDebtSpec({ seed, runs: stepRuns, policies: g.policies, buckets: opts.buckets, panels, title, description }), runsAside(withSteps, v.fund, `${v.title} (USD)`));
      for (const c of v.charts ?? []) {
        await add(`${v.id}-${c.kind}`, '', fundAndDebtSpec({ seed, runs: stepRuns, policies: g.policies, buckets: opts.buckets, panels: c.panels, title: c.title, description: c.description }), c.aside(withSteps));
      }
    }
    if (g.seeds.length > 1) {
      const [loss, other] = v.losses;
      const values = complete.map((r) => ({ policy: r.summary.policy, seed: r.summary.seed, usd: loss.value(r.summary) }));
      await add(`${v.id}-bad-debt-distribution`, '', badDebtDistributionSpec({ values, policies: g.policies, metric: loss.header }), distributionAside(g, loss) + distributionAside(g, other));
    }
  }
  // then what happened step by step under each policy
  if (withSteps.length > 0 && venues.length > 0) parts.push(heading('prices', 'Prices under each policy'));
  for (const r of withSteps) {
    const liquidations = liquidationSeries(r.steps!, perp, venues);
    await add('price-paths', r.summary.policy, pricePathsSpec({ policy: r.summary.policy, seed, steps: r.steps!, buckets: opts.buckets, liquidations }), priceAside(r.summary, perp, venues));
  }
  return { html: parts.join('\n'), charts };
}
