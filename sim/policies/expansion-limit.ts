// Expansion limit: under stress (high realised volatility or a drawdown) new positions get a lower leverage and notional cap, or are blocked.
import { z } from 'zod';
import type { PolicyKind } from '../types.js';
import { EwmaVol, pct2 } from './stats.js';

export const ExpansionLimitParams = z
  .object({
    kind: z.literal('expansion-limit'),
    name: z.string().min(1).optional(),
    /** EWMA decay per step of the oracle's squared log returns (RiskMetrics 0.94; mechanics.md 5.2). */
    lambda: z.number().gt(0).lt(1).default(0.94),
    /** Stress when the annualised EWMA volatility exceeds this (2x ETH's 111%/yr, mechanics.md section 0). */
    volThreshold: z.number().positive().default(2.2),
    /** Stress when the oracle is this far below its highest price of the last `drawdownWindow` steps. */
    drawdownThreshold: z.number().gt(0).lt(1).default(0.05),
    /** Steps of the drawdown's look-back (60 = the last hour with one-minute steps). */
    drawdownWindow: z.number().int().min(1).default(60),
    /** Largest leverage of a new position under stress. */
    stressMaxLeverage: z.number().positive().default(5),
    /** Largest notional (USD) of a new position under stress (null: no limit). */
    stressMaxNotional: z.number().min(0).nullable().default(null),
    /** Block every new position under stress (maxNotional 0). */
    block: z.boolean().default(false),
    /** Steps the limit stays on after the last stressed step. */
    holdSteps: z.number().int().min(0).default(30),
  })
  .strict();
export type ExpansionLimitParams = z.infer<typeof ExpansionLimitParams>;

/** Drawdown of `price` from `peak`: 1 - price / peak (0 at or above the peak). */
export function drawdown(price: number, peak: number): number {
  return price >= peak ? 0 : 1 - price / peak;
}

/**
 * Limits on new risk near stress, in the spirit of exchanges lowering maximum leverage and position limits in volatile
 * markets (Hyperliquid's max order sizes by leverage tier, mechanics.md 1.1; dYdX's OI-scaled IMF, 1.2): while the
 * EWMA volatility of the oracle exceeds `volThreshold`, or the oracle is `drawdownThreshold` below its high of the last
 * `drawdownWindow` steps (and for `holdSteps` after), new positions are limited to `stressMaxLeverage` and
 * `stressMaxNotional`, or blocked. Admission hook: closes and liquidations are unaffected; the strictest limit across
 * policies wins. Logs the start (`limit-on`, value: the EWMA volatility or the drawdown, threshold: its limit) and the
 * end (`limit-off`) of each stressed stretch.
 */
export const expansionLimit: PolicyKind<ExpansionLimitParams> = {
  kind: 'expansion-limit',
  summary: 'Under stress (EWMA vol > volThreshold or drawdown > drawdownThreshold) cap leverage / notional of new positions, or block them.',
  params: ExpansionLimitParams,
  create(p, env) {
    const vol = new EwmaVol(p.lambda, p.volThreshold / 2, env.dt);
    let until = -1;
    let on = false;
    let from = -1;
    return {
      name: env.name,
      admission(view, rules) {
        const t = view.step;
        vol.update(t, view.oracle);
        let peak = view.oracle;
        for (let s = Math.max(0, t - p.drawdownWindow); s < t; s++) {
          const x = view.oracleAt(s);
          if (x > peak) peak = x;
        }
        const dd = drawdown(view.oracle, peak);
        const sigma = vol.annual;
        const stressed = sigma > p.volThreshold || dd > p.drawdownThreshold;
        if (stressed) {
          if (!on) {
            on = true;
            from = t;
            const byVol = sigma > p.volThreshold;
            env.log(
              'limit-on',
              `${byVol ? `EWMA volatility ${pct2(sigma)} > ${pct2(p.volThreshold)}` : `drawdown ${pct2(dd)} from the ${p.drawdownWindow}-step high > ${pct2(p.drawdownThreshold)}`}: new positions ${p.block ? 'blocked' : `limited to ${p.stressMaxLeverage}x${p.stressMaxNotional !== null ? ` and $${p.stressMaxNotional}` : ''}`}`,
              byVol ? sigma : dd,
              byVol ? p.volThreshold : p.drawdownThreshold,
            );
          }
          until = t + p.holdSteps;
        }
        if (on && t > until) {
          on = false;
          env.log('limit-off', `no stress for ${p.holdSteps} steps: limits on new positions lifted (on since step ${from})`, t - from, p.holdSteps);
        }
        if (!on) return;
        if (p.block) rules.maxNotional = 0;
        else {
          rules.maxLeverage = p.stressMaxLeverage;
          if (p.stressMaxNotional !== null) rules.maxNotional = p.stressMaxNotional;
        }
      },
    };
  },
};
