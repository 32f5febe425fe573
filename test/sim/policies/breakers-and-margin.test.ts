// The shipped example scenarios/policies/breakers-and-margin.yaml: it validates, runs with `bulwark run`, and each defense changes the outcome.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers.js';

const cli = path.join(repoRoot, 'dist', 'cli.js');
const file = 'scenarios/policies/breakers-and-margin.yaml';
const tmp = mkdtempSync(path.join(os.tmpdir(), 'bulwark-policies-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function bulwark(...args: string[]) {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: repoRoot, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('scenarios/policies/breakers-and-margin.yaml', () => {
  it('passes bulwark validate', () => {
    const r = bulwark('validate', file);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('ok');
  });

  it('runs its comparison with bulwark run; every defense intervenes and changes bad debt or liquidations vs none', () => {
    const out = path.join(tmp, 'run');
    const r = bulwark('run', file, '--out', out, '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(readdirSync(out).sort()).toEqual(['events.arrow', 'runs.arrow', 'steps.arrow']);
    const runs = JSON.parse(r.stdout).runs as Record<string, any>[];
    const by = new Map(runs.map((x) => [x.policy as string, x]));
    const none = by.get('none')!;
    expect(none.interventions).toBe(0);
    expect(none.bad_debt).toBeGreaterThan(1_000_000);
    for (const p of ['price-band', 'move-limit', 'divergence-pause', 'ewma-margin', 'oi-imf', 'margin-tiers', 'jump-buffer']) {
      const x = by.get(p)!;
      expect(x.interventions, p).toBeGreaterThan(0);
      expect(x.bad_debt !== none.bad_debt || x.liquidations !== none.liquidations, p).toBe(true);
    }
    // the margin policies that see the turbulence coming cut bad debt the most; stacking helps further
    expect(by.get('ewma-margin')!.bad_debt).toBeLessThan(0.6 * none.bad_debt);
    const stack = by.get('move-limit+ewma-margin+divergence-pause')!;
    expect(stack.bad_debt).toBeLessThan(by.get('ewma-margin')!.bad_debt);
  }, 60_000);
});
