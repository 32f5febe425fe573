// EWMA-volatility margin: scales maintenance and initial margin by realised EWMA volatility over a reference volatility.
import { z } from 'zod';
import type { PolicyKind } from '../types.js';
import { LevelLog, pct } from './common.js';

export const EwmaMarginParams = z
  .object({
    kind: z.literal('ewma-margin'),
    name: z.string().min(1).optional(),
    /** EWMA decay per step: var <- lambda var + (1 - lambda) r^2 (RiskMetrics: 0.94, mechanics.md 5.2). */
    lambda: z.number().gt(0).lt(1).default(0.94),
    /** Annualised volatility at which the base fractions apply (BTC ~0.71, ETH ~1.11, mechanics.md section 0). */
    referenceVol: z.number().positive().default(0.8),
    /** Largest multiple of the base fractions. */
    maxScale: z.number().min(1).default(3),
  })
  .strict();
export type EwmaMarginParams = z.infer<typeof EwmaMarginParams>;

/** One EWMA update of the per-step variance with log return r. */
export function ewmaUpdate(variance: number, r: number, lambda: number): number {
  return lambda * variance + (1 - lambda) * r * r;
}

/** Scale applied to the base fractions: clamp(annualised vol / reference vol, 1, maxScale). */
export function ewmaScale(variance: number, dt: number, referenceVol: number, maxScale: number): number {
  const s = Math.sqrt(variance / dt) / referenceVol;
  return s < 1 ? 1 : s > maxScale ? maxScale : s;
}

/**
 * Volatility-scaled margin: sigma_t from an exponentially weighted moving average of squared log returns of the
 * validated oracle price (RiskMetrics, J.P. Morgan 1996; lambda 0.94 for daily data, ../shared mechanics.md 5.2),
 * annualised with the step length. Maintenance = base MMF * s and initial = base IMF * s (at most 100%) with
 * s = clamp(sigma_t / referenceVol, 1, maxScale): never below the venue's base fractions. The variance starts at
 * referenceVol^2 dt (s = 1). lambda applies per step: with one-minute steps 0.94 remembers the last ~30 minutes.
 */
export const ewmaMargin: PolicyKind<EwmaMarginParams> = {
  kind: 'ewma-margin',
  summary: 'Scale maintenance and initial margin by EWMA volatility / referenceVol (floored at 1, capped at maxScale).',
  params: EwmaMarginParams,
  create(p, env) {
    let variance = p.referenceVol * p.referenceVol * env.dt;
    let lastStep = -1;
    let scale = 1;
    let log: LevelLog | null = null;
    return {
      name: env.name,
      margin(view, m) {
        const t = view.step;
        if (t !== lastStep) {
          lastStep = t;
          if (t > 0) {
            const r = Math.log(view.oracle / view.oracleAt(t - 1));
            variance = ewmaUpdate(variance, r, p.lambda);
          }
          scale = ewmaScale(variance, env.dt, p.referenceVol, p.maxScale);
        }
        log ??= new LevelLog(env, 'margin', m.maintenance);
        const mm = m.maintenance * scale;
        const im = m.initial * scale;
        m.maintenance = mm;
        m.initial = im < 1 ? im : 1;
        const vol = Math.sqrt(variance / env.dt);
        log.update(mm, () => `EWMA volatility ${pct(vol, 1)}/yr vs reference ${pct(p.referenceVol, 1)}: margin x${scale.toFixed(2)}, maintenance ${pct(mm)}, initial ${pct(m.initial)}`, vol, p.referenceVol);
      },
    };
  },
};
