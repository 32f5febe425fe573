// Partial liquidation: large positions are closed in slices (Hyperliquid 20% above $100k, cooldown) or restored to a buffer (Drift).
import { z } from 'zod';
import type { PolicyKind } from '../types.js';
import { pct2, usd0 } from './stats.js';

export const PartialLiquidationParams = z
  .object({
    kind: z.literal('partial-liquidation'),
    name: z.string().min(1).optional(),
    /** Share of the position closed per liquidation (Hyperliquid: 20%; mechanics.md 1.1). */
    fraction: z.number().gt(0).lt(1).default(0.2),
    /** Only positions above this notional (USD at the mark) are sliced (Hyperliquid: 100,000 USDC). */
    minNotional: z.number().min(0).default(100_000),
    /**
     * After a partial liquidation, a position liquidatable again within this many seconds is closed whole (Hyperliquid:
     * 30 s). In steps: floor(cooldownSeconds / stepSeconds), so with one-minute steps the next step is already past it.
     */
    cooldownSeconds: z.number().min(0).default(30),
    /**
     * When > 0, close just enough for equity to cover (maintenance + restoreBuffer) of what is left, and at least
     * `fraction` (Drift: DEFAULT_LIQUIDATION_MARGIN_BUFFER_RATIO 2%; mechanics.md 1.5). 0 = fixed slices.
     */
    restoreBuffer: z.number().min(0).max(1).default(0),
  })
  .strict();
export type PartialLiquidationParams = z.infer<typeof PartialLiquidationParams>;

/** Steps of the cooldown: a later step is inside it only if it is at most cooldownSeconds after the slice. */
export function cooldownSteps(cooldownSeconds: number, stepSeconds: number): number {
  return Math.floor(cooldownSeconds / stepSeconds);
}

/**
 * Hyperliquid's market liquidation sends only 20% of a position above $100k to the book per liquidation; the next
 * liquidation within the 30 s cooldown is for the whole position (mechanics.md 1.1). Drift instead closes just enough
 * to restore maintenance plus a 2% buffer (mechanics.md 1.5): set `restoreBuffer: 0.02`. The venue executes the plan
 * (sim/perp.ts liquidatePartial): each slice goes through the book with its own square-root slippage, fee and bounty;
 * a slice that would leave negative collateral closes the position whole. Logs every step with partial liquidations.
 * On the cross-margin venue (`cross` hook) an account above `minNotional` of positions has the share closed from every
 * position at once and stays open (no cooldown there); see docs/cross-margin.md.
 */
export const partialLiquidation: PolicyKind<PartialLiquidationParams> = {
  kind: 'partial-liquidation',
  summary: 'Liquidate positions above minNotional in slices of `fraction` (cooldown), or just back to maintenance + restoreBuffer.',
  params: PartialLiquidationParams,
  create(p, env) {
    const cooldown = cooldownSteps(p.cooldownSeconds, env.stepSeconds);
    let seen = 0;
    let seenCross = 0;
    let notional0 = 0;
    let count0 = 0;
    return {
      name: env.name,
      liquidation(view, plan) {
        plan.partialFraction = p.fraction;
        plan.partialMinNotional = p.minNotional;
        plan.partialCooldownSteps = cooldown;
        plan.restoreBuffer = p.restoreBuffer;
        notional0 = view.ledger.liquidatedNotional;
        count0 = view.ledger.liquidations;
      },
      cross(_view, plan) {
        // the cross-margin venue: a share of every position of a large account (sim/cross/venue.ts liquidatePartOrAll)
        plan.partialFraction = p.fraction;
        plan.partialMinNotional = p.minNotional;
        plan.restoreBuffer = p.restoreBuffer;
      },
      afterStep(view) {
        const l = view.ledger;
        const k = l.partialLiquidations - seen;
        if (k > 0) {
          seen = l.partialLiquidations;
          const how = p.restoreBuffer > 0 ? `back to maintenance + ${pct2(p.restoreBuffer)} (at least ${pct2(p.fraction)})` : `${pct2(p.fraction)} slices`;
          env.log(
            'partial-liquidation',
            `${k} of ${l.liquidations - count0} liquidations this step closed ${how} of positions above ${usd0(p.minNotional)}; ${usd0(l.liquidatedNotional - notional0)} liquidated`,
            k,
            p.minNotional,
          );
        }
        const c = view.cross;
        if (c && c.ledger.partialLiquidations > seenCross) {
          const kc = c.ledger.partialLiquidations - seenCross;
          seenCross = c.ledger.partialLiquidations;
          env.log('partial-liquidation', `cross venue: ${kc} account${kc > 1 ? 's' : ''} above ${usd0(p.minNotional)} had ${pct2(p.fraction)} or more of every position closed`, kc, p.minNotional);
        }
      },
    };
  },
};
