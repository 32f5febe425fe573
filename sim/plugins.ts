// Plug-in policies: a scenario's defense `{ kind: module, path, name?, params }` names a user's ES module exporting a PolicyKind.
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import { closest } from './closest.js';
import { InputError, type ErrorData } from './errors.js';
import { getPath } from './scenario-path.js';
import type { LiquidationPlan, Policy, PolicyEnv, PolicyKind } from './types.js';

/** A defense entry naming a user module. `path` is relative to the scenario file. */
export const ModuleDefenseParams = z
  .object({
    kind: z.literal('module'),
    /** ES module file exporting a policy kind (default export, or `policy`), relative to the scenario file. */
    path: z.string().min(1),
    /** Name of the defense (default: the module file's name without extension, e.g. `my-breaker`). */
    name: z.string().min(1).optional(),
    /** Parameters, validated by the module's own zod schema when the module is loaded. */
    params: z.record(z.string(), z.unknown()).default({}),
  })
  .strict();
export type ModuleDefense = z.infer<typeof ModuleDefenseParams>;

/** Loaded plug-in kinds by absolute module path. Per thread: a worker thread calls loadPlugins itself. */
const loaded = new Map<string, PolicyKind<any>>();

export function isModuleDefense(d: { kind: string }): d is ModuleDefense {
  return d.kind === 'module';
}

/** The default name of a module defense: its file name without extension. */
export function moduleDefaultName(file: string): string {
  return path.basename(file).replace(/\.[cm]?[jt]s$/i, '');
}

export interface PluginOptions {
  /** Directory of the scenario file: module paths are relative to it. */
  baseDir: string;
  /** The scenario file, for messages. */
  file?: string;
  /** `line:column` of a scenario path, for messages (e.g. from readYamlFile). */
  locate?: (p: readonly PropertyKey[]) => string | undefined;
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (typeof v === 'function') return 'a function';
  if (typeof v !== 'object') return JSON.stringify(v) ?? String(v);
  const keys = Object.keys(v as object);
  return keys.length === 0 ? 'an empty object' : `an object with ${keys.map((k) => `'${k}'`).join(', ')}`;
}

/** The PolicyKind a module exports: `default` or `policy`; a function without `kind` is called with `{ z }` (zod-free modules). */
function kindOf(mod: Record<string, unknown>): unknown {
  let k = mod.default ?? mod.policy;
  if (typeof k === 'function' && !('kind' in k)) k = (k as (api: { z: typeof z }) => unknown)({ z });
  return k;
}

function shapeProblem(k: unknown): string | null {
  if (k === null || typeof k !== 'object') return `expected a policy kind (an object with kind, summary, params, create), found ${describe(k)}`;
  const o = k as Record<string, unknown>;
  const missing: string[] = [];
  if (typeof o.kind !== 'string' || o.kind === '') missing.push('kind (a non-empty string)');
  if (typeof o.summary !== 'string') missing.push('summary (a string)');
  const params = o.params as { safeParse?: unknown } | undefined;
  if (params === null || typeof params !== 'object' || typeof params.safeParse !== 'function') missing.push('params (a zod schema)');
  if (typeof o.create !== 'function') missing.push('create (a function)');
  return missing.length > 0 ? `its policy kind lacks ${missing.join(', ')}; found ${describe(k)}` : null;
}

/**
 * Imports the module of every `kind: module` defense of a scenario (once per file and thread), checks that it exports
 * a policy kind (kind, summary, zod params, create) and validates the defense's `params` with the module's schema.
 * Call it before running a scenario that may name modules (`bulwark run`, `validate`, the sweep engine and each
 * worker thread): createPolicies needs the modules loaded. Throws InputError (exit 2) naming the scenario file, the
 * path (`defenses[2].params.window`), what was expected and what was found.
 */
