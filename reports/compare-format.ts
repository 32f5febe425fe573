// Renderings of a comparison: terminal table, pull-request markdown, CSV, JSON and JUnit XML.
import { activeVenues, METRICS, notApplicableNotes, TABLE_METRICS, VENUE_LABELS, VENUE_METRICS, type Change, type CompareReport, type Format, type GateResult, type GroupReport, type Paired } from './compare.js';
import { pointLabel, type ResultSet } from './results-set.js';
import { int, renderTable, usd } from './table.js';

export type OutputFormat = 'table' | 'markdown' | 'json' | 'csv';

const metric = (id: string) => METRICS.find((m) => m.id === id)!;

export function formatValue(v: number, f: Format): string {
  if (!Number.isFinite(v)) return Number.isNaN(v) ? 'n/a' : v > 0 ? 'inf' : '-inf';
  switch (f) {
    case 'usd':
      return usd(v);
    case 'pct':
      return `${(v * 100).toFixed(1)}%`;
    case 'count':
      return int(v);
    case 'x':
      return v.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  }
}

function signed(v: number, f: Format): string {
  const s = formatValue(v, f);
  return v > 0 && Number.isFinite(v) ? `+${s}` : s;
}

function relText(r: number): string {
  if (r === 0) return '0.0%';
  if (!Number.isFinite(r)) return r > 0 ? '+inf%' : '-inf%';
  return `${r > 0 ? '+' : ''}${(r * 100).toFixed(1)}%`;
}

function setLine(s: ResultSet): string {
  const what = s.kind === 'sweep' ? `sweep '${s.sweep}' of scenario '${s.scenario}'` : `scenario '${s.scenario}'`;
  return `${s.dir} (${what}, ${int(s.runs)} runs)`;
}

function verdictText(r: GateResult): string {
  switch (r.check.verdict) {
    case 'pass':
      return 'pass';
    case 'fail':
      return 'FAIL';
    case 'no-data':
      return 'FAIL (no data)';
    case 'no-baseline':
      return 'skipped';
  }
}

function gateName(r: GateResult): string {
  return r.gate.name ?? r.gate.text;
}

/** The left-hand side's value, or why there is none. */
function gateValue(r: GateResult): string {
  if (r.check.verdict === 'no-baseline' || (r.check.verdict === 'no-data' && Number.isNaN(r.check.value))) return r.check.reason ?? 'n/a';
  return formatValue(r.check.value, 'x');
}

/** The right-hand side: the gate fails when `value <op> limit`. */
function gateLimit(r: GateResult): string {
  if (r.check.verdict === 'no-baseline' || Number.isNaN(r.check.limit)) return '';
  return `fails if ${r.gate.op} ${formatValue(r.check.limit, 'x')}`;
}

/** `1,426,442.94 > 245,208.93` for messages. */
function gateValues(r: GateResult): string {
  if (r.check.verdict === 'no-baseline' || r.check.verdict === 'no-data') return r.check.reason ?? '';
  return `${formatValue(r.check.value, 'x')} ${r.gate.op} ${formatValue(r.check.limit, 'x')}`;
}

function sortedGates(rep: CompareReport): GateResult[] {
  const rank = (r: GateResult) => (r.check.verdict === 'fail' || r.check.verdict === 'no-data' ? 0 : r.check.verdict === 'no-baseline' ? 2 : 1);
  return rep.gates.map((r, i) => ({ r, i })).sort((a, b) => rank(a.r) - rank(b.r) || a.i - b.i).map((x) => x.r);
}

function gateSummary(rep: CompareReport): string {
  const n = rep.gates.length;
  if (n === 0) return 'no gates';
  const skipped = rep.gates.filter((r) => r.check.verdict === 'no-baseline').length;
  const tail = skipped > 0 ? ` (${skipped} skipped: no baseline group)` : '';
  return rep.failures > 0 ? `${rep.failures} of ${n} gate checks failed${tail}` : `all ${n - skipped} gate checks passed${tail}`;
}

