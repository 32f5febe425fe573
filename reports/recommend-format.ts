// The recommendation as a governance-forum post (markdown): current -> recommended, rationale, method, assumptions,
// risks, and how to reproduce it; or as JSON.
import type { MaxStep, ParameterChange, PointRow, Recommendation } from './recommend.js';

const usd = (v: number): string => (Number.isFinite(v) ? `$${Math.round(v).toLocaleString('en-US')}` : 'n/a');
const pct = (v: number): string => (Number.isFinite(v) ? `${(100 * v).toFixed(1)}%` : 'n/a');
const num = (v: number, d = 1): string => (Number.isFinite(v) ? v.toLocaleString('en-US', { maximumFractionDigits: d }) : 'n/a');

/** A parameter value as people read it: fractions below 1 of margin-like paths as percentages. */
export function valueText(p: string, v: unknown): string {
  if (typeof v !== 'number') return v === undefined ? '(unset)' : String(v);
  if (/(Margin|Fee)$/.test(p) && Math.abs(v) < 1) return `${Number((100 * v).toPrecision(6))}%`;
  return String(Number(v.toPrecision(6)));
}

function changeText(c: ParameterChange): string {
  if (typeof c.current !== 'number' || typeof c.recommended !== 'number') return c.current === c.recommended ? 'no change' : 'changed';
  const d = c.recommended - c.current;
  if (d === 0) return 'no change';
  if (/(Margin|Fee)$/.test(c.path) && Math.abs(c.current) < 1) return `${d > 0 ? '+' : ''}${Number((100 * d).toPrecision(6))} pp`;
  return `${d > 0 ? '+' : ''}${Number(d.toPrecision(6))}${c.current !== 0 ? ` (${d > 0 ? '+' : ''}${((100 * d) / Math.abs(c.current)).toFixed(1)}%)` : ''}`;
}

function stepText(s: MaxStep | null): string {
  return s === null ? '' : 'abs' in s ? `at most ${s.abs} per proposal` : `at most ${Number((100 * s.rel).toPrecision(6))}% of the current value per proposal`;
}

/** `+$1,234 (+5.0%)`, or for shares `+12.5 pp`. */
function delta(a: number, b: number, fmt: (v: number) => string, share = false): string {
  if (!Number.isFinite(a) || !Number.isFinite(b)) return 'n/a';
  const d = b - a;
  if (d === 0) return 'no change';
  const sign = d > 0 ? '+' : '-';
  if (share) return `${sign}${(100 * Math.abs(d)).toFixed(1)} pp`;
  const rel = a !== 0 ? ` (${sign}${((100 * Math.abs(d)) / Math.abs(a)).toFixed(1)}%)` : '';
  return `${sign}${fmt(Math.abs(d))}${rel}`;
}

function budgetText(r: Recommendation, row: PointRow | null): string {
  const b = r.budget;
  return b.kind === 'usd' ? usd(b.usd) : `${b.multiple}x the starting insurance fund${row ? ` (${usd(row.budget)} at the recommended setting)` : ''}`;
}

