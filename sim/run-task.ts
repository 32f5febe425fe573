// One run of a sweep as plain data in and plain data out: what the executor backends (inline, worker pool) run.
import { toErrorData, type ErrorData } from './errors.js';
import { runEvents, type RunEvents } from './events.js';
import { isModuleDefense, loadPlugins } from './plugins.js';
import { createWorld, runWorld, summarize, type RunSummary } from './run.js';
import type { Scenario } from './scenario.js';
import { SERIES_COLUMNS, type SeriesColumn } from './series.js';

/** A run to execute: structured-clonable, so it crosses a worker boundary as is. */
export interface RunTask {
  runIndex: number;
  scenario: Scenario;
  /** Directory of the scenario file (relative paths inside it, e.g. a population CSV). */
  baseDir: string;
  policy: string;
  seed: number;
  /** Return the per-step series (the `steps` table) as well as the summary. */
  collectSteps: boolean;
  /** Return the run's events (the `events` table: liquidations, interventions, agents' actions) as plain data too. */
  collectEvents?: boolean;
  /** Per-run time limit in milliseconds (checked between steps), or null. */
  timeoutMs: number | null;
}

/** Per-step columns of the completed steps of a run (SERIES_COLUMNS order). */
export type StepColumns = Record<SeriesColumn, Float64Array | Int32Array | Uint8Array>;

/**
 * What came of a run. Never thrown: a failure is `error` (plain data), with the summary of the steps done when the
 * run got that far (`summary` is null when it never started or its worker died).
 */
export interface RunOutcome {
  runIndex: number;
  summary: RunSummary | null;
  error: ErrorData | null;
  steps: StepColumns | null;
  /** The run's events when the task asked for them and the run got a summary (typed arrays and plain records). */
  events?: RunEvents | null;
}

/** How often (in steps) the time limit is looked at. */
const CLOCK_EVERY = 16;

/** Plug-in modules loaded in this thread, by base directory and defense list: the load (or its error) of each. */
const pluginLoads = new Map<string, Promise<ErrorData | null>>();

/**
 * Loads the plug-in policy modules (`kind: module` defenses) a task's scenario names into this thread, once per
 * thread and distinct defense list (a worker does it before its first run; later tasks find them loaded). Null when
 * the scenario names no module (nothing to wait for); otherwise resolves with null, or with the load's error as
 * plain data naming the module path (`cannot load policy module './x.js': ...`): never rejects.
 */
export function loadTaskPlugins(task: Pick<RunTask, 'scenario' | 'baseDir'>): Promise<ErrorData | null> | null {
  const defenses = task.scenario.defenses;
  if (!defenses.some(isModuleDefense)) return null;
  const key = JSON.stringify([task.baseDir, defenses]);
  let load = pluginLoads.get(key);
  if (load === undefined) {
    load = loadPlugins(task.scenario, { baseDir: task.baseDir }).then(
      () => null,
      (e: unknown) => toErrorData(e),
    );
    pluginLoads.set(key, load);
  }
  return load;
}

/**
 * Executes one task in this thread. Its plug-in modules must be loaded (loadTaskPlugins, or loadPlugins); a module
 * that is not fails the run with an error saying so. Catches everything: the outcome carries any error as plain data.
 */
export function executeRun(task: RunTask): RunOutcome {
  const deadline = task.timeoutMs === null ? Infinity : performance.now() + task.timeoutMs;
  let timedOut = false;
  try {
    const w = createWorld(task.scenario, { policy: task.policy, seed: task.seed, baseDir: task.baseDir });
    const onStep =
      deadline === Infinity
        ? undefined
        : (world: { step: number }) => {
            if (world.step % CLOCK_EVERY === 0 && performance.now() > deadline) {
              timedOut = true;
              throw new Error(`run exceeded the time limit of ${task.timeoutMs! / 1000} s`);
            }
          };
    const { error: runError } = runWorld(w, onStep);
    const error = runError && timedOut ? { ...runError, code: 'run.timeout' } : runError;
    const summary = summarize(w, error);
    let steps: StepColumns | null = null;
    if (task.collectSteps) {
      const n = error?.step === undefined ? w.series.length : Math.min(error.step, w.series.length);
      steps = {} as StepColumns;
      for (const c of SERIES_COLUMNS) steps[c] = w.series.column(c).slice(0, n);
    }
    return { runIndex: task.runIndex, summary, error: error ?? null, steps, ...(task.collectEvents === true ? { events: runEvents(w.events) } : {}) };
  } catch (e) {
    return { runIndex: task.runIndex, summary: null, error: toErrorData(e), steps: null };
  }
}
