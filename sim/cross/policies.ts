// Cross-margin defense policies: portfolio (netted) margin, and collateral haircuts that follow each asset's volatility.
import { z } from 'zod';
import { pct2 } from '../policies/stats.js';
import { RollingVol } from '../rolling-vol.js';
import type { PolicyKind } from '../types.js';

export const PortfolioMarginParams = z
  .object({
    kind: z.literal('portfolio-margin'),
    name: z.string().min(1).optional(),
    /**
     * Share of each asset's move that can go against the account independently (1 - spread credit; 1 = no credit
     * across assets). Omitted: the scenario's `cross.margin.dispersion` (so a sweep over that key moves it).
     */
    dispersion: z.number().min(0).max(1).optional(),
  })
  .strict();
export type PortfolioMarginParams = z.infer<typeof PortfolioMarginParams>;

/**
 * Portfolio margin for the cross venue (Deribit X:PM, Derive PMRM, Paradex SCAN: worst loss over scenarios;
 * mechanics.md 2.1-2.3): requirements become the worst loss over joint and dispersed moves of the assets
 * (sim/cross/math.ts portfolioRequirement), netting collateral against short positions and longs against shorts.
 * A capital-efficiency policy: accounts need less margin, so fewer hedged accounts are liquidated, and an account
 * whose hedge breaks (assets decorrelating in a crash) is liquidated later, deeper in loss. No log entries.
 */
export const portfolioMargin: PolicyKind<PortfolioMarginParams> = {
  kind: 'portfolio-margin',
  summary: 'Cross venue: portfolio margin, the worst loss over joint and dispersed asset moves (netting hedges) instead of the summed requirement.',
  params: PortfolioMarginParams,
  create(p, env) {
    return {
      name: env.name,
      cross(_view, plan) {
        plan.portfolio = true;
        if (p.dispersion !== undefined) plan.dispersion = p.dispersion;
      },
    };
  },
};

export const DynamicHaircutsParams = z
  .object({
    kind: z.literal('dynamic-haircuts'),
    name: z.string().min(1).optional(),
    /** Quantile of the normal distribution: 2.33 covers 99% of one-sided moves. */
    z: z.number().positive().default(2.33),
    /** Steps the venue needs to sell seized collateral (the haircut must cover the move over them). */
    horizonSteps: z.number().int().min(1).default(60),
    /** Window of the realised volatility estimate (steps of log returns). */
    window: z.number().int().min(2).default(60),
    /** Largest haircut. */
    cap: z.number().gt(0).lt(1).default(0.9),
  })
  .strict();
export type DynamicHaircutsParams = z.infer<typeof DynamicHaircutsParams>;

/**
 * Haircuts that follow each collateral asset's realised volatility: h_k = min(cap, max(h_k base, z sigma_k
 * sqrt(horizonSteps))), sigma_k the per-step volatility of asset k's log returns over `window` steps (the "haircut
 * covers the price move while the collateral is sold" rule of Aave/Compound risk providers and Deribit's collateral
 * haircuts; mechanics.md 1.1, 7.4). The base haircuts of `cross.collateral` are the floor. Logs `raise-haircut` when
 * an asset's haircut first exceeds its base or has risen by a quarter since the last entry, `lower-haircut` when it
 * has fallen back to within 1% of its base.
 */
export const dynamicHaircuts: PolicyKind<DynamicHaircutsParams> = {
  kind: 'dynamic-haircuts',
  summary: 'Cross venue: collateral haircuts scale with each asset\'s realised volatility (z x sigma x sqrt(horizon)), never below the base.',
  params: DynamicHaircutsParams,
  create(p, env) {
    let vols: RollingVol[] = [];
    let last = new Float64Array(0);
    let logged = new Float64Array(0);
    const scale = p.z * Math.sqrt(p.horizonSteps);
    return {
      name: env.name,
      cross(view, plan) {
        const v = view.cross;
        if (v === null) return;
        const n = v.collateralAssets.length;
        if (vols.length !== n) {
          vols = Array.from({ length: n }, () => new RollingVol(p.window));
          last = Float64Array.from({ length: n }, (_, k) => v.collateralPrice(k));
          logged = new Float64Array(n);
        }
        for (let k = 0; k < n; k++) {
          const price = v.collateralPrice(k);
          vols[k].push(Math.log(price / last[k]));
          last[k] = price;
          const base = v.config.collateral[k].haircut;
          const h = Math.min(p.cap, Math.max(base, scale * vols[k].perStep()));
          if (h > plan.haircut[k]) plan.haircut[k] = h;
          if (h > base * 1.01 && (logged[k] === 0 || h >= 1.25 * logged[k])) {
            env.log('raise-haircut', `${v.collateralAssets[k]} haircut ${pct2(h)} (base ${pct2(base)}): volatility ${pct2(vols[k].perStep())} a step (last ${p.window} steps), covering ${p.horizonSteps} steps`, h, base);
            logged[k] = h;
          } else if (logged[k] > 0 && h <= base * 1.01) {
            env.log('lower-haircut', `${v.collateralAssets[k]} haircut back to ${pct2(h)}`, h, base);
            logged[k] = 0;
          }
        }
      },
    };
  },
};
