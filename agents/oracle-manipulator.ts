// Oracle manipulator (Mango Markets, Oct 2022): open a perp position, pump the thin pool the oracle reads, withdraw the
// unrealised profit at the inflated oracle price, let the price revert and leave the venue the bad debt.
import { z } from 'zod';
import type { AgentKind } from '../sim/types.js';
import { OwnedAccounts } from './owned.js';

export const OracleManipulatorParams = z
  .object({
    kind: z.literal('oracle-manipulator'),
    name: z.string().min(1).optional(),
    /** Step at which the position is opened; the pump starts the step after. */
    at: z.number().int().min(0).default(60),
    /** `long`: pump the pool (buy base); `short`: dump it (sell base borrowed on the reference market). */
    side: z.enum(['long', 'short']).default('long'),
    /** Collateral of the perp position, USD (Mango: $5M USDC per account). */
    collateral: z.number().positive().default(5_000_000),
    leverage: z.number().positive().default(5),
    /** USD traded into the pool over the pump (Mango: ~$4M of spot buys). */
    pumpUsd: z.number().min(0).default(4_000_000),
    /** Steps over which the pump is spread evenly. */
    pumpSteps: z.number().int().min(1).default(10),
    /** Stop pumping and start withdrawing once the oracle is this multiple of the entry (its inverse for a short) ... */
    target: z.number().gt(1).default(10),
    /** ... or this many steps after the last pump step (0: the next step, when the oracle shows the last buy). */
    holdSteps: z.number().int().min(0).default(0),
    /** Steps in which it withdraws as much as the venue allows (at the margin price). */
    withdrawSteps: z.number().int().min(1).default(5),
    /** Then it sells back what it bought (buys back what it sold) evenly over this many steps; 0 = keeps it. */
    sellSteps: z.number().int().min(0).default(10),
  })
  .strict();
export type OracleManipulatorParams = z.infer<typeof OracleManipulatorParams>;

/**
 * Mango Markets, 11 Oct 2022 (mechanics.md section 6): two accounts with $5M each, a 483M MNGO-PERP position at
 * $0.0382, ~$4M of spot buys pumped MNGO ~24x in 10-20 minutes; the venue counted unrealised perp profit as
 * collateral at the oracle (the spot of a thin token), so ~$114M was borrowed and withdrawn before the price fell back.
 * Here, in order: at step `at` OPEN (collateral, leverage) on the venue; from the next step SWAP pumpUsd / pumpSteps
 * into the pool each step (the oracle reads the pool: a `twap` source with a short window, latency one observation);
 * once the oracle reaches `target` x entry, or holdSteps after the last pump step, it stops buying and WITHDRAWs as
 * much as the initial requirement allows at the margin price (use `venue.marginPrice: oracle`), each step for
 * withdrawSteps steps; then sells the base back over sellSteps. The price reverts (arbitrageurs pull the pool back), the account is left under water: bad debt. Cost:
 * the real pool round trip (fees, and what the arbitrageurs take), gas. Simplification: Mango's two self-trading
 * accounts are one position against the venue's counterparty. With pumpUsd 0 (no pool needed) it only trades against
 * an oracle that is already wrong: LUNA's clamped feed (Venus, May 2022). An adversary. No randomness.
 */
export const oracleManipulator: AgentKind<OracleManipulatorParams> = {
  kind: 'oracle-manipulator',
  role: 'adversary',
  summary: 'Mango-style: open a perp, pump the thin pool the oracle reads, withdraw unrealised profit at the inflated price, sell back.',
  params: OracleManipulatorParams,
  create(p, env) {
    const owned = new OwnedAccounts(env.index);
    const d = p.side === 'long' ? 1 : -1;
    let account = -1;
    let entry = NaN;
    let withdrawFrom = -1; // first withdrawing step
    let sellFrom = -1;
    let held = 0; // base bought (long) or sold (short) during the pump, to unwind
    return {
      name: env.name,
      capital: { usd: p.collateral + p.pumpUsd },
      decide(view, _rng, out) {
        const t = view.step;
        const pool = view.pool;
        if (t === p.at) {
          out.open(env.index, d, p.collateral, p.leverage);
          return;
        }
        if (t < p.at) return;
        if (account < 0) {
          owned.update(view);
          if (owned.ids.length === 0) return; // refused: nothing to exploit
          account = owned.ids[0];
          entry = view.accounts.entry[account];
        }
        const pumpEnd = p.at + p.pumpSteps; // last pump step
        if (withdrawFrom < 0) {
          const hit = d > 0 ? view.oracle >= p.target * entry : view.oracle <= entry / p.target;
          if (hit || t > pumpEnd + p.holdSteps) withdrawFrom = t;
        }
        if (withdrawFrom < 0 && t <= pumpEnd && pool !== null && p.pumpUsd > 0) {
          const usd = p.pumpUsd / p.pumpSteps;
          if (d > 0) {
            out.swap(env.index, 1, usd);
            held += pool.quoteQuoteIn(usd);
          } else {
            const units = usd / pool.spot();
            out.swap(env.index, -1, units);
            held += units;
          }
        }
        if (withdrawFrom >= 0 && t < withdrawFrom + p.withdrawSteps) out.withdraw(env.index, account, Infinity);
        if (withdrawFrom >= 0 && t === withdrawFrom + p.withdrawSteps - 1) sellFrom = t + 1;
        if (sellFrom >= 0 && pool !== null && p.sellSteps > 0 && t >= sellFrom && t < sellFrom + p.sellSteps && held > 0) {
          const last = t === sellFrom + p.sellSteps - 1;
          const units = last ? Math.abs(view.wallets.base[env.index]) : held / p.sellSteps;
          if (d > 0) out.swap(env.index, -1, last ? Infinity : Math.min(units, view.wallets.base[env.index]));
          else if (units > 0) out.swap(env.index, 1, (units * pool.spot()) / (1 - pool.fee));
        }
      },
    };
  },
};
