// Collateral haircut: only (1 - haircut) of the collateral counts toward margin, modelled as a raised maintenance and initial fraction.
import { z } from 'zod';
import type { PolicyKind } from '../types.js';
import { pct2 } from './stats.js';

export const CollateralHaircutParams = z
  .object({
    kind: z.literal('collateral-haircut'),
    name: z.string().min(1).optional(),
    /** Share of the collateral's value not counted for margin (a stablecoin depeg buffer; volatile collateral needs far more). */
    haircut: z.number().min(0).lt(1).default(0.05),
  })
  .strict();
export type CollateralHaircutParams = z.infer<typeof CollateralHaircutParams>;

/**
 * Add-on to the margin fractions: with equity' = equity - h c, the test equity' < m N is equity < (m + h c / N) N. The
 * venue's fractions are market-wide, so c / N is the book's: open collateral / open interest.
 */
export function haircutAddOn(haircut: number, collateral: number, openInterest: number): number {
  return openInterest > 0 ? (haircut * collateral) / openInterest : 0;
}

/**
 * Haircut on collateral for margin, with USD collateral only (multi-asset collateral, where the haircut follows the
 * collateral's own volatility and liquidity, comes with another issue; cf. Hyperliquid portfolio margin LTVs and
 * Aave/Compound collateral factors, mechanics.md 1.1, 3.1, 3.2). Counting only (1 - h) of an account's collateral c
 * toward its equity is the test equity - h c < m N, i.e. a maintenance fraction of m + h c / N. The venue's margin
 * fractions are market-wide, so the policy raises maintenance and initial by h C / OI with C the open collateral and
 * OI the open interest (margin hook; the strictest fraction across policies wins).
 *
 * Simplification: the book's average collateral-to-notional ratio replaces each account's own: low-leverage accounts
 * (c / N above the average) are charged too little and high-leverage ones too much. Logs the add-on when it first
 * applies and each time it has moved by a quarter since the last entry.
 */
export const collateralHaircut: PolicyKind<CollateralHaircutParams> = {
  kind: 'collateral-haircut',
  summary: 'Count (1 - haircut) of collateral for margin: maintenance and initial + haircut x open collateral / open interest.',
  params: CollateralHaircutParams,
  create(p, env) {
    let logged = 0;
    return {
      name: env.name,
      margin(view, m) {
        const add = haircutAddOn(p.haircut, view.openCollateral, view.openInterest);
        if (!(add > 0)) return;
        m.maintenance += add;
        m.initial = Math.min(1, m.initial + add);
        if (logged === 0 || Math.abs(add - logged) >= 0.25 * logged) {
          env.log(
            logged === 0 ? 'haircut' : add > logged ? 'raise-margin' : 'lower-margin',
            `haircut ${pct2(p.haircut)} of $${view.openCollateral.toFixed(0)} collateral on $${view.openInterest.toFixed(0)} open interest: maintenance ${pct2(m.maintenance - add)} + ${pct2(add)}`,
            add,
            p.haircut,
          );
          logged = add;
        }
      },
    };
  },
};
