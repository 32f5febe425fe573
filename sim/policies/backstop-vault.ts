// Backstop vault (Hyperliquid HLP): takes over accounts below 2/3 of maintenance, then sells their positions down a fraction per step.
import { z } from 'zod';
import type { PolicyKind } from '../types.js';
import { pct2, usd0 } from './stats.js';

export const BackstopVaultParams = z
  .object({
    kind: z.literal('backstop-vault'),
    name: z.string().min(1).optional(),
    /** Take over an account when equity < below * maintenance requirement (Hyperliquid: 2/3; mechanics.md 1.1). */
    below: z.number().gt(0).max(1).default(2 / 3),
    /** Share of the vault's positions sold through the book each step it holds any (not in mechanics.md; a choice). */
    unwindFraction: z.number().gt(0).max(1).default(0.1),
    /** Sell the rest at once when the vault holds less than this notional (USD). */
    closeBelow: z.number().min(0).default(1000),
  })
  .strict();
export type BackstopVaultParams = z.infer<typeof BackstopVaultParams>;

/**
 * Hyperliquid's second line (mechanics.md 1.1, 1.6): when an account's equity falls below 2/3 of its maintenance
 * margin, the liquidator vault (part of HLP) takes over its position and margin; the trader keeps nothing (the margin
 * left is the vault's buffer, so that backstopping is profitable on average). The venue moves the position to the
 * vault at the mark without a book sale (plan.backstopBelow; no liquidator capacity needed, sim/perp.ts takeOver), and
 * this policy sells the vault's positions through the book `unwindFraction` a step (act: unwindBackstop), all of it
 * once below `closeBelow`. The vault's P&L is `backstop_pnl` in the run summary. Simplification: Hyperliquid hands an
 * account to the vault only after the book liquidation failed; here every account below the threshold goes to the
 * vault first. Logs each step's takeovers and each unwind.
 */
export const backstopVault: PolicyKind<BackstopVaultParams> = {
  kind: 'backstop-vault',
  summary: 'Hyperliquid HLP backstop: take over accounts with equity < below x maintenance, unwind unwindFraction a step.',
  params: BackstopVaultParams,
  create(p, env) {
    let takeovers = 0;
    let notional = 0;
    return {
      name: env.name,
      liquidation(_view, plan) {
        plan.backstopBelow = p.below;
      },
      act(view, actions) {
        const held = actions.vaultNotional;
        if (!(held > 0)) return;
        const fraction = held < p.closeBelow ? 1 : p.unwindFraction;
        actions.unwindBackstop(fraction);
        env.log('unwind', `the vault sells ${pct2(fraction)} of ${usd0(held)} at mark ${view.mark.toFixed(2)}`, held, p.closeBelow);
      },
      afterStep(view) {
        const l = view.ledger;
        const k = l.backstopTakeovers - takeovers;
        if (k > 0) {
          env.log('takeover', `the vault took over ${k} accounts with equity below ${(p.below * 100).toFixed(1)}% of maintenance: ${usd0(l.backstopNotional - notional)} notional`, l.backstopNotional - notional, p.below);
          takeovers = l.backstopTakeovers;
          notional = l.backstopNotional;
        }
      },
    };
  },
};
