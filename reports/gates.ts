// CI gates: `--fail-if "p99(uncovered_bad_debt) > 1.05 * baseline"` parsed into a small expression tree and
// evaluated per group of runs (policy and parameter point), against the matching baseline group.
import { z } from 'zod';
import { closest } from '../sim/closest.js';
import { InputError, type ErrorData } from '../sim/errors.js';
import { issuesToErrors, readYamlFile } from '../sim/scenario.js';

/** A statistic over one column of a group's successful runs. */
export interface StatCall {
  type: 'stat';
  /** Normalised name: mean, median, min, max, sum, std, prob, p<q>, var<q>, cvar<q>, evar<q>. */
  fn: string;
  column: string;
  /** Quantile or level in [0, 1) for p/var/cvar/evar. */
  level?: number;
}

export type GateNode =
  | { type: 'num'; value: number }
  | StatCall
  | { type: 'count'; what: 'runs' | 'failed' }
  | { type: 'baseline'; expr: GateNode | null }
  | { type: 'neg'; arg: GateNode }
  | { type: 'bin'; op: '+' | '-' | '*' | '/'; left: GateNode; right: GateNode };

export type Comparison = '>' | '>=' | '<' | '<=' | '==' | '!=';

export interface Gate {
  /** The text as written (the gate's name in reports unless `name` is given). */
  text: string;
  name?: string;
  left: GateNode;
  op: Comparison;
  right: GateNode;
  /** Only these policies (all when absent). */
  policies?: string[];
  usesBaseline: boolean;
}

/** Where the gate text came from, for error messages. */
export interface GateSource {
  file?: string;
  location?: string;
  path?: string;
}

const COMPARISONS: readonly Comparison[] = ['>=', '<=', '==', '!=', '>', '<'];
const PLAIN_FNS = ['mean', 'median', 'min', 'max', 'sum', 'std', 'prob'] as const;
const LEVEL_FNS = ['p', 'var', 'cvar', 'es', 'evar'] as const;
/** Bare names that stand for a statistic. */
const ALIASES: Record<string, GateNode> = {
  /** The compare table's P(insolvent): uncovered bad debt in some venue. */
  prob_insolvency: { type: 'stat', fn: 'prob', column: 'total_uncovered_bad_debt' },
  runs: { type: 'count', what: 'runs' },
  failed: { type: 'count', what: 'failed' },
};

interface Token {
  kind: 'num' | 'id' | 'op' | 'end';
  text: string;
  pos: number;
}

function tokenize(src: string, fail: (pos: number, msg: string) => never): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const num = /^(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?/.exec(src.slice(i));
    if (num) {
      out.push({ kind: 'num', text: num[0], pos: i });
      i += num[0].length;
      continue;
    }
    const id = /^[A-Za-z_][A-Za-z0-9_]*(\.\d+)?/.exec(src.slice(i));
    if (id) {
      out.push({ kind: 'id', text: id[0], pos: i });
      i += id[0].length;
      continue;
    }
    const op = ['>=', '<=', '==', '!=', '>', '<', '+', '-', '*', '/', '(', ')'].find((o) => src.startsWith(o, i));
    if (op) {
      out.push({ kind: 'op', text: op, pos: i });
      i += op.length;
      continue;
    }
    fail(i, `unexpected character '${c}'`);
  }
  out.push({ kind: 'end', text: '', pos: src.length });
  return out;
}


/** `p99` -> { fn: 'p', level: 0.99 }; `cvar97.5` -> { fn: 'cvar', level: 0.975 }; `mean` -> { fn: 'mean' }. */
function statName(name: string): { fn: string; level?: number } | null {
  if ((PLAIN_FNS as readonly string[]).includes(name)) return { fn: name };
  const m = /^(p|var|cvar|es|evar)(\d+(\.\d+)?)$/.exec(name);
  if (!m) return null;
  const q = Number(m[2]);
  if (!(q > 0 && q < 100)) return null;
  return { fn: m[1] === 'es' ? 'cvar' : m[1], level: q / 100 };
}

export const STAT_HELP = 'mean, median, min, max, sum, std, prob (share > 0), p<q> (quantile, e.g. p99), var<q>, cvar<q> (or es<q>), evar<q>';

/**
 * Parses a gate: `<expression> <comparison> <expression>`; the gate FAILS when the comparison is true.
 * Expressions: numbers, + - * / and parentheses, statistics `fn(column)`, `runs`, `failed`, `prob_insolvency`, and
 * `baseline` (the left-hand side evaluated on the baseline group) or `baseline(expression)`.
 */