/** Changes that are not zero, sorted by size (largest relative change first). */
function sortedChanges(rep: CompareReport): Change[] {
  const size = (c: Change) => (Number.isFinite(c.relative) ? Math.abs(c.relative) : Number.isNaN(c.relative) ? -1 : Number.MAX_VALUE);
  return rep.changes
    .filter((c) => c.change !== 0)
    .map((c, i) => ({ c, i }))
    .sort((a, b) => size(b.c) - size(a.c) || a.i - b.i)
    .map((x) => x.c);
}

function unchangedNote(rep: CompareReport): string {
  const same = rep.changes.filter((c) => c.change === 0).length;
  return same > 0 ? `${same} statistic${same > 1 ? 's' : ''} unchanged (not listed).` : '';
}

/**
 * The by-venue breakdown (mean bad debt and mean protocol loss per run, of the venues that have any), when a venue
 * other than the perpetuals has some: the headline statistics sum the venues, this says where the loss is.
 */
function venueColumns(groups: readonly GroupReport[]): { header: string; id: string }[] {
  const venues = activeVenues(groups);
  if (!venues.some((v) => v !== 'perp')) return [];
  return venues.flatMap((v) => [
    { header: `${VENUE_LABELS[v]} bad debt`, id: VENUE_METRICS[v][0] },
    { header: `${VENUE_LABELS[v]} loss`, id: VENUE_METRICS[v][1] },
  ]);
}

const VENUE_NOTE = 'bad debt, uncovered, loss and P(insolvent) above are over every venue, LaR95 and slippage over the venues that record them; by venue (mean per run):';

function ci(p: Paired): string {
  return `[${formatValue(p.low, 'usd')}, ${formatValue(p.high, 'usd')}]`;
}

// ---- terminal ----

export function renderText(rep: CompareReport): string {
  const out: string[] = [];
  out.push(`results: ${rep.sets.map(setLine).join('; ')}`);
  if (rep.baselineSets) out.push(`baseline: ${rep.baselineSets.map(setLine).join('; ')}`);
  out.push('');
  out.push(
    renderTable(rep.groups, [
      { header: 'group', value: (g) => g.label, align: 'left' },
      ...TABLE_METRICS.map((id) => ({ header: metric(id).label, value: (g: (typeof rep.groups)[number]) => formatValue(g.values[id], metric(id).format) })),
    ]),
  );
  const na = notApplicableNotes(rep.groups, TABLE_METRICS);
  if (na.length > 0) out.push('', ...na);
  const venues = venueColumns(rep.groups);
  if (venues.length > 0) {
    out.push('', VENUE_NOTE, '');
    out.push(
      renderTable(rep.groups, [
        { header: 'group', value: (g) => g.label, align: 'left' },
        ...venues.map((c) => ({ header: c.header, value: (g: (typeof rep.groups)[number]) => formatValue(g.values[c.id], 'usd') })),
      ]),
    );
  }
  if (rep.paired.length > 0) {
    out.push('', 'paired differences against the first policy on the same seeds (mean, 95% bootstrap interval):', '');
    out.push(pairedTable(rep.paired));
  }
  if (rep.baseline) {
    out.push('', 'changes against the baseline:', '');
    const changed = sortedChanges(rep);
    out.push(
      rep.changes.length === 0
        ? '  (no group of the results matches one of the baseline)'
        : changed.length === 0
          ? '  (no statistic changed)'
          : renderTable(changed, [
            { header: 'group', value: (c) => c.label, align: 'left' },
            { header: 'statistic', value: (c) => c.metric, align: 'left' },
            { header: 'baseline', value: (c) => formatValue(c.baseline, c.format) },
            { header: 'current', value: (c) => formatValue(c.current, c.format) },
            { header: 'change', value: (c) => signed(c.change, c.format) },
            { header: '%', value: (c) => relText(c.relative) },
          ]),
    );
    if (changed.length > 0 && unchangedNote(rep)) out.push(unchangedNote(rep));
    if (rep.pairedBaseline.length > 0) {
      out.push('', 'paired differences current - baseline on common seeds:', '');
      out.push(pairedTable(rep.pairedBaseline));
    }
  }
  if (rep.gates.length > 0) {
    out.push('', `gates: ${gateSummary(rep)}`, '');
    out.push(
      renderTable(sortedGates(rep), [
        { header: 'verdict', value: verdictText, align: 'left' },
        { header: 'gate', value: gateName, align: 'left' },
        { header: 'group', value: (r) => r.label, align: 'left' },
        { header: 'value', value: gateValue },
        { header: 'limit', value: gateLimit, align: 'left' },
      ]),
    );
  }
  return out.join('\n');
}