export async function loadPlugins(scenario: { defenses: readonly { kind: string }[] }, opts: PluginOptions): Promise<void> {
  const defenses = scenario.defenses;
  for (let i = 0; i < defenses.length; i++) {
    const d = defenses[i];
    if (!isModuleDefense(d)) continue;
    const abs = path.resolve(opts.baseDir, d.path);
    const where = (p: PropertyKey[]): Pick<ErrorData, 'file' | 'location' | 'path'> => {
      const location = opts.locate?.(['defenses', i, ...p]);
      return { ...(opts.file ? { file: opts.file } : {}), ...(location ? { location } : {}), path: `defenses[${i}]${p.map((k) => (typeof k === 'number' ? `[${k}]` : `.${String(k)}`)).join('')}` };
    };
    let kind = loaded.get(abs);
    if (kind === undefined) {
      let mod: Record<string, unknown>;
      try {
        mod = (await import(pathToFileURL(abs).href)) as Record<string, unknown>;
      } catch (e) {
        const err = e as NodeJS.ErrnoException;
        const why = err?.code === 'ERR_MODULE_NOT_FOUND' && String(err.message).includes(abs) ? `no such file ${abs}` : `${err?.message ?? String(e)}`.split('\n')[0];
        throw new InputError({ code: 'plugin.unreadable', ...where(['path']), message: `cannot load policy module '${d.path}': ${why}` });
      }
      const k = kindOf(mod);
      const problem = shapeProblem(k);
      if (problem !== null) throw new InputError({ code: 'plugin.invalid', ...where(['path']), message: `policy module '${d.path}' does not export a policy kind as its default export (or 'policy'): ${problem}` });
      kind = k as PolicyKind<any>;
      loaded.set(abs, kind);
    }
    checkParams(kind, d, i, opts);
  }
}

/** Parses a module defense's params with the module's schema: `{ kind, ...params }` like a built-in's, or `params` alone. */
function parseParams(kind: PolicyKind<any>, d: ModuleDefense): ReturnType<z.ZodType['safeParse']> {
  const schema = kind.params as z.ZodType;
  const r = schema.safeParse({ kind: kind.kind, ...d.params });
  if (r.success) return r;
  // a schema without `kind` (strict) rejects it as an unknown key: then validate the params alone
  const kindRejected = r.error.issues.some((x) => x.code === 'unrecognized_keys' && (x as { keys: string[] }).keys.includes('kind') && x.path.length === 0);
  return kindRejected ? schema.safeParse(d.params) : r;
}

function checkParams(kind: PolicyKind<any>, d: ModuleDefense, i: number, opts: PluginOptions): void {
  const r = parseParams(kind, d);
  if (r.success) return;
  const known = paramKeys(kind);
  const details: ErrorData[] = r.error.issues.map((issue) => {
    let p: PropertyKey[] = [...issue.path];
    let message = issueMessage(issue);
    if (issue.code === 'unrecognized_keys') {
      const keys = (issue as { keys: string[] }).keys;
      if (keys.length === 1) p = [...p, keys[0]];
      const hints = keys.map((k) => closest(k, known)).filter((h): h is string => h !== undefined);
      message += `${hints.length > 0 ? ` (did you mean ${hints.map((h) => `'${h}'`).join(', ')}?)` : ''}${known.length > 0 ? `; expected one of: ${known.join(', ')}` : ''}`;
    } else {
      const found = getPath(d.params, p);
      message += `, found ${found === undefined ? 'nothing' : JSON.stringify(found)}`;
    }
    const at = ['defenses', i, 'params', ...p] as PropertyKey[];
    const pathText = `defenses[${i}].params${p.map((k) => (typeof k === 'number' ? `[${String(k)}]` : `.${String(k)}`)).join('')}`;
    const location = opts.locate?.(at);
    return {
      code: 'scenario.invalid',
      message: `${message} (module '${d.path}', policy kind '${kind.kind}')`,
      path: pathText,
      ...(opts.file ? { file: opts.file } : {}),
      ...(location ? { location } : {}),
    };
  });
  throw new InputError({
    code: 'scenario.invalid',
    ...(opts.file ? { file: opts.file } : {}),
    path: `defenses[${i}].params`,
    message: `${opts.file ?? 'the scenario'}: the params of defenses[${i}] (module '${d.path}') are not valid (${details.length} problem${details.length > 1 ? 's' : ''})`,
    details,
  });
}

/** The parameter names of a module's zod object schema (without kind and name), for hints. */
function paramKeys(kind: PolicyKind<any>): string[] {
  const shape = (kind.params as unknown as { _zod?: { def?: { shape?: Record<string, unknown> } } })?._zod?.def?.shape;
  return shape ? Object.keys(shape).filter((k) => k !== 'kind' && k !== 'name') : [];
}



