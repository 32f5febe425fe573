// Treasury hedge: the protocol hedges a share of the venue's net exposure on the spot market, rebalancing periodically.
import { z } from 'zod';
import type { PolicyKind } from '../types.js';
import { pct2 } from './stats.js';

export const TreasuryHedgeParams = z
  .object({
    kind: z.literal('treasury-hedge'),
    name: z.string().min(1).optional(),
    /** Share of the net exposure hedged (1 = delta-neutral counterparty). */
    ratio: z.number().min(0).max(2).default(1),
    /** Steps between rebalances (60 = hourly with one-minute steps). */
    everySteps: z.number().int().min(1).default(60),
    /** Cost of trading the hedge, fraction of the traded notional (a spot taker fee; not in mechanics.md). */
    cost: z.number().min(0).max(0.1).default(0.0005),
    /** Skip a rebalance smaller than this share of the current target (0: always trade). */
    band: z.number().min(0).max(1).default(0),
  })
  .strict();
export type TreasuryHedgeParams = z.infer<typeof TreasuryHedgeParams>;

/** Hedge position (units of the asset) for a net exposure: the opposite of `ratio` of it. */
export function hedgeTarget(ratio: number, netExposure: number): number {
  return -ratio * netExposure;
}

/**
 * The venue's counterparty (the book or LP pool: GMX's GM pool, Hyperliquid's HLP, mechanics.md 1.6) holds the
 * opposite of the traders' net size, so its P&L moves with the price. A treasury hedge holds `-ratio` times that
 * exposure on the spot market (outside the venue), rebalanced every `everySteps` steps at the spot price for `cost` of
 * the traded notional (act hook: hedge). Its P&L is reported apart from the venue's ledger as `hedge_pnl`; hedged, the
 * counterparty's P&L plus the hedge's varies less across market paths. mechanics.md notes that protocol treasury
 * hedging was not researched; the rule here is the plain delta hedge. Logs each rebalance (value: the new hedge in
 * units, threshold: the exposure).
 */
export const treasuryHedge: PolicyKind<TreasuryHedgeParams> = {
  kind: 'treasury-hedge',
  summary: "Hedge `ratio` of the venue's net exposure on the spot market every `everySteps` steps, at `cost` of the traded notional.",
  params: TreasuryHedgeParams,
  create(p, env) {
    let held = 0;
    return {
      name: env.name,
      act(view, actions) {
        if (view.step % p.everySteps !== 0) return;
        const exposure = actions.netExposure;
        const target = hedgeTarget(p.ratio, exposure);
        const change = Math.abs(target - held);
        if (change === 0 || change < p.band * Math.abs(target)) return;
        actions.hedge(target, p.cost);
        env.log('rehedge', `net exposure ${exposure.toFixed(3)} units: hedge ${held.toFixed(3)} -> ${target.toFixed(3)} at spot ${view.spot.toFixed(2)} (${pct2(p.ratio)} hedged, cost ${pct2(p.cost)})`, target, exposure);
        held = target;
      },
    };
  },
};