function pairedTable(ps: readonly Paired[]): string {
  return renderTable(ps, [
    { header: 'group', value: (p) => p.label, align: 'left' },
    { header: 'minus', value: (p) => p.against, align: 'left' },
    { header: 'column', value: (p) => p.column, align: 'left' },
    { header: 'mean diff.', value: (p) => signed(p.mean, 'usd') },
    { header: '95% interval', value: ci },
    { header: 'pairs', value: (p) => int(p.pairs) },
  ]);
}

// ---- markdown ----

function mdCell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function mdTable(headers: readonly string[], rows: readonly string[][], align: readonly ('l' | 'r')[]): string {
  const head = `| ${headers.map(mdCell).join(' | ')} |`;
  const sep = `|${align.map((a) => (a === 'r' ? '---:' : ':---')).join('|')}|`;
  return [head, sep, ...rows.map((r) => `| ${r.map(mdCell).join(' | ')} |`)].join('\n');
}

const MD_ROWS = 60;

/** Markdown for a pull-request comment: verdict first, then the gates, the changes, and the full statistics. */
export function renderMarkdown(rep: CompareReport): string {
  const out: string[] = [];
  const verdict = rep.gates.length === 0 ? '' : rep.failures > 0 ? ' :x: ' : ' :white_check_mark: ';
  out.push(`### bulwark compare:${verdict}${gateSummary(rep)}`, '');
  out.push(`- results: ${rep.sets.map((s) => `\`${setLine(s)}\``).join(', ')}`);
  if (rep.baselineSets) out.push(`- baseline: ${rep.baselineSets.map((s) => `\`${setLine(s)}\``).join(', ')}`);
  out.push('');
  if (rep.gates.length > 0) {
    out.push('#### Gates', '');
    const rows = sortedGates(rep).map((r) => [
      r.check.verdict === 'fail' || r.check.verdict === 'no-data' ? `:x: **${verdictText(r)}**` : r.check.verdict === 'pass' ? ':white_check_mark: pass' : 'skipped',
      `\`${gateName(r)}\``,
      r.label,
      gateValue(r),
      gateLimit(r),
    ]);
    out.push(mdTable(['verdict', 'gate', 'group', 'value', 'limit'], rows.slice(0, MD_ROWS), ['l', 'l', 'l', 'r', 'l']));
    if (rows.length > MD_ROWS) out.push('', `... and ${rows.length - MD_ROWS} more checks (all passing or skipped; see --format json).`);
    out.push('');
  }
  if (rep.baseline) {
    out.push('#### Changes against the baseline', '');
    const changed = sortedChanges(rep);
    if (rep.changes.length === 0) out.push('No group of the results matches one of the baseline.');
    else if (changed.length === 0) out.push('No statistic changed.');
    else {
      const rows = changed.map((c) => [c.label, `\`${c.metric}\``, formatValue(c.baseline, c.format), formatValue(c.current, c.format), signed(c.change, c.format), relText(c.relative)]);
      out.push(mdTable(['group', 'statistic', 'baseline', 'current', 'change', '%'], rows.slice(0, MD_ROWS), ['l', 'l', 'r', 'r', 'r', 'r']));
      if (rows.length > MD_ROWS) out.push('', `... and ${rows.length - MD_ROWS} smaller changes (see --format csv or json).`);
      if (unchangedNote(rep)) out.push('', unchangedNote(rep));
    }
    if (rep.pairedBaseline.length > 0) {
      out.push('', 'Paired differences current - baseline on common seeds (mean, 95% bootstrap interval):', '');
      out.push(mdPaired(rep.pairedBaseline));
    }
    out.push('');
  }
  out.push('<details><summary>Statistics per group</summary>', '');
  out.push(
    mdTable(
      ['group', ...TABLE_METRICS.map((id) => metric(id).label)],
      rep.groups.map((g) => [g.label, ...TABLE_METRICS.map((id) => formatValue(g.values[id], metric(id).format))]),
      ['l', ...TABLE_METRICS.map(() => 'r' as const)],
    ),
  );
  const na = notApplicableNotes(rep.groups, TABLE_METRICS);
  for (const n of na) out.push('', `${n[0].toUpperCase()}${n.slice(1)}`);
  const venues = venueColumns(rep.groups);
  if (venues.length > 0) {
    out.push('', `${VENUE_NOTE[0].toUpperCase()}${VENUE_NOTE.slice(1)}`, '');
    out.push(
      mdTable(
        ['group', ...venues.map((c) => c.header)],
        rep.groups.map((g) => [g.label, ...venues.map((c) => formatValue(g.values[c.id], 'usd'))]),
        ['l', ...venues.map(() => 'r' as const)],
      ),
    );
  }
  if (rep.paired.length > 0) {
    out.push('', 'Paired differences against the first policy on the same seeds (mean, 95% bootstrap interval):', '');
    out.push(mdPaired(rep.paired));
  }
  out.push(
    '',
    "Bad debt, uncovered bad debt, protocol loss and P(insolvent) are summed over the venues (perpetuals, options, lending, cross-margin); LaR95 (the 95th percentile of liquidated notional, for the lending pool debt liquidated) over perpetuals, lending and cross, liquidation slippage over perpetuals and cross; max OI and leverage are the perpetuals venue's; n/a where a statistic measures nothing. Protocol loss = uncovered bad debt + net insurance-fund drawdown, per venue (lending: the reserves' net fall, a deficit below zero counting as uncovered); VaR, CVaR and EVaR as defined in bulwark docs/sweeps.md.",
    '',
    '</details>',
  );
  return out.join('\n');
}

