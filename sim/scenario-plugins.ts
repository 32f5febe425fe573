// Loads the plug-in policy modules of a scenario file, with `line:column` locations in error messages.
import { loadPlugins } from './plugins.js';
import { readYamlFile, type LoadedScenario } from './scenario.js';

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
