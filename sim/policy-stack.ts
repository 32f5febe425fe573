// Resolves a policy name (`none`, `all`, a defense name, or names joined with `+`) into live policies for one run.
import { InputError } from './errors.js';
import { createPluginPolicy, isModuleDefense, moduleDefaultName } from './plugins.js';
import { policyKind } from './policies/registry.js';
import type { Scenario } from './scenario.js';
import type { Policy, PolicyEnv } from './types.js';

type DefenseConfig = Scenario['defenses'][number];

/** A defense's name: its `name`, else its kind (a plug-in module: the module file's name without extension). */
export function defenseName(d: { kind: string; name?: string; path?: string }): string {
  return d.name ?? (d.kind === 'module' && typeof d.path === 'string' ? moduleDefaultName(d.path) : d.kind);
}

/**
 * The defenses a policy name selects, in scenario order. `none` is the empty stack and `all` the whole list. A
 * built-in kind that the scenario does not configure runs with its default parameters.
 */
export function resolvePolicy(scenario: Scenario, policy: string): DefenseConfig[] {
  if (policy === 'none') return [];
  if (policy === 'all') return scenario.defenses;
  const picked: DefenseConfig[] = [];
  for (const part of policy.split('+').map((s) => s.trim())) {
    const found = scenario.defenses.find((d) => defenseName(d) === part);
    if (found) {
      picked.push(found);
      continue;
    }
    const kind = policyKind(part);
    if (kind) {
      picked.push(kind.params.parse({ kind: part }) as DefenseConfig);
      continue;
    }
    const known = ['none', 'all', ...scenario.defenses.map(defenseName)];
    throw new InputError({
      code: 'policy.unknown',
      path: 'policy',
      message: `unknown policy '${part}'; expected one of: ${known.join(', ')} (or a built-in kind; see 'bulwark policies')`,
    });
  }
  const order = (d: DefenseConfig): number => {
    const i = scenario.defenses.indexOf(d);
    return i < 0 ? Number.MAX_SAFE_INTEGER : i;
  };
  return picked.slice().sort((x, y) => order(x) - order(y));
}

/**
 * Instantiates a stack of defenses. Plug-in modules (`kind: module`) must have been loaded with loadPlugins
 * (sim/plugins.ts); their paths are relative to `baseDir`, the scenario file's directory.
 */
export function createPolicies(defenses: readonly DefenseConfig[], envFor: (name: string) => PolicyEnv, baseDir = '.'): Policy[] {
  return defenses.map((d) => {
    if (isModuleDefense(d)) return createPluginPolicy(d, baseDir, envFor(defenseName(d)));
    const kind = policyKind(d.kind);
    if (!kind) throw new InputError({ code: 'policy.unknown', message: `unknown policy kind '${d.kind}'` });
    return kind.create(d, envFor(defenseName(d)));
  });
}
