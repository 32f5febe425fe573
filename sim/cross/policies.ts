// Cross-margin defense policies: portfolio (netted) margin, and collateral haircuts that follow each asset's volatility.
import { z } from 'zod';
import { ewmaScale, ewmaUpdate } from '../policies/ewma-margin.js';
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

export const CrossEwmaMarginParams = z
  .object({
    kind: z.literal('cross-ewma-margin'),
    name: z.string().min(1).optional(),
    /** EWMA decay per step: var <- lambda var + (1 - lambda) r^2 (RiskMetrics 0.94, mechanics.md 5.2). */
    lambda: z.number().gt(0).lt(1).default(0.94),
    /**
     * Annualised volatility at which each market's base fractions apply, by asset (BTC ~0.71, ETH ~1.11 in
     * mechanics.md section 0); assets not listed use `defaultVol`.
     */
    referenceVols: z.record(z.string(), z.number().positive()).default({}),
    defaultVol: z.number().positive().default(0.8),
    /** Largest multiple of a market's base fractions. */
    maxScale: z.number().min(1).default(3),
  })
  .strict();
export type CrossEwmaMarginParams = z.infer<typeof CrossEwmaMarginParams>;

/**
 * Volatility-scaled margin per cross market: each market's fractions are multiplied by
 * clamp(sigma_m / referenceVol_m, 1, maxScale), sigma_m the EWMA volatility of its own asset's log returns (the perp
 * venue's `ewma-margin` formula, sim/policies/ewma-margin.ts, applied market by market, so a SOL spike raises SOL's
 * margin and not BTC's). Logs `raise-margin` when a market's scale has risen by a quarter since the
 * last entry (the first at x1.25), `lower-margin` when it is back to 1.
 */
export const crossEwmaMargin: PolicyKind<CrossEwmaMarginParams> = {
  kind: 'cross-ewma-margin',
  summary: "Cross venue: each market's margin scaled by its own asset's EWMA volatility / reference (floored at 1, capped at maxScale).",
  params: CrossEwmaMarginParams,
  create(p, env) {
    let variance = new Float64Array(0);
    let last = new Float64Array(0);
    let logged = new Float64Array(0);
    let ref = new Float64Array(0);
    return {
      name: env.name,
      cross(view, plan) {
        const v = view.cross;
        if (v === null) return;
        const n = v.marketAssets.length;
        if (variance.length !== n) {
          ref = Float64Array.from(v.marketAssets, (a) => p.referenceVols[a] ?? p.defaultVol);
          variance = Float64Array.from(ref, (r) => r * r * env.dt);
          last = Float64Array.from({ length: n }, (_, m) => v.marketPrice(m));
          logged = new Float64Array(n).fill(1);
        }
        for (let m = 0; m < n; m++) {
          const price = v.marketPrice(m);
          variance[m] = ewmaUpdate(variance[m], Math.log(price / last[m]), p.lambda);
          last[m] = price;
          const s = ewmaScale(variance[m], env.dt, ref[m], p.maxScale);
          if (s > plan.marketScale[m]) plan.marketScale[m] = s;
          const asset = v.marketAssets[m];
          if (s >= 1.25 * logged[m]) {
            env.log('raise-margin', `${asset} margin x${s.toFixed(2)}: EWMA volatility ${pct2(Math.sqrt(variance[m] / env.dt))} a year against ${pct2(ref[m])}`, s, 1);
            logged[m] = s;
          } else if (s === 1 && logged[m] > 1) {
            env.log('lower-margin', `${asset} margin back to its base`, s, 1);
            logged[m] = 1;
          }
        }
      },
    };
  },
};
