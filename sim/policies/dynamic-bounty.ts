// Dynamic liquidation bounty: a protocol-set rate that ramps while an account waits (Drift), optionally with the backlog, optionally fund-paid.
import { z } from 'zod';
import type { PolicyKind } from '../types.js';
import { pct2 } from './stats.js';

export const DynamicBountyParams = z
  .object({
    kind: z.literal('dynamic-bounty'),
    name: z.string().min(1).optional(),
    /** Bounty rate (fraction of the closed notional) before any ramp; replaces the liquidators' own rates. */
    baseRate: z.number().min(0).max(0.5).default(0.005),
    /**
     * Added per second the account has waited after the grace period (Drift: 0.01 bp per 0.4 s slot = 2.5e-6 per
     * second; mechanics.md 1.5). Applied per step: perSecond * stepSeconds.
     */
    perSecond: z.number().min(0).default(2.5e-6),
    /** Wait before the ramp starts (Drift: 1,500 slots, about 10 minutes). In steps: floor(graceSeconds / stepSeconds). */
    graceSeconds: z.number().min(0).default(600),
    /** Largest rate (Drift's max_liquidation_fee is set per market; not in mechanics.md). */
    maxRate: z.number().min(0).max(0.5).default(0.05),
    /** Added to the rate per account the last liquidation pass left pending (0 = off): the bounty rises with the backlog. */
    backlogRate: z.number().min(0).default(0),
    /** When the account's remaining equity cannot pay the bounty, the insurance fund pays the rest. */
    fromFund: z.boolean().default(false),
  })
  .strict();
export type DynamicBountyParams = z.infer<typeof DynamicBountyParams>;

/**
 * Bounty rate an account gets after waiting `waitedSteps` steps with `backlog` accounts pending:
 * min(max, base + backlogRate * backlog + perStep * max(0, waited - grace)).
 */
export function bountyRate(p: DynamicBountyParams, stepSeconds: number, waitedSteps: number, backlog: number): number {
  const grace = Math.floor(p.graceSeconds / stepSeconds);
  const ramp = waitedSteps > grace ? p.perSecond * stepSeconds * (waitedSteps - grace) : 0;
  const r = p.baseRate + p.backlogRate * backlog + ramp;
  return r < p.maxRate ? r : p.maxRate;
}

/**
 * Drift's dynamic liquidator fee (mechanics.md 1.5): fee = base + 0.01 bp per slot an account has been liquidatable
 * beyond a 1,500-slot grace, capped. The protocol sets the bounty rate for every liquidator (plan.bountyRate), the
 * venue adds the ramp per step an account has been left pending (plan.bountyPerStepUnderwater after
 * plan.bountyGraceSteps), up to plan.bountyMax. A liquidator acts only when the reward covers its `minReward` (gas +
 * profit), so a rising bounty clears accounts that would otherwise wait. `backlogRate` raises the base with the
 * number of accounts pending; `fromFund` lets the insurance fund pay what an account cannot (Maker-style). Logs when a
 * backlog starts and clears, each change of the base rate by the backlog, and bounties paid by the fund.
 */
export const dynamicBounty: PolicyKind<DynamicBountyParams> = {
  kind: 'dynamic-bounty',
  summary: 'Protocol bounty rate that ramps per step an account waits (Drift), optionally with the backlog and paid by the fund.',
  params: DynamicBountyParams,
  create(p, env) {
    const grace = Math.floor(p.graceSeconds / env.stepSeconds);
    const perStep = p.perSecond * env.stepSeconds;
    let backlogOn = false;
    let loggedBase = p.baseRate;
    let fundPaid = 0;
    return {
      name: env.name,
      liquidation(view, plan) {
        const backlog = view.pendingLiquidations;
        const base = bountyRate(p, env.stepSeconds, 0, backlog);
        if (backlog > 0 && !backlogOn) {
          backlogOn = true;
          env.log(
            'ramp-on',
            `${backlog} accounts left pending: bounty ${pct2(base)} rising ${(perStep * 1e4).toFixed(2)} bp per step after ${grace} steps, up to ${pct2(p.maxRate)}`,
            backlog,
            grace,
          );
        } else if (backlog === 0 && backlogOn) {
          backlogOn = false;
          env.log('ramp-off', `backlog cleared: bounty back to ${pct2(p.baseRate)}`, 0, grace);
        }
        if (p.backlogRate > 0 && Math.abs(base - loggedBase) >= 0.25 * Math.max(p.baseRate, 1e-4)) {
          env.log(base > loggedBase ? 'raise-bounty' : 'lower-bounty', `${backlog} accounts pending: base bounty ${pct2(loggedBase)} -> ${pct2(base)}`, base, p.baseRate);
          loggedBase = base;
        }
        plan.bountyRate = base;
        plan.bountyPerStepUnderwater = perStep;
        plan.bountyGraceSteps = grace;
        plan.bountyMax = p.maxRate;
        plan.bountyFromFund = p.fromFund;
      },
      afterStep(view) {
        const paid = view.ledger.bountiesFromFund;
        if (p.fromFund && paid > fundPaid) {
          env.log('fund-bounty', `the insurance fund paid $${(paid - fundPaid).toFixed(2)} of bounties that accounts could not; fund now $${view.insuranceFund.toFixed(2)}`, paid - fundPaid, view.insuranceFund);
          fundPaid = paid;
        }
      },
    };
  },
};
