// A lending liquidator bot: repays debt of unhealthy positions and sells the collateral it receives on the spot
// market (or, against a Compound v3-style pool, absorbs and buys collateral), within a capital and throughput limit.
import { z } from 'zod';
import type { AgentKind } from '../sim/types.js';

export const LendingLiquidatorParams = z
  .object({
    kind: z.literal('lending-liquidator'),
    name: z.string().min(1).optional(),
    /** USD the bot can deploy in one step (debt repaid, collateral bought); it is paid back by the same step's sales. */
    capital: z.number().min(0).default(1_000_000),
    /** Most liquidations (absorbs) the bot executes in one step (throughput: gas, blocks, latency). */
    maxPerStep: z.number().int().min(0).default(1_000_000_000),
    /** Smallest profit (USD) per liquidation after the sale's slippage; the network's gas price is added. */
    minProfit: z.number().min(0).default(0),
    /** Probability that the bot is online in a given step. */
    uptime: z.number().min(0).max(1).default(1),
  })
  .strict();
export type LendingLiquidatorParams = z.infer<typeof LendingLiquidatorParams>;

/**
 * Its bounty is the liquidation bonus net of slippage: it receives debt * (1 + bonus) / P of collateral (less the
 * protocol fee) and sells it at the spot with square-root slippage; it skips a liquidation whose proceeds would not
 * exceed the debt it repays by `minProfit` plus gas (mechanics.md 7.4: "LB must exceed expected slippage + gas").
 */
export const lendingLiquidator: AgentKind<LendingLiquidatorParams> = {
  kind: 'lending-liquidator',
  summary: 'Lending liquidator: capital and throughput per step, sells seized collateral on the spot market, skips unprofitable liquidations.',
  params: LendingLiquidatorParams,
  create(p, env) {
    return {
      name: env.name,
      decide(view, rng, out) {
        if (p.uptime < 1 && !(rng.uniform() < p.uptime)) return;
        out.liquidateLoans(env.index, p.maxPerStep, p.capital, p.minProfit + view.gasPrice);
      },
    };
  },
};
