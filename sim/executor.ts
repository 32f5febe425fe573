// The executor layer: one interface, two backends. `inline` runs in this thread (for debugging); `pool` on piscina
// worker threads. Both return every failure as an outcome with plain error data; neither ever rejects a run.
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { MessageChannel } from 'node:worker_threads';
import { Piscina } from 'piscina';
import { toErrorData, type ErrorData } from './errors.js';
import { executeRun, loadTaskPlugins, type RunOutcome, type RunTask } from './run-task.js';
import type { PoolTask } from './worker.js';

export interface Executor {
  readonly kind: 'inline' | 'pool';
  /** Runs executing at the same time. */
  readonly concurrency: number;
  /** Tasks worth keeping submitted at once (the pool keeps a short queue so no worker waits for the main thread). */
  readonly capacity: number;
  /** Resolves with the run's outcome; a failure (thrown, timed out, out of memory, worker died) is an outcome too. */
  run(task: RunTask): Promise<RunOutcome>;
  /** Stops everything (a pool terminates its workers, also mid-run). Idempotent. */
  destroy(): Promise<void>;
}

export interface PoolOptions {
  workers: number;
  /**
   * Per-run time limit in ms: the run stops itself between steps; a worker stuck inside a step is terminated once
   * the limit plus a grace has passed since the run started (the worker reports the start, so time spent waiting for
   * a worker, or for a new worker to load, does not count).
   */
  timeoutMs?: number | null;
  /** Per-worker JS heap limit (V8 old generation), MB. A run exceeding it is recorded as failed. */
  memoryMb?: number | null;
  /** The worker script (default: dist/sim/worker.js of this package). It must post on `task.started` when it begins. */
  workerFile?: string;
}

/** Default worker count: the cores this process may use. */
export function defaultWorkers(): number {
  return typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
}

/** dist/sim/worker.js of this package, whether this module runs from dist/ or from source (tests). */
export function workerFile(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const root = path.basename(path.dirname(here)) === 'dist' ? path.dirname(path.dirname(here)) : path.dirname(here);
  return path.join(root, 'dist', 'sim', 'worker.js');
}

/**
 * Single-process backend: runs one task at a time in this thread, yielding to the event loop between runs. Like a
 * worker, it loads the plug-in modules a task names before running it.
 */
export class InlineExecutor implements Executor {
  readonly kind = 'inline';
  readonly concurrency = 1;
  readonly capacity = 1;
  private destroyed = false;

  async run(task: RunTask): Promise<RunOutcome> {
    await new Promise<void>((resolve) => setImmediate(resolve)); // let signals and progress through
    if (this.destroyed) return failed(task, { code: 'run.cancelled', message: 'the executor was stopped before the run started' });
    const pluginError = await loadTaskPlugins(task); // plug-in modules: imported once per thread, like a worker does
    if (pluginError) return failed(task, pluginError);
    return executeRun(task);
  }

  async destroy(): Promise<void> {
    this.destroyed = true;
  }
}

function failed(task: RunTask, error: ErrorData): RunOutcome {
  return { runIndex: task.runIndex, summary: null, error, steps: null };
}

/** Grace beyond the per-run limit before a worker that did not stop by itself is terminated. */
function graceMs(timeoutMs: number): number {
  return Math.max(1000, timeoutMs / 2);
}

/** Worker-thread backend on a piscina pool. Destroy it when done (also on error and SIGINT): it owns threads. */
export class PoolExecutor implements Executor {
  readonly kind = 'pool';
  readonly concurrency: number;
  readonly capacity: number;
  private readonly pool: Piscina<PoolTask, RunOutcome>;
  private readonly timeoutMs: number | null;
  private readonly memoryMb: number | null;
  private destroying: Promise<void> | null = null;

  constructor(opts: PoolOptions) {
    const file = opts.workerFile ?? workerFile();
    if (!existsSync(file)) throw new Error(`worker script ${file} not found; build bulwark first (npm run build)`);
    this.concurrency = Math.max(1, Math.floor(opts.workers));
    this.timeoutMs = opts.timeoutMs ?? null;
    this.memoryMb = opts.memoryMb ?? null;
    this.capacity = 2 * this.concurrency; // a short queue: no worker waits for the main thread between runs
    this.pool = new Piscina<PoolTask, RunOutcome>({
      filename: file,
      minThreads: this.concurrency,
      maxThreads: this.concurrency,
      // two tasks handed to each worker at once: the next run is already there when one ends (the worker runs them
      // one after the other), so no worker waits for the main thread between runs (up to 1.2x on a 300-run sweep)
      concurrentTasksPerWorker: 2,
      idleTimeout: 60_000,
      ...(this.memoryMb !== null ? { resourceLimits: { maxOldGenerationSizeMb: this.memoryMb } } : {}),
    });
    // a worker that dies between tasks is replaced by piscina; without a listener the 'error' event would throw
    this.pool.on('error', () => {});
  }

  async run(task: RunTask): Promise<RunOutcome> {
    if (this.destroying) return failed(task, { code: 'run.cancelled', message: 'the executor was stopped before the run started' });
    if (this.timeoutMs === null && this.memoryMb === null) {
      try {
        return await this.pool.run(task);
      } catch (e) {
        return failed(task, this.explain(e, false));
      }
    }
    // With limits a worker may be stopped (time) or die (memory) while its next task waits in it: the worker reports
    // when a run starts, so that a task that never started is run again instead of being blamed, and the hard stop's
    // clock starts with the run (time waiting for a worker, or for a new worker to load, does not count).
    const limit = this.timeoutMs === null ? null : this.timeoutMs + graceMs(this.timeoutMs);
    for (let attempt = 0; ; attempt++) {
      const ac = new AbortController();
      const { port1, port2 } = new MessageChannel();
      let started = false;
      let timer: NodeJS.Timeout | undefined;
      port1.once('message', () => {
        started = true;
        if (limit !== null) timer = setTimeout(() => ac.abort('timeout'), limit);
      });
      try {
        return await this.pool.run({ ...task, started: port2 }, { signal: ac.signal, transferList: [port2] });
      } catch (e) {
        if (!started && !this.destroying && attempt < 3) continue; // its worker died running another task
        return failed(task, this.explain(e, ac.signal.aborted));
      } finally {
        if (timer) clearTimeout(timer);
        port1.close();
      }
    }
  }

  private explain(e: unknown, timedOut: boolean): ErrorData {
    if (timedOut) return { code: 'run.timeout', message: `run exceeded the time limit of ${this.timeoutMs! / 1000} s (its worker was stopped)` };
    const code = (e as NodeJS.ErrnoException | null)?.code;
    if (code === 'ERR_WORKER_OUT_OF_MEMORY') return { code: 'run.memory', message: `run exceeded the memory limit of ${this.memoryMb} MB (its worker was stopped)` };
    if (this.destroying) return { code: 'run.cancelled', message: 'the executor was stopped during the run' };
    const d = toErrorData(e);
    return { code: 'run.crashed', message: `the worker running it failed: ${d.message}` };
  }

  destroy(): Promise<void> {
    this.destroying ??= this.pool.destroy();
    return this.destroying;
  }
}

export interface ExecutorOptions {
  /** 0: inline (one thread, for debugging); n >= 1: a pool of n worker threads. */
  workers: number;
  timeoutMs?: number | null;
  memoryMb?: number | null;
}

export function createExecutor(opts: ExecutorOptions): Executor {
  return opts.workers === 0 ? new InlineExecutor() : new PoolExecutor(opts);
}
