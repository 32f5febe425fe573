// Builds the HTML report of one or more results directories: a header, one part per scenario (or sweep), a footer.
import { bulwarkVersion } from '../arrow.js';
import { loadRunGroups } from './data.js';
import { esc, page } from './html.js';
import { runGroupSections, slug, type RenderedChart, type SectionOptions } from './run-sections.js';

export interface ReportOptions extends SectionOptions {
  title?: string;
}

export interface Report {
  html: string;
  /** Every chart on the page, in page order. */
  charts: RenderedChart[];
}

/** The report of the results in `inputs` (results directories, or files in them), as one self-contained HTML page. */
export async function buildReport(inputs: readonly string[], opts: ReportOptions = {}): Promise<Report> {
  const groups = loadRunGroups(inputs);
  const parts: string[] = [];
  const charts: RenderedChart[] = [];
  for (const [i, g] of groups.entries()) {
    const s = await runGroupSections(g, i, opts);
    parts.push(s.html);
    charts.push(...s.charts);
  }
  const names = groups.map((g) => g.scenario);
  const title = opts.title ?? `bulwark report: ${names.join(', ')}`;
  const toc = groups.length > 1 ? `<nav class="toc">${groups.map((g, i) => `<a href="#g${i}-${esc(slug(g.scenario))}">${esc(g.scenario)}</a>`).join('')}</nav>` : '';
  const header = [
    `<h1>${esc(title)}</h1>`,
    `<p>${esc(`${groups.reduce((a, g) => a + g.runs.length, 0)} runs from ${inputs.join(', ')}. Money in USD, prices in USD per unit of the asset, time in simulation steps.`)}</p>`,
    toc,
  ].join('');
  const versions = [...new Set(groups.map((g) => g.version))];
  const footer = [
    `<p>${esc(`Made by bulwark ${bulwarkVersion()} from results written by bulwark ${versions.join(', ')}. A run is a pure function of (scenario, policy, seed): rerun a scenario with`)} <code>bulwark run &lt;scenario&gt; --seed N</code> ${esc('and rebuild this page with')} <code>bulwark report &lt;results&gt; --out report.html</code>.</p>`,
    `<p>${esc('Charts are drawn from downsampled series (minimum and maximum per bucket of steps, so every extreme shows); the tables use the full results.')}</p>`,
  ].join('');
  return { html: page(title, header, parts.join('\n'), footer), charts };
}
