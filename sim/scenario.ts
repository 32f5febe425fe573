// Scenario files: the zod schema, YAML/JSON loading, and errors that name the file, line, path, expectation and value.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { LineCounter, parseDocument, isNode } from 'yaml';
import { z } from 'zod';
import { checkAgents } from '../agents/checks.js';
import { agentSchema } from '../agents/registry.js';
import { closest } from './closest.js';
import { InputError, type ErrorData } from './errors.js';
import { LENDING_AGENT_KINDS, LendingSchema } from './lending/config.js';
import { MarketSchema } from './market.js';
import { AmmSchema, checkModels, NetworkSchema } from './models.js';
import { checkOptions, OptionsSchema } from './options/config.js';
import { checkCross, CrossSchema } from './cross/config.js';
import { OracleSchema } from './oracle.js';
import { getPath } from './scenario-path.js';
import { defenseSchema } from './policies/registry.js';
import { defenseName } from './policy-stack.js';
import { VenueSchema } from './venue-config.js';

export function scenarioSchema() {
  return z
    .object({
      name: z.string().min(1),
      description: z.string().optional(),
      /** Default seed of `bulwark run`. */
      seed: z.number().int().min(0).max(2_147_483_647).default(1),
      steps: z.number().int().min(1).max(100_000_000),
      /** Length of one step in seconds (60 = one-minute steps). */
      stepSeconds: z.number().positive().default(60),
      market: MarketSchema.default({ initialPrice: 2000, process: { kind: 'gbm', sigma: 0.8, drift: 0 }, shocks: [] }),
      oracle: OracleSchema,
      /** A constant-product AMM pool (docs/models.md); none by default. */
      amm: AmmSchema.optional(),
      /** The chain: block time and capacity, gas, congestion episodes (docs/models.md); none by default. */
      network: NetworkSchema.optional(),
      venue: VenueSchema.default(VenueSchema.parse({})),
      /** An options venue on the venue asset: European series, Greeks, standard or portfolio margin (sim/options/); none by default. */
      options: OptionsSchema.optional(),
      /** An Aave v3-style (or Compound v3 `absorb`) lending pool on the venue asset (docs/lending.md); none by default. */
      lending: LendingSchema.optional(),
      /** A cross-margin venue: perpetual markets on several assets, one balance, multi-asset collateral with haircuts (docs/cross-margin.md); none by default. */
      cross: CrossSchema.optional(),
      agents: z.array(agentSchema()).min(1),
      /** The defense stack, in order. Entries are named by `name` or else by `kind`. */
      defenses: z.array(defenseSchema()).default([]),
      /** Policies `bulwark run` compares by default: `none`, `all`, a defense name, or names joined with `+`. */
      compare: z.array(z.string().min(1)).min(1).default(['none', 'all']),
    })
    .strict();
}
export type Scenario = z.infer<ReturnType<typeof scenarioSchema>>;

/** A validated scenario with where it came from. */
export interface LoadedScenario {
  scenario: Scenario;
  file: string;
  baseDir: string;
  /** sha256 of the canonical JSON of the validated scenario: equal hashes, equal runs. */
  hash: string;
}

/** `a.b[1].c` from a zod path. */
export function formatPath(p: readonly PropertyKey[]): string {
  let out = '';
  for (const k of p) {
    if (typeof k === 'number') out += `[${k}]`;
    else out += out === '' ? String(k) : `.${String(k)}`;
  }
  return out;
}


function describe(v: unknown): string {
  if (v === undefined) return 'nothing';
  const s = JSON.stringify(v);
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}


