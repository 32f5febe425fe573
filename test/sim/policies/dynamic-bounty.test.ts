// dynamic-bounty: Drift's ramp (base + 0.01 bp per slot after a grace, capped), the backlog option and fund-paid bounties.
import { describe, it, expect } from 'vitest';
import { bountyRate, DynamicBountyParams } from '../../../sim/policies/dynamic-bounty.js';
import { KEEPER_BACKLOG_BOOK, book, run } from './book-scenarios.js';

describe('dynamic-bounty', () => {
  it("ramp formula: Drift's 0.01 bp per 0.4 s slot after 1,500 slots (mechanics.md 1.5)", () => {
    const p = DynamicBountyParams.parse({ kind: 'dynamic-bounty' });
    expect(p.perSecond).toBeCloseTo(0.000001 / 0.4, 18); // 0.01 bp = 1e-6 per slot of 0.4 s
    expect(p.graceSeconds).toBe(1500 * 0.4);
    // one-minute steps: grace 10 steps, then +1.5 bp a step: 0.5% + 1.5 bp * (25 - 10) = 0.725% after 25 steps
    expect(bountyRate(p, 60, 10, 0)).toBe(0.005);
    expect(bountyRate(p, 60, 25, 0)).toBeCloseTo(0.005 + 15 * 1.5e-4, 15);
    // capped at maxRate (5%): reached after 10 + 0.045 / 1.5e-4 = 310 steps
    expect(bountyRate(p, 60, 310, 0)).toBeCloseTo(0.05, 12);
    expect(bountyRate(p, 60, 1000, 0)).toBe(0.05);
    // the backlog raises the base: 40 pending at 0.5 bp each = +0.2%
    expect(bountyRate({ ...p, backlogRate: 5e-5 }, 60, 0, 40)).toBeCloseTo(0.007, 15);
  });

  // A 15% drop over 20 steps; the keeper's own bounty is 0.2% and it wants at least $150 a liquidation (gas + profit),
  // so it skips small positions, and one underwater has no equity left to pay any bounty. Seed 1: without the policy
  // 75 accounts are still pending at the end, holding $401,739 of negative equity; with the ramp and the fund paying
  // what accounts cannot, all are liquidated: bad debt realised $309,047 and nothing left underwater.
  const scenario = book({
    ...KEEPER_BACKLOG_BOOK,
    fund: { openInterest: 0.02 },
    defenses: [{ kind: 'dynamic-bounty', baseRate: 0.002, perSecond: 2e-5, graceSeconds: 120, fromFund: true }],
  });

  it('with fund-paid bounties it clears the backlog the keeper would leave, cutting the total loss', () => {
    const none = run(scenario, 'none');
    const r = run(scenario, 'dynamic-bounty');
    const n = none.summary;
    const d = r.summary;
    const pendingEnd = (x: typeof r) => x.series.pendingLiquidations[x.series.length - 1];
    expect(pendingEnd(none)).toBeGreaterThan(50);
    expect(n.unrealized_bad_debt).toBeGreaterThan(300_000);
    expect(pendingEnd(r)).toBe(0);
    expect(d.unrealized_bad_debt).toBe(0);
    expect(d.liquidations).toBeGreaterThan(3 * n.liquidations);
    // realised + unrealised bad debt falls by more than 15%
    expect(d.bad_debt + d.unrealized_bad_debt).toBeLessThan(0.85 * (n.bad_debt + n.unrealized_bad_debt));
    expect(d.bounties_from_fund).toBeGreaterThan(1000);
    expect(d.liquidator_income).toBeGreaterThan(n.liquidator_income);
    // logged: the backlog starting (value = accounts pending, threshold = grace steps) and each fund payment
    const on = r.interventions.filter((x) => x.action === 'ramp-on');
    expect(on.length).toBeGreaterThan(0);
    expect(on[0].value).toBeGreaterThan(0);
    expect(on[0].threshold).toBe(2);
    expect(on[0].reason).toMatch(/bounty 0\.20% rising 12\.00 bp per step after 2 steps, up to 5\.00%/);
    const fund = r.interventions.filter((x) => x.action === 'fund-bounty');
    expect(fund.reduce((s, x) => s + x.value, 0)).toBeCloseTo(d.bounties_from_fund, 6);
  });

  it('without the fund, the ramp cannot pay for underwater accounts: only those with equity left are cleared', () => {
    const s = structuredClone(scenario);
    (s.defenses[0] as any).fromFund = false;
    const n = run(scenario, 'none').summary;
    const d = run(s, 'dynamic-bounty').summary;
    expect(d.liquidations).toBeGreaterThan(n.liquidations); // 26 -> 33 on seed 1
    expect(d.bounties_from_fund).toBe(0);
    expect(d.unrealized_bad_debt).toBeGreaterThan(0.9 * n.unrealized_bad_debt);
  });

  it('the backlog option raises the base rate with the number pending and logs each change', () => {
    const s = structuredClone(scenario);
    s.defenses[0] = DynamicBountyParams.parse({ kind: 'dynamic-bounty', baseRate: 0.002, backlogRate: 0.0005 });
    const n = run(scenario, 'none').summary;
    const r = run(s, 'dynamic-bounty');
    expect(r.summary.liquidations).toBeGreaterThan(1.5 * n.liquidations); // 26 -> 53 on seed 1
    expect(r.summary.unrealized_bad_debt).toBeLessThan(n.unrealized_bad_debt);
    const raises = r.interventions.filter((x) => x.action === 'raise-bounty');
    expect(raises.length).toBeGreaterThan(0);
    expect(raises[0].value).toBeGreaterThan(0.002);
  });
});
