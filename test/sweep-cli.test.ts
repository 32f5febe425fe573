// End-to-end tests of `bulwark sweep` and `bulwark compare`: progress, byte-identical results for 1 and 2 workers,
// SIGINT then --resume, failed runs recorded, gates with exit codes and a readable diff.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { tableFromIPC } from 'apache-arrow';
import { afterAll, describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const cli = path.join(root, 'dist', 'cli.js');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'bulwark-sweep-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const fixture = (f: string) => path.join('test', 'fixtures', 'sweeps', f);

function bulwark(...args: string[]) {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: root, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const bytes = (f: string) => readFileSync(f);

/** Runs the slow sweep fixture with `args` and sends SIGINT once it reports 3 of its 60 runs done. */
async function interruptSlowSweep(args: string[]): Promise<{ sent: boolean; code: number | null; err: string }> {
  const child = spawn(process.execPath, [cli, 'sweep', fixture('slow.yaml'), ...args, '--progress', 'lines', '--progress-interval', '0'], { cwd: root });
  let err = '';
  let sent = false;
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (d: string) => {
    err += d;
    const m = [...err.matchAll(/ (\d+)\/60 runs/g)].at(-1);
    if (!sent && m && Number(m[1]) >= 3) {
      sent = true;
      child.kill('SIGINT');
    }
  });
  const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
  return { sent, code, err };
}
const T = 120_000; // generous: CI machines are shared

describe('bulwark sweep', () => {
  const two = path.join(tmp, 'w2');
  const one = path.join(tmp, 'w1');

  it('runs 2 policies x 3 maintenance margins x 50 seeds with a progress bar', () => {
    const r = bulwark('sweep', fixture('tiny.yaml'), '--workers', '2', '--out', two, '--progress', 'bar');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('tiny: 3 points x 50 seeds x 2 policies = 300 runs on 2 worker threads');
    expect(r.stderr).toMatch(/\rtiny \[#{10,}\] 300\/300 runs \(100%\), [\d.]+ runs\/s, in \d+s/);
    expect(r.stderr).toContain('\x1b[K'); // the bar redraws its line
    expect(readdirSync(two)).toEqual(['runs.arrow']);
    const t = tableFromIPC(bytes(path.join(two, 'runs.arrow')));
    expect(t.numRows).toBe(300);
    expect(t.schema.fields.map((f) => f.name).slice(0, 6)).toEqual(['run_index', 'point_index', 'seed_index', 'venue.maintenanceMargin', 'scenario', 'policy']);
    expect(t.schema.fields.at(-1)!.name).toBe('error');
    expect(Array.from(t.getChild('run_index')!.toArray() as Int32Array)).toEqual(Array.from({ length: 300 }, (_, i) => i));
    expect(t.getChild('error')!.nullCount).toBe(300);
    // the statistics table on stdout, one row per policy and point
    expect(r.stdout).toMatch(/^none @ venue\.maintenanceMargin=0\.03\s+50\s+0\s+[\d,]+\.\d\d/m);
    expect(r.stdout).toMatch(/^pause @ venue\.maintenanceMargin=0\.05\s+50\s+0\s+/m);
    // common random numbers: both policies and all points see the same 50 seeds
    const seeds = t.getChild('seed')!.toArray() as Int32Array;
    const seedIndex = t.getChild('seed_index')!.toArray() as Int32Array;
    for (let i = 0; i < 300; i++) expect(seeds[i]).toBe(seeds[seedIndex[i] * 2]);
    expect(new Set(seeds).size).toBe(50);
  }, T);

  it('writes byte-identical results with --workers 1 and --workers 2', () => {
    const r = bulwark('sweep', fixture('tiny.yaml'), '--workers', '1', '--out', one, '--quiet');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    expect(bytes(path.join(one, 'runs.arrow')).equals(bytes(path.join(two, 'runs.arrow')))).toBe(true);
  }, T);

  it('SIGINT leaves a valid partial file of the finished prefix; --resume completes it to the same bytes', async () => {
    const full = path.join(tmp, 'slow-full');
    const int = path.join(tmp, 'slow-int');
    const ref = bulwark('sweep', fixture('slow.yaml'), '--workers', '2', '--out', full, '--quiet');
    expect(ref.code, ref.stderr).toBe(0);

    const { sent, code, err } = await interruptSlowSweep(['--workers', '1', '--out', int]);
    expect(sent, err).toBe(true);
    expect(code, err).toBe(130); // and it exited by itself: no pool thread or handle left behind
    expect(err, err).toMatch(/interrupted: \d+ of 60 runs saved in .*runs\.partial\.arrow; run the same command with --resume to finish/);
    expect(existsSync(path.join(int, 'runs.arrow')), err).toBe(false);
    const partial = tableFromIPC(bytes(path.join(int, 'runs.partial.arrow')));
    const n = partial.numRows;
    expect(n, err).toBeGreaterThanOrEqual(3); // one worker: the prefix is what has finished
    expect(n, err).toBeLessThan(60);
    expect(Array.from(partial.getChild('run_index')!.toArray() as Int32Array)).toEqual(Array.from({ length: n }, (_, i) => i));
    // the prefix equals the uninterrupted sweep's first rows
    const fullTable = tableFromIPC(bytes(path.join(full, 'runs.arrow')));
    expect(Array.from(partial.getChild('bad_debt')!.toArray() as Float64Array)).toEqual(Array.from(fullTable.getChild('bad_debt')!.toArray() as Float64Array).slice(0, n));

    const res = bulwark('sweep', fixture('slow.yaml'), '--workers', '2', '--out', int, '--resume', '--progress', 'none');
    expect(res.code, res.stderr).toBe(0);
    expect(res.stderr).toContain(`resuming slow: ${n} of 60 runs done`);
    expect(readdirSync(int)).toEqual(['runs.arrow']);
    expect(bytes(path.join(int, 'runs.arrow')).equals(bytes(path.join(full, 'runs.arrow')))).toBe(true);
    // resuming a complete sweep does nothing
    const again = bulwark('sweep', fixture('slow.yaml'), '--out', int, '--resume');
    expect(again.code).toBe(0);
    expect(again.stderr).toContain('slow: already complete');
  }, T);

  it('--steps-out writes the per-step series of every run, joined on run_index', () => {
    const out = path.join(tmp, 'steps');
    const f = path.join(tmp, 'few.yaml');
    writeFileSync(f, readFileSync(path.join(root, fixture('tiny.yaml')), 'utf8').replace('seeds: 50', 'seeds: 2').replace('scenario: ../../../', `scenario: ${root}/`));
    const r = bulwark('sweep', f, '--workers', '2', '--out', out, '--steps-out', '--quiet');
    expect(r.code, r.stderr).toBe(0);
    const steps = tableFromIPC(bytes(path.join(out, 'steps.arrow')));
    expect(steps.numRows).toBe(12 * 660);
    expect(steps.schema.metadata.get('bulwark.table')).toBe('sweep-steps');
    const ri = steps.getChild('run_index')!.toArray() as Int32Array;
    expect(ri[0]).toBe(0);
    expect(ri[12 * 660 - 1]).toBe(11);
  }, T);

  it('--events-out writes the events of every run: byte-identical for 1 and 2 workers, one liquidation row per liquidation', () => {
    const f = path.join(tmp, 'few-events.yaml');
    writeFileSync(f, readFileSync(path.join(root, fixture('tiny.yaml')), 'utf8').replace('seeds: 50', 'seeds: 3').replace('scenario: ../../../', `scenario: ${root}/`));
    const out = (w: number) => path.join(tmp, `events-w${w}`);
    for (const w of [2, 1]) {
      const r = bulwark('sweep', f, '--workers', String(w), '--out', out(w), '--events-out', '--quiet');
      expect(r.code, r.stderr).toBe(0);
    }
    const plain = bulwark('sweep', f, '--workers', '2', '--out', path.join(tmp, 'events-none'), '--quiet');
    expect(plain.code, plain.stderr).toBe(0);
    expect(readdirSync(out(2))).toEqual(['events.arrow', 'runs.arrow']);
    expect(bytes(path.join(out(1), 'events.arrow')).equals(bytes(path.join(out(2), 'events.arrow')))).toBe(true);
    // runs.arrow does not change with the flag
    expect(bytes(path.join(out(2), 'runs.arrow')).equals(bytes(path.join(tmp, 'events-none', 'runs.arrow')))).toBe(true);
    const ev = tableFromIPC(bytes(path.join(out(2), 'events.arrow')));
    const runs = tableFromIPC(bytes(path.join(out(2), 'runs.arrow')));
    expect(ev.schema.metadata.get('bulwark.table')).toBe('sweep-events');
    expect(ev.schema.fields.slice(0, 4).map((x) => x.name)).toEqual(['run_index', 'step', 'type', 'source']);
    const ri = ev.getChild('run_index')!.toArray() as Int32Array;
    const type = ev.getChild('type')!;
    const count = { liquidation: new Array<number>(18).fill(0), intervention: new Array<number>(18).fill(0) };
    for (let i = 0; i < ev.numRows; i++) {
      if (i > 0) expect(ri[i] >= ri[i - 1]).toBe(true); // run-index order
      count[type.get(i) as 'liquidation' | 'intervention'][ri[i]]++;
    }
    const n = (c: string, i: number) => Number(runs.getChild(c)!.get(i));
    for (let i = 0; i < 18; i++) {
      const venues = n('liquidations', i) + n('lending_liquidations', i) + n('options_liquidations', i) + n('cross_liquidations', i);
      expect(count.liquidation[i], `run ${i}`).toBe(venues);
      expect(count.intervention[i], `run ${i}`).toBe(n('interventions', i));
    }
    // the pause policy intervenes (a breaker halting the venue), with its reason
    const pauses = [...ev].filter((x) => x.type === 'intervention');
    expect(pauses.length).toBeGreaterThan(0);
    for (const x of pauses) expect(runs.getChild('policy')!.get(x.run_index)).toBe('pause');
    expect(pauses[0]).toMatchObject({ source: 'pause', account: -1, size: null });
    expect(typeof pauses[0].reason).toBe('string');
  }, T);

  it('--events-out after SIGINT: events.partial.arrow of the prefix; --resume gives the uninterrupted bytes', async () => {
    const full = path.join(tmp, 'slow-ev-full');
    const int = path.join(tmp, 'slow-ev-int');
    const ref = bulwark('sweep', fixture('slow.yaml'), '--workers', '2', '--out', full, '--events-out', '--quiet');
    expect(ref.code, ref.stderr).toBe(0);

    const { sent, code, err } = await interruptSlowSweep(['--workers', '1', '--out', int, '--events-out']);
    expect(sent, err).toBe(true);
    expect(code, err).toBe(130);
    expect(err, err).toMatch(/interrupted: \d+ of 60 runs saved in .*runs\.partial\.arrow and .*events\.partial\.arrow; run the same command with --resume/);
    const n = tableFromIPC(bytes(path.join(int, 'runs.partial.arrow'))).numRows;
    expect(n).toBeLessThan(60);
    const partial = tableFromIPC(bytes(path.join(int, 'events.partial.arrow')));
    const fullEvents = tableFromIPC(bytes(path.join(full, 'events.arrow')));
    const ri = fullEvents.getChild('run_index')!.toArray() as Int32Array;
    expect(partial.numRows).toBe(ri.filter((r) => r < n).length); // exactly the events of the finished prefix

    // resuming without --events-out keeps writing them (the partial sweep has them)
    const res = bulwark('sweep', fixture('slow.yaml'), '--workers', '2', '--out', int, '--resume', '--progress', 'none');
    expect(res.code, res.stderr).toBe(0);
    expect(res.stderr).toContain(`resuming slow: ${n} of 60 runs done`);
    expect(readdirSync(int)).toEqual(['events.arrow', 'runs.arrow']);
    expect(bytes(path.join(int, 'events.arrow')).equals(bytes(path.join(full, 'events.arrow')))).toBe(true);
    expect(bytes(path.join(int, 'runs.arrow')).equals(bytes(path.join(full, 'runs.arrow')))).toBe(true);
  }, T);

  it('--resume --events-out refuses a partial sweep written without events', () => {
    const out = path.join(tmp, 'ev-resume-bad');
    const f = path.join(tmp, 'few-events.yaml');
    const r = bulwark('sweep', f, '--workers', '1', '--out', out, '--quiet');
    expect(r.code, r.stderr).toBe(0);
    renameSync(path.join(out, 'runs.arrow'), path.join(out, 'runs.partial.arrow'));
    const res = bulwark('sweep', f, '--out', out, '--resume', '--events-out', '--quiet');
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('the interrupted sweep did not write events; resume without --events-out, or start over with it');
  }, T);

  it('runs over --run-timeout are recorded with their error and the sweep goes on (exit 1)', () => {
    const out = path.join(tmp, 'timeout');
    const f = path.join(tmp, 'long.yaml');
    writeFileSync(f, `scenario: ${root}/scenarios/flash-crash.yaml\noverride: { steps: 400000 }\npolicies: [none]\nseeds: 2\n`);
    const r = bulwark('sweep', f, '--workers', '2', '--out', out, '--run-timeout', '0.2', '--quiet');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('2 of 2 runs failed; their errors are in the error column of');
    const t = tableFromIPC(bytes(path.join(out, 'runs.arrow')));
    expect(t.numRows).toBe(2);
    for (let i = 0; i < 2; i++) expect(t.getChild('error')!.get(i)).toMatch(/^run exceeded the time limit of 0\.2 s \(step \d+\)$/);
  }, T);

  it('an invalid parameter value is bad input: exit 2, the sweep file, line, parameter and scenario path; nothing written', () => {
    const out = path.join(tmp, 'bad');
    const r = bulwark('sweep', fixture('bad-value.yaml'), '--out', out);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('error: point 1 of 2 (venue.maintenanceMargin = 0.07) makes the scenario scenarios/flash-crash.yaml invalid (1 problem)');
    expect(r.stderr).toContain("test/fixtures/sweeps/bad-value.yaml:8:30 space.parameters['venue.maintenanceMargin']: scenario path venue.maintenanceMargin: maintenanceMargin must not exceed initialMargin, found 0.07");
    expect(existsSync(out)).toBe(false);
  }, T);
});

describe('bulwark sweep with plug-in policy modules', () => {
  it('loads the modules in every worker: no failed runs, byte-identical results for 0, 1 and 2 workers', () => {
    const out = (w: number) => path.join(tmp, `plugin-w${w}`);
    for (const w of [2, 1, 0]) {
      const r = bulwark('sweep', fixture('plugin.yaml'), '--workers', String(w), '--out', out(w), '--quiet');
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toBe('');
    }
    const t = tableFromIPC(bytes(path.join(out(2), 'runs.arrow')));
    expect(t.numRows).toBe(12);
    expect(t.getChild('error')!.nullCount).toBe(12);
    const policy = t.getChild('policy')!.toArray() as string[];
    const halted = t.getChild('steps_halted')!.toArray() as ArrayLike<number>;
    for (let i = 0; i < 12; i++) expect(halted[i] > 0, `run ${i}`).toBe(policy[i] === 'my-breaker'); // the module's breaker acted
    expect(bytes(path.join(out(1), 'runs.arrow')).equals(bytes(path.join(out(2), 'runs.arrow')))).toBe(true);
    expect(bytes(path.join(out(0), 'runs.arrow')).equals(bytes(path.join(out(2), 'runs.arrow')))).toBe(true);
  }, T);

  it("a module's params set invalid by a sweep parameter are bad input before any run: exit 2, the point, nothing written", () => {
    const out = path.join(tmp, 'plugin-bad');
    const f = path.join(tmp, 'plugin-bad.yaml');
    writeFileSync(f, `scenario: ${root}/test/fixtures/plugin-scenario.yaml\npolicies: [my-breaker]\nseeds: 1\nspace:\n  kind: grid\n  parameters:\n    defenses[0].params.window: [5, -1]\n`);
    const r = bulwark('sweep', f, '--workers', '2', '--out', out);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('error: point 1 of 2 (defenses[0].params.window = -1): ');
    expect(r.stderr).toContain("defenses[0].params.window: expected >= 1, found -1 (module './my-breaker.js', policy kind 'my-breaker')");
    expect(existsSync(out)).toBe(false);
  }, T);
});

describe('bulwark compare', () => {
  const base = path.join(tmp, 'w2');
  const worse = path.join(tmp, 'worse');

  it('a sweep against itself passes the gate (exit 0)', () => {
    const r = bulwark('compare', base, '--baseline', base, '--fail-if', 'p99(uncovered_bad_debt) > 1.05 * baseline');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('gates: all 6 gate checks passed');
    expect(r.stdout).toContain('(no statistic changed)');
  }, T);

  it('a deliberately worse policy fails the gate: exit 1, a readable markdown diff, JUnit XML', () => {
    const s = bulwark('sweep', fixture('worse.yaml'), '--out', worse, '--quiet');
    expect(s.code, s.stderr).toBe(0);
    const junit = path.join(tmp, 'gates.xml');
    const r = bulwark('compare', worse, '--baseline', base, '--fail-if', 'p99(uncovered_bad_debt) > 1.05 * baseline', '--format', 'markdown', '--junit', junit);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('bulwark compare: 3 of 6 gate checks failed\n');
    const md = r.stdout;
    expect(md).toMatch(/^### bulwark compare: :x: 3 of 6 gate checks failed/);
    // the failing groups are the three `pause` points, listed first, with the value and the limit it broke
    const fails = md.split('\n').filter((l) => l.startsWith('| :x: **FAIL**'));
    expect(fails).toHaveLength(3);
    for (const [i, m] of ['0.03', '0.04', '0.05'].entries()) {
      expect(fails[i]).toMatch(new RegExp(`^\\| :x: \\*\\*FAIL\\*\\* \\| \`p99\\(uncovered_bad_debt\\) > 1\\.05 \\* baseline\` \\| pause @ venue\\.maintenanceMargin=${m.replace('.', '\\.')} \\| [\\d,]+\\.\\d\\d \\| fails if > [\\d,]+\\.\\d\\d \\|$`));
    }
    expect(md).toMatch(/\| :white_check_mark: pass \| `p99\(uncovered_bad_debt\) > 1\.05 \* baseline` \| none @ venue\.maintenanceMargin=0\.03 \|/);
    expect(md).toContain('#### Changes against the baseline');
    // the headline bad debt is of every venue (here only the perp venue has any)
    expect(md).toMatch(/\| pause @ venue\.maintenanceMargin=0\.03 \| `mean\(total_bad_debt\)` \| [\d,.]+ \| [\d,.]+ \| \+[\d,.]+ \| \+[\d.]+% \|/);
    expect(md).toContain('<details><summary>Statistics per group</summary>');
    const xml = readFileSync(junit, 'utf8');
    expect(xml).toContain('<testsuites name="bulwark compare" tests="6" failures="3" skipped="0">');
    expect(xml.match(/<failure /g)).toHaveLength(3);
  }, T);

  it('bad gates are bad input (exit 2) with a clear message', () => {
    const r = bulwark('compare', base, '--fail-if', 'p99(uncovered_bad_debt) >> 1');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("bad gate: expected a number, 'baseline', a statistic such as p99(column), or '(', found '>'");
    expect(r.stderr).toContain(`    p99(uncovered_bad_debt) >> 1\n    ${' '.repeat(25)}^`);
    const b = bulwark('compare', base, '--fail-if', 'p99(uncovered_bad_debt) > baseline');
    expect(b.code).toBe(2);
    expect(b.stderr).toContain("uses 'baseline', but no --baseline results were given");
    const g = path.join(tmp, 'gates.yaml');
    writeFileSync(g, 'gates:\n  - fail-if: mean(bad_debt) > 1\n    policy: nonesuch\n');
    const c = bulwark('compare', base, '--gates', g);
    expect(c.code).toBe(2);
    expect(c.stderr).toContain("names policy 'nonesuch' that the results do not have; they have: none, pause");
  }, T);

  it('prints CSV and JSON', () => {
    const csv = bulwark('compare', base, '--format', 'csv');
    expect(csv.code).toBe(0);
    expect(csv.stdout.trim().split('\n')).toHaveLength(7);
    const json = JSON.parse(bulwark('compare', base, '--format', 'json').stdout);
    expect(json.groups).toHaveLength(6);
    expect(json.groups[0]).toMatchObject({ policy: 'none', point: { 'venue.maintenanceMargin': 0.03 }, stats: { runs: 50, failed: 0 } });
  }, T);
});