/** Keys a strict zod object at `p` accepts, for "did you mean" hints. */
function keysAt(schema: z.ZodType, input: unknown, p: readonly PropertyKey[]): string[] {
  let s: any = schema;
  let v: any = input;
  const unwrap = (x: any): any => {
    for (;;) {
      const def = x?._zod?.def;
      if (!def) return x;
      if (def.type === 'default' || def.type === 'optional' || def.type === 'nullable' || def.type === 'prefault') x = def.innerType;
      else if (def.type === 'pipe') x = def.in;
      else return x;
    }
  };
  for (const k of [...p, null]) {
    s = unwrap(s);
    const def = s?._zod?.def;
    if (def?.type === 'union') {
      const kind = v?.kind;
      const opt = def.options.find((o: any) => unwrap(o)?._zod?.def?.shape?.kind?._zod?.def?.values?.includes(kind));
      s = unwrap(opt ?? def.options.find((o: any) => unwrap(o)?._zod?.def?.type === 'object'));
    }
    if (k === null) break;
    const d2 = s?._zod?.def;
    if (d2?.type === 'object') s = d2.shape[k as string];
    else if (d2?.type === 'array') s = d2.element;
    else return [];
    v = v?.[k as any];
  }
  const d = unwrap(s)?._zod?.def;
  return d?.type === 'object' ? Object.keys(d.shape) : [];
}

/** Turns zod issues into error data with paths, expectations, found values and fixes. */
export function issuesToErrors(issues: readonly z.core.$ZodIssue[], input: unknown, schema: z.ZodType, file?: string, locate?: (p: readonly PropertyKey[]) => string | undefined): ErrorData[] {
  const out: ErrorData[] = [];
  for (const issue of issues) {
    const p = issue.path;
    let message: string;
    let at = p;
    switch (issue.code) {
      case 'invalid_type': {
        const found = getPath(input, p);
        message = found === undefined ? `required: expected ${issue.expected}` : `expected ${issue.expected}, found ${describe(found)}`;
        break;
      }
      case 'unrecognized_keys': {
        const known = keysAt(schema, input, p);
        const parts = issue.keys.map((k) => {
          const hint = closest(k, known);
          return hint ? `'${k}' (did you mean '${hint}'?)` : `'${k}'`;
        });
        message = `unknown key${issue.keys.length > 1 ? 's' : ''} ${parts.join(', ')}; expected one of: ${known.join(', ')}`;
        at = issue.keys.length === 1 ? [...p, issue.keys[0]] : p;
        break;
      }
      case 'invalid_union': {
        const iss = issue as any;
        if (iss.discriminator) {
          const found = getPath(input, p);
          const opts: string[] = iss.options ?? [];
          const hint = typeof found === 'string' ? closest(found, opts) : undefined;
          message = `unknown ${iss.discriminator} ${describe(found)}; expected one of: ${opts.join(', ')}${hint ? ` (did you mean '${hint}'?)` : ''}`;
        } else {
          message = `expected ${unionExpectation(iss.errors)}, found ${describe(getPath(input, p))}`;
        }
        break;
      }
      case 'invalid_value': {
        const vals = (issue as any).values as unknown[];
        message = `expected ${vals.map((v) => JSON.stringify(v)).join(' or ')}, found ${describe(getPath(input, p))}`;
        break;
      }
      case 'too_small':
      case 'too_big': {
        const iss = issue as any;
        const found = getPath(input, p);
        const rel = issue.code === 'too_small' ? (iss.inclusive ? '>=' : '>') : iss.inclusive ? '<=' : '<';
        const what = iss.origin === 'array' ? 'number of entries' : iss.origin === 'string' ? 'length' : 'a number';
        const value = issue.code === 'too_small' ? iss.minimum : iss.maximum;
        message = `expected ${what} ${rel} ${value}, found ${Array.isArray(found) ? `${found.length} entries` : describe(found)}`;
        break;
      }
      default:
        message = `${issue.message}, found ${describe(getPath(input, p))}`;
    }
    const location = locate?.(at) ?? locate?.(p);
    out.push({ code: 'scenario.invalid', message, path: formatPath(at) || '(top level)', ...(file ? { file } : {}), ...(location ? { location } : {}) });
  }
  return out;
}

function unionExpectation(errors: z.core.$ZodIssue[][] | undefined): string {
  const kinds = new Set<string>();
  for (const branch of errors ?? []) {
    for (const i of branch) {
      if (i.code === 'invalid_type') kinds.add(i.expected);
      else if (i.code === 'unrecognized_keys') kinds.add(`an object without ${i.keys.map((k) => `'${k}'`).join(', ')}`);
      else kinds.add(i.message.replace(/^Invalid input: /, ''));
    }
  }
  return kinds.size > 0 ? [...kinds].join(' or ') : 'another value';
}

