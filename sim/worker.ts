// Worker-thread entry of the sweep pool (compiled to dist/sim/worker.js, loaded by piscina): one task, one run.
import type { MessagePort } from 'node:worker_threads';
import { executeRun, loadTaskPlugins, type RunOutcome, type RunTask } from './run-task.js';

/** A task as the pool sends it: with a time limit, a port to say when the run starts (the limit's clock starts then). */
export type PoolTask = RunTask & { started?: MessagePort };

/**
 * Runs a task. The plug-in policy modules its scenario names are imported into this worker first, once (they are
 * part of the worker's start-up: the time limit's clock starts after them); a module that fails to load fails the
 * run with plain error data naming the module.
 */
export default function run(task: PoolTask): RunOutcome | Promise<RunOutcome> {
  const { started, ...rest } = task;
  const begin = (): RunOutcome => {
    if (started) {
      started.postMessage(0);
      started.close();
    }
    return executeRun(rest);
  };
  const plugins = loadTaskPlugins(rest);
  if (plugins === null) return begin();
  return plugins.then((error) => {
    if (error === null) return begin();
    started?.close(); // never started: reported as a failed run, not retried
    return { runIndex: rest.runIndex, summary: null, error, steps: null };
  });
}
