// `bulwark compare`: statistics of result sets, their changes against a baseline, and CI gates (exit 1 on failure).
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Option, type Command } from 'commander';
import { InputError } from '../sim/errors.js';

export interface CompareFlags {
  baseline?: string[];
  format: 'table' | 'markdown' | 'json' | 'csv';
  failIf?: string[];
  gates?: string[];
  junit?: string;
}

/** Exit code when a gate fails. */
export const EXIT_GATE = 1;

const append = (v: string, prev: string[] | undefined): string[] => [...(prev ?? []), v];

/** Adds the `compare` command to the program. */
export function registerCompare(program: Command): void {
  program
    .command('compare')
    .description('statistics per policy and parameter point of result sets, changes against a baseline, and CI gates')
    .argument('<results...>', 'results directories (of bulwark run or sweep), runs.arrow files, or directories of them')
    .option('-b, --baseline <results>', 'results to compare against, matched on policy and parameter point (repeatable)', append)
    .addOption(new Option('-f, --format <format>', 'output format').choices(['table', 'markdown', 'json', 'csv']).default('table'))
    .option('--fail-if <gate>', "exit 1 when this holds for any group, e.g. 'p99(uncovered_bad_debt) > 1.05 * baseline' (repeatable)", append)
    .option('--gates <file>', 'gates file (YAML/JSON): gates: [expression, or { fail-if, name, policy }] (repeatable)', append)
    .option('--junit <file>', 'also write the gate verdicts as JUnit XML')
    .action(async (targets: string[], flags: CompareFlags) => {
      process.exitCode = await cmdCompare(targets, flags);
    });
}

export async function cmdCompare(targets: string[], flags: CompareFlags): Promise<number> {
  const { parseGate, loadGatesFile } = await import('./gates.js');
  const { METRIC_COLUMNS, loadResultSets } = await import('./results-set.js');
  const { buildComparison } = await import('./compare.js');
  const { render, renderJunit } = await import('./compare-format.js');
  // gates first: a typo fails fast, before any file is read
  const gates = [
    ...(flags.failIf ?? []).map((g, i) => parseGate(g, METRIC_COLUMNS, { path: `--fail-if #${i + 1}` })),
    ...(flags.gates ?? []).flatMap((f) => loadGatesFile(f, METRIC_COLUMNS)),
  ];
  const baselineTargets = flags.baseline ?? [];
  const needs = gates.find((g) => g.usesBaseline);
  if (needs && baselineTargets.length === 0) {
    throw new InputError({ code: 'gate.invalid', message: `gate '${needs.name ?? needs.text}' uses 'baseline', but no --baseline results were given` });
  }
  const sets = loadResultSets(targets);
  const baseline = baselineTargets.length > 0 ? loadResultSets(baselineTargets) : null;
  const rep = buildComparison(sets, baseline, gates);
  process.stdout.write(`${render(rep, flags.format)}\n`);
  if (flags.junit) {
    mkdirSync(path.dirname(path.resolve(flags.junit)), { recursive: true });
    writeFileSync(flags.junit, renderJunit(rep));
  }
  if (rep.failures > 0) {
    if (flags.format !== 'table') process.stderr.write(`bulwark compare: ${rep.failures} of ${rep.gates.length} gate checks failed\n`);
    return EXIT_GATE;
  }
  return 0;
}
