// Volatility circuit breaker: halts new risk (or all trading) for H steps when the rolling k-sigma move is exceeded.
import { z } from 'zod';
import type { PolicyKind } from '../types.js';

export const VolBreakerParams = z
  .object({
    kind: z.literal('vol-breaker'),
    name: z.string().min(1).optional(),
    /** Steps over which the move is measured. */
    window: z.number().int().min(1).default(5),
    /** Trigger when |ln(P_t / P_{t-window})| > sigmas * vol * sqrt(window * dt). */
    sigmas: z.number().positive().default(4),
    /** Annualised reference volatility (BTC ~0.71, ETH ~1.11 per ../shared mechanics.md section 0). */
    volatility: z.number().positive().default(0.8),
    /** Steps the halt lasts once triggered (re-triggering extends it). */
    haltSteps: z.number().int().min(1).default(30),
    /** `new-risk` blocks opening or increasing positions; `all` also stops liquidations (a full trading halt). */
    mode: z.enum(['new-risk', 'all']).default('new-risk'),
  })
  .strict();
export type VolBreakerParams = z.infer<typeof VolBreakerParams>;

/**
 * Modelled on exchange volatility halts (CME's dynamic circuit breaker: a move beyond a band within a rolling window
 * pauses trading; see ../shared mechanics.md section 5.1) with the band set in standard deviations of the reference
 * volatility. Reads the validated oracle price, so a bad oracle print can also trip it.
 */
export const volBreaker: PolicyKind<VolBreakerParams> = {
  kind: 'vol-breaker',
  summary: 'Halt new risk (or all trading) for haltSteps when the move over `window` steps exceeds `sigmas` sigma.',
  params: VolBreakerParams,
  create(p, env) {
    const threshold = p.sigmas * p.volatility * Math.sqrt(p.window * env.dt);
    let haltedUntil = -1; // last step (inclusive) of the current halt
    let haltedFrom = -1;
    return {
      name: env.name,
      gate(view, gate) {
        const t = view.step;
        if (t >= p.window) {
          const move = Math.log(view.oracle / view.oracleAt(t - p.window));
          if (Math.abs(move) > threshold) {
            if (t > haltedUntil) {
              haltedFrom = t;
              env.log(
                p.mode === 'all' ? 'halt-all' : 'halt-new-risk',
                `oracle moved ${(100 * (Math.exp(move) - 1)).toFixed(2)}% over ${p.window} steps; limit ${p.sigmas} sigma = ${(100 * threshold).toFixed(2)}% (log move)`,
                move,
                threshold,
              );
            }
            haltedUntil = t + p.haltSteps - 1;
          }
        }
        if (t <= haltedUntil) {
          if (p.mode === 'all') gate.haltAll();
          else gate.haltNewRisk();
          if (t === haltedUntil) env.log('resume', `halt since step ${haltedFrom} (${t - haltedFrom + 1} steps, extended while the move persisted) ends after this step`, t - haltedFrom + 1, p.haltSteps);
        }
      },
    };
  },
};
