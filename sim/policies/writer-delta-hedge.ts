// Protocol-level delta hedge of the option writers' net delta on the spot market; its P&L is reported apart.
import { z } from 'zod';
import type { PolicyKind } from '../types.js';

export const WriterDeltaHedgeParams = z
  .object({
    kind: z.literal('writer-delta-hedge'),
    name: z.string().min(1).optional(),
    /** Share of the writers' net delta hedged: the protocol holds -ratio * delta / S units of the underlying. */
    ratio: z.number().min(0).max(2).default(1),
    /** Rebalance only when the target differs from the held hedge by more than this share of the target. */
    band: z.number().min(0).max(1).default(0.1),
    /** Cost of trading the hedge on the spot market, fraction of the traded notional. */
    cost: z.number().min(0).max(0.1).default(0.0005),
  })
  .strict();
export type WriterDeltaHedgeParams = z.infer<typeof WriterDeltaHedgeParams>;

/**
 * The protocol loses when writers lose more than their collateral; to first order their losses are delta * dS/S, so
 * the protocol holds the opposite of their net delta (the way Lyra v1's AMM hedged the delta of the options it wrote
 * on a perp market, mechanics.md 2.4). Runs each step after Greeks limits (scenario order); the hedge's P&L is the
 * `options_hedge_pnl` column, kept out of the venue's ledger like the perp's treasury hedge.
 */
export const writerDeltaHedge: PolicyKind<WriterDeltaHedgeParams> = {
  kind: 'writer-delta-hedge',
  summary: "Options: hedge a share of the writers' net delta on the spot market (cost as a fraction); P&L reported.",
  params: WriterDeltaHedgeParams,
  create(p, env) {
    return {
      name: env.name,
      options(_view, ctl) {
        const o = ctl.view;
        const target = (-p.ratio * o.writerDelta) / o.index;
        const held = ctl.protocolHedgeUnits;
        if (!(Math.abs(target - held) > p.band * Math.abs(target))) return;
        ctl.protocolHedge(target, p.cost);
        env.log('rebalance-hedge', `writers' net delta ${o.writerDelta.toFixed(0)} USD; hedge ${held.toFixed(3)} -> ${target.toFixed(3)} units`, target, held);
      },
    };
  },
};