export function parseGate(text: string, columns: readonly string[], source: GateSource = {}): Gate {
  const fail = (pos: number, msg: string): never => {
    const caret = `${' '.repeat(pos)}^`;
    throw new InputError({
      code: 'gate.invalid',
      ...(source.file ? { file: source.file } : {}),
      ...(source.location ? { location: source.location } : {}),
      ...(source.path ? { path: source.path } : {}),
      message: `bad gate: ${msg}\n    ${text}\n    ${caret}\n  a gate is '<expression> <comparison> <expression>', e.g. 'p99(uncovered_bad_debt) > 1.05 * baseline'; statistics: ${STAT_HELP}`,
    });
  };
  const toks = tokenize(text, fail);
  let k = 0;
  let usesBaseline = false;
  const peek = () => toks[k];
  const next = () => toks[k++];
  const expectOp = (op: string) => {
    const t = next();
    if (t.kind !== 'op' || t.text !== op) fail(t.pos, `expected '${op}', found ${t.kind === 'end' ? 'the end' : `'${t.text}'`}`);
  };

  const primary = (): GateNode => {
    const t = next();
    if (t.kind === 'num') return { type: 'num', value: Number(t.text) };
    if (t.kind === 'op' && t.text === '(') {
      const e = expr();
      expectOp(')');
      return e;
    }
    if (t.kind === 'op' && t.text === '-') return { type: 'neg', arg: primary() };
    if (t.kind !== 'id') fail(t.pos, `expected a number, 'baseline', a statistic such as p99(column), or '(', found ${t.kind === 'end' ? 'the end' : `'${t.text}'`}`);
    const call = peek().kind === 'op' && peek().text === '(';
    if (t.text === 'baseline') {
      usesBaseline = true;
      if (!call) return { type: 'baseline', expr: null };
      next();
      const e = expr();
      expectOp(')');
      return { type: 'baseline', expr: e };
    }
    if (!call) {
      const alias = ALIASES[t.text];
      if (alias) return alias;
      const hint = closest(t.text, [...Object.keys(ALIASES), 'baseline']);
      return fail(t.pos, `unknown name '${t.text}'${hint ? ` (did you mean '${hint}'?)` : ''}; a statistic needs a column, e.g. mean(${t.text})`);
    }
    next(); // (
    const alias = ALIASES[t.text];
    if (alias && alias.type === 'count') {
      expectOp(')');
      return alias;
    }
    const stat = statName(t.text);
    if (!stat) {
      const hint = closest(t.text, [...PLAIN_FNS, 'p95', 'p99', 'var95', 'cvar99', 'evar99']);
      fail(t.pos, `unknown statistic '${t.text}'${hint ? ` (did you mean '${hint}'?)` : ''}`);
    }
    const c = next();
    if (c.kind !== 'id') fail(c.pos, `expected a column name inside ${t.text}(...)`);
    if (!columns.includes(c.text)) {
      const hint = closest(c.text, columns);
      fail(c.pos, `unknown column '${c.text}'${hint ? ` (did you mean '${hint}'?)` : ''}; columns: ${columns.join(', ')}`);
    }
    expectOp(')');
    return { type: 'stat', fn: stat!.fn, column: c.text, ...(stat!.level !== undefined ? { level: stat!.level } : {}) };
  };
  const unary = (): GateNode => {
    if (peek().kind === 'op' && peek().text === '-') {
      next();
      return { type: 'neg', arg: unary() };
    }
    return primary();
  };
  const term = (): GateNode => {
    let left = unary();
    while (peek().kind === 'op' && (peek().text === '*' || peek().text === '/')) {
      const op = next().text as '*' | '/';
      left = { type: 'bin', op, left, right: unary() };
    }
    return left;
  };
  const expr = (): GateNode => {
    let left = term();
    while (peek().kind === 'op' && (peek().text === '+' || peek().text === '-')) {
      const op = next().text as '+' | '-';
      left = { type: 'bin', op, left, right: term() };
    }
    return left;
  };

  const left = expr();
  const c = next();
  if (c.kind !== 'op' || !(COMPARISONS as readonly string[]).includes(c.text)) {
    fail(c.pos, `expected a comparison (${COMPARISONS.join(' ')}) after the left-hand side, found ${c.kind === 'end' ? 'the end' : `'${c.text}'`}`);
  }
  const right = expr();
  const end = next();
  if (end.kind !== 'end') fail(end.pos, `unexpected '${end.text}' after the gate`);
  if (containsBareBaseline(left)) fail(text.indexOf('baseline'), "'baseline' on the left-hand side: it stands for the left-hand side on the baseline; write baseline(expression) there");
  return { text: text.trim(), left, op: c.text as Comparison, right, usesBaseline };
}

function containsBareBaseline(n: GateNode): boolean {
  switch (n.type) {
    case 'baseline':
      return n.expr === null;
    case 'neg':
      return containsBareBaseline(n.arg);
    case 'bin':
      return containsBareBaseline(n.left) || containsBareBaseline(n.right);
    default:
      return false;
  }
}

/** Every statistic a node uses (to report their values). */
export function statsOf(n: GateNode, out: StatCall[] = []): StatCall[] {
  switch (n.type) {
    case 'stat':
      out.push(n);
      break;
    case 'neg':
      statsOf(n.arg, out);
      break;
    case 'bin':
      statsOf(n.left, out);
      statsOf(n.right, out);
      break;
    case 'baseline':
      if (n.expr) statsOf(n.expr, out);
      break;
  }
  return out;
}