function mdPaired(ps: readonly Paired[]): string {
  return mdTable(
    ['group', 'minus', 'column', 'mean diff.', '95% interval', 'pairs'],
    ps.slice(0, MD_ROWS).map((p) => [p.label, p.against, p.column, signed(p.mean, 'usd'), ci(p), int(p.pairs)]),
    ['l', 'l', 'l', 'r', 'r', 'r'],
  );
}

// ---- CSV ----

function csvCell(v: string | number): string {
  const s = typeof v === 'number' ? (Number.isFinite(v) ? String(v) : Number.isNaN(v) ? '' : v > 0 ? 'inf' : '-inf') : v;
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** One row per group: identity columns, every statistic, and with a baseline `<statistic>_baseline`. */
export function renderCsv(rep: CompareReport): string {
  const base = new Map((rep.baseline ?? []).map((b) => [b.group.key, b]));
  const ids = METRICS.map((m) => m.id);
  const headers = ['source', 'sweep', 'scenario', 'policy', 'point', ...ids, ...(rep.baseline ? ids.map((id) => `${id}_baseline`) : [])];
  const lines = [headers.join(',')];
  for (const g of rep.groups) {
    const b = base.get(g.group.key);
    const cells: (string | number)[] = [g.group.source, g.group.sweep, g.group.scenario, g.group.policy, pointLabel(g.group.point), ...ids.map((id) => g.values[id])];
    if (rep.baseline) cells.push(...ids.map((id) => (b ? b.values[id] : NaN)));
    lines.push(cells.map(csvCell).join(','));
  }
  return lines.join('\n');
}

// ---- JSON ----

function setJson(s: ResultSet) {
  return { file: s.file, kind: s.kind, sweep: s.sweep || null, scenario: s.scenario, runs: s.runs, policies: s.policies, parameters: s.parameters };
}

function num(v: number): number | string | null {
  return Number.isFinite(v) ? v : Number.isNaN(v) ? null : v > 0 ? 'inf' : '-inf';
}

export function renderJson(rep: CompareReport): string {
  const groups = (gs: CompareReport['groups']) =>
    gs.map((g) => ({
      label: g.label,
      source: g.group.source,
      sweep: g.group.sweep || null,
      scenario: g.group.scenario,
      policy: g.group.policy,
      point: g.group.point,
      stats: Object.fromEntries(METRICS.map((m) => [m.id, num(g.values[m.id])])),
    }));
  const paired = (ps: readonly Paired[]) => ps.map((p) => ({ ...p, mean: num(p.mean), low: num(p.low), high: num(p.high) }));
  const doc = {
    results: rep.sets.map(setJson),
    baseline: rep.baselineSets ? rep.baselineSets.map(setJson) : null,
    statistics: Object.fromEntries(METRICS.map((m) => [m.id, m.expr])),
    groups: groups(rep.groups),
    baseline_groups: rep.baseline ? groups(rep.baseline) : null,
    changes: rep.changes.map((c) => ({ group: c.label, statistic: c.metric, baseline: num(c.baseline), current: num(c.current), change: num(c.change), relative: num(c.relative) })),
    paired: paired(rep.paired),
    paired_baseline: paired(rep.pairedBaseline),
    gates: rep.gates.map((r) => ({ gate: r.gate.text, name: r.gate.name ?? null, group: r.label, policy: r.policy, verdict: r.check.verdict, value: num(r.check.value), limit: num(r.check.limit), reason: r.check.reason ?? null })),
    failures: rep.failures,
    passed: rep.failures === 0,
  };
  return JSON.stringify(doc, null, 2);
}

// ---- JUnit ----

function xml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** JUnit XML: one test case per (gate, group); a failed check is a <failure>, a check without baseline <skipped/>. */
export function renderJunit(rep: CompareReport): string {
  const n = rep.gates.length;
  const skipped = rep.gates.filter((r) => r.check.verdict === 'no-baseline').length;
  const lines = ['<?xml version="1.0" encoding="UTF-8"?>'];
  lines.push(`<testsuites name="bulwark compare" tests="${n}" failures="${rep.failures}" skipped="${skipped}">`);
  lines.push(`  <testsuite name="bulwark gates" tests="${n}" failures="${rep.failures}" skipped="${skipped}">`);
  for (const r of rep.gates) {
    lines.push(`    <testcase classname="${xml(`bulwark.${r.label}`)}" name="${xml(gateName(r))}">`);
    if (r.check.verdict === 'fail' || r.check.verdict === 'no-data') {
      const msg = r.check.verdict === 'fail' ? `${r.gate.text}: ${gateValues(r)}` : `${r.gate.text}: ${r.check.reason}`;
      lines.push(`      <failure message="${xml(msg)}" type="gate">${xml(`${msg}\ngroup: ${r.label}`)}</failure>`);
    } else if (r.check.verdict === 'no-baseline') {
      lines.push(`      <skipped message="${xml(r.check.reason ?? 'no baseline')}"/>`);
    }
    lines.push('    </testcase>');
  }
  lines.push('  </testsuite>', '</testsuites>', '');
  return lines.join('\n');
}

export function render(rep: CompareReport, format: OutputFormat): string {
  switch (format) {
    case 'table':
      return renderText(rep);
    case 'markdown':
      return renderMarkdown(rep);
    case 'json':
      return renderJson(rep);
    case 'csv':
      return renderCsv(rep);
  }
}
