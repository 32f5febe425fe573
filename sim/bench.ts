// cascade-bench: times the reference workload through the ordinary engine and scenario file, one size at a time.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { InputError } from './errors.js';
import { createWorld, runWorld, summarize, type RunResult } from './run.js';
import { loadScenario, type LoadedScenario } from './scenario.js';

/** Sizes `bulwark bench` runs when no --accounts is given (../shared/reference/benchmark.md). */
export const BENCH_SIZES = [1_000, 10_000, 100_000, 1_000_000] as const;

export interface BenchOptions {
  scenarioFile: string;
  accounts?: number;
  steps?: number;
  seed: number;
  sigma?: number;
  population?: string;
  /** Untimed warm-up runs (N = 5,000, same T) before the timed run; 0 measures a cold engine. */
  warmup: number;
}

export interface BenchFigures {
  accounts: number;
  steps: number;
  seed: number;
  sigma: number;
  /** Untimed warm-up runs done before the timed run (0: the timed run includes V8's compilation of the engine). */
  warmup_runs: number;
  /** Seconds in the step loop of the timed run. */
  sim_seconds: number;
  /** Seconds of building the world: population draw, trigger index. */
  setup_seconds: number;
  /** Seconds since the process started, at the end of the run (node start-up, loading, warm-up, setup, loop). */
  wall_seconds: number;
  account_steps_per_second: number;
  account_steps_per_second_whole: number;
  peak_rss_mb: number;
  totals: {
    final_price: number;
    liquidations: number;
    bad_debt: number;
    uncovered_bad_debt: number;
    slippage: number;
    fees: number;
    insurance_fund: number;
    returned_to_traders: number;
  };
}

function prepare(opts: BenchOptions, accounts?: number, steps?: number): LoadedScenario {
  const ls = loadScenario(opts.scenarioFile);
  const s = ls.scenario;
  const traders = s.agents.find((a) => a.kind === 'leveraged-traders') as { count: number; population?: string } | undefined;
  if (!traders) {
    throw new InputError({ code: 'bench.scenario', file: opts.scenarioFile, path: 'agents', message: 'the benchmark scenario needs a leveraged-traders population' });
  }
  if (accounts !== undefined) traders.count = accounts;
  if (opts.population !== undefined) traders.population = path.resolve(opts.population);
  if (steps !== undefined) s.steps = steps;
  if (opts.sigma !== undefined) {
    if (s.market.process.kind !== 'gbm') throw new InputError({ code: 'bench.scenario', file: opts.scenarioFile, path: 'market.process', message: '--sigma needs a gbm process' });
    s.market.process.sigma = opts.sigma;
  }
  return ls;
}

/** Runs one size in this process: a warm-up run, then the timed run. */
export function benchOnce(opts: BenchOptions): { figures: BenchFigures; result: RunResult } {
  // Warm-up: the same code on a small book, so the timed loop measures compiled code rather than V8 working its
  // way up its compiler tiers (which takes a few runs' worth of steps; docs/performance.md gives both figures).
  for (let k = 0; k < opts.warmup; k++) {
    const warm = prepare({ ...opts, population: undefined }, 5_000, opts.steps);
    runWorld(createWorld(warm.scenario, { policy: 'none', seed: opts.seed, baseDir: warm.baseDir }));
  }
  const ls = prepare(opts, opts.accounts, opts.steps);
  const t0 = performance.now();
  const w = createWorld(ls.scenario, { policy: 'none', seed: opts.seed, baseDir: ls.baseDir });
  const setup = (performance.now() - t0) / 1000;
  const { error, loopSeconds } = runWorld(w);
  if (error) throw new Error(`benchmark run failed at step ${error.step}: ${error.message}`);
  const summary = summarize(w);
  const n = summary.initial_accounts;
  const T = ls.scenario.steps;
  const wall = performance.now() / 1000;
  const proc = ls.scenario.market.process;
  const figures: BenchFigures = {
    accounts: n,
    steps: T,
    seed: opts.seed,
    warmup_runs: opts.warmup,
    sigma: proc.kind === 'gbm' ? proc.sigma : 0,
    sim_seconds: loopSeconds,
    setup_seconds: setup,
    wall_seconds: wall,
    account_steps_per_second: (n * T) / loopSeconds,
    account_steps_per_second_whole: (n * T) / wall,
    peak_rss_mb: process.resourceUsage().maxRSS / 1024,
    totals: {
      final_price: summary.final_price,
      liquidations: summary.liquidations,
      bad_debt: summary.bad_debt,
      uncovered_bad_debt: summary.uncovered_bad_debt,
      slippage: summary.liquidation_slippage,
      fees: summary.liquidation_fees,
      insurance_fund: summary.insurance_fund_final,
      returned_to_traders: summary.returned_to_traders,
    },
  };
  return { figures, result: { summary, series: w.series, events: w.events, interventions: w.events.interventions, loopSeconds } };
}

/** Runs one size in a fresh process (so wall time and peak memory are that size's own) and returns its figures. */
export function benchInChild(cli: string, opts: BenchOptions, accounts: number): BenchFigures {
  const args = [cli, 'bench', '--json', '--accounts', String(accounts), '--seed', String(opts.seed), '--warmup', String(opts.warmup), '--scenario', opts.scenarioFile];
  if (opts.steps !== undefined) args.push('--steps', String(opts.steps));
  if (opts.sigma !== undefined) args.push('--sigma', String(opts.sigma));
  const out = execFileSync(process.execPath, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 24 });
  return JSON.parse(out) as BenchFigures;
}
