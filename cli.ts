#!/usr/bin/env node
// The `bulwark` command line: run, validate, bench, policies, sweep, compare.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { AGENT_KINDS } from './agents/registry.js';
import { registerCompare } from './reports/cli-compare.js';
import { registerSweep } from './reports/cli-sweep.js';
import { registerRecommend } from './reports/cli-recommend.js';
import { comparisonTable, int, renderTable } from './reports/table.js';
import { optionsTable } from './reports/options-table.js';
import { lendingTable } from './reports/lending-table.js';
import { crossTable } from './reports/cross-table.js';
import { BENCH_SIZES, benchInChild, benchOnce, type BenchFigures, type BenchOptions } from './sim/bench.js';
import { EXIT_INPUT, EXIT_INTERNAL, InputError, formatError, toErrorData } from './sim/errors.js';
import { POLICY_KINDS } from './sim/policies/registry.js';
import { resolvePolicy } from './sim/policy-stack.js';
import { loadScenarioPlugins } from './sim/scenario-plugins.js';
import { runScenario, type RunResult } from './sim/run.js';
import { loadScenario } from './sim/scenario.js';

const here = path.dirname(fileURLToPath(import.meta.url));
/** Repository root whether running from `dist/cli.js` or from source. */
const root = path.basename(here) === 'dist' ? path.dirname(here) : here;
const version = (JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string }).version;
const DEFAULT_BENCH_SCENARIO = path.join(root, 'scenarios', 'bench', 'cascade.yaml');

let verbose = process.argv.includes('--verbose');

function integer(name: string, min: number, max = Number.MAX_SAFE_INTEGER) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min || n > max) throw new InvalidArgumentError(`${name} expects an integer from ${min} to ${max}, found '${v}'`);
    return n;
  };
}

function decimal(name: string, min: number) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isFinite(n) || n < min) throw new InvalidArgumentError(`${name} expects a number >= ${min}, found '${v}'`);
    return n;
  };
}

function collect(v: string, prev: string[] | undefined): string[] {
  return [...(prev ?? []), ...v.split(',').map((s) => s.trim()).filter(Boolean)];
}

const log = (msg: string): void => {
  process.stderr.write(`${msg}\n`);
};

interface RunFlags {
  seed?: number;
  policy?: string[];
  out?: string;
  json?: boolean;
  quiet?: boolean;
  format?: 'arrow' | 'parquet' | 'both';
}

async function cmdRun(file: string, flags: RunFlags): Promise<number> {
  const ls = loadScenario(file);
  await loadScenarioPlugins(ls); // plug-in policy modules: imported and their params validated before any run
  const s = ls.scenario;
  const seed = flags.seed ?? s.seed;
  const policies = flags.policy && flags.policy.length > 0 ? flags.policy : s.compare;
  for (const p of policies) resolvePolicy(s, p); // unknown names fail before any run starts
  const out = flags.out ?? path.join('results', s.name);
  const results: RunResult[] = [];
  policies.forEach((policy, k) => {
    if (!flags.quiet && !flags.json) log(`[${k + 1}/${policies.length}] ${s.name}: policy '${policy}', seed ${seed}, ${int(s.steps)} steps`);
    const r = runScenario(s, { policy, seed, baseDir: ls.baseDir });
    if (r.error) log(`  run failed: ${formatError(r.error)}`);
    results.push(r);
  });
  const { writeResultsAs } = await import('./reports/results-format.js'); // loaded on demand: apache-arrow adds ~0.1 s to start-up
  const files = await writeResultsAs(flags.format ?? 'arrow', out, results, { scenario: s.name, scenarioHash: ls.hash, seed });
  const failed = results.some((r) => r.error);
  if (flags.json) {
    process.stdout.write(`${JSON.stringify({ scenario: s.name, scenario_hash: ls.hash, seed, files, runs: results.map((r) => r.summary) }, null, 2)}\n`);
  } else {
    process.stdout.write(`${s.name} (seed ${seed}, ${int(s.steps)} steps of ${s.stepSeconds}s)\n\n`);
    process.stdout.write(`${comparisonTable(results.map((r) => r.summary))}\n\n`);
    if (s.options !== undefined) process.stdout.write(`options venue\n\n${optionsTable(results.map((r) => r.summary))}\n\n`);
    if (s.lending !== undefined) process.stdout.write(`lending pool\n\n${lendingTable(results.map((r) => r.summary))}\n\n`);
    if (s.cross !== undefined) process.stdout.write(`cross-margin venue\n\n${crossTable(results.map((r) => r.summary))}\n\n`);
    for (const r of results) {
      for (const e of r.interventions.slice(0, 5)) process.stdout.write(`  ${r.summary.policy}: step ${e.step} ${e.policy} ${e.action}: ${e.reason}\n`);
      if (r.interventions.length > 5) process.stdout.write(`  ${r.summary.policy}: ... ${r.interventions.length - 5} more interventions in events.arrow\n`);
    }
    process.stdout.write(`\nresults: ${Object.values(files).join(', ')}\n`);
  }
  return failed ? EXIT_INTERNAL : 0;
}

