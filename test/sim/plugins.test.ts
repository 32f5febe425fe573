// sim/plugins.ts: loading user policy modules, validating their params, and wrapping their hooks so errors name them.
import path from 'node:path';
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../../sim/errors.js';
import { loadPlugins } from '../../sim/plugins.js';
import { runScenario } from '../../sim/run.js';
import { parseScenario } from '../../sim/scenario.js';
import { repoRoot } from './helpers.js';

const fixtures = path.join(repoRoot, 'test', 'fixtures');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'bulwark-plugin-unit-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function scenarioWith(defenses: Record<string, unknown>[]) {
  return parseScenario({
    name: 'plugins',
    steps: 60,
    market: { initialPrice: 2000, process: { kind: 'constant' }, shocks: [{ kind: 'ramp', at: 20, steps: 5, factor: 0.9 }] },
    agents: [{ kind: 'leveraged-traders', count: 50, arrivals: { perStep: 1 } }],
    defenses,
  });
}

/** A module file in the temp directory. */
function moduleFile(name: string, text: string): string {
  const f = path.join(tmp, name);
  writeFileSync(f, text);
  return f;
}

describe('plug-in policies (sim/plugins.ts)', () => {
  it('the module defense is named after its file; its params get the module schema defaults', async () => {
    const s = scenarioWith([{ kind: 'module', path: './my-breaker.js', params: { drop: 0.02 } }]);
    await loadPlugins(s, { baseDir: fixtures });
    const r = runScenario(s, { policy: 'my-breaker', seed: 1, baseDir: fixtures });
    expect(r.error).toBeUndefined();
    expect(r.summary.steps_halted).toBeGreaterThan(0);
    expect(r.interventions[0]).toMatchObject({ policy: 'my-breaker', action: 'halt-new-risk', threshold: -0.02 });
    // haltSteps defaulted to 20 by the module's schema
    expect(r.summary.steps_halted).toBeGreaterThanOrEqual(20);
  });

  it('running a module defense that was not loaded says what to call', () => {
    const f = moduleFile('unloaded.js', "export default { kind: 'u', summary: 's', params: { safeParse: (x) => ({ success: true, data: x }) }, create: (p, env) => ({ name: env.name }) };\n");
    const s = scenarioWith([{ kind: 'module', path: f }]);
    expect(() => runScenario(s, { policy: 'all', seed: 1, baseDir: tmp })).toThrow(/is not loaded: call loadPlugins\(scenario, \{ baseDir \}\)/);
  });

  it('a validator other than zod works if it has safeParse; a params schema without `kind` gets the params alone', async () => {
    const f = moduleFile(
      'plain.js',
      `import { z } from '${path.join(repoRoot, 'node_modules', 'zod', 'index.js').split(path.sep).join('/')}';
export default { kind: 'plain', summary: 'no kind in its schema', params: z.object({ k: z.number().default(3) }).strict(),
  create: (p, env) => ({ name: env.name, gate(view) { if (view.step === 0) env.log('k', 'k is ' + p.k, p.k, 0); } }) };\n`,
    );
    const s = scenarioWith([{ kind: 'module', path: f, params: { k: 7 } }]);
    await loadPlugins(s, { baseDir: tmp });
    const r = runScenario(s, { policy: 'plain', seed: 1, baseDir: tmp });
    expect(r.interventions[0]).toMatchObject({ action: 'k', value: 7 });
    const bad = scenarioWith([{ kind: 'module', path: f, params: { k: 'x' } }]);
    const e = await loadPlugins(bad, { baseDir: tmp, file: 'x.yaml' }).catch((x) => x);
    expect(e).toBeInstanceOf(InputError);
    expect((e as InputError).data.details![0]).toMatchObject({ path: 'defenses[0].params.k', file: 'x.yaml' });
  });

  it('errors in create, in a hook and in plan.ready name the policy and fail only that run', async () => {
    const f = moduleFile(
      'broken.js',
      `export default ({ z }) => ({ kind: 'broken', summary: 's', params: z.object({ kind: z.literal('broken'), where: z.enum(['create', 'act', 'ready']) }).strict(),
  create(p, env) {
    if (p.where === 'create') throw new Error('bad config');
    return { name: env.name,
      act(view) { if (p.where === 'act' && view.step === 3) throw new TypeError('oops'); },
      liquidation(view, plan) { if (p.where === 'ready') plan.ready = () => { throw new Error('auction broke'); }; } };
  } });\n`,
    );
    for (const [where, hook, step] of [
      ['create', 'create', 0],
      ['act', 'act', 3],
      ['ready', 'plan.ready', 20],
    ] as const) {
      const s = scenarioWith([{ kind: 'module', path: f, name: 'b', params: { where } }]);
      await loadPlugins(s, { baseDir: tmp });
      const r = runScenario(s, { policy: 'b', seed: 1, baseDir: tmp });
      expect(r.error?.message, where).toContain(`policy 'b' (module '${f}', kind 'broken') failed in its ${hook} hook`);
      if (where !== 'ready') expect(r.error?.step).toBe(step);
      else expect(r.error?.step).toBeGreaterThanOrEqual(step);
      // the same scenario under none is untouched
      expect(runScenario(s, { policy: 'none', seed: 1, baseDir: tmp }).error).toBeUndefined();
    }
  });

  it('two unnamed modules of different files get distinct names; the same file twice needs a name', () => {
    expect(() => scenarioWith([{ kind: 'module', path: './a.js' }, { kind: 'module', path: './b.js' }])).not.toThrow();
    expect(() => scenarioWith([{ kind: 'module', path: './a.js' }, { kind: 'module', path: 'lib/a.js' }])).toThrow(/duplicate defense name 'a'/);
  });
});
