// Running a sweep: the writer of its results and the drive of its runs through an executor into it, shared by the
// library API (`runSweep` below: no progress, no signal handling, no resume) and `bulwark sweep`
// (reports/cli-sweep.ts: progress, signals, resume and the statistics on top).
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { SweepWriter } from '../reports/sweep-arrow.js';
import { createExecutor } from './executor.js';
import type { RunOutcome } from './run-task.js';
import { loadSweepPlugins } from './scenario-plugins.js';
import { loadSweep, runAt, type SweepPlan } from './sweep.js';
import { drive, type DriveProgress, type DriveResult } from './sweep-driver.js';

export interface RunSweepOptions {
  /** Output directory (default `results/<sweep name>`). */
  out?: string;
  /** Worker threads (default 0: inline on this thread, fine for small sweeps; the CLI defaults to the core count). */
  workers?: number;
  /** Also write steps.arrow (the per-step series of every run). */
  steps?: boolean;
  /** Also write events.arrow (the liquidations, interventions and agents' actions of every run). */
  events?: boolean;
  /** Per-run time limit in seconds. */
  runTimeout?: number;
}

export interface SweepRunResult {
  plan: SweepPlan;
  files: { runs: string; steps?: string; events?: string };
  runs: number;
  failed: number;
}

function errorText(o: RunOutcome): string | null {
  if (o.summary) return o.summary.error;
  if (!o.error) return null;
  return `${o.error.message}${o.error.step !== undefined ? ` (step ${o.error.step})` : ''}`;
}

/** The writer of a sweep's tables in `out` (created when missing): runs, steps when `steps`, events when `events`. */
export async function openSweepWriter(plan: SweepPlan, out: string, steps: boolean, events = false): Promise<SweepWriter> {
  const { SweepWriter, stepsRunsPerBatch } = await import('../reports/sweep-arrow.js');
  const maxSteps = Math.max(...plan.points.map((p) => p.scenario.steps));
  mkdirSync(out, { recursive: true });
  const meta = { scenario: plan.base.name, scenarioHash: plan.baseHash, seed: plan.seed, sweep: plan.name, sweepHash: plan.hash, parameters: plan.parameters, policies: plan.policies, points: plan.points.length, seeds: plan.seeds.length, runs: plan.runs };
  return new SweepWriter({ dir: out, meta, points: plan.points.map((p) => p.values), steps: steps ? { runsPerBatch: stepsRunsPerBatch(maxSteps) } : null, events });
}

export interface DriveSweepOptions {
  /** Runs before it are already in the writer (the finished prefix of a resumed sweep). */
  start: number;
  /** Collect each run's steps for the writer (it must have been opened with steps). */
  steps: boolean;
  /** Collect each run's events for the writer (it must have been opened with events). */
  events?: boolean;
  /** Worker threads (0: inline on this thread). */
  workers: number;
  timeoutMs: number | null;
  memoryMb: number | null;
  /** Abort: stop starting runs; the result says `interrupted`. */
  signal?: AbortSignal;
  onProgress?: (p: DriveProgress) => void;
}

/**
 * Runs the sweep's runs from `start` on an executor of its own and adds each to `writer` in run order. The executor
 * is stopped before this returns or throws; finishing (or discarding) the writer is the caller's.
 */
export async function driveSweep(plan: SweepPlan, writer: SweepWriter, opts: DriveSweepOptions): Promise<DriveResult> {
  const { steps, timeoutMs } = opts;
  const events = opts.events === true;
  const { sweepEventRows } = await import('../reports/sweep-arrow.js');
  const executor = createExecutor({ workers: opts.workers, timeoutMs, memoryMb: opts.memoryMb });
  try {
    return await drive({
      executor,
      start: opts.start,
      total: plan.runs,
      task: (i) => {
        const c = runAt(plan, i);
        return { runIndex: i, scenario: plan.points[c.pointIndex].scenario, baseDir: plan.baseDir, policy: c.policy, seed: c.seed, collectSteps: steps, ...(events ? { collectEvents: true } : {}), timeoutMs };
      },
      sink: (o) => {
        const c = runAt(plan, o.runIndex);
        const p = plan.points[c.pointIndex].scenario;
        writer.add({ runIndex: o.runIndex, pointIndex: c.pointIndex, seedIndex: c.seedIndex, scenario: p.name, policy: c.policy, seed: c.seed, steps: p.steps, summary: o.summary, error: errorText(o) }, o.steps, events && o.events ? sweepEventRows(o.events) : null);
      },
      signal: opts.signal,
      onProgress: opts.onProgress,
    });
  } finally {
    await executor.destroy();
  }
}

/** Runs every run of a sweep file (or an already loaded plan) and writes its results; same bytes as `bulwark sweep`. */
export async function runSweep(sweep: string | SweepPlan, opts: RunSweepOptions = {}): Promise<SweepRunResult> {
  const plan = typeof sweep === 'string' ? loadSweep(sweep) : sweep;
  await loadSweepPlugins(plan); // plug-in policy modules: bad input before any run (the executor loads them per thread)
  const steps = opts.steps === true;
  const events = opts.events === true;
  const writer = await openSweepWriter(plan, opts.out ?? path.join('results', plan.name), steps, events);
  try {
    const result = await driveSweep(plan, writer, { start: 0, steps, events, workers: opts.workers ?? 0, timeoutMs: opts.runTimeout !== undefined ? opts.runTimeout * 1000 : null, memoryMb: null });
    const f = writer.finish();
    return { plan, files: { runs: f.runs, ...(f.steps ? { steps: f.steps } : {}), ...(f.events ? { events: f.events } : {}) }, runs: plan.runs, failed: result.failed };
  } catch (e) {
    writer.discard();
    throw e;
  }
}
