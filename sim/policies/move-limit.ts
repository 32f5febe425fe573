// Per-update move limit (Synthetix SIP-55): rejects an oracle update that moves more than maxMove from the last accepted price.
import { z } from 'zod';
import type { PolicyKind } from '../types.js';
import { HaltMode, HaltTimer, pct, num } from './common.js';

export const MoveLimitParams = z
  .object({
    kind: z.literal('move-limit'),
    name: z.string().min(1).optional(),
    /** Largest accepted move of one update, |P / last accepted - 1|. SIP-55: 25% for crypto, 10% for traditional assets. */
    maxMove: z.number().positive().default(0.25),
    /** Steps of trading halt after a rejection (0 = none). Synthetix suspends the synth (all trading). */
    pauseSteps: z.number().int().min(0).default(0),
    mode: HaltMode.default('all'),
    /**
     * 0: a rejected move stays rejected until an update comes back within maxMove of the last accepted price (the
     * price is frozen meanwhile). n > 0: after n consecutive rejected steps the current answer is accepted, as
     * governance resuming a suspended synth at the market price.
     */
    resumeAfterSteps: z.number().int().min(0).default(0),
  })
  .strict();
export type MoveLimitParams = z.infer<typeof MoveLimitParams>;

/** Whether an update from `last` to `next` is beyond the limit. */
export function moveRejected(next: number, last: number, maxMove: number): boolean {
  return Math.abs(next / last - 1) > maxMove;
}

/**
 * Synthetix SIP-55 (Apr 2020): an off-chain breaker suspends a synth when a single oracle update moves more than 25%
 * (crypto) / 10% (traditional); SIP-65's on-chain version rejects the exchange when max(p, last)/min(p, last) exceeds a
 * factor (3x, then 1.6x by SCCP-90). ../shared mechanics.md sections 4.5 and 5.2. The rejected answer is replaced by
 * NaN, so the last good price stays the index.
 */
export const moveLimit: PolicyKind<MoveLimitParams> = {
  kind: 'move-limit',
  summary: 'Reject an oracle update moving more than maxMove from the last accepted price (SIP-55); optional pause after a rejection.',
  params: MoveLimitParams,
  create(p, env) {
    const timer = p.pauseSteps > 0 ? new HaltTimer(env, p.mode, p.pauseSteps) : null;
    let rejectedSince = -1; // first step of the current run of rejections
    let worst = 0;
    return {
      name: env.name,
      oracle(view, price) {
        if (!(price > 0 && Number.isFinite(price))) return price; // already rejected upstream
        const t = view.step;
        const last = view.oracle; // the last accepted price (this step's answer is not in yet)
        const move = price / last - 1;
        if (Math.abs(move) > p.maxMove) {
          if (rejectedSince >= 0 && p.resumeAfterSteps > 0 && t - rejectedSince >= p.resumeAfterSteps) {
            env.log('accept-oracle', `resumed after ${t - rejectedSince} rejected steps: accepting ${num(price)} (${pct(move)} from ${num(last)})`, move, p.maxMove);
            rejectedSince = -1;
            return price;
          }
          if (rejectedSince < 0) {
            rejectedSince = t;
            worst = 0;
            env.log('reject-oracle', `update ${num(price)} moves ${pct(move)} from the last accepted ${num(last)}; limit +-${pct(p.maxMove)}`, move, p.maxMove);
          }
          if (Math.abs(move) > Math.abs(worst)) worst = move;
          timer?.trigger(t, `oracle update rejected (${pct(move)} > ${pct(p.maxMove)})`, move, p.maxMove);
          return NaN;
        }
        if (rejectedSince >= 0) {
          env.log('accept-oracle', `update ${num(price)} within +-${pct(p.maxMove)} of ${num(last)} again after ${t - rejectedSince} rejected steps (largest rejected move ${pct(worst)})`, move, p.maxMove);
          rejectedSince = -1;
        }
        return price;
      },
      gate(view, gate) {
        timer?.apply(view.step, gate);
      },
    };
  },
};
