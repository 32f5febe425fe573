// The experiment layer: a sweep file (base scenario, parameter space, policies, seeds) expanded into run specs.
import { createHash } from 'node:crypto';
import path from 'node:path';
import { z } from 'zod';
import { InputError, type ErrorData } from './errors.js';
import { resolvePolicy } from './policy-stack.js';
import { isPrefix, parsePath, PathError, pathText, setPath, type PathKey } from './scenario-path.js';
import { canonicalJson, issuesToErrors, parseScenario, readYamlFile, scenarioHash, type Scenario } from './scenario.js';
import { expandSpace, SpaceSchema } from './space.js';

/** Largest number of runs in one sweep (run indices are Int32 in the results). */
export const MAX_RUNS = 100_000_000;

export function sweepSchema() {
  return z
    .object({
      /** Name of the sweep (default: the file name without extension); the default output is results/<name>. */
      name: z.string().min(1).optional(),
      description: z.string().optional(),
      /** The base scenario file, relative to the sweep file. */
      scenario: z.string().min(1),
      /** Values set on the base scenario before the parameters (e.g. fewer steps), keyed by scenario path. */
      override: z.record(z.string(), z.unknown()).default({}),
      /** Policies compared at every point (default: the scenario's `compare` list). */
      policies: z.array(z.string().min(1)).min(1).optional(),
      /** Monte Carlo seeds per point and policy. */
      seeds: z.number().int().min(1).max(10_000_000),
      /** Sweep seed: run seeds and sampled points derive from it. */
      seed: z.number().int().min(0).max(2_147_483_647).default(1),
      /** Parameter space (absent: the base scenario alone). */
      space: SpaceSchema.optional(),
    })
    .strict();
}
export type SweepFile = z.infer<ReturnType<typeof sweepSchema>>;

/** One parameter point: its values (in the order of `SweepPlan.parameters`) and its validated scenario. */
export interface SweepPoint {
  index: number;
  values: unknown[];
  scenario: Scenario;
}

/** A sweep expanded and validated: everything needed to run any of its runs. */
export interface SweepPlan {
  file: string;
  name: string;
  /** The base scenario file, its directory (for relative paths inside it) and the validated base after `override`. */
  scenarioFile: string;
  baseDir: string;
  base: Scenario;
  baseHash: string;
  /** Swept scenario paths, as written in the sweep file. */
  parameters: string[];
  points: SweepPoint[];
  policies: string[];
  /** Sweep seed. */
  seed: number;
  /** Run seed of each seed index (runSeeds(seed, count)). */
  seeds: number[];
  /** points x seeds x policies. */
  runs: number;
  /** sha256 over everything that determines the runs: equal hashes, equal results. */
  hash: string;
}

/** Where a run sits in the sweep. */
export interface RunCoordinates {
  runIndex: number;
  pointIndex: number;
  seedIndex: number;
  policyIndex: number;
  policy: string;
  seed: number;
}

/**
 * Run seed of seed index i: the first 4 bytes (big-endian) of sha256(`bulwark/sweep-seed/v1:<sweep seed>:<i>`),
 * with the top bit cleared (0 .. 2^31-1, a valid scenario seed). It depends on the seed index only, not on the
 * policy or the parameter point: every policy and point sees the same market paths for the same seed index
 * (common random numbers), so differences between them are paired.
 */
export function runSeed(sweepSeed: number, seedIndex: number, attempt = 0): number {
  const text = `bulwark/sweep-seed/v1:${sweepSeed}:${seedIndex}${attempt > 0 ? `:${attempt}` : ''}`;
  return createHash('sha256').update(text).digest().readUInt32BE(0) & 0x7fffffff;
}

/**
 * The run seeds of seed indices 0 .. count-1: runSeed(sweepSeed, i), except that a seed already taken by a lower
 * index (a 31-bit hash collides with probability ~ count^2 / 2^32) is replaced by the next attempt
 * (`...:<i>:1`, `...:<i>:2`, ...), so the Monte Carlo samples of a sweep never repeat a path.
 */