/** Canonical JSON: keys sorted, so the hash does not depend on key order in the file. */
export function canonicalJson(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  const o = v as Record<string, unknown>;
  return `{${Object.keys(o)
    .sort()
    .filter((k) => o[k] !== undefined)
    .map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`)
    .join(',')}}`;
}

/** Validates an already-parsed scenario object. */
export function parseScenario(input: unknown, file = '<scenario>', locate?: (p: readonly PropertyKey[]) => string | undefined): Scenario {
  const schema = scenarioSchema();
  const r = schema.safeParse(input);
  if (r.success) {
    checkCompare(r.data, file);
    checkOptions(r.data, file);
    checkCross(r.data, file);
    checkModels(r.data, file, locate);
    checkAgents(r.data, file);
    return r.data;
  }
  const details = issuesToErrors(r.error.issues, input, schema, file, locate);
  throw new InputError({
    code: 'scenario.invalid',
    file,
    message: `${file} is not a valid scenario (${details.length} problem${details.length > 1 ? 's' : ''})`,
    details,
  });
}

function checkCompare(s: Scenario, file: string): void {
  const names = new Set<string>();
  s.defenses.forEach((d, i) => {
    const n = defenseName(d);
    if (names.has(n)) {
      throw new InputError({ code: 'scenario.invalid', file, path: `defenses[${i}]`, message: `duplicate defense name '${n}'; give one of them a distinct 'name'` });
    }
    names.add(n);
  });
  const agentNames = new Set<string>();
  s.agents.forEach((a, i) => {
    const n = a.name ?? a.kind;
    if (agentNames.has(n)) {
      throw new InputError({ code: 'scenario.invalid', file, path: `agents[${i}]`, message: `duplicate agent name '${n}'; give one of them a distinct 'name'` });
    }
    agentNames.add(n);
    if (s.lending === undefined && LENDING_AGENT_KINDS.includes(a.kind)) {
      throw new InputError({ code: 'scenario.invalid', file, path: `agents[${i}]`, message: `agent kind '${a.kind}' acts on a lending pool; add a 'lending:' section` });
    }
  });
}

/** A parsed YAML/JSON file: its plain value, and the `line:column` of a path in it (nearest existing node). */
export interface YamlFile {
  input: unknown;
  locate: (p: readonly PropertyKey[]) => string | undefined;
}

/**
 * Reads and parses a YAML or JSON file. `what` names the kind of file in messages and codes (`scenario`, `sweep`,
 * `gates`): a missing file is `<what>.unreadable`, a syntax error `<what>.syntax` with its `line:column`.
 */
export function readYamlFile(file: string, what = 'scenario'): YamlFile {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new InputError({ code: `${what}.unreadable`, file, message: `cannot read ${what} file: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}` });
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    const pos = e.linePos?.[0] ?? lineCounter.linePos(e.pos[0]);
    throw new InputError({
      code: `${what}.syntax`,
      file,
      ...(pos ? { location: `${pos.line}:${pos.col}` } : {}),
      message: `not valid YAML/JSON: ${e.message.split('\n')[0]}`,
    });
  }
  const input = doc.toJS();
  const locate = (p: readonly PropertyKey[]): string | undefined => {
    for (let n = p.length; n >= 0; n--) {
      const node = doc.getIn(p.slice(0, n) as any, true);
      if (isNode(node) && node.range) {
        const lp = lineCounter.linePos(node.range[0]);
        return `${lp.line}:${lp.col}`;
      }
    }
    return undefined;
  };
  return { input, locate };
}

/** Reads, parses and validates a scenario file (YAML or JSON). */
export function loadScenario(file: string): LoadedScenario {
  const { input, locate } = readYamlFile(file, 'scenario');
  const scenario = parseScenario(input, file, locate);
  return { scenario, file, baseDir: path.dirname(path.resolve(file)), hash: scenarioHash(scenario) };
}

export function scenarioHash(s: Scenario): string {
  return createHash('sha256').update(canonicalJson(s)).digest('hex');
}
