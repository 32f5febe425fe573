// A population of lending-pool borrowers: positions opened at step 0 near a target health factor (or LTV), then,
// optionally, a few borrowers a step look at their position and repay or re-borrow toward a target.
import { z } from 'zod';
import { Distribution, sample } from '../sim/distribution.js';
import type { AgentKind } from '../sim/types.js';

export const BorrowersParams = z
  .object({
    kind: z.literal('borrowers'),
    name: z.string().min(1).optional(),
    /** Positions opened at step 0. */
    count: z.number().int().min(0).default(1000),
    /** Collateral per position, in units of the venue asset (e.g. ETH). */
    collateral: Distribution.default({ uniform: [1, 50] }),
    /**
     * Health factor each position is opened at: debt = collateral * price * LT / HF (at the step-0 oracle price),
     * at most the LTV limit collateral * price * LTV (with the WETH defaults that is HF >= 0.86 / 0.825 = 1.042).
     */
    healthFactor: Distribution.optional(),
    /** Instead of `healthFactor`: share of the collateral's value borrowed (capped at the LTV). */
    ltv: Distribution.optional(),
    /**
     * Position management during the run: each step a Poisson number (mean `perStep`) of this population's positions
     * is looked at; one below `repayBelow` repays debt to reach `target`, one above `reborrowAbove` borrows up to
     * `target` (refused while borrows are halted). Omitted: positions are left alone.
     */
    manage: z
      .object({
        perStep: z.number().min(0).default(1),
        repayBelow: z.number().positive().default(1.1),
        reborrowAbove: z.number().positive().default(1.6),
        target: z.number().positive().default(1.3),
      })
      .strict()
      .optional(),
  })
  .strict()
  .refine((v) => v.healthFactor === undefined || v.ltv === undefined, { message: "give either 'healthFactor' or 'ltv', not both", path: ['ltv'] });
export type BorrowersParams = z.infer<typeof BorrowersParams>;

const DEFAULT_HF: Distribution = { uniform: [1.1, 2] };

/** Borrowers act only through SUPPLY, BORROW and REPAY intents; the pool checks caps, LTV and halts. */
export const borrowers: AgentKind<BorrowersParams> = {
  kind: 'borrowers',
  summary: 'Lending borrowers: positions opened at a target health factor or LTV, optionally repaying or re-borrowing toward a target.',
  params: BorrowersParams,
  create(p, env) {
    const me = env.index;
    const mine: number[] = [];
    let seen = 0;
    let opened = false;
    return {
      name: env.name,
      decide(view, rng, out) {
        const pool = view.lending;
        if (pool === null) return;
        const price = view.oracle;
        const cfg = pool.config.collateral;
        if (!opened) {
          opened = true;
          for (let k = 0; k < p.count; k++) {
            const c = sample(p.collateral, rng);
            const limit = c * price * cfg.ltv;
            let d = p.ltv !== undefined ? c * price * sample(p.ltv, rng) : (c * price * cfg.liquidationThreshold) / sample(p.healthFactor ?? DEFAULT_HF, rng);
            if (d > limit) d = limit;
            out.supply(me, -1, c);
            if (d > 0) out.borrow(me, -1, d);
          }
          return;
        }
        const loans = pool.loans;
        for (; seen < loans.count; seen++) if (loans.owner[seen] === me) mine.push(seen);
        const m = p.manage;
        if (m === undefined || mine.length === 0) return;
        const k = rng.poisson(m.perStep);
        for (let j = 0; j < k; j++) {
          const i = mine[rng.int(mine.length)];
          if (loans.open[i] !== 1) continue;
          const hf = pool.healthFactorOf(i, price);
          const debt = pool.debtOf(i);
          const want = (loans.collateral[i] * price * cfg.liquidationThreshold) / m.target;
          if (hf < m.repayBelow) {
            if (debt > want) out.repay(me, i, debt - want);
          } else if (hf > m.reborrowAbove) {
            const room = pool.borrowCapacityOf(i, price);
            const more = want - debt < room ? want - debt : room;
            if (more > 0) out.borrow(me, i, more);
          }
        }
      },
    };
  },
};
