// Writes a run set's results in the formats asked for: Arrow IPC (read back by bulwark), Parquet, or both.
import type { RunResult } from '../sim/run.js';
import { writeResults, type ResultsMeta } from './arrow.js';

export const RESULT_FORMATS = ['arrow', 'parquet', 'both'] as const;
export type ResultFormat = (typeof RESULT_FORMATS)[number];

/**
 * Writes the results; returns the files written: `runs`, `steps`, `events` (Arrow, or Parquet when only Parquet is
 * asked for), plus `runs_parquet`, `steps_parquet`, `events_parquet` for `both`. Parquet is loaded on demand.
 */
export async function writeResultsAs(format: ResultFormat, dir: string, results: readonly RunResult[], meta: ResultsMeta): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  if (format !== 'parquet') Object.assign(out, writeResults(dir, results, meta));
  if (format !== 'arrow') {
    const { writeResultsParquet } = await import('./parquet.js');
    const p = writeResultsParquet(dir, results, meta);
    if (format === 'parquet') Object.assign(out, p);
    else Object.assign(out, { runs_parquet: p.runs, steps_parquet: p.steps, events_parquet: p.events });
  }
  return out;
}

/**
 * Writes a Parquet copy beside each of a sweep's Arrow files (runs.arrow -> runs.parquet, steps.arrow -> steps.parquet,
 * events.arrow -> events.parquet).
 */
export async function writeSweepParquet(files: { runs: string; steps: string | null; events?: string | null }): Promise<string[]> {
  const [{ tableToParquet }, { loadTable }, { writeFilesAtomic }] = await Promise.all([import('./parquet.js'), import('./load.js'), import('./atomic.js')]);
  const entries = [files.runs, files.steps, files.events ?? null]
    .filter((f): f is string => f !== null)
    .map((f) => ({ path: f.replace(/\.arrow$/, '.parquet'), bytes: tableToParquet(loadTable(f).table) }));
  writeFilesAtomic(entries);
  return entries.map((e) => e.path);
}
