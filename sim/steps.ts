// Step references in scenario files: a step number, or a share of the run with an optional offset ("50%", "50%+10").
import { z } from 'zod';

/** A step index: a number, or a share of the run with an optional offset, e.g. "50%" or "50%+10". */
export const StepRef = z.union([
  z.number().int().min(0),
  z.string().regex(/^\d+(\.\d+)?%([+-]\d+)?$/, 'expected a step number or a share of the run such as "50%" or "50%+10"'),
]);
export type StepRef = z.infer<typeof StepRef>;

export function resolveStep(ref: StepRef, steps: number): number {
  if (typeof ref === 'number') return ref;
  const m = /^(\d+(?:\.\d+)?)%([+-]\d+)?$/.exec(ref)!;
  return Math.floor((steps * Number(m[1])) / 100) + (m[2] ? Number(m[2]) : 0);
}

/** A range of steps [from, to): `from` inclusive, `to` exclusive. */
export const StepRange = z.object({ from: StepRef, to: StepRef }).strict();
export type StepRange = z.infer<typeof StepRange>;

/** Resolved [from, to) pairs, flattened: [from0, to0, from1, to1, ...]. */
export function resolveRanges(ranges: readonly { from: StepRef; to: StepRef }[] | undefined, steps: number): Int32Array {
  const out = new Int32Array(2 * (ranges?.length ?? 0));
  ranges?.forEach((r, i) => {
    out[2 * i] = resolveStep(r.from, steps);
    out[2 * i + 1] = resolveStep(r.to, steps);
  });
  return out;
}

/** True when step t lies in one of the flattened ranges. */
export function inRanges(r: Int32Array, t: number): boolean {
  for (let i = 0; i < r.length; i += 2) if (t >= r[i] && t < r[i + 1]) return true;
  return false;
}