async function cmdValidate(files: string[], flags: { json?: boolean }): Promise<number> {
  let bad = 0;
  const report: { file: string; ok: boolean; error?: unknown }[] = [];
  for (const f of files) {
    try {
      const ls = loadScenario(f);
      await loadScenarioPlugins(ls);
      for (const p of ls.scenario.compare) resolvePolicy(ls.scenario, p);
      report.push({ file: f, ok: true });
      if (!flags.json) process.stdout.write(`${f}: ok (${ls.scenario.name}, ${int(ls.scenario.steps)} steps, ${ls.scenario.agents.length} agents, ${ls.scenario.defenses.length} defenses)\n`);
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      bad++;
      report.push({ file: f, ok: false, error: e.data });
      if (!flags.json) process.stderr.write(`${formatError(e.data)}\n`);
    }
  }
  if (flags.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  return bad > 0 ? EXIT_INPUT : 0;
}

interface BenchFlags {
  accounts?: number;
  steps?: number;
  seed: number;
  sigma?: number;
  population?: string;
  records?: string;
  json?: boolean;
  scenario: string;
  warmup: number;
}

function benchRow(f: BenchFigures): Record<string, string> {
  return {
    N: int(f.accounts),
    T: int(f.steps),
    liquidations: int(f.totals.liquidations),
    'sim s': f.sim_seconds.toFixed(3),
    'account-steps/s (sim)': f.account_steps_per_second.toExponential(2),
    'wall s': f.wall_seconds.toFixed(3),
    'account-steps/s (whole)': f.account_steps_per_second_whole.toExponential(2),
    'peak MB': f.peak_rss_mb.toFixed(0),
  };
}

async function cmdBench(flags: BenchFlags): Promise<number> {
  const opts: BenchOptions = {
    scenarioFile: flags.scenario,
    seed: flags.seed,
    warmup: flags.warmup,
    ...(flags.accounts !== undefined ? { accounts: flags.accounts } : {}),
    ...(flags.steps !== undefined ? { steps: flags.steps } : {}),
    ...(flags.sigma !== undefined ? { sigma: flags.sigma } : {}),
    ...(flags.population !== undefined ? { population: flags.population } : {}),
  };
  const single = flags.accounts !== undefined || flags.population !== undefined || flags.records !== undefined;
  let figures: BenchFigures[];
  if (single) {
    const { figures: f, result } = benchOnce(opts);
    if (flags.records) {
      const { writeStepRecords } = await import('./reports/arrow.js');
      writeStepRecords(flags.records, result);
    }
    figures = [f];
  } else {
    loadScenario(flags.scenario); // fail early on a bad scenario
    figures = [];
    for (const n of BENCH_SIZES) {
      if (!flags.json) log(`bench: N = ${int(n)} ...`);
      figures.push(benchInChild(path.join(root, 'dist', 'cli.js'), opts, n));
    }
  }
  if (flags.json) {
    process.stdout.write(`${JSON.stringify(figures.length === 1 ? figures[0] : figures, null, 2)}\n`);
    return 0;
  }
  const rows = figures.map(benchRow);
  const headers = Object.keys(rows[0]);
  process.stdout.write(`cascade-bench (${path.relative(process.cwd(), flags.scenario) || flags.scenario}, seed ${flags.seed})\n\n`);
  process.stdout.write(`${renderTable(rows, headers.map((h) => ({ header: h, value: (r: Record<string, string>) => r[h] })))}\n`);
  const f = figures[0];
  if (figures.length === 1) {
    process.stdout.write(
      `\ntotals: final price ${f.totals.final_price}, liquidations ${f.totals.liquidations}, bad debt ${f.totals.bad_debt}, ` +
        `uncovered bad debt ${f.totals.uncovered_bad_debt}, slippage ${f.totals.slippage}, fees ${f.totals.fees}\n`,
    );
  }
  if (flags.records) process.stdout.write(`records: ${flags.records}\n`);
  return 0;
}

function cmdPolicies(flags: { json?: boolean }): number {
  const describe = (schema: any): Record<string, unknown> => {
    const shape = schema?._zod?.def?.shape ?? {};
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries<any>(shape)) {
      if (k === 'kind' || k === 'name') continue;
      const def = v?._zod?.def;
      out[k] = def?.type === 'default' ? (typeof def.defaultValue === 'function' ? def.defaultValue() : def.defaultValue) : def?.type === 'optional' ? '(optional)' : '(required)';
    }
    return out;
  };
  const list = [{ kind: 'none', summary: 'No defenses: the baseline every policy is compared with.', params: {} }, ...POLICY_KINDS.map((k) => ({ kind: k.kind, summary: k.summary, params: describe(k.params) }))];
  if (flags.json) {
    process.stdout.write(`${JSON.stringify(list, null, 2)}\n`);
    return 0;
  }
  for (const p of list) {
    process.stdout.write(`${p.kind}\n  ${p.summary}\n`);
    for (const [k, v] of Object.entries(p.params)) process.stdout.write(`    ${k}: ${JSON.stringify(v)}\n`);
  }
  process.stdout.write(`\nagents: ${AGENT_KINDS.map((a) => a.kind).join(', ')}\n`);
  process.stdout.write('plug-ins: a defense `{ kind: module, path: ./my-policy.js, name?, params: {...} }` loads a policy kind from an ES module (docs/policies.md)\n');
  return 0;
}

