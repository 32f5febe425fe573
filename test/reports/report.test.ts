// `bulwark report`: one self-contained HTML file whose charts really draw in a browser (headless Chromium), plus the
// downsampling it relies on. The screenshot is kept in test-output/report.png for a person to look at.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bucketSums, levelIntervals, minMaxIndices } from '../../reports/report/downsample.js';
import { CHROMIUM, chromium, haveChromium, inCI, probeCharts } from './chromium.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const cli = path.join(root, 'dist', 'cli.js');
const artefacts = path.join(root, 'test-output');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'bulwark-report-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function bulwark(...args: string[]) {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: root, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const report = path.join(tmp, 'report.html');
let html = '';

beforeAll(() => {
  // two seeds of the flash crash: every chart kind of a run report, the distribution across seeds included
  for (const seed of ['42', '7']) {
    const r = bulwark('run', 'scenarios/flash-crash.yaml', '--seed', seed, '--out', path.join(tmp, `fc-${seed}`), '--quiet');
    expect(r.code, r.stderr).toBe(0);
  }
  const r = bulwark('report', path.join(tmp, 'fc-42'), path.join(tmp, 'fc-7'), '--out', report);
  expect(r.code, r.stderr).toBe(0);
  expect(r.stdout).toMatch(/report: .*report\.html \(6 charts/);
  html = readFileSync(report, 'utf8');
  mkdirSync(artefacts, { recursive: true });
  writeFileSync(path.join(artefacts, 'report.html'), html);
}, 120_000);

/** Every chart on the page: its id and its inline SVG. */
function charts(page: string): { id: string; svg: string }[] {
  return [...page.matchAll(/<figure class="chart" data-chart="([^"]+)">(<svg[\s\S]*?<\/svg>)/g)].map((m) => ({ id: m[1], svg: m[2] }));
}

describe('bulwark report (the file)', () => {
  it('has one chart of each kind: prices per policy, fund and debt, distribution across seeds, slippage', () => {
    const kinds = charts(html).map((c) => c.id.replace(/^g0-flash-crash-/, ''));
    expect(kinds).toEqual(['fund-and-debt', 'bad-debt-distribution', 'liquidation-slippage', 'price-paths-none', 'price-paths-vol-breaker', 'price-paths-pause']);
    for (const c of charts(html)) expect((c.svg.match(/<path/g) ?? []).length, c.id).toBeGreaterThan(5);
  }, 60_000);

  it('shows the perpetuals venue alone when the runs use no other venue', () => {
    expect(html).not.toContain('class="venue"');
    expect(html).not.toContain('Venues in these runs');
    expect(html).not.toContain('No positions on the perpetuals venue');
    expect(html).toContain('<caption>Per policy, mean over 2 seeds (USD)</caption>');
  }, 60_000);

  it('is self-contained: no scripts, no external resources, small', () => {
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<link|<img|<iframe|@import/i);
    expect(html).not.toMatch(/(src|href)\s*=\s*["']?(https?:)?\/\//i);
    expect(html).not.toMatch(/url\(\s*["']?(https?:)?\/\//i);
    expect(statSync(report).size).toBeLessThan(1_500_000);
  }, 60_000);

  it('puts the statistics beside the charts and the units on the axes', () => {
    expect(html).toContain('Per policy, mean over 2 seeds (USD)');
    expect(html).toMatch(/<aside><table><caption>&#39;none&#39;, seed 42|<aside><table><caption>'none', seed 42/);
    expect(html).toContain('Bad debt per run across seeds (USD)');
    for (const label of ['price (USD)', 'insurance fund (USD)', 'uncovered bad debt (USD)', 'slippage (bps of notional)', 'bad debt per run (USD)']) expect(html).toContain(label);
  }, 60_000);

  it('is the same file when built again from the same results', () => {
    const again = path.join(tmp, 'again.html');
    expect(bulwark('report', path.join(tmp, 'fc-42'), path.join(tmp, 'fc-7'), '--out', again, '--quiet').code).toBe(0);
    expect(readFileSync(again, 'utf8') === html).toBe(true);
  }, 60_000);

  it('rejects a directory without results with exit 2', () => {
    const r = bulwark('report', path.join(tmp, 'nope'), '--out', path.join(tmp, 'x.html'));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('cannot read results');
    expect(existsSync(path.join(tmp, 'x.html'))).toBe(false);
  }, 60_000);
});

describe('bulwark report in headless Chromium', () => {
  if (!haveChromium && !inCI) console.warn(`report.test: SKIPPED the headless Chromium checks: no Chromium at ${CHROMIUM} (apt-get install chromium, or set BULWARK_CHROMIUM)`);

  it.runIf(!haveChromium && inCI)(`needs Chromium in CI (${CHROMIUM} is missing; .ci/run installs it)`, () => {
    expect.fail(`CI is set but there is no Chromium at ${CHROMIUM}: the report's browser test cannot run`);
  });

  it.skipIf(!haveChromium)(`draws every chart with marks in headless Chromium (skipped, with a warning, when ${CHROMIUM} is missing outside CI)`, () => {
    // the page as the browser laid it out: the marks of each chart's <svg> that have a non-empty box
    const check = probeCharts(html, tmp);
    expect(check.charts.map((c) => c.id)).toEqual(charts(html).map((c) => c.id));
    for (const c of check.charts) {
      expect(c.marks, `${c.id} drew no marks`).toBeGreaterThan(10);
      expect(c.width, c.id).toBeGreaterThan(300);
      expect(c.height, c.id).toBeGreaterThan(150);
    }
    expect(check.scrollWidth, 'the page is wider than a 1280 px window').toBeLessThanOrEqual(check.clientWidth);
  }, 120_000);

  it.skipIf(!haveChromium)(`keeps a screenshot in test-output/report.png in headless Chromium (skipped, with a warning, when ${CHROMIUM} is missing outside CI)`, () => {
    const png = path.join(artefacts, 'report.png');
    rmSync(png, { force: true });
    const r = chromium([`--screenshot=${png}`, '--window-size=1280,2400', `file://${report}`]);
    expect(r.code, r.stderr).toBe(0);
    const bytes = readFileSync(png);
    expect(bytes.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect(bytes.length).toBeGreaterThan(50_000); // a blank page compresses to a few KB
  }, 120_000);
});

describe('downsampling', () => {
  it('keeps the first, last, and each bucket\'s min and max, in order', () => {
    const v = Float64Array.from({ length: 10_000 }, (_, i) => Math.sin(i / 50) + (i === 7777 ? 5 : 0) - (i === 1234 ? 5 : 0));
    const keep = minMaxIndices(v, 100);
    expect(keep.length).toBeLessThanOrEqual(202);
    expect(keep[0]).toBe(0);
    expect(keep[keep.length - 1]).toBe(9999);
    expect(keep).toContain(7777);
    expect(keep).toContain(1234);
    expect([...keep].sort((a, b) => a - b)).toEqual(keep);
    expect(minMaxIndices(v.subarray(0, 50), 100)).toEqual(Array.from({ length: 50 }, (_, i) => i));
  });

  it('sums per bucket and merges halts into few intervals', () => {
    const liq = new Int32Array(1000);
    liq[10] = 3;
    liq[999] = 2;
    expect(bucketSums(liq, 10)).toEqual([{ start: 0, end: 100, sum: 3 }, { start: 900, end: 1000, sum: 2 }]);
    const halted = Uint8Array.from({ length: 100 }, (_, i) => (i >= 10 && i < 20 ? 1 : i >= 20 && i < 25 ? 2 : 0));
    expect(levelIntervals(halted)).toEqual([{ start: 10, end: 20, level: 1 }, { start: 20, end: 25, level: 2 }]);
    const flicker = Uint8Array.from({ length: 10_000 }, (_, i) => i % 3 === 0 ? 1 : 0);
    expect(levelIntervals(flicker, 50).length).toBeLessThanOrEqual(50);
  });
});
