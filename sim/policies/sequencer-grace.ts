// L2 sequencer grace period (Aave PriceOracleSentinel): after a sequencer outage, no new risk and only HF < 0.95 is liquidated.
import { z } from 'zod';
import { resolveRanges, StepRange } from '../steps.js';
import type { PolicyKind, RunView } from '../types.js';
import { HaltMode } from './common.js';

export const SequencerGraceParams = z
  .object({
    kind: z.literal('sequencer-grace'),
    name: z.string().min(1).optional(),
    /** Steps [from, to) in which the L2 sequencer is down. */
    downtime: z.array(StepRange).default([]),
    /** Grace period after the sequencer is back (Aave deployments: commonly 3600 s, mechanics.md 3.1 and 4.1). */
    graceSeconds: z.number().min(0).default(3600),
    /** During the grace period only positions with HF = equity / maintenance below this are liquidated (Aave: 0.95). */
    minHealthFactor: z.number().positive().max(1).default(0.95),
    /** What the outage itself stops: `all` (nothing executes on a halted L2), `new-risk`, or `none`. */
    downtimeMode: z.union([HaltMode, z.literal('none')]).default('all'),
  })
  .strict();
export type SequencerGraceParams = z.infer<typeof SequencerGraceParams>;

/** Health factor of a perp position, the lending HF's equivalent: equity / maintenance requirement (liquidatable < 1). */
export function healthFactor(equity: number, requirement: number): number {
  return requirement > 0 ? equity / requirement : Infinity;
}

type Phase = 'up' | 'down' | 'grace';

/**
 * Aave v3's PriceOracleSentinel (contracts/protocol/configuration/PriceOracleSentinel.sol, ../shared mechanics.md 3.1,
 * 4.1 and 4.5 item 6): borrows and liquidations are not allowed while the L2 sequencer is down and for a grace period
 * after it is back, except liquidations of positions with HF < 0.95, so users get time to add collateral after an
 * outage they could not act in. The simulator has no sequencer: the outages are configured (`downtime`). Perp
 * translation: HF = equity / maintenance requirement at the mark; "no borrows" is a halt of new risk. Simplification:
 * the filter applies to the liquidation pass through the venue's `ready` hook (accounts with HF >= minHealthFactor stay
 * pending); the outage itself halts all trading by default, liquidations included.
 */
export const sequencerGrace: PolicyKind<SequencerGraceParams> = {
  kind: 'sequencer-grace',
  summary: 'After configured sequencer outages: a grace period (3600 s) with no new risk and liquidations only below HF 0.95 (Aave sentinel).',
  params: SequencerGraceParams,
  create(p, env) {
    const graceSteps = Math.ceil(p.graceSeconds / env.stepSeconds);
    let ranges: Int32Array | null = null;
    let phase: Phase = 'up';
    let phaseStart = 0;
    let heldBack = 0; // liquidatable accounts kept pending (account-steps) since the outage began
    let liquidations0 = 0;
    const phaseAt = (t: number, steps: number): Phase => {
      ranges ??= resolveRanges(p.downtime, steps);
      let grace = false;
      for (let k = 0; k < ranges.length; k += 2) {
        if (t >= ranges[k] && t < ranges[k + 1]) return 'down';
        if (t >= ranges[k + 1] && t < ranges[k + 1] + graceSteps) grace = true;
      }
      return grace ? 'grace' : 'up';
    };
    const hf = (view: RunView, i: number) => healthFactor(view.equityOf(i), view.requirementOf(i));
    return {
      name: env.name,
      gate(view, gate) {
        const t = view.step;
        const now = phaseAt(t, view.steps);
        if (now !== phase) {
          if (phase === 'grace' || (phase === 'down' && now === 'up')) {
            const liquidated = view.ledger.liquidations - liquidations0;
            env.log('resume', `sequencer up and grace over after ${t - phaseStart} steps: ${heldBack} liquidatable account-steps held back (HF >= ${p.minHealthFactor}), ${liquidated} liquidations below it`, heldBack, p.minHealthFactor);
          }
          if (now === 'down') {
            let end = t + 1;
            for (let k = 0; k < ranges!.length; k += 2) if (t >= ranges![k] && t < ranges![k + 1] && ranges![k + 1] > end) end = ranges![k + 1];
            env.log('sequencer-down', `sequencer down for steps ${t}..${end - 1}: ${p.downtimeMode === 'none' ? 'no halt' : `halt ${p.downtimeMode}`}; then a grace of ${graceSteps} steps`, end - t, graceSteps);
          }
          if (now === 'grace') {
            env.log('grace-period', `sequencer up at step ${t}: grace of ${graceSteps} steps (${p.graceSeconds} s), no new risk, liquidations only below HF ${p.minHealthFactor}`, graceSteps, p.minHealthFactor);
          }
          if (now !== 'up' && phase === 'up') {
            heldBack = 0;
            liquidations0 = view.ledger.liquidations;
          }
          phase = now;
          phaseStart = t;
        }
        if (now === 'down') {
          if (p.downtimeMode === 'all') gate.haltAll();
          else if (p.downtimeMode === 'new-risk') gate.haltNewRisk();
        } else if (now === 'grace') gate.haltNewRisk();
      },
      liquidation(view, plan) {
        if (phase === 'up' || (phase === 'down' && p.downtimeMode === 'all')) return;
        const prev = plan.ready;
        plan.ready = (i, since, fill) => {
          if (prev !== null && !prev(i, since, fill)) return false;
          if (hf(view, i) < p.minHealthFactor) return true;
          heldBack++;
          return false;
        };
      },
    };
  },
};
