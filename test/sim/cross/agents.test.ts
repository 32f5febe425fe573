// cross-traders (agents/cross-traders.ts): the seeded book (account types, collateral shares, the initial-margin cap)
// and account management through CROSS_DEPOSIT / CROSS_REDUCE intents, which the venue applies and accounts for.
import { describe, expect, it } from 'vitest';
import { INTENT_CROSS_DEPOSIT, INTENT_CROSS_REDUCE, Intents } from '../../../sim/intents.js';
import { createWorld, runScenario, runWorld } from '../../../sim/run.js';
import { scenario } from '../helpers.js';

function cross(agent: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) {
  return scenario({
    steps: 120,
    seed: 3,
    market: {
      assets: [
        { name: 'BTC', initialPrice: 100_000, process: { kind: 'gbm', sigma: 0.7 }, shocks: [{ kind: 'crash', at: 30, drop: 0.12, steps: 10 }] },
        { name: 'ETH', initialPrice: 4_000, process: { kind: 'gbm', sigma: 1 }, shocks: [{ kind: 'crash', at: 30, drop: 0.2, steps: 10 }] },
      ],
      correlation: [[1, 0.8], [0.8, 1]],
    },
    oracle: { kind: 'spot' },
    cross: { markets: [{ asset: 'BTC' }, { asset: 'ETH' }], collateral: [{ asset: 'ETH', haircut: 0.15 }], ...extra },
    agents: [{ kind: 'cross-traders', count: 400, collateral: { ETH: { uniform: [0, 0.5] } }, leverage: { uniform: [2, 30] }, ...agent }],
  });
}

describe('the seeded book', () => {
  const w = createWorld(cross(), { policy: 'none', seed: 3, baseDir: '.' });
  const v = w.cross!;
  const kinds = { directional: 0, pairs: 0, basis: 0 };
  for (let i = 0; i < v.count; i++) {
    const b = v.size[i * 2];
    const e = v.size[i * 2 + 1];
    if (v.cash[i] === 0 && v.units[i] > 0 && b === 0 && e < 0) kinds.basis++;
    else if (b !== 0 && e !== 0 && Math.sign(b) !== Math.sign(e)) kinds.pairs++;
    else kinds.directional++;
  }

  it('holds the three account types in about the configured mix (0.6 / 0.3 / 0.1)', () => {
    expect(v.count).toBe(400);
    expect(kinds.directional / 400).toBeGreaterThan(0.5);
    expect(kinds.pairs / 400).toBeGreaterThan(0.22);
    expect(kinds.basis / 400).toBeGreaterThan(0.05);
  });

  it('basis accounts are delta-neutral: collateral units = short perp units; pairs have equal notional legs', () => {
    for (let i = 0; i < v.count; i++) {
      if (v.cash[i] === 0 && v.units[i] > 0) expect(v.size[i * 2 + 1]).toBeCloseTo(-v.units[i], 12);
      const b = v.size[i * 2] * 100_000;
      const e = v.size[i * 2 + 1] * 4_000;
      if (b !== 0 && e !== 0 && Math.sign(b) !== Math.sign(e)) expect(Math.abs(b)).toBeCloseTo(Math.abs(e), 6);
    }
  });

  it('no account starts above its initial requirement (leverage up to 30x is capped at 1 / 5%)', () => {
    let capped = 0;
    for (let i = 0; i < v.count; i++) {
      const im = v.initialRequirementOf(i);
      expect(im).toBeLessThanOrEqual(v.equityOf(i) * (1 + 1e-9));
      if (im > 0.999 * v.equityOf(i)) capped++;
    }
    expect(capped).toBeGreaterThan(20);
  });
});

