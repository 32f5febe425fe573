// Liquidator bots with capital, latency, a gas budget and a minimum profit, competing with each other for accounts.
import { z } from 'zod';
import type { AgentKind } from '../sim/types.js';

export const LiquidatorBotsParams = z
  .object({
    kind: z.literal('liquidator-bots'),
    name: z.string().min(1).optional(),
    /** Bounty as a fraction of the liquidated notional (paid from the account's equity left after the fee). */
    bounty: z.number().min(0).max(0.5).default(0.005),
    /** Most liquidations a step (throughput). */
    maxPerStep: z.number().int().min(0).default(1_000_000_000),
    /** Notional (USD at the mark) the bot can close a step: the capital it must put up to take the position over. */
    capital: z.number().positive().default(Number.MAX_VALUE),
    /**
     * Steps between an account becoming liquidatable and the bot's liquidation landing (monitoring, building and
     * sending the transaction). The network's inclusion delay (congestion) adds to it.
     */
    latencySteps: z.number().int().min(0).default(0),
    /** Gas the bot will spend over the run, USD; it stops offering once spent. */
    gasBudget: z.number().min(0).default(Number.MAX_VALUE),
    /** Profit it wants on top of gas, USD: it takes an account only if the reward is at least gas + minProfit. */
    minProfit: z.number().min(0).default(0),
    /** Probability that the bot is online in a step. */
    uptime: z.number().min(0).max(1).default(1),
  })
  .strict();
export type LiquidatorBotsParams = z.infer<typeof LiquidatorBotsParams>;

/**
 * A keeper whose economics and plumbing can fail (Black Thursday: keepers out of gas budget, blocked by congestion;
 * mechanics.md 6 and 7.2: the reward must exceed gas and slippage, or liquidations stall). Each step, unless offline
 * (probability 1 - uptime) or its transaction is dropped (the network's dropProbability), it offers the venue
 *   count = min(maxPerStep, floor((gasBudget - gas spent) / gasPrice)),
 *   minReward = gasPrice + minProfit (the offer's minReward: smaller rewards are left pending),
 *   latency = latencySteps + the network's inclusion delay (only accounts liquidatable that long are its),
 *   capital: the notional it can close this step.
 * Competition: the venue hands each liquidatable account to the first offer, in the order the bots acted this step
 * (the seeded shuffle), that has count, capital, latency and minReward for it; so a faster or cheaper bot takes what a
 * slower or greedier one cannot, and ties go to the first mover. Gas is paid per liquidation executed (the wallet's
 * `gas`); losing bots pay nothing (no failed-transaction gas). Draws: uptime, then the drop, each only when < 1 / > 0.
 */
export const liquidatorBots: AgentKind<LiquidatorBotsParams> = {
  kind: 'liquidator-bots',
  role: 'liquidator',
  summary: 'Liquidator bot with capital, latency (+ inclusion delay), a gas budget and a minimum profit over gas; bots compete.',
  params: LiquidatorBotsParams,
  create(p, env) {
    return {
      name: env.name,
      capital: { usd: 0 },
      decide(view, rng, out) {
        if (p.uptime < 1 && !(rng.uniform() < p.uptime)) return;
        if (view.dropProbability > 0 && rng.uniform() < view.dropProbability) return;
        const gas = view.gasPrice; // one transaction per liquidation (network.gasPrice is per liquidation)
        let count = p.maxPerStep;
        if (gas > 0) {
          const left = p.gasBudget - view.wallets.gas[env.index];
          const affordable = Math.floor(left / gas);
          if (affordable < count) count = affordable > 0 ? affordable : 0;
        }
        if (count === 0) return;
        out.liquidateWith(env.index, count, p.bounty, gas + p.minProfit, p.latencySteps + view.inclusionDelay, p.capital);
      },
    };
  },
};
