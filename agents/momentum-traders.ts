// Momentum traders: trend followers that open in the direction of the recent move and close when it fades or reverses.
import { z } from 'zod';
import { Distribution, sample } from '../sim/distribution.js';
import type { AgentKind } from '../sim/types.js';
import { OwnedAccounts } from './owned.js';

export const MomentumTradersParams = z
  .object({
    kind: z.literal('momentum-traders'),
    name: z.string().min(1).optional(),
    /** Steps the trend signal looks back: s = ln(mark_t / mark_{t - lookback}). */
    lookback: z.number().int().min(1).default(15),
    /** |s| above which they trade (a log move; 0.01 = about 1%). */
    threshold: z.number().positive().default(0.01),
    /** Mean positions opened per step when |s| = threshold (Poisson); the rate grows with |s| / threshold. */
    perStep: z.number().min(0).default(0.5),
    /** Largest mean arrivals per step. */
    maxPerStep: z.number().min(0).default(20),
    collateral: Distribution.default({ uniform: [1000, 10000] }),
    leverage: Distribution.default({ uniform: [3, 15] }),
    /** Close a position after this many steps, or earlier once the signal turns against it by `threshold`. */
    holdSteps: z.number().int().min(1).default(60),
  })
  .strict();
export type MomentumTradersParams = z.infer<typeof MomentumTradersParams>;

/**
 * Trend followers (time-series momentum; the positive-feedback traders of De Long, Shleifer, Summers and Waldmann
 * 1990): with s = ln(mark_t / mark_{t-L}), when |s| > threshold they open k ~ Poisson(min(maxPerStep, perStep |s| /
 * threshold)) positions in the direction of s, each closed after holdSteps or once s has turned against it by more
 * than threshold. In a crash they sell into the fall: they add to the order flow that moves the mark and the open
 * interest that the cascade liquidates. Draws: k, then collateral and leverage per position (only when |s| > threshold).
 */
export const momentumTraders: AgentKind<MomentumTradersParams> = {
  kind: 'momentum-traders',
  summary: 'Trend followers: open in the direction of the last `lookback` steps move when it exceeds `threshold`; close when it fades.',
  params: MomentumTradersParams,
  create(p, env) {
    const owned = new OwnedAccounts(env.index);
    return {
      name: env.name,
      decide(view, rng, out) {
        owned.update(view);
        const t = view.step;
        if (t < 1) return;
        const back = t - p.lookback < 0 ? 0 : t - p.lookback;
        const s = Math.log(view.mark / view.markAt(back));
        const a = view.accounts;
        for (const id of owned.ids) {
          const against = a.size[id] > 0 ? -s : s;
          if (t - a.openedStep[id] >= p.holdSteps || against > p.threshold) out.close(env.index, id);
        }
        const x = Math.abs(s);
        if (!(x > p.threshold) || p.perStep === 0) return;
        const rate = Math.min(p.maxPerStep, (p.perStep * x) / p.threshold);
        const k = rng.poisson(rate);
        const side = s > 0 ? 1 : -1;
        for (let j = 0; j < k; j++) out.open(env.index, side, sample(p.collateral, rng), sample(p.leverage, rng));
      },
    };
  },
};
