// Headless Chromium for tests (Debian's /usr/bin/chromium, or BULWARK_CHROMIUM): run it, and probe a page's charts.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const CHROMIUM = process.env.BULWARK_CHROMIUM ?? '/usr/bin/chromium';
export const haveChromium = existsSync(CHROMIUM);
export const inCI = Boolean(process.env.CI);

export function chromium(args: readonly string[]): { code: number | null; stdout: string; stderr: string } {
  const profile = mkdtempSync(path.join(os.tmpdir(), 'bulwark-chromium-'));
  try {
    const flags = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', `--user-data-dir=${profile}`];
    const r = spawnSync(CHROMIUM, [...flags, ...args], { encoding: 'utf8', timeout: 120_000, maxBuffer: 64 * 1024 * 1024 });
    return { code: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
}

export interface ChartProbe {
  id: string;
  /** path, rect and line elements of the chart's SVG whose laid-out box is not empty. */
  marks: number;
  width: number;
  height: number;
}

/** Loads `html` in Chromium (1280 px wide) and reports, per chart, how many marks it drew, and the page's width. */
export function probeCharts(html: string, dir: string): { charts: ChartProbe[]; scrollWidth: number; clientWidth: number } {
  const probe = `<script>
    const out = [...document.querySelectorAll('figure.chart')].map((f) => {
      const svg = f.querySelector('svg');
      const marks = svg ? [...svg.querySelectorAll('path, rect, line')].filter((e) => { const b = e.getBBox(); return b.width > 0 || b.height > 0; }).length : 0;
      const box = svg ? svg.getBoundingClientRect() : { width: 0, height: 0 };
      return { id: f.dataset.chart, marks, width: Math.round(box.width), height: Math.round(box.height) };
    });
    const pre = document.createElement('pre');
    pre.id = 'bulwark-check';
    pre.textContent = JSON.stringify({ charts: out, scrollWidth: document.documentElement.scrollWidth, clientWidth: document.documentElement.clientWidth });
    document.body.appendChild(pre);
  </script>`;
  const page = path.join(dir, `probe-${process.pid}-${Date.now()}.html`);
  writeFileSync(page, html.replace('</body>', `${probe}</body>`));
  const r = chromium(['--window-size=1280,2400', '--dump-dom', `file://${page}`]);
  if (r.code !== 0) throw new Error(`chromium exited with ${r.code}: ${r.stderr.slice(-2000)}`);
  const m = /<pre id="bulwark-check">([^<]*)<\/pre>/.exec(r.stdout);
  if (!m) throw new Error('the probe script did not run in Chromium');
  return JSON.parse(m[1].replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&'));
}
