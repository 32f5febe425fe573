// Predictive deleveraging: accounts whose probability of reaching their liquidation price within a horizon exceeds a threshold are cut down.
import { z } from 'zod';
import type { PolicyKind } from '../types.js';
import { VAULT_OWNER } from '../ledger.js';
import { EwmaVol, normCdf, pct2 } from './stats.js';

export const PredictiveDeleverageParams = z
  .object({
    kind: z.literal('predictive-deleverage'),
    name: z.string().min(1).optional(),
    /** EWMA decay per step of the oracle's squared log returns (RiskMetrics 0.94; mechanics.md 5.2). */
    lambda: z.number().gt(0).lt(1).default(0.94),
    /** Starting annualised volatility of the EWMA (ETH ~1.11, BTC ~0.71; mechanics.md section 0). */
    initialVol: z.number().positive().default(0.8),
    /** Horizon H of the default probability, seconds (one hour). */
    horizonSeconds: z.number().positive().default(3600),
    /** Deleverage accounts whose PD over H exceeds this. */
    threshold: z.number().gt(0).lt(1).default(0.05),
    /** Share of the position closed each time (through the book, with the trading fee). */
    fraction: z.number().gt(0).max(1).default(0.25),
    /** Steps between scans of the book (each scan visits every open account). */
    everySteps: z.number().int().min(1).default(1),
    /** First-passage probability (reflection principle: twice the end-point probability) instead of the end point. */
    firstPassage: z.boolean().default(true),
  })
  .strict();
export type PredictiveDeleverageParams = z.infer<typeof PredictiveDeleverageParams>;

/**
 * Liquidation price of an isolated position of size q (signed) at mark P with equity e and maintenance requirement r
 * (flat fraction m): the price where equity equals the requirement, moving linearly in P. Long:
 * P - (e - r) / (q (1 - m)); short: P + (e - r) / (|q| (1 + m)) (Hyperliquid's formula, mechanics.md 1.1).
 */
export function liquidationPrice(q: number, P: number, e: number, r: number, m: number): number {
  return q > 0 ? P - (e - r) / (q * (1 - m)) : P + (e - r) / (-q * (1 + m));
}

/**
 * Probability that the price reaches the liquidation price L from P within horizon H (years) under a driftless
 * lognormal model with annualised volatility sigma: d = ln(L / P) / (sigma sqrt H) for a long (L < P), ln(P / L) /
 * (sigma sqrt H) for a short; end-point PD = N(d), first-passage PD = 2 N(d) (reflection principle), at most 1.
 */
export function defaultProbability(long: boolean, P: number, L: number, sigma: number, H: number, firstPassage: boolean): number {
  if (!(L > 0)) return long ? 0 : 1;
  const d = (long ? Math.log(L / P) : Math.log(P / L)) / (sigma * Math.sqrt(H));
  const pd = normCdf(d);
  return firstPassage ? Math.min(1, 2 * pd) : pd;
}

/**
 * The seeds' "predictive agents": the protocol estimates each account's probability of default over a horizon from
 * the current EWMA volatility of the oracle and its distance to liquidation (a Merton-style distance to default in
 * log price), and closes `fraction` of the positions whose PD exceeds `threshold` before the market gets there (act
 * hook: deleverage, through the book with the trading fee; refused when it would leave negative collateral). A
 * smaller position has the same equity against a smaller requirement, so its liquidation price moves away and its PD
 * falls. Accounts already liquidatable are left to the liquidation engine. Each scan is O(open accounts). Logs each
 * deleveraged account (value: its PD, threshold).
 *
 * Simplifications: driftless GBM, no jumps (fat tails make the PD an underestimate, mechanics.md 5.4); the flat
 * maintenance fraction in the liquidation price (tiers ignored); funding until the horizon ignored.
 */
export const predictiveDeleverage: PolicyKind<PredictiveDeleverageParams> = {
  kind: 'predictive-deleverage',
  summary: 'Close `fraction` of positions whose probability of hitting their liquidation price within horizonSeconds (EWMA vol) exceeds threshold.',
  params: PredictiveDeleverageParams,
  create(p, env) {
    const vol = new EwmaVol(p.lambda, p.initialVol, env.dt);
    const H = p.horizonSeconds / (365 * 24 * 3600);
    return {
      name: env.name,
      act(view, actions) {
        const t = view.step;
        vol.update(t, view.oracle);
        if (t % p.everySteps !== 0) return;
        const sigma = vol.annual;
        const a = view.accounts;
        const P = view.mark;
        const m = view.maintenanceMargin;
        const n = a.count;
        for (let i = 0; i < n; i++) {
          if (a.open[i] !== 1 || a.owner[i] === VAULT_OWNER) continue;
          const q = a.size[i];
          if (q === 0) continue;
          const e = view.equityOf(i);
          const r = view.requirementOf(i);
          if (!(e > r)) continue; // liquidatable: the liquidation engine's
          const L = liquidationPrice(q, P, e, r, m);
          const pd = defaultProbability(q > 0, P, L, sigma, H, p.firstPassage);
          if (!(pd > p.threshold)) continue;
          if (actions.deleverage(i, p.fraction)) {
            env.log('deleverage', `account ${i}: PD ${pct2(pd)} over ${(p.horizonSeconds / 60).toFixed(0)} min (EWMA vol ${pct2(sigma)}, liquidation price ${L.toFixed(2)} vs mark ${P.toFixed(2)}): ${pct2(p.fraction)} closed`, pd, p.threshold);
          }
        }
      },
    };
  },
};
