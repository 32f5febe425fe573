// `bulwark report` on scenarios of the other venues: the cross-margin venue (cross-margin-crash) and the lending pool
// (lending-crash, two seeds) get their own sections, tables that match runs.arrow, and charts of their own columns
// that draw in headless Chromium; the empty perpetuals venue is said to be empty instead of shown as zeros.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fundAndDebtSpec } from '../../reports/charts/fund-and-debt.js';
import { loadResults } from '../../reports/load.js';
import { loadRunGroups } from '../../reports/report/data.js';
import { perpUsed, VENUES } from '../../reports/report/venues.js';
import type { RunSummary } from '../../sim/run.js';
import { haveChromium, probeCharts } from './chromium.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const cli = path.join(root, 'dist', 'cli.js');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'bulwark-report-venues-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function bulwark(...args: string[]) {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: root, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const crossDir = path.join(tmp, 'cross');
const lendingDirs = [path.join(tmp, 'lending-7'), path.join(tmp, 'lending-8')];
const crossReport = path.join(tmp, 'cross.html');
const lendingReport = path.join(tmp, 'lending.html');
let cross = '';
let lending = '';
let crossRuns: RunSummary[] = [];
let lendingRuns: RunSummary[] = [];

beforeAll(() => {
  for (const [args, out] of [
    [['scenarios/cross-margin-crash.yaml'], crossDir],
    [['scenarios/lending-crash.yaml', '--seed', '7'], lendingDirs[0]],
    [['scenarios/lending-crash.yaml', '--seed', '8'], lendingDirs[1]],
  ] as const) {
    const r = bulwark('run', ...args, '--out', out, '--quiet');
    expect(r.code, r.stderr).toBe(0);
  }
  let r = bulwark('report', crossDir, '--out', crossReport);
  expect(r.code, r.stderr).toBe(0);
  expect(r.stdout).toMatch(/report: .*cross\.html \(8 charts/); // a price chart per policy (6), the fund and the margin ratios
  r = bulwark('report', ...lendingDirs, '--out', lendingReport, '--quiet');
  expect(r.code, r.stderr).toBe(0);
  cross = readFileSync(crossReport, 'utf8');
  lending = readFileSync(lendingReport, 'utf8');
  crossRuns = loadResults(crossDir).runs;
  lendingRuns = lendingDirs.flatMap((d) => loadResults(d).runs);
}, 180_000);

function charts(page: string): string[] {
  return [...page.matchAll(/<figure class="chart" data-chart="([^"]+)">/g)].map((m) => m[1]);
}

const unesc = (s: string) => s.replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

/** The table with this caption: its header cells and its rows of cells (text). */
function table(page: string, caption: string): { headers: string[]; rows: string[][] } {
  const at = page.indexOf(`<caption>${caption}</caption>`);
  expect(at, `no table '${caption}'`).toBeGreaterThan(-1);
  const t = page.slice(at, page.indexOf('</table>', at));
  const cells = (row: string) => [...row.matchAll(/<t[dh][^>]*>([^<]*)<\/t[dh]>/g)].map((m) => unesc(m[1]));
  const head = /<thead>([\s\S]*?)<\/thead>/.exec(t)![1];
  const body = /<tbody>([\s\S]*?)<\/tbody>/.exec(t)![1];
  return { headers: cells(head), rows: [...body.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((m) => cells(m[1])) };
}

// the report's number formats, written out: whole dollars with separators, counts, ratios to 3 decimals
const usd = (v: number) => `${v < 0 ? '-' : ''}$${Math.abs(v).toLocaleString('en-US', { maximumFractionDigits: 0 })}`;
const int = (v: number) => v.toLocaleString('en-US', { maximumFractionDigits: 0 });
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

describe('report of a cross-margin scenario', () => {
  it('finds the cross venue and no perpetuals venue in runs.arrow', () => {
    expect(crossRuns.length).toBe(6);
    expect(crossRuns.some(perpUsed)).toBe(false);
    expect(VENUES.filter((v) => crossRuns.some((s) => v.used(s))).map((v) => v.id)).toEqual(['cross']);
  });

  it('has a cross section instead of the empty perpetuals venue\'s zeros', () => {
    expect(cross).toContain('<h3 class="venue" id="g0-cross-margin-crash-cross">Cross-margin venue</h3>');
    expect(cross).toContain('No positions on the perpetuals venue in these runs');
    expect(cross).toContain('2,000 accounts at the start; starting insurance fund $2,000,000.');
    // no perpetuals table, fund chart or slippage chart
    expect(cross).not.toContain('<caption>Per policy, seed 11 (USD)</caption>');
    expect(cross).not.toContain('Insurance fund and uncovered bad debt');
    const ids = charts(cross).map((id) => id.replace(/^g0-cross-margin-crash-/, ''));
    expect(ids).toEqual(['cross-fund-and-debt', 'cross-margin-ratio', ...crossRuns.map((s) => `price-paths-${s.policy}`)]);
    const market = table(cross, 'Per policy, seed 11: market and defenses');
    expect(market.rows.map((r) => [r[0], r[4]])).toEqual(crossRuns.map((s) => [s.policy, int(s.steps_halted)]));
  });

  it('has a per-policy table of the cross venue whose numbers are those of runs.arrow', () => {
    const t = table(cross, 'Per policy, seed 11 (USD): cross-margin venue');
    expect(t.headers).toEqual(['policy', 'runs', 'bad debt', 'uncovered bad debt', 'liquidations', 'liquidated notional', 'collateral sold', 'slippage', 'lowest insurance fund', 'lowest margin ratio', 'netting at start']);
    expect(t.rows).toEqual(
      crossRuns.map((s) => [
        s.policy,
        '1',
        usd(s.cross_bad_debt),
        usd(s.cross_uncovered_bad_debt),
        int(s.cross_liquidations),
        usd(s.cross_liquidated_notional),
        usd(s.cross_collateral_sold),
        usd(s.cross_slippage),
        usd(s.cross_insurance_fund_min),
        s.cross_min_margin_ratio.toFixed(3),
        `${(100 * s.cross_netting_initial).toFixed(1)}%`,
      ]),
    );
    // the numbers are not the empty venue's zeros: the crash liquidates, and the breaker's halt leaves debt uncovered
    for (const s of crossRuns) expect(s.cross_liquidations).toBeGreaterThan(0);
    expect(crossRuns.find((s) => s.policy === 'vol-breaker')!.cross_uncovered_bad_debt).toBeGreaterThan(0);
  });

  it('charts the cross fund and cumulative bad debt from the cross columns, and the margin ratios', () => {
    for (const label of ['cross insurance fund (USD)', 'cross bad debt (USD)', 'median margin ratio', '5th percentile margin ratio', 'liquidated below 1', 'cross liquidations']) expect(cross).toContain(label);
    expect(cross).toContain('Cross-margin insurance fund and bad debt (seed 11)');
    // the chart's data: each policy's last point is the run's final fund and bad debt
    const [g] = loadRunGroups([crossDir]);
    const v = VENUES.find((x) => x.id === 'cross')!;
    const spec = fundAndDebtSpec({ seed: 11, runs: g.runs.map((r) => ({ policy: r.summary.policy, steps: r.steps! })), policies: g.policies, panels: v.chart.panels }) as unknown as {
      vconcat: { data: { values: { step: number; policy: string; usd: number }[] } }[];
    };
    for (const s of crossRuns) {
      const last = (k: number) => spec.vconcat[k].data.values.filter((p) => p.policy === s.policy).at(-1)!;
      expect(last(0)).toEqual({ step: s.steps - 1, policy: s.policy, usd: s.cross_insurance_fund_final });
      expect(last(1)).toEqual({ step: s.steps - 1, policy: s.policy, usd: s.cross_bad_debt });
    }
    const aside = table(cross, 'Cross-margin venue (USD)');
    expect(aside.headers).toEqual(['policy', 'fund at start', 'lowest', 'at end', 'uncovered']);
    expect(table(cross, 'Cross-margin accounts').rows.map((r) => r[4])).toEqual(crossRuns.map((s) => s.cross_min_margin_ratio.toFixed(3)));
  });

  it('is the same file when built again', () => {
    const again = path.join(tmp, 'cross-again.html');
    expect(bulwark('report', crossDir, '--out', again, '--quiet').code).toBe(0);
    expect(readFileSync(again, 'utf8') === cross).toBe(true);
    expect(cross).not.toMatch(/<script|<link|<img|<iframe|@import/i);
  });
});

describe('report of a lending scenario over two seeds', () => {
  const policies = ['none', 'sentinel', 'full-close', 'pause'];
  const m = (policy: string, f: (s: RunSummary) => number) => mean(lendingRuns.filter((s) => s.policy === policy).map(f));

  it('has a lending section with the mean over seeds of runs.arrow', () => {
    expect(lendingRuns.length).toBe(8);
    expect(lending).toContain('<h3 class="venue" id="g0-lending-crash-lending">Lending pool</h3>');
    expect(lending).toContain('No positions on the perpetuals venue in these runs');
    const t = table(lending, 'Per policy, mean over 2 seeds (USD): lending pool');
    expect(t.headers).toEqual(['policy', 'runs', 'bad debt', 'reserves at end', 'liquidations', 'debt liquidated', 'sold on spot', 'liquidator P&L', 'protocol fees', 'lowest health factor', 'blocked borrows']);
    expect(t.rows).toEqual(
      policies.map((p) => [
        p,
        '2',
        usd(m(p, (s) => s.lending_bad_debt)),
        usd(m(p, (s) => s.lending_reserves)),
        int(m(p, (s) => s.lending_liquidations)),
        usd(m(p, (s) => s.lending_liquidated_debt)),
        usd(m(p, (s) => s.lending_sold_notional)),
        usd(m(p, (s) => s.lending_liquidator_pnl)),
        usd(m(p, (s) => s.lending_protocol_fees)),
        m(p, (s) => s.lending_min_hf).toFixed(3),
        int(m(p, (s) => s.lending_blocked_borrows)),
      ]),
    );
    // the pool lost money under every policy: reserves end negative
    for (const s of lendingRuns) expect(s.lending_reserves).toBeLessThan(0);
  });

  it('charts reserves and bad debt, and lending bad debt across seeds', () => {
    const ids = charts(lending).map((id) => id.replace(/^g0-lending-crash-/, ''));
    expect(ids).toEqual(['lending-fund-and-debt', 'lending-bad-debt-distribution', ...policies.map((p) => `price-paths-${p}`)]);
    for (const label of ['lending reserves (USD)', 'lending bad debt (USD)', 'Distribution of lending bad debt across 2 seeds', 'lending bad debt per run (USD)', 'lending liquidations in a step']) expect(lending).toContain(label);
    const d = table(lending, 'Lending bad debt per run across seeds (USD)');
    expect(d.rows.map((r) => [r[0], r[2], r[5]])).toEqual(policies.map((p) => [p, usd(m(p, (s) => s.lending_bad_debt)), usd(Math.max(...lendingRuns.filter((s) => s.policy === p).map((s) => s.lending_bad_debt)))]));
  });
});

describe('venue reports in headless Chromium', () => {
  it.skipIf(!haveChromium)('draws every chart of both reports with marks, in a 1280 px window', () => {
    for (const page of [cross, lending]) {
      const check = probeCharts(page, tmp);
      expect(check.charts.map((c) => c.id)).toEqual(charts(page));
      for (const c of check.charts) {
        expect(c.marks, `${c.id} drew no marks`).toBeGreaterThan(10);
        expect(c.width, c.id).toBeGreaterThan(300);
        expect(c.height, c.id).toBeGreaterThan(150);
      }
      expect(check.scrollWidth, 'the page is wider than a 1280 px window').toBeLessThanOrEqual(check.clientWidth);
    }
  }, 240_000);
});