export function runSeeds(sweepSeed: number, count: number): number[] {
  const taken = new Set<number>();
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    let attempt = 0;
    let s = runSeed(sweepSeed, i);
    while (taken.has(s)) s = runSeed(sweepSeed, i, ++attempt);
    taken.add(s);
    out.push(s);
  }
  return out;
}

/**
 * Coordinates of run `i`. Runs are ordered point, then seed, then policy (policies innermost):
 * `i = (pointIndex * seeds + seedIndex) * policies + policyIndex`, so the runs of one paired comparison are adjacent.
 */
export function runAt(plan: Pick<SweepPlan, 'policies' | 'seeds'>, i: number): RunCoordinates {
  const np = plan.policies.length;
  const ns = plan.seeds.length;
  const policyIndex = i % np;
  const rest = (i - policyIndex) / np;
  const seedIndex = rest % ns;
  const pointIndex = (rest - seedIndex) / ns;
  return { runIndex: i, pointIndex, seedIndex, policyIndex, policy: plan.policies[policyIndex], seed: plan.seeds[seedIndex] };
}

function describe(v: unknown): string {
  const s = JSON.stringify(v);
  return s === undefined ? String(v) : s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

type Locate = (p: readonly PropertyKey[]) => string | undefined;

function sweepError(file: string, locate: Locate, at: PropertyKey[], message: string, details?: ErrorData[]): InputError {
  const location = locate(at);
  return new InputError({
    code: 'sweep.invalid',
    file,
    path: formatSweepPath(at),
    ...(location ? { location } : {}),
    message,
    ...(details ? { details } : {}),
  });
}

/** `space.parameters['venue.maintenanceMargin'][1]`: keys with dots are quoted so the two kinds of path stay apart. */
function formatSweepPath(p: readonly PropertyKey[]): string {
  let out = '';
  for (const k of p) {
    if (typeof k === 'number') out += `[${k}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(String(k))) out += out === '' ? String(k) : `.${String(k)}`;
    else out += `['${String(k)}']`;
  }
  return out;
}

/** Validates a raw scenario, turning its problems into problems of the sweep entry that caused them. */
function validatePoint(
  raw: Record<string, unknown>,
  sweepFile: string,
  scenarioFile: string,
  locate: Locate,
  blame: (issuePath: readonly PropertyKey[]) => PropertyKey[],
  what: string,
): Scenario {
  try {
    return parseScenario(raw, scenarioFile);
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    const issues = e.data.details && e.data.details.length > 0 ? e.data.details : [e.data];
    const details = issues.map((d): ErrorData => {
      const at = blame(d.path && d.path !== '(top level)' ? parsePathLoose(d.path) : []);
      const location = locate(at);
      return {
        code: 'sweep.invalid',
        file: sweepFile,
        path: formatSweepPath(at),
        ...(location ? { location } : {}),
        message: `scenario path ${d.path ?? '(top level)'}: ${d.message}`,
      };
    });
    throw new InputError({ code: 'sweep.invalid', file: sweepFile, message: `${what} makes the scenario ${scenarioFile} invalid (${details.length} problem${details.length > 1 ? 's' : ''})`, details });
  }
}

function parsePathLoose(p: string): PathKey[] {
  try {
    return parsePath(p);
  } catch {
    return [];
  }
}

/** Reads, validates and expands a sweep file; every point's scenario is validated before anything runs. */
export function loadSweep(file: string): SweepPlan {
  const { input, locate } = readYamlFile(file, 'sweep');
  const schema = sweepSchema();
  const r = schema.safeParse(input);
  if (!r.success) {
    const details = issuesToErrors(r.error.issues, input, schema, file, locate).map((d) => ({ ...d, code: 'sweep.invalid' }));
    throw new InputError({ code: 'sweep.invalid', file, message: `${file} is not a valid sweep (${details.length} problem${details.length > 1 ? 's' : ''})`, details });
  }
  const sw = r.data;
  const scenarioFile = path.isAbsolute(sw.scenario) ? sw.scenario : path.join(path.dirname(file), sw.scenario);
  const { input: rawBase, locate: locateBase } = readYamlFile(scenarioFile, 'scenario');
  parseScenario(rawBase, scenarioFile, locateBase); // the base scenario must be valid on its own (errors point into it)
  const raw = structuredClone(rawBase) as Record<string, unknown>;

  // override: set each path, then validate
  const overrideKeys = Object.keys(sw.override);
  const overridePaths = overrideKeys.map((k) => {
    try {
      return parsePath(k);
    } catch (e) {
      throw sweepError(file, locate, ['override', k], (e as Error).message);
    }
  });
  overrideKeys.forEach((k, i) => {
    try {
      setPath(raw, overridePaths[i], structuredClone(sw.override[k]));
    } catch (e) {
      if (!(e instanceof PathError)) throw e;
      throw sweepError(file, locate, ['override', k], `cannot set scenario path ${k}: ${e.message}`);
    }
  });
  const blameOverride = (p: readonly PropertyKey[]): PropertyKey[] => {
    const i = overridePaths.findIndex((op) => isPrefix(op, p) || isPrefix(p, op));
    return i >= 0 ? ['override', overrideKeys[i]] : ['override'];
  };
  const base = overrideKeys.length > 0 ? validatePoint(raw, file, scenarioFile, locate, blameOverride, 'override') : parseScenario(rawBase, scenarioFile);

  // parameters
  const parameters = sw.space ? Object.keys(sw.space.parameters) : [];
  const paramPaths = parameters.map((k) => {
    try {
      return parsePath(k);
    } catch (e) {
      throw sweepError(file, locate, ['space', 'parameters', k], (e as Error).message);
    }
  });
  const values = expandSpace(sw.space, sw.seed);
  const seedCount = sw.seeds;
  const policies = sw.policies ?? base.compare;
  const runs = values.length * seedCount * policies.length;
  if (runs > MAX_RUNS) {
    throw sweepError(file, locate, ['seeds'], `${values.length} points x ${seedCount} seeds x ${policies.length} policies = ${runs} runs; at most ${MAX_RUNS} fit one sweep`);
  }
  const points: SweepPoint[] = values.map((vals, index) => {
    if (parameters.length === 0) return { index, values: vals, scenario: base };
    const point = structuredClone(raw);
    parameters.forEach((k, j) => {
      try {
        setPath(point, paramPaths[j], structuredClone(vals[j]));
      } catch (e) {
        if (!(e instanceof PathError)) throw e;
        throw sweepError(file, locate, ['space', 'parameters', k], `parameter '${k}': cannot set scenario path ${pathText(paramPaths[j])}: ${e.message}`);
      }
    });
    const blame = (p: readonly PropertyKey[]): PropertyKey[] => {
      const j = paramPaths.findIndex((pp) => isPrefix(pp, p) || isPrefix(p, pp));
      if (j >= 0) return ['space', 'parameters', parameters[j]];
      const o = overridePaths.findIndex((op) => isPrefix(op, p) || isPrefix(p, op));
      return o >= 0 ? ['override', overrideKeys[o]] : ['space', 'parameters'];
    };
    const setting = parameters.map((k, j) => `${k} = ${describe(vals[j])}`).join(', ');
    const scenario = validatePoint(point, file, scenarioFile, locate, blame, `point ${index} of ${values.length} (${setting})`);
    return { index, values: vals, scenario };
  });

  // every policy must exist in every point's scenario
  for (const pt of points) {
    policies.forEach((pol, i) => {
      try {
        resolvePolicy(pt.scenario, pol);
      } catch (e) {
        if (!(e instanceof InputError)) throw e;
        throw sweepError(file, locate, sw.policies ? ['policies', i] : ['scenario'], e.message);
      }
    });
  }

  const seeds = runSeeds(sw.seed, seedCount);
  const baseHash = scenarioHash(base);
  const name = sw.name ?? path.basename(file).replace(/\.(ya?ml|json)$/i, '');
  const hash = createHash('sha256')
    .update(canonicalJson({ format: 1, base: baseHash, parameters, points: values, policies, seeds: seedCount, seed: sw.seed, seedDerivation: 'sha256-v1' }))
    .digest('hex');
  return { file, name, scenarioFile, baseDir: path.dirname(path.resolve(scenarioFile)), base, baseHash, parameters, points, policies, seed: sw.seed, seeds, runs, hash };
}
