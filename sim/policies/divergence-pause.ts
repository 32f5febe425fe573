// Mark/oracle divergence pause (Drift): halts trading while |mark / oracle - 1| exceeds a threshold.
import { z } from 'zod';
import type { PolicyKind } from '../types.js';
import { HaltMode, HaltTimer, pct, num } from './common.js';

export const DivergencePauseParams = z
  .object({
    kind: z.literal('divergence-pause'),
    name: z.string().min(1).optional(),
    /** Trigger when |mark / oracle - 1| > threshold. Drift: 10% mark/oracle divergence (mechanics.md 1.5). */
    threshold: z.number().positive().default(0.1),
    /** Steps the pause lasts once triggered; re-triggering extends it (1 = re-checked every step). */
    haltSteps: z.number().int().min(1).default(1),
    /** `all` (default) also stops liquidations, which would execute at the diverged mark. */
    mode: HaltMode.default('all'),
  })
  .strict();
export type DivergencePauseParams = z.infer<typeof DivergencePauseParams>;

/** The divergence the policy tests: mark / oracle - 1. */
export function divergence(mark: number, oracle: number): number {
  return mark / oracle - 1;
}

/**
 * Drift's oracle guard rails block actions priced off the mark while the mark and the oracle diverge by more than
 * 10% (../shared mechanics.md sections 1.5 and 5.2; Binance's price protection is the same idea for stop orders). In
 * the simulator the mark is pushed away from the index by the venue's own liquidations (permanent impact) and
 * pulled back by arbitrage (`reversion`); pausing while they diverge waits for the arbitrage instead of liquidating
 * into the venue's own impact.
 */
export const divergencePause: PolicyKind<DivergencePauseParams> = {
  kind: 'divergence-pause',
  summary: 'Pause trading (liquidations included, or only new risk) while |mark/oracle - 1| > threshold (Drift 10%).',
  params: DivergencePauseParams,
  create(p, env) {
    const timer = new HaltTimer(env, p.mode, p.haltSteps);
    return {
      name: env.name,
      gate(view, gate) {
        const t = view.step;
        const d = divergence(view.mark, view.oracle);
        if (Math.abs(d) > p.threshold) timer.trigger(t, `mark ${num(view.mark)} is ${pct(d)} from the oracle ${num(view.oracle)}; limit +-${pct(p.threshold)}`, d, p.threshold);
        timer.apply(t, gate);
      },
    };
  },
};
