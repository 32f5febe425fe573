// runSweep for the library API: a sweep file run to its Arrow results (the core of `bulwark sweep`, without the
// terminal: no progress, no signal handling, no resume), returning the files and the statistics' input.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { createExecutor } from './executor.js';
import type { RunOutcome } from './run-task.js';
import { loadSweepPlugins } from './scenario-plugins.js';
import { loadSweep, runAt, type SweepPlan } from './sweep.js';
import { drive } from './sweep-driver.js';

export interface RunSweepOptions {
  /** Output directory (default `results/<sweep name>`). */
  out?: string;
  /** Worker threads (default 0: inline on this thread, fine for small sweeps; the CLI defaults to the core count). */
  workers?: number;
  /** Also write steps.arrow (the per-step series of every run). */
  steps?: boolean;
  /** Per-run time limit in seconds. */
  runTimeout?: number;
}

export interface SweepRunResult {
  plan: SweepPlan;
  files: { runs: string; steps?: string };
  runs: number;
  failed: number;
}

function errorText(o: RunOutcome): string | null {
  if (o.summary) return o.summary.error;
  if (!o.error) return null;
  return `${o.error.message}${o.error.step !== undefined ? ` (step ${o.error.step})` : ''}`;
}

/** Runs every run of a sweep file (or an already loaded plan) and writes its results; same bytes as `bulwark sweep`. */
export async function runSweep(sweep: string | SweepPlan, opts: RunSweepOptions = {}): Promise<SweepRunResult> {
  const plan = typeof sweep === 'string' ? loadSweep(sweep) : sweep;
  await loadSweepPlugins(plan); // plug-in policy modules: bad input before any run (the executor loads them per thread)
  const { SweepWriter, stepsRunsPerBatch } = await import('../reports/sweep-arrow.js');
  const out = opts.out ?? path.join('results', plan.name);
  const steps = opts.steps === true;
  const timeoutMs = opts.runTimeout !== undefined ? opts.runTimeout * 1000 : null;
  const maxSteps = Math.max(...plan.points.map((p) => p.scenario.steps));
  mkdirSync(out, { recursive: true });
  const meta = { scenario: plan.base.name, scenarioHash: plan.baseHash, seed: plan.seed, sweep: plan.name, sweepHash: plan.hash, parameters: plan.parameters, policies: plan.policies, points: plan.points.length, seeds: plan.seeds.length, runs: plan.runs };
  const writer = new SweepWriter({ dir: out, meta, points: plan.points.map((p) => p.values), steps: steps ? { runsPerBatch: stepsRunsPerBatch(maxSteps) } : null });
  const executor = createExecutor({ workers: opts.workers ?? 0, timeoutMs, memoryMb: null });
  try {
    const result = await drive({
      executor,
      start: 0,
      total: plan.runs,
      task: (i) => {
        const c = runAt(plan, i);
        return { runIndex: i, scenario: plan.points[c.pointIndex].scenario, baseDir: plan.baseDir, policy: c.policy, seed: c.seed, collectSteps: steps, timeoutMs };
      },
      sink: (o) => {
        const c = runAt(plan, o.runIndex);
        const p = plan.points[c.pointIndex].scenario;
        writer.add({ runIndex: o.runIndex, pointIndex: c.pointIndex, seedIndex: c.seedIndex, scenario: p.name, policy: c.policy, seed: c.seed, steps: p.steps, summary: o.summary, error: errorText(o) }, o.steps);
      },
      signal: new AbortController().signal,
      onProgress: () => {},
    });
    const f = writer.finish();
    return { plan, files: { runs: f.runs, ...(f.steps ? { steps: f.steps } : {}) }, runs: plan.runs, failed: result.failed };
  } catch (e) {
    writer.discard();
    throw e;
  } finally {
    await executor.destroy();
  }
}
