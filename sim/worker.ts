// Worker-thread entry of the sweep pool (compiled to dist/sim/worker.js, loaded by piscina): one task, one run.
import type { MessagePort } from 'node:worker_threads';
import { executeRun, type RunOutcome, type RunTask } from './run-task.js';

/** A task as the pool sends it: with a time limit, a port to say when the run starts (the limit's clock starts then). */
export type PoolTask = RunTask & { started?: MessagePort };

export default function run(task: PoolTask): RunOutcome {
  const { started, ...rest } = task;
  if (started) {
    started.postMessage(0);
    started.close();
  }
  return executeRun(rest);
}
