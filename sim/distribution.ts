// Parameter distributions used in scenario files: a fixed number, a uniform range, or a choice among values.
import { z } from 'zod';
import type { Stream } from './rng.js';

export const Distribution = z.union([
  z.number(),
  z.object({ uniform: z.tuple([z.number(), z.number()]) }).strict(),
  z.object({ choice: z.array(z.number()).min(1) }).strict(),
]);
export type Distribution = z.infer<typeof Distribution>;

/** Draws one value. A fixed number consumes no randomness. */
export function sample(d: Distribution, rng: Stream): number {
  if (typeof d === 'number') return d;
  if ('uniform' in d) return rng.between(d.uniform[0], d.uniform[1]);
  return d.choice[rng.int(d.choice.length)];
}

/** Smallest and largest value the distribution can produce. */
export function bounds(d: Distribution): [number, number] {
  if (typeof d === 'number') return [d, d];
  if ('uniform' in d) return [Math.min(...d.uniform), Math.max(...d.uniform)];
  return [Math.min(...d.choice), Math.max(...d.choice)];
}
