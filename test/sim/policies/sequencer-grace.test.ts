// sequencer-grace: Aave's sentinel rule (HF < 0.95 during the grace period) on a stub, and its effect after an outage with a drop.
import { describe, it, expect } from 'vitest';
import { healthFactor, sequencerGrace, SequencerGraceParams } from '../../../sim/policies/sequencer-grace.js';
import type { Gate, LiquidationPlan, PolicyEnv, RunView } from '../../../sim/types.js';
import { actions, book, haltedSteps, range, run, sumOver } from './setup.js';

describe('sequencer-grace', () => {
  it('the rule on a stub: halts by phase, and during the grace only HF = equity / maintenance < 0.95 is ready', () => {
    expect(healthFactor(95, 100)).toBe(0.95);
    expect(healthFactor(94.9, 100)).toBeLessThan(0.95);
    const logs: string[] = [];
    const env: PolicyEnv = { name: 'seq', dt: 60 / 31_536_000, stepSeconds: 60, log: (a) => logs.push(a) };
    // grace of 3600 s = 60 one-minute steps after an outage of steps [10, 20)
    const pol = sequencerGrace.create(SequencerGraceParams.parse({ kind: 'sequencer-grace', downtime: [{ from: 10, to: 20 }] }), env);
    const equity = [94, 95, 96, 50];
    const view = { step: 0, steps: 200, equityOf: (i: number) => equity[i], requirementOf: () => 100, ledger: { liquidations: 0 } } as unknown as RunView & { step: number };
    const halts: string[] = [];
    const gate: Gate = { haltNewRisk: () => halts.push('new-risk'), haltAll: () => halts.push('all') };
    const plan = { ready: null } as unknown as LiquidationPlan;
    const at = (t: number) => {
      halts.length = 0;
      (view as { step: number }).step = t;
      plan.ready = null;
      pol.gate!(view, gate);
      pol.liquidation!(view, plan);
      return { halts: [...halts], ready: plan.ready === null ? null : equity.map((_, i) => plan.ready!(i, t, 0)) };
    };
    expect(at(9)).toEqual({ halts: [], ready: null });
    expect(at(10)).toEqual({ halts: ['all'], ready: null }); // the outage: nothing executes
    expect(at(19)).toEqual({ halts: ['all'], ready: null });
    expect(at(20)).toEqual({ halts: ['new-risk'], ready: [true, false, false, true] }); // HF 0.94 and 0.5 only
    expect(at(79)).toEqual({ halts: ['new-risk'], ready: [true, false, false, true] });
    expect(at(80)).toEqual({ halts: [], ready: null });
    expect(logs).toEqual(['sequencer-down', 'grace-period', 'resume']);
  });

  it('after an outage with a -4% drop, the grace spares positions just under maintenance that the recovery saves', () => {
    // a deep venue (no cascades), 10-16x positions; the sequencer is down for steps 100..129 while the price falls 4%
    // (steps 105..114); it wins the 4% back over steps 130..149, inside the grace period (steps 130..189)
    const s = book({
      steps: 260,
      leverage: [10, 16],
      keeper: 50,
      venue: { liquidity: { depth: { openInterest: 2 }, slippage: 0.1, impact: 0.05, reversion: 0.2 } },
      shocks: [
        { kind: 'ramp', at: 105, steps: 10, factor: 0.96 },
        { kind: 'ramp', at: 130, steps: 20, factor: 1.04 },
      ],
      defenses: [
        // the outage alone, without a grace period (what the chain does to a venue with no sentinel)
        { kind: 'sequencer-grace', name: 'outage', downtime: [{ from: 100, to: 130 }], graceSeconds: 0 },
        { kind: 'sequencer-grace', name: 'sentinel', downtime: [{ from: 100, to: 130 }] },
        // the grace period's halt of new risk without the HF filter, to isolate the filter
        { kind: 'sequencer-grace', name: 'no-filter', downtime: [{ from: 100, to: 130 }], minHealthFactor: 1 },
      ],
    });
    const outage = run(s, 'outage');
    const sentinel = run(s, 'sentinel');
    const noFilter = run(s, 'no-filter');
    expect(haltedSteps(outage)).toEqual(range(100, 129));
    expect(haltedSteps(sentinel)).toEqual(range(100, 189));
    for (const t of range(100, 129)) expect(sentinel.series.halted[t]).toBe(2);
    for (const t of range(130, 189)) expect(sentinel.series.halted[t]).toBe(1);
    for (const t of range(100, 129)) expect(sentinel.series.liquidations[t]).toBe(0);
    expect(actions(sentinel)).toEqual(['sequencer-down@100', 'grace-period@130', 'resume@190']);
    expect(sentinel.interventions[0]).toMatchObject({ value: 30, threshold: 60 });
    expect(sentinel.interventions[1]).toMatchObject({ value: 60, threshold: 0.95 });
    const resume = sentinel.interventions[2];
    expect(resume.value).toBeGreaterThan(10); // liquidatable account-steps held back
    expect(resume.threshold).toBe(0.95);
    // when the sequencer is back, the outage alone liquidates everything below maintenance at once
    expect(outage.series.liquidations[130]).toBe(44);
    expect(sentinel.series.liquidations[130]).toBeLessThan(40);
    // over the run: fewer liquidations, less liquidated notional and slippage
    expect(outage.summary.liquidations).toBe(52);
    expect(sentinel.summary.liquidations).toBe(37);
    expect(noFilter.summary.liquidations).toBe(49);
    expect(sumOver(sentinel.series.liquidations, 130, 189)).toBeLessThan(sumOver(noFilter.series.liquidations, 130, 189));
    expect(sentinel.summary.liquidated_notional).toBeLessThan(0.8 * outage.summary.liquidated_notional);
    expect(sentinel.summary.liquidation_slippage).toBeLessThan(0.8 * outage.summary.liquidation_slippage);
    expect(sentinel.summary.bad_debt).toBe(0);
  });
});