/** What the module's schema expected, from a zod issue (zod 4 issue codes; other validators: their message). */
function issueMessage(issue: z.core.$ZodIssue): string {
  const x = issue as any;
  switch (issue.code) {
    case 'invalid_type':
      return `expected ${x.expected}`;
    case 'too_small':
      return `expected ${x.origin === 'array' ? 'at least' : x.inclusive ? '>=' : '>'} ${x.minimum}`;
    case 'too_big':
      return `expected ${x.origin === 'array' ? 'at most' : x.inclusive ? '<=' : '<'} ${x.maximum}`;
    case 'invalid_value':
      return `expected ${(x.values as unknown[]).map((v) => JSON.stringify(v)).join(' or ')}`;
    case 'unrecognized_keys':
      return `unknown key${x.keys.length > 1 ? 's' : ''} ${(x.keys as string[]).map((k) => `'${k}'`).join(', ')}`;
    default:
      return issue.message;
  }
}

/** The module defense's policy kind (loaded by loadPlugins) and its validated params. */
export function pluginKind(d: ModuleDefense, baseDir: string): { kind: PolicyKind<any>; params: unknown } {
  const abs = path.resolve(baseDir, d.path);
  const kind = loaded.get(abs);
  if (kind === undefined) throw new Error(`policy module '${d.path}' (${abs}) is not loaded: call loadPlugins(scenario, { baseDir }) before running (in each worker thread too)`);
  const r = parseParams(kind, d);
  if (!r.success) throw new InputError({ code: 'scenario.invalid', message: `the params of policy module '${d.path}' are not valid: ${r.error.issues.map((x) => x.message).join('; ')}` });
  return { kind, params: r.data };
}

/** Hooks a policy may have (sim/types.ts Policy): each is wrapped so that a throw names the policy. */
const HOOKS = ['oracle', 'gate', 'margin', 'admission', 'liquidation', 'act', 'afterStep'] as const;

/**
 * Creates a user module's policy with every hook wrapped: an exception thrown by the user's code becomes an error
 * naming the policy, the module and the hook, which fails this run only (runWorld returns it with the step). A
 * failing `create` fails the run at its first step the same way. A `plan.ready` callback set by the liquidation hook is
 * wrapped too. Hooks added to the Policy interface later are wrapped by the same rule (any function property).
 */
export function createPluginPolicy(d: ModuleDefense, baseDir: string, env: PolicyEnv): Policy {
  const { kind, params } = pluginKind(d, baseDir);
  const who = `policy '${env.name}' (module '${d.path}', kind '${kind.kind}')`;
  const fail = (hook: string, e: unknown): Error => {
    const msg = e instanceof Error ? e.message : String(e);
    const err = new Error(`${who} failed in its ${hook} hook: ${msg}`);
    (err as Error & { cause?: unknown }).cause = e;
    return err;
  };
  let inner: Policy;
  try {
    inner = kind.create(params as never, env);
  } catch (e) {
    const err = fail('create', e);
    return { name: env.name, oracle: () => { throw err; } };
  }
  const out: Record<string, unknown> = { name: env.name };
  const hooks = new Set<string>([...HOOKS, ...Object.keys(inner)]);
  for (const h of hooks) {
    const fn = (inner as unknown as Record<string, unknown>)[h];
    if (h === 'name' || typeof fn !== 'function') continue;
    if (h === 'liquidation') {
      out[h] = (view: unknown, plan: LiquidationPlan) => {
        const before = plan.ready;
        try {
          (fn as (v: unknown, p: LiquidationPlan) => void).call(inner, view, plan);
        } catch (e) {
          throw fail(h, e);
        }
        const ready = plan.ready;
        if (ready !== before && ready !== null) {
          plan.ready = (i, since, fill) => {
            try {
              return ready(i, since, fill);
            } catch (e) {
              throw fail('plan.ready', e);
            }
          };
        }
      };
      continue;
    }
    out[h] = (...args: unknown[]) => {
      try {
        return (fn as (...a: unknown[]) => unknown).apply(inner, args);
      } catch (e) {
        throw fail(h, e);
      }
    };
  }
  return out as unknown as Policy;
}
