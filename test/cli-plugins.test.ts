// Plug-in policies through the built CLI: a third-party module (test/fixtures/my-breaker.js) validates, runs and is
// compared with none; bad params, a missing or malformed module are bad input (exit 2, nothing written); a policy
// that throws fails only its own runs (exit 1, the others are written) and is named in the message.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const cli = path.join(root, 'dist', 'cli.js');
const fixtures = path.join(root, 'test', 'fixtures');
const scenarioFile = path.join('test', 'fixtures', 'plugin-scenario.yaml');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'bulwark-plugins-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function bulwark(...args: string[]) {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: root, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The fixture scenario with absolute module paths and some text replaced, written to the temp directory. */
function variant(name: string, edit: (text: string) => string): string {
  let text = readFileSync(path.join(root, scenarioFile), 'utf8');
  text = text.replace('path: ./my-breaker.js', `path: ${path.join(fixtures, 'my-breaker.js')}`).replace('path: ./faulty-policy.js', `path: ${path.join(fixtures, 'faulty-policy.js')}`);
  const file = path.join(tmp, `${name}.yaml`);
  writeFileSync(file, edit(text));
  return file;
}

describe('plug-in policy modules', { timeout: 60_000 }, () => {
  it('validate accepts the scenario naming the modules', () => {
    const r = bulwark('validate', scenarioFile);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('ok (plugin-test, 200 steps, 2 agents, 2 defenses)');
  });

  it('run: the third-party breaker plugs in, halts and changes the outcome against none on the same seed', () => {
    const out = path.join(tmp, 'run');
    const r = bulwark('run', scenarioFile, '--out', out, '--json');
    expect(r.code, r.stderr).toBe(0);
    const runs = JSON.parse(r.stdout).runs as Record<string, any>[];
    expect(runs.map((x) => x.policy)).toEqual(['none', 'my-breaker']);
    const [none, mine] = runs;
    expect(mine.steps_halted).toBeGreaterThan(0);
    expect(mine.blocked_opens).toBeGreaterThan(0);
    expect(mine.interventions).toBeGreaterThan(0);
    expect(mine.bad_debt).toBeLessThan(none.bad_debt);
    expect(mine.error).toBeNull();
    expect(JSON.parse(mine.parameters).defenses[0]).toMatchObject({ kind: 'module', path: './my-breaker.js', name: 'my-breaker', params: { drop: 0.03, window: 5, haltSteps: 60 } });
    for (const f of ['runs.arrow', 'steps.arrow', 'events.arrow']) expect(existsSync(path.join(out, f))).toBe(true);
    // the text output shows its log entries under its name
    const t = bulwark('run', scenarioFile, '--out', path.join(tmp, 'text'), '--policy', 'my-breaker', '--quiet');
    expect(t.code, t.stderr).toBe(0);
    expect(t.stdout).toMatch(/my-breaker: step \d+ my-breaker halt-new-risk: oracle fell \d+\.\d\d% over 5 steps/);
  });

  it('a policy that throws fails only its own runs, named with its hook and step; the others are written (exit 1)', () => {
    const out = path.join(tmp, 'faulty');
    const r = bulwark('run', scenarioFile, '--out', out, '--policy', 'none', '--policy', 'faulty', '--policy', 'my-breaker', '--json');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("policy 'faulty' (module './faulty-policy.js', kind 'faulty') failed in its afterStep hook: cannot read property 'x' of undefined at step 50 (step 50)");
    const runs = JSON.parse(r.stdout).runs as Record<string, any>[];
    expect(runs.map((x) => x.policy)).toEqual(['none', 'faulty', 'my-breaker']);
    expect(runs[0].error).toBeNull();
    expect(runs[1].error).toMatch(/failed in its afterStep hook.*\(step 50\)$/);
    expect(runs[2].error).toBeNull();
    expect(runs[2].steps_halted).toBeGreaterThan(0);
    expect(existsSync(path.join(out, 'runs.arrow'))).toBe(true);
  });

  it('bad params: every problem with the scenario file, line:column, path and expectation; exit 2, nothing written', () => {
    const file = variant('bad-params', (t) => t.replace('params: { drop: 0.03, window: 5, haltSteps: 60 }', 'params: { drop: 2, window: -1, haltStep: 60 }'));
    const out = path.join(tmp, 'bad-out');
    const r = bulwark('run', file, '--out', out);
    expect(r.code).toBe(2);
    expect(existsSync(out)).toBe(false);
    expect(r.stderr).toContain(`${file}: the params of defenses[0]`);
    expect(r.stderr).toMatch(/bad-params\.yaml:\d+:\d+ defenses\[0\]\.params\.drop: expected < 1, found 2/);
    expect(r.stderr).toMatch(/bad-params\.yaml:\d+:\d+ defenses\[0\]\.params\.window: expected >= 1, found -1/);
    expect(r.stderr).toContain("defenses[0].params.haltStep: unknown key 'haltStep' (did you mean 'haltSteps'?)");
    const v = bulwark('validate', file, '--json');
    expect(v.code).toBe(2);
    const report = JSON.parse(v.stdout) as { ok: boolean; error: { details: { path: string }[] } }[];
    expect(report[0].ok).toBe(false);
    expect(report[0].error.details.map((d) => d.path)).toEqual(['defenses[0].params.drop', 'defenses[0].params.window', 'defenses[0].params.haltStep']);
    // a parameter of the wrong type
    const typed = variant('bad-type', (t) => t.replace('params: { failAt: 50 }', 'params: { failAt: "soon" }'));
    const w = bulwark('validate', typed);
    expect(w.code).toBe(2);
    expect(w.stderr).toMatch(/defenses\[1\]\.params\.failAt: expected number, found "soon"/);
  });

  it('a missing module or one that does not export a policy kind is bad input', () => {
    const missing = variant('missing', (t) => t.replace(path.join(fixtures, 'my-breaker.js'), './nope.js'));
    const a = bulwark('validate', missing);
    expect(a.code).toBe(2);
    expect(a.stderr).toMatch(/missing\.yaml:\d+:\d+ defenses\[0\]\.path: cannot load policy module '\.\/nope\.js': no such file/);
    const bad = variant('not-a-policy', (t) => t.replace(path.join(fixtures, 'faulty-policy.js'), path.join(fixtures, 'not-a-policy.js')));
    const b = bulwark('run', bad, '--out', path.join(tmp, 'np'));
    expect(b.code).toBe(2);
    expect(b.stderr).toContain('defenses[1].path: policy module');
    expect(b.stderr).toContain('does not export a policy kind');
    expect(b.stderr).toContain('lacks summary (a string), params (a zod schema), create (a function)');
    expect(existsSync(path.join(tmp, 'np'))).toBe(false);
  });

  it('policies lists the liquidation, backstop and exposure policies with their defaults, and how to plug in a module', () => {
    const r = bulwark('policies', '--json');
    expect(r.code).toBe(0);
    const list = JSON.parse(r.stdout) as { kind: string; params: Record<string, unknown> }[];
    const get = (k: string) => list.find((p) => p.kind === k)?.params;
    expect(get('partial-liquidation')).toEqual({ fraction: 0.2, minNotional: 100_000, cooldownSeconds: 30, restoreBuffer: 0 });
    expect(get('dynamic-bounty')).toMatchObject({ baseRate: 0.005, perSecond: 2.5e-6, graceSeconds: 600, maxRate: 0.05, fromFund: false });
    expect(get('dutch-auction')).toMatchObject({ buf: 1.2, curve: 'stairstep', cut: 0.99, step: 60, cusp: 0.4, tail: 5400, tip: 300, chip: 0.001 });
    expect(get('liquidation-cap')).toMatchObject({ makerFee: 0.000001, takerFee: 0.0005, skewScale: 350_000, multiplier: 1.5, windowSeconds: 30, maxUnits: null });
    expect(get('backstop-vault')).toMatchObject({ unwindFraction: 0.1, closeBelow: 1000 });
    expect(get('adl')).toEqual({});
    expect(get('oi-cap')).toEqual({ maxOpenInterest: 110_000_000 });
    expect(get('expansion-limit')).toMatchObject({ volThreshold: 2.2, drawdownThreshold: 0.05, stressMaxLeverage: 5 });
    expect(get('collateral-haircut')).toEqual({ haircut: 0.05 });
    expect(get('treasury-hedge')).toEqual({ ratio: 1, everySteps: 60, cost: 0.0005, band: 0 });
    expect(get('predictive-deleverage')).toMatchObject({ horizonSeconds: 3600, threshold: 0.05, fraction: 0.25 });
    const text = bulwark('policies');
    expect(text.stdout).toContain('plug-ins: a defense `{ kind: module, path: ./my-policy.js');
  });
});
