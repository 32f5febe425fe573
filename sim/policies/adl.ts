// Auto-deleveraging: bankrupt accounts the insurance fund cannot cover are closed against the most profitable, most levered opposite positions.
import { z } from 'zod';
import type { PolicyKind } from '../types.js';
import { usd0 } from './stats.js';

export const AdlParams = z
  .object({
    kind: z.literal('adl'),
    name: z.string().min(1).optional(),
  })
  .strict();
export type AdlParams = z.infer<typeof AdlParams>;

/**
 * Hyperliquid's ranking key (mechanics.md 1.1, auto-deleveraging.md): (mark / entry) * (notional / account value) for
 * a long; the venue uses entry / mark for a short, so that for both sides the key grows with profit and leverage.
 */
export function adlScore(size: number, entry: number, mark: number, equity: number): number {
  const pnlRatio = size > 0 ? mark / entry : entry / mark;
  return pnlRatio * ((Math.abs(size) * mark) / equity);
}

/**
 * The last line before socialized losses (mechanics.md 1.6): when an account would leave bad debt the insurance fund
 * cannot pay, its position is closed at its bankruptcy price (equity zero) against opposite positions that are in
 * profit, highest adlScore first (sim/perp.ts autoDeleverage, plan.adl). The bankrupt account leaves no bad debt; the
 * deleveraged traders are paid their equity at the bankruptcy price. Hyperliquid fills at the previous mark and dYdX
 * at the bankruptcy price (mechanics.md 1.2); the venue uses the bankruptcy price. Whatever the opposite side cannot
 * absorb is liquidated through the book as usual. GMX's pool-based trigger (pnl / pool > 85%) is not modelled.
 * Logs each step with ADL fills.
 */
export const adl: PolicyKind<AdlParams> = {
  kind: 'adl',
  summary: 'Auto-deleverage: close bankrupt accounts the fund cannot cover against profitable opposite positions, ranked by profit x leverage.',
  params: AdlParams,
  create(_p, env) {
    let events = 0;
    let notional = 0;
    let covered = 0;
    return {
      name: env.name,
      liquidation(_view, plan) {
        plan.adl = true;
      },
      afterStep(view) {
        const l = view.ledger;
        if (l.adlEvents > events) {
          env.log(
            'adl',
            `${l.adlEvents - events} profitable positions closed at bankruptcy prices: ${usd0(l.adlNotional - notional)} notional, ${usd0(l.adlCovered - covered)} of bad debt the fund (${usd0(view.insuranceFund)}) could not pay`,
            l.adlNotional - notional,
            view.insuranceFund,
          );
          events = l.adlEvents;
          notional = l.adlNotional;
          covered = l.adlCovered;
        }
      },
    };
  },
};
