// `bulwark sweep`: expands a sweep file, runs it on worker threads, streams the results to Arrow, resumes.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { InputError } from '../sim/errors.js';
import { defaultWorkers } from '../sim/executor.js';
import type { StepColumns } from '../sim/run-task.js';
import type { SweepEventRows } from './sweep-arrow.js';
import { driveSweep, openSweepWriter } from '../sim/run-sweep.js';
import { loadSweepPlugins } from '../sim/scenario-plugins.js';
import { loadSweep, type SweepPlan } from '../sim/sweep.js';
import { autoMode, formatDuration, Progress, type ProgressMode } from './progress.js';

export interface SweepFlags {
  workers?: number;
  out?: string;
  resume?: boolean;
  quiet?: boolean;
  json?: boolean;
  stepsOut?: boolean;
  eventsOut?: boolean;
  runTimeout?: number;
  runMemory?: number;
  progress?: 'auto' | ProgressMode;
  progressInterval?: number;
  format?: 'arrow' | 'both';
}

/** Exit code of an interrupted sweep (128 + SIGINT), as shells report it. */
export const EXIT_INTERRUPTED = 130;

function integer(name: string, min: number, max = Number.MAX_SAFE_INTEGER) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min || n > max) throw new InvalidArgumentError(`${name} expects an integer from ${min} to ${max}, found '${v}'`);
    return n;
  };
}

function positive(name: string) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`${name} expects a number > 0, found '${v}'`);
    return n;
  };
}

/** Adds the `sweep` command to the program (its action loads the heavy modules on demand). */
export function registerSweep(program: Command): void {
  program
    .command('sweep')
    .description('run a sweep file (parameter space x policies x seeds) on worker threads; results stream to Arrow')
    .argument('<sweep-file>', 'sweep file (YAML or JSON)')
    .option('-w, --workers <n>', 'worker threads (default: the number of cores; 0 = inline in one thread, for debugging)', integer('--workers', 0, 1024))
    .option('-o, --out <dir>', 'directory for runs.arrow (and steps.arrow, events.arrow) (default: results/<sweep name>)')
    .option('--resume', 'finish an interrupted sweep from its runs.partial.arrow (the result equals an uninterrupted sweep)')
    .option('--steps-out', 'also write steps.arrow, the per-step series of every run (large)')
    .option('--events-out', 'also write events.arrow, the liquidations, interventions and agent actions of every run')
    .option('--run-timeout <seconds>', 'time limit per run; a run over it is recorded as failed and the sweep goes on', positive('--run-timeout'))
    .option('--run-memory <MB>', 'JS heap limit per worker; a run over it is recorded as failed and the sweep goes on', integer('--run-memory', 16))
    .addOption(new Option('--progress <mode>', 'progress on stderr: a bar on a terminal, periodic lines otherwise').choices(['auto', 'bar', 'lines', 'none']).default('auto'))
    .option('--progress-interval <seconds>', 'seconds between progress lines (lines mode; default 5)', (v: string) => {
      const n = Number(v);
      if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError(`--progress-interval expects a number >= 0, found '${v}'`);
      return n;
    })
    .option('--json', 'print the outcome and statistics as JSON')
    .addOption(new Option('--format <format>', 'arrow, or both: also runs.parquet (and steps.parquet, events.parquet) beside the Arrow files, which --resume and compare read').choices(['arrow', 'both']).default('arrow'))
    .option('-q, --quiet', 'no progress on stderr')
    .action(async (file: string, flags: SweepFlags) => {
      process.exitCode = await cmdSweep(file, flags);
    });
}

