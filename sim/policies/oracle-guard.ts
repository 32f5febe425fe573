// Oracle guard rails (Drift): rejects a non-positive, too-volatile, too-uncertain or stale oracle answer; the last good price stays.
import { z } from 'zod';
import type { PolicyKind, RunView } from '../types.js';
import { HaltTimer, Window, num, pct } from './common.js';

export const OracleGuardParams = z
  .object({
    kind: z.literal('oracle-guard'),
    name: z.string().min(1).optional(),
    /** Reject answers <= 0 or infinite (Drift: NonPositive). */
    nonPositive: z.boolean().default(true),
    /** Reject when max(P, TWAP) / min(P, TWAP) > this (Drift too_volatile_ratio 5); null switches the check off. */
    volatileRatio: z.number().gt(1).nullable().default(5),
    /** Steps of accepted prices in the TWAP the volatility check compares with (60 one-minute steps = one hour). */
    twapSteps: z.number().int().min(1).default(60),
    /** Reject when confidence / P > this (Drift confidence_interval_max_size 2%); null: off. */
    maxConfidence: z.number().positive().nullable().default(0.02),
    /**
     * Reject when no source has published for more than this many seconds (Drift slots_before_stale_for_margin:
     * 120 slots, ~60 s; Chainlink consumers: the heartbeat plus a margin); null: off.
     */
    staleSeconds: z.number().positive().nullable().default(60),
    /** While the answer is invalid, also halt new risk or all trading (Drift blocks actions on an invalid oracle). */
    haltWhileInvalid: z.enum(['off', 'new-risk', 'all']).default('off'),
  })
  .strict();
export type OracleGuardParams = z.infer<typeof OracleGuardParams>;

export type OracleInvalidity = 'non-positive' | 'too-volatile' | 'too-uncertain' | 'stale';

/** The first failing check in Drift's validity order (NonPositive > TooVolatile > TooUncertain > Stale), or null. */
export function oracleInvalidity(
  p: Pick<OracleGuardParams, 'nonPositive' | 'volatileRatio' | 'maxConfidence' | 'staleSeconds'>,
  price: number,
  twap: number,
  confidence: number,
  ageSeconds: number,
): OracleInvalidity | null {
  if (p.nonPositive && !(price > 0 && Number.isFinite(price))) return 'non-positive';
  if (!(price > 0)) return null; // nothing else can be judged
  if (p.volatileRatio !== null && twap > 0 && Math.max(price, twap) / Math.min(price, twap) > p.volatileRatio) return 'too-volatile';
  if (p.maxConfidence !== null && confidence / price > p.maxConfidence) return 'too-uncertain';
  if (p.staleSeconds !== null && ageSeconds > p.staleSeconds) return 'stale';
  return null;
}

/** Last step any of the feed's sources published (the feed's own last change when it lists none). */
export function lastPublished(view: RunView): number {
  const src = view.oracleSources;
  if (src.length === 0) return view.oracleUpdatedStep;
  let s = -Infinity;
  for (const x of src) if (x.updatedStep > s) s = x.updatedStep;
  return s;
}

/**
 * Drift's oracle guard rails (protocol-v2 math/oracle.rs, state/state.rs; ../shared mechanics.md 1.5 and 4.5): an
 * answer is invalid when it is non-positive, too volatile against the oracle TWAP (price more than 5x or less than
 * 1/5 of it), too uncertain (confidence over 2% of the price) or stale. An invalid answer is rejected (NaN), so the
 * last good price stays the index; optionally trading halts while it is. The TWAP here is the mean of the accepted
 * (validated) prices of the last `twapSteps` steps; staleness is measured from the last step any source published
 * (`oracleSources[].updatedStep`), confidence is the feed's (`oracleConfidence`, pull sources).
 */
export const oracleGuard: PolicyKind<OracleGuardParams> = {
  kind: 'oracle-guard',
  summary: 'Drift-style oracle checks (non-positive, too volatile vs TWAP, confidence too wide, stale); an invalid answer keeps the last good price.',
  params: OracleGuardParams,
  create(p, env) {
    const twap = new Window(p.twapSteps);
    const timer = p.haltWhileInvalid === 'off' ? null : new HaltTimer(env, p.haltWhileInvalid, 1);
    let rejecting: OracleInvalidity | null = null;
    let since = -1;
    let invalidStep = -1;
    return {
      name: env.name,
      oracle(view, price) {
        const t = view.step;
        twap.push(view.oracle); // the last accepted price (step t - 1; the initial price at step 0)
        if (price !== price) return price; // rejected upstream (or no answer): the last good price stays anyway
        const ref = twap.mean();
        const age = (t - lastPublished(view)) * env.stepSeconds;
        const conf = view.oracleConfidence;
        const bad = oracleInvalidity(p, price, ref, conf, age);
        if (bad === null) {
          if (rejecting !== null) {
            env.log('accept-oracle', `answer ${num(price)} valid again after ${t - since} rejected steps (${rejecting})`, t - since, 0);
            rejecting = null;
          }
          return price;
        }
        invalidStep = t;
        if (bad !== rejecting) {
          if (rejecting === null) since = t;
          rejecting = bad;
          let value = price;
          let threshold = 0;
          let why = `answer ${num(price)} is not positive`;
          if (bad === 'too-volatile') {
            value = Math.max(price, ref) / Math.min(price, ref);
            threshold = p.volatileRatio!;
            why = `answer ${num(price)} vs TWAP ${num(ref)} over ${twap.count} steps: ratio ${value.toFixed(2)} > ${threshold}`;
          } else if (bad === 'too-uncertain') {
            value = conf / price;
            threshold = p.maxConfidence!;
            why = `confidence ${num(conf)} is ${pct(value)} of the answer ${num(price)}; limit ${pct(threshold)}`;
          } else if (bad === 'stale') {
            value = age;
            threshold = p.staleSeconds!;
            why = `no source has published for ${age} s; limit ${threshold} s`;
          }
          env.log('reject-oracle', `${bad}: ${why}; keeping the last good price ${num(view.oracle)}`, value, threshold);
        }
        return NaN;
      },
      gate(view, gate) {
        if (timer === null) return;
        if (invalidStep === view.step) timer.trigger(view.step, `oracle invalid (${rejecting})`, 1, 0);
        timer.apply(view.step, gate);
      },
    };
  },
};
