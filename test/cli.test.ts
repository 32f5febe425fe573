// End-to-end tests of the built `bulwark` command: exit codes, outputs, determinism of the files it writes.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const cli = path.join(root, 'dist', 'cli.js');
const golden = path.resolve(root, '../shared/reference/cascade-golden');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'bulwark-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function bulwark(...args: string[]) {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: root, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('bulwark run', () => {
  const outA = path.join(tmp, 'a');
  const outB = path.join(tmp, 'b');
  const a = bulwark('run', 'scenarios/flash-crash.yaml', '--out', outA, '--json');
  const runs = a.code === 0 ? (JSON.parse(a.stdout).runs as Record<string, any>[]) : [];

  it('runs every policy of the compare list on the same seed and writes three Arrow files', () => {
    expect(a.code, a.stderr).toBe(0);
    expect(runs.map((r) => r.policy)).toEqual(['none', 'vol-breaker', 'pause']);
    expect(new Set(runs.map((r) => r.seed))).toEqual(new Set([42]));
    expect(readdirSync(outA).sort()).toEqual(['events.arrow', 'runs.arrow', 'steps.arrow']);
  });

  it('shows the circuit breakers changing bad debt against none on the same seed', () => {
    const [none, breaker, pause] = runs;
    expect(none.bad_debt).toBeGreaterThan(0);
    expect(none.uncovered_bad_debt).toBeGreaterThan(0);
    expect(breaker.steps_halted).toBeGreaterThan(0);
    expect(breaker.blocked_opens).toBeGreaterThan(0);
    expect(breaker.bad_debt).toBeLessThan(none.bad_debt);
    expect(pause.bad_debt).toBeLessThan(0.1 * none.bad_debt);
    expect(pause.uncovered_bad_debt).toBe(0);
  });

  it('writes byte-identical files for the same seed', () => {
    const b = bulwark('run', 'scenarios/flash-crash.yaml', '--out', outB, '--quiet');
    expect(b.code, b.stderr).toBe(0);
    for (const f of ['runs.arrow', 'steps.arrow', 'events.arrow']) {
      expect(readFileSync(path.join(outB, f)).equals(readFileSync(path.join(outA, f))), f).toBe(true);
    }
  });

  it('prints a comparison table with one row per policy', () => {
    const r = bulwark('run', 'scenarios/flash-crash.yaml', '--out', path.join(tmp, 'table'), '--policy', 'none', '--policy', 'vol-breaker', '--seed', '7');
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toContain('seed 7');
    expect(lines.some((l) => /^none\s+[\d,]+\.\d\d/.test(l))).toBe(true);
    expect(lines.some((l) => /^vol-breaker\s+[\d,]+\.\d\d/.test(l))).toBe(true);
    expect(r.stdout).toMatch(/halt-new-risk/);
  });

  it('rejects an unknown policy with exit 2 before writing anything', () => {
    const out = path.join(tmp, 'unknown-policy');
    const r = bulwark('run', 'scenarios/flash-crash.yaml', '--policy', 'nonesuch', '--out', out);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unknown policy 'nonesuch'");
    expect(r.stderr).toContain('vol-breaker');
    expect(existsSync(out)).toBe(false);
  });
});

describe('bad input', () => {
  it('reports every problem of a scenario with file, line, path, expectation and value; exit 2, no output', () => {
    const out = path.join(tmp, 'bad');
    const r = bulwark('run', 'test/fixtures/bad-scenario.yaml', '--out', out);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/test\/fixtures\/bad-scenario\.yaml:11:\d+ defenses\[1\]\.window: expected number, found "five"/);
    expect(r.stderr).toMatch(/defenses\[1\]\.sigmaz: unknown key 'sigmaz' \(did you mean 'sigmas'\?\)/);
    expect(r.stderr).not.toMatch(/at .*\.js:\d+/); // no stack trace
    expect(existsSync(out)).toBe(false);
  });

  it('names a missing file', () => {
    const r = bulwark('validate', 'scenarios/nope.yaml');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('scenarios/nope.yaml: cannot read scenario file: no such file');
  });

  it('treats unknown flags and bad flag values as bad input', () => {
    expect(bulwark('run', 'scenarios/flash-crash.yaml', '--sed', '3').code).toBe(2);
    const r = bulwark('run', 'scenarios/flash-crash.yaml', '--seed', 'abc');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--seed expects an integer from 0 to 2147483647, found 'abc'");
  });
});

describe('bulwark validate and policies', () => {
  it('accepts every shipped scenario', () => {
    const r = bulwark('validate', 'scenarios/flash-crash.yaml', 'scenarios/bench/cascade.yaml');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('scenarios/flash-crash.yaml: ok');
  });

  it('lists the built-in policies with their defaults', () => {
    const r = bulwark('policies', '--json');
    expect(r.code).toBe(0);
    const list = JSON.parse(r.stdout) as { kind: string; params: Record<string, unknown> }[];
    const vb = list.find((p) => p.kind === 'vol-breaker');
    expect(vb?.params).toMatchObject({ window: 5, sigmas: 4, haltSteps: 30, mode: 'new-risk' });
    expect(list[0].kind).toBe('none');
  });

  it('prints help with examples', () => {
    const r = bulwark('--help');
    expect(r.code).toBe(0);
    for (const c of ['run', 'validate', 'bench', 'policies', 'Examples:', 'Exit codes']) expect(r.stdout).toContain(c);
  });
});

describe('bulwark bench', () => {
  it('prints its figures as JSON', () => {
    const r = bulwark('bench', '--accounts', '2000', '--steps', '2000', '--json');
    expect(r.code, r.stderr).toBe(0);
    const f = JSON.parse(r.stdout);
    expect(f.accounts).toBe(2000);
    expect(f.steps).toBe(2000);
    expect(f.account_steps_per_second).toBeGreaterThan(0);
    expect(f.peak_rss_mb).toBeGreaterThan(10);
    expect(f.totals.liquidations).toBeGreaterThan(0);
  });

  it.skipIf(!existsSync(golden))('reproduces the reference totals from the golden population', () => {
    const records = path.join(tmp, 'records.arrow');
    const r = bulwark('bench', '--population', path.join(golden, 'population_N1000_s1.csv'), '--sigma', '0', '--records', records, '--json');
    expect(r.code, r.stderr).toBe(0);
    const totals = JSON.parse(readFileSync(path.join(golden, 'totals_N1000_T10000_s1_sigma0.json'), 'utf8'));
    const f = JSON.parse(r.stdout);
    expect(f.accounts).toBe(1000);
    expect(f.totals.final_price).toBe(totals.final_price);
    expect(f.totals.liquidations).toBe(totals.total_liquidations);
    expect(f.totals.uncovered_bad_debt).toBe(totals.uncovered_bad_debt);
    expect(f.totals.bad_debt).toBe(totals.bad_debt_total);
    expect(f.totals.slippage).toBe(totals.slippage);
    expect(f.totals.fees).toBe(totals.fees);
    expect(existsSync(records)).toBe(true);
  });
});
