// Noise traders: uninformed flow. Poisson arrivals open small positions on a coin flip and close them after a drawn holding time.
import { z } from 'zod';
import { Distribution, sample } from '../sim/distribution.js';
import type { AgentKind } from '../sim/types.js';
import { OwnedAccounts } from './owned.js';

export const NoiseTradersParams = z
  .object({
    kind: z.literal('noise-traders'),
    name: z.string().min(1).optional(),
    /** Mean number of positions opened per step (Poisson). */
    perStep: z.number().min(0).default(0.5),
    /** Collateral per position, USD. */
    collateral: Distribution.default({ uniform: [500, 5000] }),
    /** Leverage per position. */
    leverage: Distribution.default({ uniform: [1, 5] }),
    /** Probability that a position is long. */
    longShare: z.number().min(0).max(1).default(0.5),
    /** Steps a position is held before it is closed (drawn when the position is first seen). */
    holdSteps: Distribution.default({ uniform: [10, 240] }),
  })
  .strict();
export type NoiseTradersParams = z.infer<typeof NoiseTradersParams>;

/**
 * Uninformed order flow (Kyle 1985's noise traders; the "noise" side of mechanics.md 7.4's impact models): each step
 * k ~ Poisson(perStep) new positions, long with probability longShare, collateral and leverage drawn; each position
 * is closed `holdSteps` (drawn) steps after it opened, unless it was liquidated first. Draws, in order each step: the
 * holding times of positions seen for the first time, then k, then per position side, collateral, leverage.
 */
export const noiseTraders: AgentKind<NoiseTradersParams> = {
  kind: 'noise-traders',
  summary: 'Noise traders: Poisson arrivals of small positions on a coin flip, each closed after a drawn holding time.',
  params: NoiseTradersParams,
  create(p, env) {
    const owned = new OwnedAccounts(env.index);
    const closeAt = new Map<number, number>();
    return {
      name: env.name,
      decide(view, rng, out) {
        owned.update(view, (id) => closeAt.set(id, view.accounts.openedStep[id] + Math.max(1, Math.round(sample(p.holdSteps, rng)))));
        for (const id of owned.ids) {
          if ((closeAt.get(id) ?? Infinity) <= view.step) out.close(env.index, id); // retried while the venue refuses it
        }
        if (p.perStep === 0) return;
        const k = rng.poisson(p.perStep);
        for (let j = 0; j < k; j++) {
          const side = rng.uniform() < p.longShare ? 1 : -1;
          out.open(env.index, side, sample(p.collateral, rng), sample(p.leverage, rng));
        }
      },
    };
  },
};
