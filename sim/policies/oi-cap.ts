// Open-interest cap (GMX maxOpenInterest): opens that would take open interest above the cap are refused.
import { z } from 'zod';
import { resolveUsd } from '../perp.js';
import type { PolicyKind } from '../types.js';
import { UsdOrShare } from '../venue-config.js';
import { pct2, usd0 } from './stats.js';

export const OiCapParams = z
  .object({
    kind: z.literal('oi-cap'),
    name: z.string().min(1).optional(),
    /**
     * Largest open interest (USD at the mark), or a share of the starting book's open interest ({ openInterest: 1.2 }).
     * GMX v2 ETH/USD: maxOpenInterest $110M (mechanics.md 1.3).
     */
    maxOpenInterest: UsdOrShare.default(110_000_000),
  })
  .strict();
export type OiCapParams = z.infer<typeof OiCapParams>;

/** Whether an open of `notional` is admitted under the cap (the venue's test, sim/phases/agents.ts). */
export function underCap(openInterest: number, notional: number, cap: number): boolean {
  return openInterest + notional <= cap;
}

/**
 * GMX v2 caps each market's open interest (maxOpenInterest, $110M for ETH/USD; mechanics.md 1.3); dYdX's isolated
 * and small-cap tiers have OI caps too (1.2). Admission hook: rules.maxOpenInterest = cap, so an open is refused when
 * open interest (USD at the mark) plus its notional would exceed it. A share cap is resolved against the open interest
 * at step 0 (the starting book at the mark). Closes and liquidations are never blocked. Logs each step in which opens
 * were refused while the cap was within reach (value: open interest, threshold: the cap).
 */
export const oiCap: PolicyKind<OiCapParams> = {
  kind: 'oi-cap',
  summary: 'Refuse opens that would take open interest above maxOpenInterest (GMX), USD or a share of the starting open interest.',
  params: OiCapParams,
  create(p, env) {
    let cap = NaN;
    return {
      name: env.name,
      admission(view, rules) {
        if (cap !== cap) cap = resolveUsd(p.maxOpenInterest, view.openInterest);
        rules.maxOpenInterest = cap;
      },
      afterStep(view) {
        // opens blocked while not halted and the cap within reach: the cap (or another admission limit) refused them
        if (view.blockedOpens > 0 && view.halted === 0 && view.openInterest > 0.9 * cap) {
          env.log('cap-open-interest', `${view.blockedOpens} opens refused: open interest ${usd0(view.openInterest)} is ${pct2(view.openInterest / cap)} of the cap ${usd0(cap)}`, view.openInterest, cap);
        }
      },
    };
  },
};
