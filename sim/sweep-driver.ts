// Drives runs [start, total) through an executor: bounded look-ahead, results handed on in run-index order.
import type { Executor } from './executor.js';
import { ReorderBuffer } from './reorder.js';
import type { RunOutcome, RunTask } from './run-task.js';

export interface DriveProgress {
  /** Runs finished (in any order), counting the `start` runs already done before. */
  done: number;
  /** Runs handed to the sink (the contiguous prefix). */
  written: number;
  failed: number;
  total: number;
}

export interface DriveOptions {
  executor: Executor;
  /** First run to execute (runs before it were done earlier: a resumed sweep). */
  start: number;
  total: number;
  task: (runIndex: number) => RunTask;
  /** Receives every outcome exactly once, in run-index order. May throw (e.g. disk full): the drive stops. */
  sink: (outcome: RunOutcome) => void;
  /**
   * How far beyond the next run to write the driver may start runs. Bounds the reorder buffer (memory stays flat
   * whatever the number of runs) at the price of idling workers behind one very slow run.
   */
  window?: number;
  /** Abort = stop starting runs and return at once; runs in flight are abandoned (destroy the executor). */
  signal?: AbortSignal;
  onProgress?: (p: DriveProgress) => void;
}

export interface DriveResult {
  interrupted: boolean;
  /** Runs handed to the sink, counting `start`: runs [0, written) are complete. */
  written: number;
  /** Failed runs among those handed to the sink (not counting the `start` runs done before). */
  failed: number;
}

export function defaultWindow(executor: Executor): number {
  return Math.max(64, 16 * executor.concurrency);
}

export function drive(opts: DriveOptions): Promise<DriveResult> {
  const { executor, total, signal } = opts;
  const window = opts.window ?? defaultWindow(executor);
  let launched = opts.start;
  let inFlight = 0;
  let done = opts.start;
  let failed = 0;
  let written = opts.start;
  let failedWritten = 0;
  let finished = false;

  return new Promise<DriveResult>((resolve, reject) => {
    const buffer = new ReorderBuffer<RunOutcome>(opts.start, (o) => {
      if (finished) return; // interrupted: what is still buffered is dropped (resumed runs redo it)
      written++;
      if (o.error) failedWritten++;
      opts.sink(o);
    });
    const progress = () => opts.onProgress?.({ done, written, failed, total });
    const finish = (interrupted: boolean) => {
      if (finished) return;
      finished = true;
      signal?.removeEventListener('abort', onAbort);
      resolve({ interrupted, written, failed: failedWritten });
    };
    const fail = (e: unknown) => {
      if (finished) return;
      finished = true;
      signal?.removeEventListener('abort', onAbort);
      reject(e);
    };
    const onAbort = () => finish(true);
    const pump = () => {
      if (finished) return;
      if (signal?.aborted) return finish(true);
      while (launched < total && inFlight < executor.capacity && launched < buffer.next + window) {
        const i = launched++;
        inFlight++;
        let task: RunTask;
        try {
          task = opts.task(i);
        } catch (e) {
          return fail(e);
        }
        executor.run(task).then(
          (o) => {
            inFlight--;
            if (finished) return;
            done++;
            if (o.error) failed++;
            try {
              buffer.add(i, o.runIndex === i ? o : { ...o, runIndex: i });
            } catch (e) {
              return fail(e);
            }
            if (finished) return;
            progress();
            if (written === total) return finish(false);
            pump();
          },
          (e) => fail(e), // executors never reject; this is a bug, surfaced as such
        );
      }
    };
    if (signal) signal.addEventListener('abort', onAbort);
    if (opts.start >= total) return finish(false);
    pump();
  });
}
