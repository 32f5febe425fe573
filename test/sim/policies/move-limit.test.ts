// move-limit: the SIP-55 per-update limit, the frozen last good price, the optional pause, resumption, and its effect on a one-step wick.
import { describe, it, expect } from 'vitest';
import { moveRejected } from '../../../sim/policies/move-limit.js';
import { actions, book, haltedSteps, range, run } from './setup.js';

// a one-minute wick: -40% at step 100, back at step 101 (an alt-coin wick of 10 Oct 2025, or a bad print)
const WICK = [
  { kind: 'ramp', at: 100, steps: 1, factor: 0.6 },
  { kind: 'ramp', at: 101, steps: 1, factor: 1 / 0.6 },
];

describe('move-limit', () => {
  it('SIP-55 limit: more than 25% from the last accepted price is rejected, 25% itself is not', () => {
    expect(moveRejected(1200, 2000, 0.25)).toBe(true); // -40%
    expect(moveRejected(2600, 2000, 0.25)).toBe(true); // +30%
    expect(moveRejected(1500, 2000, 0.25)).toBe(false); // -25%
    expect(moveRejected(1600, 2000, 0.25)).toBe(false); // -20%
    expect(moveRejected(2150, 2000, 0.1)).toBe(false); // +7.5% under the 10% traditional-asset limit
    expect(moveRejected(2250, 2000, 0.1)).toBe(true);
  });

  it('rejects the wick: the index keeps the last good price, no account is margin-tested at the wick, no bad debt', () => {
    // margin is tested at the oracle (index) price, so the oracle's answer decides who is liquidated
    const s = book({ steps: 200, shocks: WICK, marginPrice: 'oracle', keeper: 50, defenses: [{ kind: 'move-limit', name: 'sip55' }] });
    const none = run(s, 'none');
    const ml = run(s, 'sip55');
    expect(none.series.oracle[100]).toBeCloseTo(1200, 9);
    expect(ml.series.oracle[100]).toBe(2000); // the last good price
    expect(ml.series.oracle[101]).toBeCloseTo(2000, 9);
    expect(actions(ml)).toEqual(['reject-oracle@100', 'accept-oracle@101']);
    expect(ml.interventions[0].value).toBeCloseTo(-0.4, 12);
    expect(ml.interventions[0].threshold).toBe(0.25);
    expect(ml.interventions[0].policy).toBe('sip55');
    // without the limit the keeper liquidates 50 accounts at the wick (its capacity) and the venue takes the bad debt
    expect(none.series.liquidations[100]).toBe(50);
    expect(none.summary.liquidations).toBe(50);
    expect(none.summary.bad_debt).toBeGreaterThan(500_000);
    expect(ml.summary.liquidations).toBe(0);
    expect(ml.summary.bad_debt).toBe(0);
    expect(ml.summary.liquidation_slippage).toBe(0);
  });

  it('pauseSteps halts trading after a rejection; a persistent move is accepted after resumeAfterSteps', () => {
    const paused = run(book({ steps: 200, shocks: WICK, marginPrice: 'oracle', defenses: [{ kind: 'move-limit', name: 'ml', pauseSteps: 5 }] }), 'ml');
    expect(haltedSteps(paused)).toEqual(range(100, 104));
    for (const t of range(100, 104)) expect(paused.series.halted[t]).toBe(2);
    expect(actions(paused)).toEqual(['reject-oracle@100', 'halt-all@100', 'accept-oracle@101', 'resume@105']);

    // a real -40% repricing that stays: frozen for good without resumeAfterSteps, accepted after 10 steps with it
    const drop = [{ kind: 'ramp', at: 100, steps: 1, factor: 0.6 }];
    const frozen = run(book({ steps: 150, shocks: drop, marginPrice: 'oracle', defenses: [{ kind: 'move-limit', name: 'ml' }] }), 'ml');
    expect(frozen.series.oracle[149]).toBe(2000);
    expect(actions(frozen)).toEqual(['reject-oracle@100']);
    const resumed = run(book({ steps: 150, shocks: drop, marginPrice: 'oracle', defenses: [{ kind: 'move-limit', name: 'ml', resumeAfterSteps: 10 }] }), 'ml');
    expect(resumed.series.oracle[109]).toBe(2000);
    expect(resumed.series.oracle[110]).toBeCloseTo(1200, 9);
    expect(actions(resumed)).toEqual(['reject-oracle@100', 'accept-oracle@110']);
  });
});
