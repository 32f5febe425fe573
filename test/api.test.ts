// The library API: the built package entry (`bulwark`, resolved through package.json "exports") runs a scenario,
// writes and reads results, and its declarations type-check a consumer.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'bulwark-api-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe("import ... from 'bulwark'", () => {
  it('package.json points main, types and exports at the built entry', async () => {
    const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
    expect(pkg.exports['.'].default).toBe('./dist/sim/index.js');
    expect(pkg.exports['.'].types).toBe('./dist/sim/index.d.ts');
    expect(pkg.main).toBe('dist/sim/index.js');
    const api = await import(pathToFileURL(path.join(root, pkg.exports['.'].default)).href);
    for (const name of ['runScenario', 'loadScenario', 'parseScenario', 'loadResults', 'writeResults', 'writeResultsAs', 'buildReport', 'jsonSchema', 'POLICY_KINDS', 'runSweep', 'loadSweep', 'loadResultSet', 'buildComparison', 'recommend', 'stats', 'CrossVenue', 'CrossSchema', 'portfolioRequirement', 'crossLiquidationPrice']) {
      expect(api[name], name).toBeDefined();
    }
  }, 30_000);

  it('runs a tiny scenario through the package name (self-reference) and reads the results back', () => {
    const out = path.join(tmp, 'results');
    const script = `
      import { loadScenario, runScenario, writeResults, loadResults } from 'bulwark';
      const ls = loadScenario('scenarios/flash-crash.yaml');
      const s = { ...ls.scenario, steps: 200 };
      const runs = ['none', 'vol-breaker'].map((policy) => runScenario(s, { policy, seed: 5, baseDir: ls.baseDir }));
      writeResults(${JSON.stringify(out)}, runs, { scenario: s.name, scenarioHash: ls.hash, seed: 5 });
      const back = loadResults(${JSON.stringify(out)});
      console.log(JSON.stringify({ policies: back.runs.map((r) => r.policy), steps: back.steps.numRows, same: back.runs[0].bad_debt === runs[0].summary.bad_debt }));
    `;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: root, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ policies: ['none', 'vol-breaker'], steps: 400, same: true });
  }, 30_000);

  it('its declarations type-check a consumer (and reject a wrong field)', () => {
    const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
    const args = ['--noEmit', '--strict', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022', '--types', 'node', '--skipLibCheck', 'test/fixtures/api-consumer.ts'];
    const r = spawnSync(process.execPath, [tsc, ...args], { cwd: root, encoding: 'utf8' });
    expect(r.status, r.stdout + r.stderr).toBe(0);
  }, 60_000);

  it('runSweep writes the same runs.arrow (and events.arrow) as bulwark sweep', async () => {
    const sweep = 'test/fixtures/recommend/margin.yaml';
    const viaCli = path.join(tmp, 'cli-sweep');
    const r = spawnSync(process.execPath, [path.join(root, 'dist', 'cli.js'), 'sweep', sweep, '--out', viaCli, '--workers', '2', '--events-out', '--quiet'], { cwd: root, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const api = await import(pathToFileURL(path.join(root, 'dist', 'sim', 'index.js')).href);
    const cwd = process.cwd();
    process.chdir(root);
    try {
      const res = await api.runSweep(sweep, { out: path.join(tmp, 'api-sweep'), events: true });
      expect(res.runs).toBe(36);
      expect(res.failed).toBe(0);
      expect(readFileSync(res.files.runs).equals(readFileSync(path.join(viaCli, 'runs.arrow')))).toBe(true);
      expect(readFileSync(res.files.events).equals(readFileSync(path.join(viaCli, 'events.arrow')))).toBe(true);
      const set = api.loadResultSet(res.files.runs);
      expect(set.parameters).toEqual(['venue.maintenanceMargin']);
    } finally {
      process.chdir(cwd);
    }
  }, 120_000);
});
