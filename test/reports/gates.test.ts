// Gate expressions: parsing (with clear errors), evaluation against a group and its baseline, verdicts, gates files.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkGate, loadGatesFile, nodeText, parseGate, statsOf, type GateData, type StatCall } from '../../reports/gates.js';
import { METRIC_COLUMNS } from '../../reports/results-set.js';
import { InputError, formatError } from '../../sim/errors.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'bulwark-gates-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A group whose statistic `fn(level)(column)` is looked up in a table. */
function data(values: Record<string, number>, runs = 10, failed = 0): GateData {
  return {
    runs,
    failed,
    stat: (c: StatCall) => {
      const k = `${c.fn}${c.level !== undefined ? c.level : ''}(${c.column})`;
      if (!(k in values)) throw new Error(`test asked for ${k}`);
      return values[k];
    },
  };
}

function parse(text: string) {
  return parseGate(text, METRIC_COLUMNS);
}

function parseError(text: string): string {
  try {
    parse(text);
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    expect((e as InputError).data.code).toBe('gate.invalid');
    return formatError((e as InputError).data);
  }
  throw new Error(`'${text}' parsed`);
}

describe('parseGate', () => {
  it('reads statistics, arithmetic with precedence, comparisons and baseline', () => {
    const g = parse('p99(uncovered_bad_debt) > 1.05 * baseline + 1e3');
    expect(g.op).toBe('>');
    expect(g.usesBaseline).toBe(true);
    expect(g.left).toEqual({ type: 'stat', fn: 'p', level: 0.99, column: 'uncovered_bad_debt' });
    expect(nodeText(g.right)).toBe('1.05 * baseline + 1000');
    expect(g.right).toMatchObject({ type: 'bin', op: '+', left: { type: 'bin', op: '*' } });
    expect(statsOf(parse('mean(bad_debt) - cvar99(protocol_loss) >= 2 * (evar99(protocol_loss) / 3)').left)).toHaveLength(2);
    expect(parse('es97.5(protocol_loss) <= 0').left).toEqual({ type: 'stat', fn: 'cvar', level: 0.975, column: 'protocol_loss' });
    // the compare table's P(insolvent): uncovered bad debt in some venue
    expect(parse('prob_insolvency > 0.1').left).toEqual({ type: 'stat', fn: 'prob', column: 'total_uncovered_bad_debt' });
    expect(parse('failed() > 0').left).toEqual({ type: 'count', what: 'failed' });
    expect(parse('failed != 0').usesBaseline).toBe(false);
    expect(parse('mean(protocol_loss) > baseline(mean(protocol_loss)) + baseline(std(protocol_loss))').usesBaseline).toBe(true);
  });

  it('every venue has columns: its own bad debt, uncovered and loss, and the totals over venues', () => {
    for (const c of ['cross_bad_debt', 'cross_uncovered_bad_debt', 'options_bad_debt', 'options_uncovered_bad_debt', 'lending_bad_debt', 'lending_uncovered_bad_debt', 'total_bad_debt', 'total_uncovered_bad_debt', 'total_insurance_fund_initial']) {
      expect(parse(`p99(${c}) > 0`).left, c).toEqual({ type: 'stat', fn: 'p', level: 0.99, column: c });
    }
    for (const v of ['perp', 'options', 'lending', 'cross']) expect(parse(`cvar99(${v}_protocol_loss) > 1e6`).left).toMatchObject({ fn: 'cvar', column: `${v}_protocol_loss` });
    expect(parse('mean(options_insurance_fund_initial) - mean(options_insurance_fund_final) > 0').left).toMatchObject({ type: 'bin', op: '-' });
    expect(parse('mean(lending_reserves_initial) > 0').left).toMatchObject({ column: 'lending_reserves_initial' });
    expect(parseError('p99(cros_bad_debt) > 0')).toContain("(did you mean 'cross_bad_debt'?)");
  });

  it('bad syntax: a message naming the problem, the gate with a caret, and the grammar', () => {
    expect(parseError('p99(uncovered_bad_debt) >> 1')).toContain("expected a number, 'baseline', a statistic such as p99(column), or '(', found '>'");
    const msg = parseError('p99(uncoverd_bad_debt) > baseline');
    expect(msg).toContain("unknown column 'uncoverd_bad_debt' (did you mean 'uncovered_bad_debt'?)");
    expect(msg).toContain('    p99(uncoverd_bad_debt) > baseline\n        ^');
    expect(parseError('pp99(bad_debt) > 1')).toContain("unknown statistic 'pp99' (did you mean 'p99'?)");
    expect(parseError('p99(bad_debt)')).toContain('expected a comparison (>= <= == != > <) after the left-hand side, found the end');
    expect(parseError('p99(bad_debt) > 1 2')).toContain("unexpected '2' after the gate");
    expect(parseError('mean(bad_debt > 1')).toContain("expected ')', found '>'");
    expect(parseError('baseline < p99(bad_debt)')).toContain("'baseline' on the left-hand side");
    expect(parseError('p100(bad_debt) > 1')).toContain("unknown statistic 'p100'");
    expect(parseError('mean(bad_debt) > 1 % 2')).toContain("unexpected character '%'");
    expect(parseError('bad_debt > 1')).toContain("unknown name 'bad_debt'; a statistic needs a column, e.g. mean(bad_debt)");
  });
});

