// Flash-loan attacker (bZx, Feb 2020): borrow, move the pool the venue prices with, open, withdraw, unwind, repay: one turn.
import { z } from 'zod';
import type { AgentKind } from '../sim/types.js';

export const FlashLoanAttackerParams = z
  .object({
    kind: z.literal('flash-loan-attacker'),
    name: z.string().min(1).optional(),
    /** Steps at which it attacks (once each, if the simulated profit clears minProfit). */
    at: z.array(z.number().int().min(0)).min(1).default([60]),
    /** USD bought into the pool to move its price. */
    pumpUsd: z.number().positive().default(1_000_000),
    /** Collateral of the venue position, USD. */
    collateral: z.number().positive().default(500_000),
    leverage: z.number().positive().default(5),
    /** Flash-loan fee, a fraction of the loan (dYdX's solo margin: ~0 in 2020; Aave v2: 0.09%). */
    flashFee: z.number().min(0).max(0.1).default(0),
    /** Smallest simulated profit (USD) for which it sends the sequence (on chain it would revert otherwise). */
    minProfit: z.number().min(0).default(0),
  })
  .strict();
export type FlashLoanAttackerParams = z.infer<typeof FlashLoanAttackerParams>;

/**
 * bZx, 15 and 18 Feb 2020 (mechanics.md section 6): flash loans of 7,500-10,000 ETH, a single DEX's spot price pumped
 * in the same transaction, a position valued at that price, the loan repaid; +1,193 ETH and +2,378 ETH. Here, in its
 * one turn at step `at` (intents are applied in order and nothing else happens in between: atomic, sim/agent-actions.ts):
 *   FLASH borrow (collateral + pumpUsd); SWAP buy pumpUsd of base (the pool's price rises); OPEN long
 *   (collateral, leverage) on the venue; WITHDRAW (account -1) the most its margin check allows at the pool's
 *   current spot (the venue must read it: `venue.marginPrice: pool`); SWAP sell all the base back; FLASH repay.
 * It first simulates the sequence on the pool's quotes (constant product) and the venue's initial margin at the mark
 * (slippage and fees ignored) and sends it only if the profit W - collateral + (sold - pumpUsd) - fee - gas exceeds
 * minProfit. Simplification: bZx #1 routed the venue's own margin trade through the pumped pool; the form here is
 * bZx #2's (collateral valued at the manipulated spot). An adversary: its P&L, cost and actions are reported.
 */
export const flashLoanAttacker: AgentKind<FlashLoanAttackerParams> = {
  kind: 'flash-loan-attacker',
  role: 'adversary',
  summary: 'bZx-style, in one turn: flash-borrow, pump the pool, open, withdraw at the pool price, sell back, repay.',
  params: FlashLoanAttackerParams,
  create(p, env) {
    const steps = new Set(p.at);
    return {
      name: env.name,
      capital: { usd: 0 },
      decide(view, _rng, out) {
        const pool = view.pool;
        if (pool === null || !steps.has(view.step)) return;
        if (!(simulatedProfit(view.pool!, view.mark, view.initialMargin, view.gasPrice, p) > p.minProfit)) return;
        const me = env.index;
        out.borrowFlash(me, p.collateral + p.pumpUsd);
        out.swap(me, 1, p.pumpUsd);
        out.open(me, 1, p.collateral, p.leverage);
        out.withdraw(me, -1, Infinity);
        out.swap(me, -1, Infinity);
        out.repayFlash(me, p.flashFee);
      },
    };
  },
};

/** The attack's profit simulated on the pool's constant-product quotes and the venue's initial margin at the mark. */
export function simulatedProfit(
  pool: { reserveBase: number; reserveQuote: number; fee: number; quoteQuoteIn(dy: number): number },
  mark: number,
  imf: number,
  gas: number,
  p: Pick<FlashLoanAttackerParams, 'pumpUsd' | 'collateral' | 'leverage' | 'flashFee'>,
): number {
  const units = pool.quoteQuoteIn(p.pumpUsd);
  const x = pool.reserveBase - units;
  const y = pool.reserveQuote + p.pumpUsd;
  const pumped = y / x;
  const q = (p.collateral * p.leverage) / mark;
  const equity = p.collateral + q * (pumped - mark);
  const w = equity - imf * q * pumped;
  const g = 1 - pool.fee;
  const sold = (y * g * units) / (x + g * units);
  return (w > 0 ? w : 0) - p.collateral + sold - p.pumpUsd - p.flashFee * (p.collateral + p.pumpUsd) - gas;
}
