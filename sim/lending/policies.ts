// Lending defense policies: Aave's PriceOracleSentinel grace period, and close-factor / pacing rules.
import { z } from 'zod';
import type { PolicyKind } from '../types.js';
import { CloseFactorSchema } from './config.js';

export const LendingSentinelParams = z
  .object({
    kind: z.literal('lending-sentinel'),
    name: z.string().min(1).optional(),
    /**
     * The oracle is "down" when its feed has not changed for this many steps (Aave: the L2 sequencer is down). Set it
     * above the feed's normal silence: a push feed with a deviation threshold is quiet up to its heartbeat (default:
     * two Chainlink ETH/USD heartbeats of 3600 s at 60 s steps).
     */
    staleSteps: z.number().int().min(1).default(120),
    /** Also treat a fall of more than `drop` of the oracle price within `window` steps as an incident (0 = off). */
    drop: z.number().min(0).lt(1).default(0),
    window: z.number().int().min(1).default(5),
    /** Steps of grace after the incident ends (Aave deployments: commonly 3600 s). */
    graceSteps: z.number().int().min(1).default(60),
    /** During the incident and the grace period only positions below this HF are liquidated (Aave: 0.95). */
    minHealthFactor: z.number().min(0).max(1).default(0.95),
  })
  .strict();
export type LendingSentinelParams = z.infer<typeof LendingSentinelParams>;

/**
 * Aave v3 PriceOracleSentinel (contracts/protocol/configuration/PriceOracleSentinel.sol; mechanics.md 3.1):
 * isBorrowAllowed = isLiquidationAllowed = (sequencer up AND time since up > gracePeriod), except that positions with
 * HF < MINIMUM_HEALTH_FACTOR_LIQUIDATION_THRESHOLD (0.95) can always be liquidated. The simulator has no sequencer;
 * the incident is an oracle feed that stops updating (`staleSteps`) or, optionally, a fast fall of the oracle
 * (`drop` within `window`): borrows are blocked and only HF < minHealthFactor is liquidated during it and for
 * `graceSteps` after it.
 */
export const lendingSentinel: PolicyKind<LendingSentinelParams> = {
  kind: 'lending-sentinel',
  summary: 'Lending: Aave-style sentinel; during an oracle incident and a grace period after it, no borrows and only HF < 0.95 is liquidated.',
  params: LendingSentinelParams,
  create(p, env) {
    let until = -1;
    let from = -1;
    return {
      name: env.name,
      lending(view, plan) {
        const t = view.step;
        const stale = t - view.oracleUpdatedStep >= p.staleSteps;
        let fell = false;
        let move = 0;
        if (p.drop > 0 && t >= p.window) {
          move = view.oracle / view.oracleAt(t - p.window) - 1;
          fell = move < -p.drop;
        }
        if (stale || fell) {
          if (t > until) {
            from = t;
            env.log(
              'lending-grace',
              stale ? `oracle unchanged for ${t - view.oracleUpdatedStep} steps` : `oracle fell ${(-100 * move).toFixed(2)}% in ${p.window} steps (limit ${(100 * p.drop).toFixed(2)}%)`,
              stale ? t - view.oracleUpdatedStep : move,
              stale ? p.staleSteps : -p.drop,
            );
          }
          until = t + p.graceSteps;
        }
        if (t <= until) {
          plan.borrowsAllowed = false;
          if (p.minHealthFactor < plan.liquidateBelow) plan.liquidateBelow = p.minHealthFactor;
          if (t === until) env.log('lending-resume', `grace since step ${from} ends after this step`, t - from + 1, p.graceSteps);
        }
      },
    };
  },
};

export const LendingCloseFactorParams = CloseFactorSchema.extend({
  kind: z.literal('lending-close-factor'),
  name: z.string().min(1).optional(),
  /** Most lending liquidations per step (pacing, like Maker's `hole` limits collateral in auction); omitted = none. */
  maxPerStep: z.number().int().min(0).optional(),
}).strict();
export type LendingCloseFactorParams = z.infer<typeof LendingCloseFactorParams>;

/**
 * Replaces the pool's close-factor rules (mechanics.md 3.1: v3.3 50% above HF 0.95 with $2,000 and $1,000 dust
 * limits; v3.0-3.2 `minBase: 0, minLeftover: 0`; Compound v2 era 50%) and optionally paces liquidations per step.
 */
export const lendingCloseFactor: PolicyKind<LendingCloseFactorParams> = {
  kind: 'lending-close-factor',
  summary: 'Lending: set the close factor (share of debt one liquidation repays, HF and dust thresholds) and a per-step liquidation limit.',
  params: LendingCloseFactorParams,
  create(p, env) {
    const rules = { partial: p.partial, fullBelowHealthFactor: p.fullBelowHealthFactor, minBase: p.minBase, minLeftover: p.minLeftover };
    const max = p.maxPerStep ?? Infinity;
    return {
      name: env.name,
      lending(_view, plan) {
        plan.closeFactor = rules;
        if (max < plan.maxLiquidations) plan.maxLiquidations = max;
      },
    };
  },
};