describe('checkGate', () => {
  const g = parse('p99(uncovered_bad_debt) > 1.05 * baseline');
  it('fails when the comparison holds, with the values compared', () => {
    const cur = data({ 'p0.99(uncovered_bad_debt)': 110 });
    const base = data({ 'p0.99(uncovered_bad_debt)': 100 });
    expect(checkGate(g, cur, base)).toEqual({ verdict: 'fail', value: 110, limit: 1.05 * 100 });
    expect(checkGate(g, data({ 'p0.99(uncovered_bad_debt)': 104 }), base).verdict).toBe('pass');
  });

  it('a zero baseline: anything above zero fails, zero passes', () => {
    const base = data({ 'p0.99(uncovered_bad_debt)': 0 });
    expect(checkGate(g, data({ 'p0.99(uncovered_bad_debt)': 0 }), base).verdict).toBe('pass');
    expect(checkGate(g, data({ 'p0.99(uncovered_bad_debt)': 1 }), base).verdict).toBe('fail');
  });

  it('no baseline group: skipped; no successful runs: a failure (no-data)', () => {
    expect(checkGate(g, data({ 'p0.99(uncovered_bad_debt)': 1 }), null)).toMatchObject({ verdict: 'no-baseline' });
    const empty = data({ 'p0.99(uncovered_bad_debt)': NaN }, 10, 10);
    expect(checkGate(g, empty, data({ 'p0.99(uncovered_bad_debt)': 1 }))).toMatchObject({ verdict: 'no-data', reason: 'no successful runs' });
  });

  it('counts and explicit baseline expressions', () => {
    expect(checkGate(parse('failed > 0'), data({}, 10, 2), null)).toEqual({ verdict: 'fail', value: 2, limit: 0 });
    const h = parse('mean(bad_debt) > baseline(mean(bad_debt)) + 2 * baseline(std(bad_debt))');
    const base = data({ 'mean(bad_debt)': 100, 'std(bad_debt)': 10 });
    expect(checkGate(h, data({ 'mean(bad_debt)': 119 }), base)).toEqual({ verdict: 'pass', value: 119, limit: 120 });
    expect(checkGate(h, data({ 'mean(bad_debt)': 121 }), base).verdict).toBe('fail');
    expect(checkGate(parse('-mean(bad_debt) < -(50 + 50)'), data({ 'mean(bad_debt)': 101 }), null)).toEqual({ verdict: 'fail', value: -101, limit: -100 });
  });
});

describe('gates files', () => {
  it('reads expressions and entries with a name and policies', () => {
    const f = path.join(dir, 'gates.yaml');
    writeFileSync(f, "gates:\n  - 'p99(uncovered_bad_debt) > 1.05 * baseline'\n  - fail-if: mean(protocol_loss) > 1e6\n    name: loss budget\n    policy: pause\n");
    const gs = loadGatesFile(f, METRIC_COLUMNS);
    expect(gs).toHaveLength(2);
    expect(gs[0]).toMatchObject({ text: 'p99(uncovered_bad_debt) > 1.05 * baseline', usesBaseline: true });
    expect(gs[1]).toMatchObject({ name: 'loss budget', policies: ['pause'], usesBaseline: false });
  });

  it('a bad gate in a file names the file, its line and the entry', () => {
    const f = path.join(dir, 'bad.yaml');
    writeFileSync(f, 'gates:\n  - mean(bad_debt) > 1\n  - fail-if: mean(bad_det) > 1\n');
    try {
      loadGatesFile(f, METRIC_COLUMNS);
      throw new Error('no error');
    } catch (e) {
      expect(formatError((e as InputError).data)).toMatch(new RegExp(`${f.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:3:14 gates\\[1\\]: bad gate: unknown column 'bad_det' \\(did you mean 'bad_debt'\\?\\)`));
    }
    const g = path.join(dir, 'schema.yaml');
    writeFileSync(g, 'gate:\n  - mean(bad_debt) > 1\n');
    try {
      loadGatesFile(g, METRIC_COLUMNS);
      throw new Error('no error');
    } catch (e) {
      expect((e as InputError).data.code).toBe('gates.invalid');
      expect(formatError((e as InputError).data)).toContain("unknown key 'gate' (did you mean 'gates'?)");
    }
  });
});
