// Loads the plug-in policy modules of a scenario file (or of every point of a sweep), with `line:column` locations
// in error messages.
import { InputError } from './errors.js';
import { isModuleDefense, loadPlugins } from './plugins.js';
import { loadScenario, readYamlFile, type LoadedScenario } from './scenario.js';
import type { SweepPlan } from './sweep.js';

/**
 * loadPlugins (sim/plugins.ts) for a scenario loaded from a file: module paths are relative to the file, and
 * errors name the file, the `line:column` and the path (`defenses[2].params.window`). The file is read again only
 * when there is an error to locate. Scenarios without `kind: module` defenses return at once.
 */
export async function loadScenarioPlugins(ls: LoadedScenario): Promise<void> {
  if (!ls.scenario.defenses.some((d) => d.kind === 'module')) return;
  let locate: ((p: readonly PropertyKey[]) => string | undefined) | undefined;
  await loadPlugins(ls.scenario, {
    baseDir: ls.baseDir,
    file: ls.file,
    locate: (p) => {
      locate ??= readYamlFile(ls.file, 'scenario').locate;
      return locate(p);
    },
  });
}

/**
 * loadPlugins for a sweep, in this thread, before its first run (`bulwark sweep`, runSweep): the modules of every
 * parameter point, each distinct defense list once (a parameter or `override` may set a module's params). Errors are
 * bad input: for the scenario file's own defenses they name the file and `line:column`; for a point whose defenses
 * the sweep changed, the sweep file and the point. The executors load the modules again in each worker thread.
 * Sweeps without `kind: module` defenses return at once.
 */
export async function loadSweepPlugins(plan: Pick<SweepPlan, 'file' | 'scenarioFile' | 'parameters' | 'points'>): Promise<void> {
  if (!plan.points.some((p) => p.scenario.defenses.some(isModuleDefense))) return;
  const ls = loadScenario(plan.scenarioFile);
  const own = JSON.stringify(ls.scenario.defenses);
  const seen = new Set<string>();
  for (const pt of plan.points) {
    const key = JSON.stringify(pt.scenario.defenses);
    if (seen.has(key)) continue;
    seen.add(key);
    if (key === own) {
      await loadScenarioPlugins(ls);
      continue;
    }
    try {
      await loadPlugins(pt.scenario, { baseDir: ls.baseDir, file: plan.file });
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      const setting = plan.parameters.map((k, j) => `${k} = ${JSON.stringify(pt.values[j])}`).join(', ');
      throw new InputError({ ...e.data, message: `point ${pt.index} of ${plan.points.length}${setting ? ` (${setting})` : ''}: ${e.data.message}` });
    }
  }
}
