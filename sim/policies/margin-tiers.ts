// Margin tiers by position notional (Hyperliquid): larger positions need larger maintenance and initial fractions.
import { z } from 'zod';
import type { MarginTier, PolicyKind } from '../types.js';
import { num, pct } from './common.js';

const TierByRates = z
  .object({
    /** Lower bound of the tier: position notional (USD). */
    from: z.number().min(0),
    maintenance: z.number().gt(0).max(1),
    initial: z.number().gt(0).max(1),
  })
  .strict();
const TierByLeverage = z
  .object({
    from: z.number().min(0),
    /** Largest leverage in the tier: initial = 1 / maxLeverage, maintenance = initial / 2 (Hyperliquid). */
    maxLeverage: z.number().min(1),
  })
  .strict();
export const TierSpec = z.union([TierByRates, TierByLeverage]);
export type TierSpec = z.infer<typeof TierSpec>;

export const MarginTiersParams = z
  .object({
    kind: z.literal('margin-tiers'),
    name: z.string().min(1).optional(),
    /**
     * Tiers by ascending `from`, each `{ from, maintenance, initial }` or `{ from, maxLeverage }`. Default: Hyperliquid
     * ETH, 25x up to 100M and 15x above (mechanics.md 1.1).
     */
    tiers: z
      .array(TierSpec)
      .min(1)
      .default([
        { from: 0, maxLeverage: 25 },
        { from: 100_000_000, maxLeverage: 15 },
      ])
      .refine((ts) => ts.every((t, k) => k === 0 || t.from > ts[k - 1].from), { message: 'tiers must be in strictly ascending order of `from`' })
      .refine((ts) => ts.every((t) => !('maintenance' in t) || t.maintenance <= t.initial), { message: 'a tier needs maintenance <= initial' }),
  })
  .strict();
export type MarginTiersParams = z.infer<typeof MarginTiersParams>;

/** Tier rates from a spec: Hyperliquid's MMR = (initial margin rate at max leverage) / 2 (mechanics.md 1.1). */
export function resolveTier(t: TierSpec): MarginTier {
  if ('maxLeverage' in t) {
    const initial = 1 / t.maxLeverage;
    return { from: t.from, maintenance: initial / 2, initial };
  }
  return { from: t.from, maintenance: t.maintenance, initial: t.initial };
}

/**
 * Maintenance requirement of a position of notional n under the tiers, computed here as Hyperliquid documents it:
 * MM = n * mmr(k) - deduction(k) for the highest tier k with from(k) < n, deduction(0) = 0,
 * deduction(k) = deduction(k-1) + from(k) * (mmr(k) - mmr(k-1)); the flat fraction is tier 0 and no tier's rate is
 * below the one before it. The venue (sim/perp.ts setTiers) applies the same rule; the tests compare the two.
 */
export function tieredMaintenance(tiers: readonly MarginTier[], flat: number, n: number): number {
  let rate = flat;
  let deduction = 0;
  for (const t of tiers) {
    if (!(n > t.from)) break;
    const r = t.maintenance > rate ? t.maintenance : rate;
    deduction += t.from * (r - rate);
    rate = r;
  }
  const tiered = n * rate - deduction;
  return tiered > flat * n ? tiered : flat * n;
}

/**
 * Hyperliquid margin tiers (../shared mechanics.md 1.1): per-position maintenance margin by notional tier with
 * deductions so the requirement is continuous in size; MMR = half the initial margin rate at the tier's maximum
 * leverage. The policy sets the venue's tiers (`m.tiers`); the venue applies them on top of the flat fractions to the
 * margin test and to the initial requirement of new positions.
 */
export const marginTiers: PolicyKind<MarginTiersParams> = {
  kind: 'margin-tiers',
  summary: 'Per-position margin tiers by notional (Hyperliquid): {from, maintenance, initial} or {from, maxLeverage} with MMR = IM/2.',
  params: MarginTiersParams,
  create(p, env) {
    const tiers = p.tiers.map(resolveTier);
    let logged = false;
    return {
      name: env.name,
      margin(view, m) {
        m.tiers = tiers;
        if (logged) return;
        logged = true;
        // how many open positions the tiers make stricter than the flat fraction, when they take effect
        const a = view.accounts;
        let affected = 0;
        for (let i = 0; i < a.count; i++) {
          if (a.open[i] !== 1) continue;
          const n = Math.abs(a.size[i]) * view.mark;
          if (tieredMaintenance(tiers, m.maintenance, n) > m.maintenance * n * (1 + 1e-12)) affected++;
        }
        const first = tiers.find((t) => t.maintenance > m.maintenance);
        env.log(
          'set-tiers',
          `margin tiers ${tiers.map((t) => `>${num(t.from)}: MM ${pct(t.maintenance)} / IM ${pct(t.initial)}`).join(', ')} over flat MM ${pct(m.maintenance)}; ${affected} open positions need more margin`,
          affected,
          first ? first.from : 0,
        );
      },
    };
  },
};