export async function cmdSweep(file: string, flags: SweepFlags): Promise<number> {
  const plan = loadSweep(file);
  await loadSweepPlugins(plan); // plug-in policy modules: imported and their params validated before any run
  const { readSweepEvents, readSweepRows, readSweepSteps, sweepFiles } = await import('./sweep-arrow.js');
  const { loadTable } = await import('./load.js');
  const { bulwarkVersion } = await import('./arrow.js');
  const out = flags.out ?? path.join('results', plan.name);
  const files = sweepFiles(out);
  const log = (s: string) => {
    if (!flags.quiet && !flags.json) process.stderr.write(`${s}\n`);
  };
  const sameSweep = (f: string): { ok: boolean; why?: string } => {
    const t = loadTable(f, 'sweep-runs');
    if (t.metadata['bulwark.sweep_hash'] !== plan.hash) return { ok: false, why: 'it comes from another sweep (the sweep file, its scenario or bulwark changed)' };
    if (t.metadata['bulwark.version'] !== bulwarkVersion()) return { ok: false, why: `it was written by bulwark ${t.metadata['bulwark.version']}, this is ${bulwarkVersion()}` };
    return { ok: true };
  };

  // resume: the finished prefix of an interrupted sweep, or nothing to do when the sweep is complete
  let start = 0;
  let steps = flags.stepsOut === true;
  let events = flags.eventsOut === true;
  if (flags.resume) {
    if (existsSync(files.runsPartial)) {
      const check = sameSweep(files.runsPartial);
      if (!check.ok) {
        throw new InputError({ code: 'sweep.resume', file: files.runsPartial, message: `cannot resume from this file: ${check.why}; delete it, or run without --resume to start over` });
      }
      const partialSteps = existsSync(files.stepsPartial);
      if (flags.stepsOut && !partialSteps) {
        throw new InputError({ code: 'sweep.resume', file: files.runsPartial, message: 'the interrupted sweep did not write steps; resume without --steps-out, or start over with it' });
      }
      const partialEvents = existsSync(files.eventsPartial);
      if (flags.eventsOut && !partialEvents) {
        throw new InputError({ code: 'sweep.resume', file: files.runsPartial, message: 'the interrupted sweep did not write events; resume without --events-out, or start over with it' });
      }
      steps = partialSteps;
      events = partialEvents;
      start = loadTable(files.runsPartial, 'sweep-runs').table.numRows;
      log(`resuming ${plan.name}: ${start} of ${plan.runs} runs done in ${files.runsPartial}`);
    } else if (existsSync(files.runs) && sameSweep(files.runs).ok) {
      log(`${plan.name}: already complete in ${files.runs}`);
      return finishReport(plan, files.runs, flags);
    } else {
      log(`${plan.name}: nothing to resume in ${out}; running the whole sweep`);
    }
  }

  if (!flags.resume && existsSync(files.runsPartial)) {
    log(`note: ${files.runsPartial} (an interrupted sweep) will be replaced; to continue it instead, rerun with --resume`);
  }
  const workers = flags.workers ?? defaultWorkers();
  const timeoutMs = flags.runTimeout !== undefined ? flags.runTimeout * 1000 : null;
  const writer = await openSweepWriter(plan, out, steps, events);
  const ac = new AbortController();
  let signals = 0;
  const onSignal = (sig: NodeJS.Signals) => {
    signals++;
    if (signals > 1) {
      process.stderr.write(`\n${sig} again: exiting without writing the partial results\n`);
      writer.discard();
      process.exit(EXIT_INTERRUPTED);
    }
    ac.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const mode: ProgressMode = flags.json || flags.quiet ? 'none' : !flags.progress || flags.progress === 'auto' ? autoMode(false, process.stderr.isTTY) : flags.progress;
  const progress = new Progress({ mode, total: plan.runs, unit: 'runs', label: plan.name, ...(flags.progressInterval !== undefined ? { intervalMs: flags.progressInterval * 1000 } : {}) });
  const t0 = performance.now();
  let failedBefore = 0;
  try {
    // replay the finished prefix through the writer: the file comes out as if never interrupted
    if (start > 0) {
      const stepIter = steps ? readSweepSteps(files.stepsPartial) : null;
      let pendingSteps: { runIndex: number; steps: StepColumns } | null = null;
      const eventIter = events ? readSweepEvents(files.eventsPartial) : null;
      let pendingEvents: { runIndex: number; events: SweepEventRows } | null = null;
      let n = 0;
      for await (const row of readSweepRows(files.runsPartial)) {
        if (row.runIndex !== n) throw new InputError({ code: 'sweep.resume', file: files.runsPartial, message: `run ${row.runIndex} where run ${n} was expected: not a prefix of the sweep` });
        let s: StepColumns | null = null;
        if (stepIter) {
          if (pendingSteps === null) {
            const r = await stepIter.next();
            pendingSteps = r.done ? null : r.value;
          }
          if (pendingSteps && pendingSteps.runIndex === row.runIndex) {
            s = pendingSteps.steps;
            pendingSteps = null;
          }
        }
        let ev: SweepEventRows | null = null;
        if (eventIter) {
          if (pendingEvents === null) {
            const r = await eventIter.next();
            pendingEvents = r.done ? null : r.value;
          }
          if (pendingEvents && pendingEvents.runIndex === row.runIndex) {
            ev = pendingEvents.events;
            pendingEvents = null;
          }
        }
        if (row.error !== null) failedBefore++;
        writer.add(row, s, ev);
        n++;
      }
      start = n;
    }
    log(`${plan.name}: ${plan.points.length} point${plan.points.length > 1 ? 's' : ''} x ${plan.seeds.length} seeds x ${plan.policies.length} policies = ${plan.runs} runs on ${workers === 0 ? 'the main thread (inline)' : `${workers} worker thread${workers > 1 ? 's' : ''}`}`);
    const result = await driveSweep(plan, writer, {
      start,
      steps,
      events,
      workers,
      timeoutMs,
      memoryMb: flags.runMemory ?? null,
      signal: ac.signal,
      onProgress: (p) => progress.update(p.done, p.failed + failedBefore, start),
    });
    const failed = result.failed + failedBefore;
    if (result.interrupted) {
      progress.clear();
      const f = writer.interrupt();
      const msg = `interrupted: ${result.written} of ${plan.runs} runs saved in ${[f.runs, f.steps, f.events].filter((x) => x !== null).join(' and ')}; run the same command with --resume to finish`;
      if (flags.json) process.stdout.write(`${JSON.stringify({ sweep: plan.name, interrupted: true, runs: plan.runs, written: result.written, failed, files: { runs: f.runs, steps: f.steps, ...(f.events ? { events: f.events } : {}) } }, null, 2)}\n`);
      else process.stderr.write(`${msg}\n`);
      return EXIT_INTERRUPTED;
    }
    progress.finish(start);
    const f = writer.finish();
    if (flags.format === 'both') {
      const { writeSweepParquet } = await import('./results-format.js');
      log(`${plan.name}: Parquet copies in ${(await writeSweepParquet(f)).join(', ')}`);
    }
    log(`${plan.name}: ${plan.runs} runs in ${formatDuration((performance.now() - t0) / 1000)}; results in ${[f.runs, f.steps, f.events].filter((x) => x !== null).join(' and ')}`);
    return finishReport(plan, f.runs, flags);
  } catch (e) {
    progress.clear();
    writer.discard();
    throw e;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/** Prints the statistics of the finished sweep (the `compare` table, or JSON). Exit 1 when runs failed. */
async function finishReport(plan: SweepPlan, runsFile: string, flags: SweepFlags): Promise<number> {
  const { loadResultSet } = await import('./results-set.js');
  const { buildComparison } = await import('./compare.js');
  const { renderJson, renderText } = await import('./compare-format.js');
  const rep = buildComparison([loadResultSet(runsFile)], null, []);
  const failed = rep.groups.reduce((n, g) => n + g.group.failed, 0);
  if (flags.json) {
    const stats = JSON.parse(renderJson(rep)) as { groups: unknown; paired: unknown };
    process.stdout.write(`${JSON.stringify({ sweep: plan.name, sweep_hash: plan.hash, interrupted: false, runs: plan.runs, failed, files: { runs: runsFile }, groups: stats.groups, paired: stats.paired }, null, 2)}\n`);
  } else {
    process.stdout.write(`${renderText(rep)}\n`);
  }
  if (failed > 0) {
    process.stderr.write(`${failed} of ${plan.runs} runs failed; their errors are in the error column of ${runsFile}\n`);
    return 1;
  }
  return 0;
}