describe('account management', () => {
  it('reduce: accounts close a share of their positions and fewer are liquidated; the venue counts the trades', () => {
    const none = runScenario(cross(), { policy: 'none', seed: 3, baseDir: '.' }).summary;
    const managed = runScenario(cross({ manage: { perStep: 40, below: 1.5, target: 3, action: 'reduce' } }), { policy: 'none', seed: 3, baseDir: '.' }).summary;
    expect(none.cross_reductions).toBe(0);
    expect(managed.cross_reductions).toBeGreaterThan(20);
    expect(managed.cross_liquidations).toBeLessThan(none.cross_liquidations);
  });

  it('deposit: top-ups come out of the shared reserve and never exceed it', () => {
    const r = runScenario(cross({ manage: { perStep: 40, below: 1.5, target: 3, action: 'deposit', reserve: 250_000 } }), { policy: 'none', seed: 3, baseDir: '.' }).summary;
    expect(r.cross_top_ups).toBeGreaterThan(100_000);
    expect(r.cross_top_ups).toBeLessThanOrEqual(250_000 + 1e-6);
  });

  it('intents on accounts the agent does not own, or closed ones, are refused; a full halt refuses reductions', () => {
    const w = createWorld(cross(), { policy: 'none', seed: 3, baseDir: '.' });
    const v = w.cross!;
    expect(v.deposit(1, 0, 100)).toBe(false); // agent 1 owns nothing
    expect(v.deposit(0, 10_000, 100)).toBe(false);
    const cash = v.cash[0];
    expect(v.deposit(0, 0, 100)).toBe(true);
    expect(v.cash[0]).toBe(cash + 100);
    expect(v.reduce(0, 0, 0.5, true)).toBe(false);
    expect(v.ledger.refusedIntents).toBe(3);
    const size = v.size[0];
    expect(v.reduce(0, 0, 0.5, false)).toBe(true);
    expect(v.size[0]).toBeCloseTo(size / 2, 12);
    expect(v.ledger.tradingFees).toBeGreaterThan(0);
  });

  it('the intents carry kind, account and amount (CROSS_DEPOSIT, CROSS_REDUCE)', () => {
    const out = new Intents();
    out.crossDeposit(2, 7, 1000);
    out.crossReduce(2, 8, 0.25);
    expect([out.kind[0], out.account[0], out.amount[0]]).toEqual([INTENT_CROSS_DEPOSIT, 7, 1000]);
    expect([out.kind[1], out.account[1], out.ratio[1]]).toEqual([INTENT_CROSS_REDUCE, 8, 0.25]);
  });

  it('runs with management conserve USD every step', () => {
    const w = createWorld(cross({ manage: { perStep: 40, below: 1.5, target: 3, action: 'deposit' } }, { liquidation: { fee: 0.01 } }), { policy: 'none', seed: 3, baseDir: '.' });
    const v = w.cross!;
    let c0 = NaN;
    let worst = 0;
    runWorld(w, () => {
      const l = v.ledger;
      let cash = 0;
      for (let i = 0; i < v.count; i++) if (v.open[i] === 1) cash += v.cash[i];
      const c = cash + l.insuranceFund + l.returnedToTraders - l.uncoveredBadDebt - l.realisedPnl - l.collateralProceeds - l.topUps + l.tradingFees;
      if (Number.isNaN(c0)) c0 = c;
      worst = Math.max(worst, Math.abs(c - c0));
    });
    expect(v.ledger.topUps).toBeGreaterThan(0);
    expect(worst).toBeLessThan(1e-4);
  });
});

describe('a run whose liquidations drive a price to infinity', () => {
  it('stops with an error naming the asset and the liquidity keys to check', () => {
    const s = cross({ longShare: 0, mix: { directional: 1, pairs: 0, basis: 0 }, leverage: 20 }, { liquidity: { depth: 1000, slippage: 0.1, impact: 50 } });
    (s.market.assets![0].shocks as unknown[]).push({ kind: 'ramp', at: 5, steps: 5, factor: 1.5 });
    const r = runScenario(s, { policy: 'none', seed: 3, baseDir: '.' });
    expect(r.error?.message).toMatch(/^the price of (BTC|ETH) became (Infinity|NaN|0) through cross-margin liquidations and reductions; check cross\.liquidity/);
    expect(r.summary.error).toContain('(step ');
  });
});
