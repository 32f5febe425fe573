// `bulwark recommend`: registers the command (cheap); the logic (recommend.ts) and output (recommend-format.ts) load when it runs.
import type { Command } from 'commander';
import { InputError } from '../sim/errors.js';
import type { MaxStep } from './recommend.js';

interface RecommendFlags {
  sweep: string;
  objective: string;
  budget: string;
  policy?: string;
  maxStep?: string[];
  prefer?: string[];
  json?: boolean;
}

const collect = (v: string, prev: string[] | undefined): string[] => [...(prev ?? []), v];

export async function cmdRecommend(results: string, flags: RecommendFlags): Promise<number> {
  const { parseBudget, parseMaxStep, recommend } = await import('./recommend.js');
  const { recommendationJson, recommendationMarkdown } = await import('./recommend-format.js');
  const maxStep: Record<string, MaxStep> = Object.fromEntries((flags.maxStep ?? []).map(parseMaxStep));
  const prefer: Record<string, 'low' | 'high'> = {};
  for (const p of flags.prefer ?? []) {
    const m = /^(.+)=(low|high)$/.exec(p);
    if (!m) throw new InputError({ code: 'cli.bad-argument', message: `--prefer expects path=low or path=high (the less restrictive direction), found '${p}'` });
    prefer[m[1]] = m[2] as 'low' | 'high';
  }
  const r = recommend(results, {
    sweepFile: flags.sweep,
    objective: flags.objective,
    budget: parseBudget(flags.budget),
    maxStep,
    prefer,
    ...(flags.policy ? { policy: flags.policy } : {}),
  });
  process.stdout.write(flags.json ? recommendationJson(r) : recommendationMarkdown(r));
  return 0;
}

export function registerRecommend(program: Command): void {
  program
    .command('recommend')
    .description('governance recommendation from a sweep: the least restrictive setting whose tail risk of protocol loss stays under a budget (markdown or JSON)')
    .argument('<results>', 'results directory of bulwark sweep')
    .requiredOption('--sweep <file>', 'the sweep file the results were made with (current values, reproduction; its hash must match)')
    .option('--objective <stat>', "risk statistic in the gate syntax: var95, cvar95, cvar99, evar99 (of protocol_loss) or e.g. 'p99(uncovered_bad_debt)'", 'var95')
    .requiredOption('--budget <amount>', 'largest acceptable objective: USD (250000, $1.5M, 750k) or a multiple of the starting insurance fund (0.5x-insurance-fund)')
    .option('-p, --policy <name>', "policy whose runs are used (default: the sweep's first)")
    .option('--max-step <[path=]step>', 'largest move from the current value in one proposal: absolute (0.01) or relative (50%); repeatable', collect)
    .option('--prefer <path=low|high>', 'which way a parameter is less restrictive, when bulwark does not know it; repeatable', collect)
    .option('--json', 'print JSON instead of markdown')
    .action(async (results: string, flags: RecommendFlags) => {
      process.exitCode = await cmdRecommend(results, flags);
    });
}