/** The source text of a node (for messages), in the gate syntax. */
export function nodeText(n: GateNode): string {
  switch (n.type) {
    case 'num':
      return String(n.value);
    case 'stat': {
      const name = n.level === undefined ? n.fn : `${n.fn}${+(n.level * 100).toFixed(6)}`;
      return `${name}(${n.column})`;
    }
    case 'count':
      return n.what;
    case 'baseline':
      return n.expr ? `baseline(${nodeText(n.expr)})` : 'baseline';
    case 'neg':
      return `-${nodeText(n.arg)}`;
    case 'bin':
      return `${nodeText(n.left)} ${n.op} ${nodeText(n.right)}`;
  }
}

/** Statistic values of one group of runs (and its count of runs and failures). */
export interface GateData {
  stat(call: StatCall): number;
  runs: number;
  failed: number;
}

/** Evaluates a node on a group; `baseline` is null when the group has no baseline. Returns NaN if it cannot. */
export function evaluate(n: GateNode, cur: GateData, base: GateData | null, lhs: GateNode): number {
  switch (n.type) {
    case 'num':
      return n.value;
    case 'stat':
      return cur.stat(n);
    case 'count':
      return n.what === 'runs' ? cur.runs : cur.failed;
    case 'baseline':
      return base === null ? NaN : evaluate(n.expr ?? lhs, base, null, lhs);
    case 'neg':
      return -evaluate(n.arg, cur, base, lhs);
    case 'bin': {
      const a = evaluate(n.left, cur, base, lhs);
      const b = evaluate(n.right, cur, base, lhs);
      return n.op === '+' ? a + b : n.op === '-' ? a - b : n.op === '*' ? a * b : a / b;
    }
  }
}

export function compare(a: number, op: Comparison, b: number): boolean {
  switch (op) {
    case '>':
      return a > b;
    case '>=':
      return a >= b;
    case '<':
      return a < b;
    case '<=':
      return a <= b;
    case '==':
      return a === b;
    case '!=':
      return a !== b;
  }
}

export type Verdict = 'pass' | 'fail' | 'no-baseline' | 'no-data';

export interface GateCheck {
  verdict: Verdict;
  /** Left- and right-hand side values (NaN when they could not be evaluated). */
  value: number;
  limit: number;
  reason?: string;
}

/**
 * Checks a gate on one group. `fail`: the comparison holds. `no-data`: the group has no successful run, or a side is
 * not a number: counted as a failure (a gate that cannot be evaluated must not pass silently). `no-baseline`: the
 * gate needs a baseline and this group has none (reported, not a failure).
 */
export function checkGate(g: Gate, cur: GateData, base: GateData | null): GateCheck {
  if (g.usesBaseline && base === null) return { verdict: 'no-baseline', value: NaN, limit: NaN, reason: 'no matching group in the baseline' };
  const value = evaluate(g.left, cur, base, g.left);
  const limit = evaluate(g.right, cur, base, g.left);
  if (Number.isNaN(value) || Number.isNaN(limit)) {
    const why = cur.runs - cur.failed === 0 ? 'no successful runs' : base && base.runs - base.failed === 0 ? 'no successful runs in the baseline' : 'a side is not a number';
    return { verdict: 'no-data', value, limit, reason: why };
  }
  return { verdict: compare(value, g.op, limit) ? 'fail' : 'pass', value, limit };
}

const GateEntry = z.union([
  z.string().min(1),
  z
    .object({
      'fail-if': z.string().min(1),
      /** Name shown in reports and JUnit (default: the expression). */
      name: z.string().min(1).optional(),
      /** Only check these policies. */
      policy: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).optional(),
    })
    .strict(),
]);
const GatesFileSchema = z.object({ gates: z.array(GateEntry).min(1) }).strict();

/** Reads a gates file (YAML/JSON): `gates:` a list of expressions, or of `{ fail-if, name?, policy? }`. */
export function loadGatesFile(file: string, columns: readonly string[]): Gate[] {
  const { input, locate } = readYamlFile(file, 'gates');
  const r = GatesFileSchema.safeParse(input);
  if (!r.success) {
    const details: ErrorData[] = issuesToErrors(r.error.issues, input, GatesFileSchema, file, locate).map((d) => ({ ...d, code: 'gates.invalid' }));
    throw new InputError({ code: 'gates.invalid', file, message: `${file} is not a valid gates file (${details.length} problem${details.length > 1 ? 's' : ''})`, details });
  }
  return r.data.gates.map((e, i) => {
    const text = typeof e === 'string' ? e : e['fail-if'];
    const at = typeof e === 'string' ? ['gates', i] : ['gates', i, 'fail-if'];
    const location = locate(at);
    const g = parseGate(text, columns, { file, path: `gates[${i}]`, ...(location ? { location } : {}) });
    if (typeof e !== 'string') {
      if (e.name) g.name = e.name;
      if (e.policy) g.policies = typeof e.policy === 'string' ? [e.policy] : e.policy;
    }
    return g;
  });
}
