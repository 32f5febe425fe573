// Jump-aware margin buffer: adds to maintenance a buffer sized by the largest recent one-step move or the excess kurtosis of recent returns.
import { z } from 'zod';
import type { PolicyKind } from '../types.js';
import { LevelLog, Window, pct } from './common.js';

export const JumpBufferParams = z
  .object({
    kind: z.literal('jump-buffer'),
    name: z.string().min(1).optional(),
    /** `max-return`: buffer = k * largest |one-step return| in the window; `kurtosis`: the Cornish-Fisher tail term. */
    measure: z.enum(['max-return', 'kurtosis']).default('max-return'),
    /** Steps of oracle returns the statistic looks at (60 one-minute steps = the last hour). */
    window: z.number().int().min(4).default(60),
    /** Multiplier on the statistic. */
    k: z.number().min(0).default(1),
    /** Standard-normal quantile of the tail the kurtosis buffer covers (2.326 = 99%). */
    z: z.number().positive().default(2.326),
    /** Largest buffer added to the maintenance fraction. */
    maxBuffer: z.number().min(0).max(1).default(0.2),
  })
  .strict();
export type JumpBufferParams = z.infer<typeof JumpBufferParams>;

/** Sample statistics of the returns in a window: standard deviation, excess kurtosis, largest |return|. */
export function returnStats(returns: ArrayLike<number>): { sd: number; excessKurtosis: number; maxAbs: number } {
  const n = returns.length;
  let mean = 0;
  let maxAbs = 0;
  for (let i = 0; i < n; i++) {
    mean += returns[i];
    const a = Math.abs(returns[i]);
    if (a > maxAbs) maxAbs = a;
  }
  mean /= n;
  let m2 = 0;
  let m4 = 0;
  for (let i = 0; i < n; i++) {
    const d = returns[i] - mean;
    const d2 = d * d;
    m2 += d2;
    m4 += d2 * d2;
  }
  m2 /= n;
  m4 /= n;
  return { sd: Math.sqrt(m2), excessKurtosis: m2 > 0 ? m4 / (m2 * m2) - 3 : 0, maxAbs };
}

/**
 * The buffer added to the maintenance fraction:
 *   max-return: k * max |P_s / P_{s-1} - 1| over the window (margin that survives a repeat of the largest recent jump
 *               between two margin checks);
 *   kurtosis:   k * sd * max(K, 0) * (z^3 - 3z) / 24, the excess-kurtosis term of the Cornish-Fisher expansion of the
 *               z-quantile of the one-step return (Cornish & Fisher 1937): how far fat tails push the tail quantile
 *               beyond the normal one.
 * Capped at maxBuffer.
 */
export function jumpBuffer(p: Pick<JumpBufferParams, 'measure' | 'k' | 'z' | 'maxBuffer'>, stats: { sd: number; excessKurtosis: number; maxAbs: number }): number {
  const b =
    p.measure === 'max-return'
      ? p.k * stats.maxAbs
      : p.k * stats.sd * (stats.excessKurtosis > 0 ? stats.excessKurtosis : 0) * ((p.z * p.z * p.z - 3 * p.z) / 24);
  return b < p.maxBuffer ? b : p.maxBuffer;
}

/**
 * Jump-aware maintenance buffer. Crypto returns are fat-tailed (daily excess kurtosis BTC 11.7, ETH 7.6; threshold
 * jumps 10-16 a year, ../shared mechanics.md 5.4), so a margin sized from volatility alone under-covers the moves
 * that make bad debt: a position loses a whole jump between two margin checks. The buffer is added to the
 * maintenance fraction and to the initial fraction (so a new position is not liquidatable on opening); it uses the
 * simple one-step returns of the validated oracle price over the last `window` steps (from step 4 on, over the
 * steps there are).
 */
export const jumpBufferPolicy: PolicyKind<JumpBufferParams> = {
  kind: 'jump-buffer',
  summary: 'Add k * (largest recent |return| or Cornish-Fisher kurtosis term) to maintenance (and initial) margin.',
  params: JumpBufferParams,
  create(p, env) {
    const returns = new Window(p.window);
    const scratch = new Float64Array(p.window);
    let lastStep = -1;
    let buffer = 0;
    let stats = { sd: 0, excessKurtosis: 0, maxAbs: 0 };
    let log: LevelLog | null = null;
    return {
      name: env.name,
      margin(view, m) {
        const t = view.step;
        if (t !== lastStep) {
          lastStep = t;
          if (t > 0) returns.push(view.oracle / view.oracleAt(t - 1) - 1);
          if (returns.count >= 4) {
            const n = returns.count;
            for (let k = 0; k < n; k++) scratch[k] = returns.at(k);
            stats = returnStats(n === p.window ? scratch : scratch.subarray(0, n));
            buffer = jumpBuffer(p, stats);
          }
        }
        log ??= new LevelLog(env, 'margin', m.maintenance);
        const mm = m.maintenance + buffer;
        const im = m.initial + buffer;
        m.maintenance = mm < 1 ? mm : 1;
        m.initial = im < 1 ? im : 1;
        log.update(m.maintenance, () =>
          p.measure === 'max-return'
            ? `largest |return| over the last ${returns.count} steps ${pct(stats.maxAbs)}: maintenance ${pct(m.maintenance)} (buffer ${pct(buffer)})`
            : `excess kurtosis ${stats.excessKurtosis.toFixed(2)}, sd ${pct(stats.sd, 3)} over the last ${returns.count} steps: maintenance ${pct(m.maintenance)} (buffer ${pct(buffer)})`,
        );
      },
    };
  },
};
