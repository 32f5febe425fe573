// Anchored oracle (Compound Open Price Feed): accepts the primary price only within +-band of an anchor TWAP.
import { z } from 'zod';
import type { PolicyKind } from '../types.js';
import { Window, num, pct } from './common.js';

export const AnchorBandParams = z
  .object({
    kind: z.literal('anchor-band'),
    name: z.string().min(1).optional(),
    /** Accept when |P / anchor - 1| <= band. Compound: 20% (upper/lower bound anchor ratios 1.2 / 0.8). */
    band: z.number().positive().default(0.2),
    /** Steps of the anchor TWAP (Compound: the Uniswap TWAP over 30 minutes = 30 one-minute steps). */
    anchorSteps: z.number().int().min(1).default(30),
    /**
     * `pool`: the scenario's AMM pool TWAP (arithmetic, like Uniswap v2's; Compound's anchor); without a pool, the
     * TWAP of the accepted oracle prices. `oracle`: always the TWAP of the accepted oracle prices.
     */
    anchor: z.enum(['pool', 'oracle']).default('pool'),
    /** Outside the band: keep the `last-good` price (Compound: the post is not stored) or use the `anchor` price. */
    fallback: z.enum(['last-good', 'anchor']).default('last-good'),
  })
  .strict();
export type AnchorBandParams = z.infer<typeof AnchorBandParams>;

/** Whether the primary price P is within +-band of the anchor (Compound: lower <= P / anchor <= upper). */
export function withinAnchor(price: number, anchor: number, band: number): boolean {
  const r = price / anchor;
  return r >= 1 - band && r <= 1 + band;
}

/**
 * Compound's Open Price Feed (UniswapAnchoredView): a reporter's price (Coinbase, later Chainlink) is stored only
 * when it lies within the anchor bounds of the Uniswap TWAP, +-20% (../shared mechanics.md 4.3 and 4.5; the DAI print
 * of 26 Nov 2020 at $1.30 passed because it was inside the band, section 6). Outside the band the price is guarded:
 * the last good price stays (or, with `fallback: anchor`, the anchor is used).
 */
export const anchorBand: PolicyKind<AnchorBandParams> = {
  kind: 'anchor-band',
  summary: 'Accept the oracle only within +-band (20%) of an anchor TWAP (Compound Open Price Feed); outside, last good or the anchor.',
  params: AnchorBandParams,
  create(p, env) {
    const own = new Window(p.anchorSteps);
    let guardedSince = -1;
    let worst = 0;
    return {
      name: env.name,
      oracle(view, price) {
        const t = view.step;
        own.push(view.oracle); // the last accepted price (step t - 1; the initial price at step 0)
        if (!(price > 0 && Number.isFinite(price))) return price;
        let anchor = p.anchor === 'pool' ? view.twap(p.anchorSteps, 'arithmetic') : NaN;
        const source = anchor > 0 ? 'pool TWAP' : 'TWAP of accepted prices';
        if (!(anchor > 0)) anchor = own.mean();
        const dev = price / anchor - 1;
        if (withinAnchor(price, anchor, p.band)) {
          if (guardedSince >= 0) {
            env.log('accept-oracle', `answer ${num(price)} within +-${pct(p.band)} of the anchor ${num(anchor)} again after ${t - guardedSince} guarded steps (largest deviation ${pct(worst)})`, dev, p.band);
            guardedSince = -1;
          }
          return price;
        }
        if (guardedSince < 0) {
          guardedSince = t;
          worst = 0;
          env.log(
            p.fallback === 'anchor' ? 'use-anchor' : 'reject-oracle',
            `answer ${num(price)} is ${pct(dev)} from the anchor ${num(anchor)} (${source}, ${p.anchorSteps} steps); band +-${pct(p.band)}`,
            dev,
            p.band,
          );
        }
        if (Math.abs(dev) > Math.abs(worst)) worst = dev;
        return p.fallback === 'anchor' ? anchor : NaN;
      },
    };
  },
};