function program(): Command {
  const p = new Command();
  p.name('bulwark')
    .description('Stress-test the automated defenses of decentralized derivatives venues.')
    .version(version)
    .option('--verbose', 'print stack traces of internal errors')
    .exitOverride() // set before the subcommands so they inherit it: usage errors become exit 2 in main()
    .configureOutput({ outputError: (str, write) => write(str.startsWith('error:') ? str : `error: ${str}`) })
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText(
      'after',
      `
Examples:
  bulwark run scenarios/flash-crash.yaml                      compare the scenario's policies on its seed
  bulwark run scenarios/flash-crash.yaml --policy none --policy vol-breaker --seed 7 --out results/fc
  bulwark validate scenarios/*.yaml                           check scenario files (exit 2 on errors)
  bulwark bench                                               cascade-bench at N = 1e3 .. 1e6, T = 1e4
  bulwark bench --accounts 1000 --sigma 0 --population pop.csv --records steps.arrow --json
  bulwark policies                                            defense policies and their defaults
  bulwark sweep scenarios/sweeps/flash-crash-margin.yaml --workers 2 --out results/mm
                                                              policies x parameter points x seeds on worker threads
  bulwark sweep scenarios/sweeps/flash-crash-margin.yaml --out results/mm --resume
                                                              finish a sweep interrupted with Ctrl-C
  bulwark compare results/mm                                  risk statistics per policy and parameter point
  bulwark compare results/branch --baseline results/main --fail-if 'p99(uncovered_bad_debt) > 1.05 * baseline' --format markdown
                                                              diff against a baseline; exit 1 when a gate fails
  bulwark report results/flash-crash --out report.html        HTML report with charts of the runs in results/
  bulwark schema scenario --out docs/scenario.schema.json     JSON Schema for editors (yaml-language-server)
  bulwark run scenarios/flash-crash.yaml --format both         Arrow and Parquet results (pandas, polars, DuckDB)
  bulwark recommend results/mm --sweep mm.yaml --budget 0.5x-insurance-fund --max-step 0.01
                                                              proposal for a governance forum: current -> recommended
  bulwark run scenarios/cross-margin-crash.yaml               cross-margin venue: summed vs portfolio margin, haircuts

Exit codes: 0 ok, 1 internal fault, a run failed or a gate failed, 2 bad input, 130 sweep interrupted (resumable).`,
    );

  p.command('run')
    .description('run a scenario once per policy on the same seed, write Arrow results and print a comparison')
    .argument('<scenario>', 'scenario file (YAML or JSON)')
    .option('-s, --seed <n>', 'run seed (default: the scenario\'s seed)', integer('--seed', 0, 2_147_483_647))
    .option('-p, --policy <name>', 'policy to run: none, all, a defense name or names joined with + (repeatable; default: the scenario\'s compare list)', collect)
    .option('-o, --out <dir>', 'directory for runs.arrow, steps.arrow and events.arrow (default: results/<scenario name>)')
    .option('--json', 'print the run summaries as JSON instead of a table')
    .option('-q, --quiet', 'no progress lines on stderr')
    .addOption(new Option('--format <format>', 'results format: arrow (read back by bulwark), parquet, or both').choices(['arrow', 'parquet', 'both']).default('arrow'))
    .action(async (file: string, flags: RunFlags) => {
      process.exitCode = await cmdRun(file, flags);
    });

  p.command('validate')
    .description('check scenario files against the schema; every problem names the file, line, path, expectation and value')
    .argument('<scenario...>', 'scenario files')
    .option('--json', 'print the findings as JSON')
    .action(async (files: string[], flags: { json?: boolean }) => {
      process.exitCode = await cmdValidate(files, flags);
    });

  p.command('bench')
    .description('run cascade-bench (../shared/reference/benchmark.md) through the engine and print account-steps per second')
    .option('-n, --accounts <N>', 'number of accounts (default: each of 1e3, 1e4, 1e5, 1e6 in its own process)', integer('--accounts', 1))
    .option('-t, --steps <T>', 'number of steps (default: the scenario\'s, 10000)', integer('--steps', 1))
    .option('--seed <S>', 'seed', integer('--seed', 0, 2_147_483_647), 1)
    .option('--sigma <x>', 'annualised volatility of the GBM (0: deterministic path)', decimal('--sigma', 0))
    .option('--population <file.csv>', 'read the accounts from a CSV file with columns collateral,leverage,side')
    .option('--records <file.arrow>', 'write per-step records (step, price, liquidations, insurance_fund, uncovered_bad_debt)')
    .option('--json', 'print one JSON object with the figures and totals')
    .option('--warmup <runs>', 'untimed warm-up runs (N = 5,000) before the timed run, so it measures JIT-compiled code; 0 = cold', integer('--warmup', 0, 100), 3)
    .addOption(new Option('--scenario <file>', 'benchmark scenario file').default(DEFAULT_BENCH_SCENARIO, 'scenarios/bench/cascade.yaml'))
    .action(async (flags: BenchFlags) => {
      process.exitCode = await cmdBench(flags);
    });

  p.command('policies')
    .description('list the built-in defense policies with their parameters and defaults')
    .option('--json', 'print as JSON')
    .action((flags: { json?: boolean }) => {
      process.exitCode = cmdPolicies(flags);
    });

  registerSweep(p);
  registerCompare(p);

  p.command('report')
    .description('write one self-contained HTML report (SVG charts and tables, nothing fetched when viewed) of run or sweep results')
    .argument('<results...>', 'results directories of bulwark run or bulwark sweep (or files in them); runs of one scenario with several seeds are pooled')
    .requiredOption('-o, --out <file.html>', 'HTML file to write')
    .option('-s, --seed <n>', 'seed whose step-by-step charts are drawn (default: the first)', integer('--seed', 0, 2_147_483_647))
    .option('--title <text>', 'page title')
    .option('-q, --quiet', 'print nothing on success')
    .action(async (inputs: string[], flags: { out: string; seed?: number; title?: string; quiet?: boolean }) => {
      const { cmdReport } = await import('./reports/cli-report.js'); // loaded on demand: vega is heavy
      process.exitCode = await cmdReport(inputs, flags);
    });

  p.command('schema')
    .description('print the JSON Schema of scenario or sweep files (for editor completion and checks), generated from the validator')
    .argument('[kind]', 'scenario or sweep', 'scenario')
    .option('-o, --out <file>', 'write it to a file instead of stdout')
    .action(async (kind: string, flags: { out?: string }) => {
      const { cmdSchema } = await import('./reports/cli-schema.js');
      process.exitCode = cmdSchema(kind, flags);
    });

  registerRecommend(p);

  return p;
}

export async function main(argv: string[]): Promise<void> {
  verbose = argv.includes('--verbose');
  try {
    await program().parseAsync(argv);
  } catch (e) {
    if (e instanceof CommanderError) {
      // help and version exit 0; usage errors (unknown option, missing argument, bad value) are bad input
      process.exitCode = e.exitCode === 0 ? 0 : EXIT_INPUT;
      return;
    }
    if (e instanceof InputError) {
      process.stderr.write(`${formatError(e.data)}\n`);
      process.exitCode = EXIT_INPUT;
      return;
    }
    const data = toErrorData(e);
    process.stderr.write(`internal error: ${data.message}\n`);
    if (verbose && e instanceof Error && e.stack) process.stderr.write(`${e.stack}\n`);
    else process.stderr.write('(run again with --verbose for the stack trace)\n');
    process.exitCode = EXIT_INTERNAL;
  }
}

await main(process.argv);
