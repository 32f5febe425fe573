// Liquidation rate limit (Synthetix v3): at most maxLiquidationAmountInWindow units of the asset liquidated per window.
import { z } from 'zod';
import type { PolicyKind } from '../types.js';
import { usd0 } from './stats.js';

export const LiquidationCapParams = z
  .object({
    kind: z.literal('liquidation-cap'),
    name: z.string().min(1).optional(),
    /** Maker fee of the market (Synthetix ETH: 0.0001% = 0.000001; mechanics.md 1.4). */
    makerFee: z.number().min(0).default(0.000001),
    /** Taker fee (Synthetix ETH: 0.05%). */
    takerFee: z.number().min(0).default(0.0005),
    /** Skew scale in units of the asset (Synthetix ETH: 350,000 ETH). */
    skewScale: z.number().positive().default(350_000),
    /** maxLiquidationLimitAccumulationMultiplier (Synthetix ETH: 1.5). */
    multiplier: z.number().positive().default(1.5),
    /** maxSecondsInLiquidationWindow (Synthetix ETH: 30 s). */
    windowSeconds: z.number().positive().default(30),
    /** Cap in units per window, replacing the formula (null: from the formula). */
    maxUnits: z.number().positive().nullable().default(null),
  })
  .strict();
export type LiquidationCapParams = z.infer<typeof LiquidationCapParams>;

/**
 * Synthetix v3 PerpsMarketConfiguration.maxLiquidationAmountInWindow (mechanics.md 1.4):
 * (makerFee + takerFee) * skewScale * multiplier * windowSeconds, in units of the asset. ETH: (0.000001 + 0.0005)
 * * 350,000 * 1.5 * 30 = 7,890.75 ETH per 30 s window (mechanics.md 7.1 vector 8).
 */
export function maxLiquidationAmountInWindow(p: Pick<LiquidationCapParams, 'makerFee' | 'takerFee' | 'skewScale' | 'multiplier' | 'windowSeconds' | 'maxUnits'>): number {
  if (p.maxUnits !== null) return p.maxUnits;
  return (p.makerFee + p.takerFee) * p.skewScale * p.multiplier * p.windowSeconds;
}

/**
 * Synthetix's per-market liquidation rate limit: at most `maxLiquidationAmountInWindow` units liquidated per window;
 * what is over the limit waits for the next window (pending). The policy keeps the window's tally and sets
 * plan.maxNotional = (cap - liquidated this window) * mark. With steps longer than the window, a step holds
 * stepSeconds / windowSeconds windows of capacity; with shorter steps a window spans several steps.
 *
 * Simplifications: the tally converts each step's liquidated notional to units at that step's mark; the venue checks
 * the cap before each liquidation, so the last one of a window may go over it (a position is not split to fit; with
 * partial-liquidation it is sliced) and the excess counts against the window; Synthetix's extra window when
 * |skew| / skewScale < maxLiquidationPd and the endorsed liquidator's bypass are not modelled. Logs each window in
 * which the cap was reached with accounts left waiting.
 */
export const liquidationCap: PolicyKind<LiquidationCapParams> = {
  kind: 'liquidation-cap',
  summary: 'Synthetix per-window liquidation cap: (makerFee + takerFee) * skewScale * multiplier * windowSeconds units per window.',
  params: LiquidationCapParams,
  create(p, env) {
    const capUnits = maxLiquidationAmountInWindow(p);
    const stepsSpan = env.stepSeconds >= p.windowSeconds;
    // capacity of one step when a step spans one or more windows
    const perStep = stepsSpan ? (capUnits * env.stepSeconds) / p.windowSeconds : capUnits;
    let window = -1;
    let used = 0;
    let notional0 = 0;
    let mark0 = 0;
    let loggedWindow = -1;
    return {
      name: env.name,
      liquidation(view, plan) {
        const w = stepsSpan ? view.step : Math.floor((view.step * env.stepSeconds) / p.windowSeconds);
        if (w !== window) {
          window = w;
          used = 0;
        }
        const left = perStep - used;
        const cap = (left > 0 ? left : 0) * view.mark;
        if (cap < plan.maxNotional) plan.maxNotional = cap;
        notional0 = view.ledger.liquidatedNotional;
        mark0 = view.mark;
      },
      afterStep(view) {
        if (mark0 > 0) used += (view.ledger.liquidatedNotional - notional0) / mark0;
        mark0 = 0;
        if (used >= perStep && view.pendingLiquidations > 0 && loggedWindow !== window) {
          loggedWindow = window;
          env.log(
            'cap-reached',
            `${used.toFixed(2)} units liquidated in the ${stepsSpan ? `${env.stepSeconds}-s step` : `${p.windowSeconds}-s window`} (cap ${perStep.toFixed(2)}, ${usd0(perStep * view.mark)} at the mark); ${view.pendingLiquidations} accounts wait`,
            used,
            perStep,
          );
        }
      },
    };
  },
};
