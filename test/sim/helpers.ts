// Shared helpers for the simulator tests (not a test file itself).
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { InputError, type ErrorData } from '../../sim/errors.js';
import { loadScenario, parseScenario, type Scenario } from '../../sim/scenario.js';

/** Repository root, derived from this file's location (test/sim/helpers.ts). */
export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

/** `../shared` beside the repository (CI layout), or the directory BULWARK_SHARED names. */
export const sharedDir = process.env.BULWARK_SHARED ? path.resolve(process.env.BULWARK_SHARED) : path.resolve(repoRoot, '../shared');
export const goldenDir = path.resolve(sharedDir, 'reference/cascade-golden');

export const cascadeFile = path.join(repoRoot, 'scenarios/bench/cascade.yaml');

/** A fresh, mutable copy of the cascade-bench scenario. */
export function cascade(): { scenario: Scenario; baseDir: string } {
  const ls = loadScenario(cascadeFile);
  return { scenario: structuredClone(ls.scenario), baseDir: ls.baseDir };
}

/** Validates a plain scenario object (defaults filled in by the schema). */
export function scenario(input: Record<string, unknown>): Scenario {
  return parseScenario({ name: 'test', ...input });
}

/** |a - b| <= rel * max(|a|, |b|, 1). */
export function closeRel(a: number, b: number, rel: number): boolean {
  return Math.abs(a - b) <= rel * Math.max(Math.abs(a), Math.abs(b), 1);
}

/** The plain error data of the InputError `f` throws (fails the test if it throws anything else, or nothing). */
export function errorOf(f: () => unknown): ErrorData {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return (e as InputError).data;
  }
  throw new Error('expected an InputError, nothing was thrown');
}