export function recommendationMarkdown(r: Recommendation): string {
  const rec = r.recommended;
  const cur = r.current;
  const lines: string[] = [];
  const params = r.parameters.map((p) => `\`${p.path}\``).join(', ');
  lines.push(`# Parameter recommendation: ${params} (${r.scenario})`, '');
  lines.push('## Summary', '');
  if (r.status === 'recommended' && rec) {
    const changed = r.parameters.filter((p) => p.current !== p.recommended);
    lines.push(
      changed.length === 0
        ? `Keep the current setting: it is already the least restrictive one whose ${r.objective} stays within the budget of ${budgetText(r, rec)}.`
        : `Change ${changed.map((p) => `\`${p.path}\` from ${valueText(p.path, p.current)} to ${valueText(p.path, p.recommended)}`).join(', and ')}: the least restrictive setting whose ${r.objective} (${usd(rec.objective)}) stays within the budget of ${budgetText(r, rec)}${cur ? `; at the current setting it is ${usd(cur.objective)}${cur.withinBudget ? ', also within budget' : ', over budget'}` : ''}.`,
    );
  } else {
    lines.push(
      `No swept setting${r.parameters.some((p) => p.maxStep) ? ' within the allowed step' : ''} keeps ${r.objective} within the budget of ${budgetText(r, rec)}. ` +
        (rec ? `The lowest-risk one within reach is shown below (${usd(rec.objective)}); consider a wider sweep, other defenses, or a larger budget.` : 'No setting could be evaluated.'),
    );
  }
  lines.push('', '## Recommended changes', '');
  lines.push(`| Parameter | Current | ${r.status === 'recommended' ? 'Recommended' : 'Lowest risk within reach'} | Change |`, '|---|---:|---:|---:|');
  for (const p of r.parameters) lines.push(`| \`${p.path}\` | ${valueText(p.path, p.current)} | ${valueText(p.path, p.recommended)} | ${changeText(p)} |`);
  lines.push('');
  if (rec) {
    lines.push('## Rationale', '');
    const row = (label: string, f: (x: PointRow) => number, fmt: (v: number) => string, share = false) => `| ${label} | ${cur ? fmt(f(cur)) : 'not swept'} | ${fmt(f(rec))} | ${cur ? delta(f(cur), f(rec), fmt, share) : ''} |`;
    const recHead = r.status === 'recommended' ? 'Recommended' : 'Lowest risk within reach';
    lines.push(`| Metric (policy \`${r.policy}\`, mean over seeds unless stated) | Current | ${recHead} | Change |`, '|---|---:|---:|---:|');
    lines.push(row(`${r.objective} (objective)`, (x) => x.objective, usd));
    lines.push(`| Budget | ${cur ? usd(cur.budget) : ''} | ${usd(rec.budget)} | |`);
    lines.push(row('Probability of insolvency (uncovered bad debt > 0 in some venue)', (x) => x.probInsolvency, pct, true));
    lines.push(row('Capital efficiency: max leverage (1 / initial margin)', (x) => x.maxLeverage, (v) => `${num(v, 2)}x`));
    lines.push(row('Capital efficiency: peak open interest', (x) => x.maxOpenInterest, usd));
    lines.push(row('Liquidations per run', (x) => x.liquidations, (v) => num(v, 1)));
    lines.push(row('Liquidated notional per run', (x) => x.liquidatedNotional, usd));
    lines.push('');
    for (const p of r.parameters) {
      if (p.direction) lines.push(`- \`${p.path}\`: ${p.direction === 'low' ? 'lower' : 'higher'} is less restrictive (${p.why}).${p.maxStep ? ` Moves ${stepText(p.maxStep)}.` : ''}`);
      else lines.push(`- \`${p.path}\`: no known direction; ranked by capital efficiency.${p.maxStep ? ` Moves ${stepText(p.maxStep)}.` : ''}`);
    }
    lines.push('');
  }
  lines.push('## Settings evaluated', '');
  const heads = [...r.parameters.map((p) => `\`${p.path}\``), r.objective, 'budget', 'within budget', 'max leverage', 'peak OI', 'liquidations', 'P(insolvent)', 'runs'];
  lines.push(`| ${heads.join(' | ')} |`, `|${heads.map(() => '---:').join('|')}|`);
  for (const x of r.points) {
    const mark = `${x.isCurrent ? ' (current)' : ''}${x === rec ? (r.status === 'recommended' ? ' **(recommended)**' : ' (lowest risk)') : ''}`;
    const cells = [
      ...r.parameters.map((p, i) => `${valueText(p.path, x.values[p.path])}${i === 0 ? mark : ''}`),
      usd(x.objective),
      usd(x.budget),
      x.withinBudget ? (x.withinStep ? 'yes' : 'yes (beyond max step)') : 'no',
      `${num(x.maxLeverage, 2)}x`,
      usd(x.maxOpenInterest),
      num(x.liquidations, 1),
      pct(x.probInsolvency),
      `${x.runs - x.failed}${x.failed ? ` (+${x.failed} failed)` : ''}`,
    ];
    lines.push(`| ${cells.join(' | ')} |`);
  }
  const rp = r.reproduce;
  lines.push('', '## Method', '');
  lines.push(
    `- bulwark ${rp.version}, a deterministic agent-based simulator of the venue: an exogenous market, an oracle, leveraged traders and liquidators, and the venue's margin and liquidation engine with the defense policy \`${r.policy}\`.`,
    `- Sweep \`${r.sweep}\`: ${r.points.length} settings x ${rp.seeds.length} seeds. Every setting runs on the same seeds (the same market paths and agent draws), so differences between settings are paired, not noise between independent samples.`,
    `- Protocol loss of a run = uncovered bad debt + the net fall of the insurance fund over the run, summed over the venues (perpetuals, options, lending pool with its reserves as the fund, cross-margin). Objective: ${r.objective} over the seeds of each setting (definitions: docs/sweeps.md, Statistics).`,
    `- Budget: ${budgetText(r, rec)}.`,
    `- Selection: ${r.selection}`,
    '',
    '## Assumptions',
    '',
    `- The base scenario \`${rp.scenarioFile}\` (with the sweep's overrides) stands for the stress considered: its market path model, shocks, book and agents are assumptions, not forecasts.`,
    '- Parameters not swept stay at their values in the base scenario.',
    `- Capital efficiency is measured as the leverage the venue allows (1 / initial margin) and the peak open interest it carried; liquidations as their count and notional per run.`,
    '',
    '## Risks',
    '',
    `- Monte Carlo error: ${rp.seeds.length} seeds per setting. Tail statistics rest on the few worst runs; rerun with more seeds to tighten them.`,
    '- Model risk: liquidity, slippage and trader behaviour in a real crash may differ from the model; a setting near the budget may exceed it in practice.',
    '- A stricter setting raises the cost of leverage and may move flow elsewhere; the simulation holds demand fixed.',
    ...r.notes.map((n) => `- ${n}`),
    '',
    '## Reproduce',
    '',
    '```sh',
    `# bulwark ${rp.version}`,
    `bulwark sweep ${rp.sweepFile} --out ${rp.resultsDir}`,
    `bulwark recommend ${rp.resultsDir} --sweep ${rp.sweepFile} --policy ${r.policy} --objective '${r.objective}' --budget ${r.budget.text}${r.parameters
      .filter((p) => p.maxStep)
      .map((p) => ` --max-step ${p.path}=${'abs' in p.maxStep! ? p.maxStep!.abs : `${Number((100 * p.maxStep!.rel).toPrecision(6))}%`}`)
      .join('')}`,
    '```',
    '',
    `- Sweep file \`${rp.sweepFile}\` sha256 \`${rp.sweepSha256}\``,
    `- Scenario file \`${rp.scenarioFile}\` sha256 \`${rp.scenarioSha256}\``,
    `- Sweep hash \`${rp.sweepHash}\` (equal hashes, equal runs); sweep seed ${rp.sweepSeed}; run seeds ${rp.seeds.slice(0, 8).join(', ')}${rp.seeds.length > 8 ? `, ... (${rp.seeds.length})` : ''}.`,
    '',
  );
  return lines.join('\n');
}

export function recommendationJson(r: Recommendation): string {
  return `${JSON.stringify(r, (_, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2)}\n`;
}
