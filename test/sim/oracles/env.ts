// Shared helper for the oracle tests (not a test file itself): an oracle environment over a given price path.
import type { AmmPool } from '../../../sim/amm.js';
import type { Network } from '../../../sim/network.js';
import type { OracleEnv } from '../../../sim/oracles/source.js';
import { Stream } from '../../../sim/rng.js';

/** One asset (`main`) with the given path (spot after each step) and price `p0` before step 0. */
export function oracleEnv(path: number[], p0: number, opts: { pool?: AmmPool; network?: Network; seed?: number } = {}): OracleEnv {
  const a = Float64Array.from(path);
  return {
    steps: path.length,
    dt: 60 / (365 * 86400),
    assetIndex: (name) => {
      if (name !== undefined && name !== 'main') throw new Error(`no asset ${name}`);
      return 0;
    },
    initialPrice: () => p0,
    pathOf: () => a,
    pool: opts.pool ?? null,
    network: opts.network ?? null,
    stream: (name) => new Stream(opts.seed ?? 1, name),
  };
}

/** The answers of a source over steps 0..n-1. */
export function answers(src: { step(t: number): void; price: number }, n: number): number[] {
  const out: number[] = [];
  for (let t = 0; t < n; t++) {
    src.step(t);
    out.push(src.price);
  }
  return out;
}
