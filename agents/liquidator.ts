// A liquidator bot: offers to liquidate up to `maxPerStep` accounts each step for a bounty on the closed notional.
import { z } from 'zod';
import type { AgentKind } from '../sim/types.js';

export const LiquidatorParams = z
  .object({
    kind: z.literal('liquidator'),
    name: z.string().min(1).optional(),
    /** Bounty as a fraction of the liquidated notional, paid from the account's remaining equity after the fee. */
    bounty: z.number().min(0).max(0.5).default(0.005),
    /** Most liquidations the bot can execute in one step (its throughput: gas, capital, latency). */
    maxPerStep: z.number().int().min(0).default(1_000_000_000),
    /** Probability that the bot is online in a given step (outages, congestion). */
    uptime: z.number().min(0).max(1).default(1),
    /**
     * Smallest reward (USD) for which the bot liquidates an account: its gas cost plus its minimum profit. Accounts
     * whose bounty (capped by their remaining equity, unless the protocol pays it from the fund) is smaller are left
     * pending: small and underwater accounts wait (Qin et al. 2021, mechanics.md 7.2/7.4: the bonus must exceed
     * slippage and gas, or liquidations stall).
     */
    minReward: z.number().min(0).default(0),
  })
  .strict();
export type LiquidatorParams = z.infer<typeof LiquidatorParams>;

/** With no liquidator in a scenario the venue liquidates on its own, without bounty and without limit. */
export const liquidator: AgentKind<LiquidatorParams> = {
  kind: 'liquidator',
  summary: 'Liquidator bot with a bounty, a per-step throughput and an uptime probability.',
  params: LiquidatorParams,
  create(p, env) {
    return {
      name: env.name,
      decide(_view, rng, out) {
        if (p.uptime < 1 && !(rng.uniform() < p.uptime)) return;
        out.liquidate(env.index, p.maxPerStep, p.bounty, p.minReward);
      },
    };
  },
};
