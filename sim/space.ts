// Parameter spaces of a sweep: a grid of listed values, or random / Latin-hypercube samples of distributions.
import { z } from 'zod';
import { Stream } from './rng.js';

/** A distribution to sample one parameter from (random and latin-hypercube spaces). */
export const DistributionSchema = z.union([
  z.object({ uniform: z.tuple([z.number(), z.number()]) }).strict(),
  z.object({ logUniform: z.tuple([z.number().positive(), z.number().positive()]) }).strict(),
  z.object({ integer: z.tuple([z.number().int(), z.number().int()]) }).strict(),
  z.object({ choice: z.array(z.unknown()).min(1) }).strict(),
]);
export type Distribution = z.infer<typeof DistributionSchema>;

export const SpaceSchema = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('grid'),
      /** Every combination of the listed values; the first parameter varies slowest. */
      parameters: z.record(z.string(), z.array(z.unknown()).min(1)),
    })
    .strict(),
  z
    .object({
      kind: z.literal('random'),
      samples: z.number().int().min(1).max(1_000_000),
      parameters: z.record(z.string(), DistributionSchema),
    })
    .strict(),
  z
    .object({
      kind: z.literal('latin-hypercube'),
      samples: z.number().int().min(1).max(1_000_000),
      parameters: z.record(z.string(), DistributionSchema),
    })
    .strict(),
]);
export type Space = z.infer<typeof SpaceSchema>;

/** Maps u in [0, 1) to a value of the distribution (its inverse CDF). */
export function fromUnit(d: Distribution, u: number): unknown {
  if ('uniform' in d) return d.uniform[0] + u * (d.uniform[1] - d.uniform[0]);
  if ('logUniform' in d) {
    const [lo, hi] = d.logUniform;
    return Math.exp(Math.log(lo) + u * (Math.log(hi) - Math.log(lo)));
  }
  if ('integer' in d) {
    const [lo, hi] = d.integer;
    return Math.min(hi, lo + Math.floor(u * (hi - lo + 1)));
  }
  return d.choice[Math.min(d.choice.length - 1, Math.floor(u * d.choice.length))];
}

/**
 * The points of a space: one array of values per point, in the order of `space.parameters`.
 * - grid: the Cartesian product, first parameter outermost (like nested loops in file order).
 * - random: `samples` independent draws; for each sample, one uniform per parameter in order.
 * - latin-hypercube: for each parameter in order, a random permutation of the `samples` strata, then one uniform
 *   jitter per sample: u = (stratum + jitter) / samples. Every parameter's range is covered once per stratum.
 * Draws come from the stream `sweep:space` of the sweep seed, so a space is a pure function of (space, seed).
 */
export function expandSpace(space: Space | undefined, sweepSeed: number): unknown[][] {
  if (space === undefined) return [[]];
  const names = Object.keys(space.parameters);
  if (space.kind === 'grid') {
    let points: unknown[][] = [[]];
    for (const name of names) {
      const values = space.parameters[name];
      const next: unknown[][] = [];
      for (const p of points) for (const v of values) next.push([...p, v]);
      points = next;
    }
    return points;
  }
  const rng = new Stream(sweepSeed, 'sweep:space');
  const n = space.samples;
  const dists = names.map((k) => space.parameters[k]);
  if (space.kind === 'random') {
    const points: unknown[][] = [];
    for (let i = 0; i < n; i++) points.push(dists.map((d) => fromUnit(d, rng.uniform())));
    return points;
  }
  const columns = dists.map((d) => {
    const strata = new Int32Array(n);
    for (let i = 0; i < n; i++) strata[i] = i;
    rng.shuffle(strata);
    const col: unknown[] = [];
    for (let i = 0; i < n; i++) col.push(fromUnit(d, (strata[i] + rng.uniform()) / n));
    return col;
  });
  const points: unknown[][] = [];
  for (let i = 0; i < n; i++) points.push(columns.map((c) => c[i]));
  return points;
}
