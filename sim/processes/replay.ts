// Historical replay: prices from a CSV or Arrow file, resampled to the step size (last price at or before each step).
import path from 'node:path';
import { z } from 'zod';
import { InputError } from '../errors.js';
import { parseTime, readPriceFile, type PriceRows } from './replay-file.js';
import type { PriceProcess, ProcessEnv } from './types.js';

export const ReplaySchema = z
  .object({
    kind: z.literal('replay'),
    /** CSV (header with `timestamp` and `price` or `close`; or no header: time, price) or Arrow IPC; relative to the scenario file. */
    file: z.string().min(1),
    /** Name of the time column (default `timestamp`, `time` or `date`). */
    timeColumn: z.string().min(1).optional(),
    /** Name of the price column (default `price`, else `close`). */
    priceColumn: z.string().min(1).optional(),
    /** Time of the price before step 0: ISO 8601 or seconds (default: the first row's time). */
    start: z.union([z.string().min(1), z.number()]).optional(),
    /** Seconds added to every timestamp (e.g. 60 for one-minute candles stamped with their open time: a close is known at the end). */
    shiftSeconds: z.number().default(0),
    /** Scale the path so that it starts at the asset's initialPrice (returns preserved). false: the file's own prices. */
    rescale: z.boolean().default(true),
    /** Keep the last price when the run outlasts the file (default: that is an error). */
    hold: z.boolean().default(false),
  })
  .strict();
export type ReplayConfig = z.infer<typeof ReplaySchema>;

/**
 * Step t ends at start + (t + 1) * stepSeconds; its price is the last row at or before that time (a step function:
 * no interpolation). The price before step 0 is the last row at or before `start`.
 */
export function resample(rows: PriceRows, start: number, stepSeconds: number, steps: number): { initial: number; levels: Float64Array; covered: number } {
  const levels = new Float64Array(steps);
  let j = -1;
  const n = rows.time.length;
  while (j + 1 < n && rows.time[j + 1] <= start) j++;
  const initial = j >= 0 ? rows.price[j] : NaN;
  let covered = steps;
  for (let t = 0; t < steps; t++) {
    const at = start + (t + 1) * stepSeconds;
    while (j + 1 < n && rows.time[j + 1] <= at) j++;
    if (at > rows.time[n - 1] && covered === steps) covered = t;
    levels[t] = rows.price[j];
  }
  return { initial, levels, covered };
}

export class Replay implements PriceProcess {
  readonly usesNormal = false;
  readonly annualVol = NaN;
  factor = 1;
  /** The resampled price of each step. */
  readonly levels: Float64Array;
  /** The file's price before step 0 (before rescaling). */
  readonly filePrice0: number;

  constructor(cfg: ReplayConfig, env: Pick<ProcessEnv, 'baseDir' | 'path' | 'stepSeconds' | 'steps' | 'initialPrice'>) {
    const file = path.resolve(env.baseDir, cfg.file);
    const rows = readPriceFile(file, { timeColumn: cfg.timeColumn, priceColumn: cfg.priceColumn });
    if (cfg.shiftSeconds !== 0) for (let i = 0; i < rows.time.length; i++) rows.time[i] += cfg.shiftSeconds;
    const start = cfg.start === undefined ? rows.time[0] : typeof cfg.start === 'number' ? cfg.start : parseTime(cfg.start);
    if (!Number.isFinite(start)) {
      throw new InputError({ code: 'replay.start', path: `${env.path}.start`, message: `expected an ISO 8601 time or seconds, found '${cfg.start}'` });
    }
    const r = resample(rows, start, env.stepSeconds, env.steps);
    if (!(r.initial > 0)) {
      throw new InputError({ code: 'replay.start', file, path: `${env.path}.start`, message: `start (${new Date(start * 1000).toISOString()}) is before the file's first row (${new Date(rows.time[0] * 1000).toISOString()})` });
    }
    if (r.covered < env.steps && !cfg.hold) {
      throw new InputError({
        code: 'replay.coverage',
        file,
        path: env.path,
        message: `the file covers ${r.covered} steps of ${env.stepSeconds}s from start but the run has ${env.steps}; shorten the run, or set 'hold: true' to keep the last price`,
      });
    }
    this.filePrice0 = r.initial;
    if (cfg.rescale) {
      const k = env.initialPrice / r.initial;
      for (let t = 0; t < r.levels.length; t++) r.levels[t] *= k;
    }
    this.levels = r.levels;
  }

  next(p: number, _z: number, t: number): number {
    const q = this.levels[t];
    this.factor = q / p;
    return q;
  }
}
