// Builds the HTML report of one or more results directories: a header, one part per scenario (or sweep), a footer.
import { bulwarkVersion } from '../arrow.js';
import { loadTable } from '../load.js';
import { loadResultSet, resultFiles } from '../results-set.js';
import { SWEEP_RUNS_TABLE } from '../sweep-arrow.js';
import { loadRunGroups } from './data.js';
import { esc, page } from './html.js';
import { runGroupSections, slug, type RenderedChart, type SectionOptions } from './run-sections.js';
import { sweepSections } from './sweep-sections.js';

export interface ReportOptions extends SectionOptions {
  title?: string;
}

export interface Report {
  html: string;
  /** Every chart on the page, in page order. */
  charts: RenderedChart[];
}

/** Splits the inputs into results of `bulwark run` (directories) and of `bulwark sweep` (runs files), in order. */
function classify(inputs: readonly string[]): { runs: string[]; sweeps: string[] } {
  const runs: string[] = [];
  const sweeps: string[] = [];
  for (const input of inputs) {
    for (const file of resultFiles(input)) {
      if (loadTable(file).name === SWEEP_RUNS_TABLE) sweeps.push(file);
      else runs.push(file);
    }
  }
  return { runs, sweeps };
}

/** The report of the results in `inputs` (results directories of run or sweep, or files in them), as one self-contained HTML page. */
export async function buildReport(inputs: readonly string[], opts: ReportOptions = {}): Promise<Report> {
  const { runs, sweeps } = classify(inputs);
  const groups = runs.length > 0 ? loadRunGroups(runs) : [];
  const sets = sweeps.map(loadResultSet);
  const parts: string[] = [];
  const charts: RenderedChart[] = [];
  const toc: [string, string][] = [];
  for (const [i, g] of groups.entries()) {
    const s = await runGroupSections(g, i, opts);
    parts.push(s.html);
    charts.push(...s.charts);
    toc.push([`g${i}-${slug(g.scenario)}`, g.scenario]);
  }
  for (const [j, set] of sets.entries()) {
    const gi = groups.length + j;
    const s = await sweepSections(set, gi, opts);
    parts.push(s.html);
    charts.push(...s.charts);
    toc.push([`g${gi}-${slug(set.sweep)}`, `sweep ${set.sweep}`]);
  }
  const names = [...groups.map((g) => g.scenario), ...sets.map((s) => `sweep ${s.sweep}`)];
  const title = opts.title ?? `bulwark report: ${names.join(', ')}`;
  const nav = toc.length > 1 ? `<nav class="toc">${toc.map(([id, name]) => `<a href="#${esc(id)}">${esc(name)}</a>`).join('')}</nav>` : '';
  const total = groups.reduce((a, g) => a + g.runs.length, 0) + sets.reduce((a, s) => a + s.runs, 0);
  const header = [
    `<h1>${esc(title)}</h1>`,
    `<p>${esc(`${total} runs from ${inputs.join(', ')}. Money in USD, prices in USD per unit of the asset, time in simulation steps.`)}</p>`,
    nav,
  ].join('');
  const versions = [...new Set([...groups.map((g) => g.version), ...sweeps.map((f) => loadTable(f).metadata['bulwark.version'])])];
  const footer = [
    `<p>${esc(`Made by bulwark ${bulwarkVersion()} from results written by bulwark ${versions.join(', ')}. A run is a pure function of (scenario, policy, seed): rerun with`)} <code>bulwark run &lt;scenario&gt; --seed N</code> ${esc('or')} <code>bulwark sweep &lt;sweep file&gt;</code> ${esc('and rebuild this page with')} <code>bulwark report &lt;results&gt; --out report.html</code>.</p>`,
    `<p>${esc('Charts are drawn from downsampled series (minimum and maximum per bucket of steps, so every extreme shows); the tables use the full results.')}</p>`,
  ].join('');
  return { html: page(title, header, parts.join('\n'), footer), charts };
}
