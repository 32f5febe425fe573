// The shipped incident scenarios (scenarios/incidents/) reproduce the qualitative outcome of their events, with numbers.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { EVENT_ADL } from '../../sim/perp.js';
import { runScenario, type RunResult, type World } from '../../sim/run.js';
import { loadScenario, type Scenario } from '../../sim/scenario.js';
import { repoRoot, sharedDir } from '../sim/helpers.js';

const dir = path.join(repoRoot, 'scenarios/incidents');

interface Run {
  r: RunResult;
  maxPending: number;
  /** Largest pending count within [from, to) of the run. */
  pendingIn: (from: number, to: number) => number;
  minDepth: number;
  maxDepth: number;
}

function load(name: string): { scenario: Scenario; baseDir: string } {
  const ls = loadScenario(path.join(dir, `${name}.yaml`));
  return { scenario: structuredClone(ls.scenario), baseDir: ls.baseDir };
}

function run(name: string, policy: string, edit?: (s: Scenario) => void, onStep?: (w: World) => void): Run {
  const { scenario, baseDir } = load(name);
  edit?.(scenario);
  let maxPending = 0;
  let minDepth = Infinity;
  let maxDepth = 0;
  const r = runScenario(scenario, {
    policy,
    seed: scenario.seed,
    baseDir,
    onStep: (w) => {
      if (w.pendingLiquidations > maxPending) maxPending = w.pendingLiquidations;
      if (w.venue.depth < minDepth) minDepth = w.venue.depth;
      if (w.venue.depth > maxDepth) maxDepth = w.venue.depth;
      onStep?.(w);
    },
  });
  expect(r.error).toBeUndefined();
  const pendingIn = (from: number, to: number) => {
    let m = 0;
    for (let t = from; t < to; t++) m = Math.max(m, r.series.pendingLiquidations[t]);
    return m;
  };
  return { r, maxPending, pendingIn, minDepth, maxDepth };
}

/** Realised bad debt plus the negative equity of positions still open at the end: the venue's whole shortfall. */
const shortfall = (x: Run) => x.r.summary.bad_debt + x.r.summary.unrealized_bad_debt;

describe('black-thursday-2020', () => {
  let congested: Run;
  let clear: Run;
  beforeAll(() => {
    congested = run('black-thursday-2020', 'none');
    clear = run('black-thursday-2020', 'none', (s) => (s.network!.congestion = []));
  });

  it('ETH falls ~43% over the day in two legs', () => {
    const spot = congested.r.series.spot;
    expect(spot[spot.length - 1] / 194).toBeGreaterThan(0.5);
    expect(spot[spot.length - 1] / 194).toBeLessThan(0.62);
    expect(spot[119] / spot[107]).toBeLessThan(0.85); // first leg, 09:00-10:00
    expect(spot[275] / spot[239]).toBeLessThan(0.88); // second leg, 20:00-23:00
  });

  it('congestion leaves liquidations undone, and the venue short more than on the same path without it', () => {
    // pending during the congestion, and far more of it than without
    expect(congested.pendingIn(108, 288)).toBeGreaterThan(300);
    expect(congested.r.series.pendingLiquidations[287]).toBeGreaterThan(2 * clear.r.series.pendingLiquidations[287]);
    expect(congested.r.summary.liquidations).toBeLessThan(clear.r.summary.liquidations);
    // the same market path
    expect(Array.from(congested.r.series.spot)).toEqual(Array.from(clear.r.series.spot));
    expect(shortfall(congested)).toBeGreaterThan(1.5 * shortfall(clear));
    expect(shortfall(congested)).toBeGreaterThan(5e6);
  });

  it('the fund-paid bounty (LIQ-2.0) liquidates more, and congestion still costs it', () => {
    const paid = run('black-thursday-2020', 'fund-paid-bounty');
    const paidClear = run('black-thursday-2020', 'fund-paid-bounty', (s) => (s.network!.congestion = []));
    expect(paid.r.summary.liquidations).toBeGreaterThan(congested.r.summary.liquidations);
    expect(paid.r.summary.bad_debt).toBeGreaterThan(0); // under-water accounts are liquidated: bad debt realised
    expect(shortfall(paid)).toBeGreaterThan(1.5 * shortfall(paidClear));
  });
});

describe('compound-dai-oracle-2020', () => {
  it('the +30% print passes the anchor band: as many liquidations as with no validation, at a false price', () => {
    const none = run('compound-dai-oracle-2020', 'none');
    let maxOracle = 0;
    const anchor = run('compound-dai-oracle-2020', 'anchor-band', undefined, (w) => (maxOracle = Math.max(maxOracle, w.oracle)));
    expect(maxOracle).toBeGreaterThan(1.28);
    expect(anchor.r.summary.liquidated_notional).toBeGreaterThanOrEqual(0.99 * none.r.summary.liquidated_notional);
    // ~$89M liquidated on Compound that hour (mechanics.md 6); the liquidators' 8% incentive
    expect(none.r.summary.liquidated_notional).toBeGreaterThan(60e6);
    expect(none.r.summary.liquidated_notional).toBeLessThan(130e6);
    expect(none.r.summary.liquidator_income).toBeGreaterThan(0.07 * none.r.summary.liquidated_notional);
    // the borrowers were solvent at the real price: no bad debt
    expect(none.r.summary.bad_debt).toBe(0);
  });

  it('a mark/oracle divergence pause stops those liquidations', () => {
    const pause = run('compound-dai-oracle-2020', 'divergence-pause');
    expect(pause.r.summary.liquidations).toBe(0);
    expect(pause.maxPending).toBeGreaterThan(100); // they were liquidatable at the oracle, and waited it out
  });
});

describe('bzx-flash-loan-2020', () => {
  it('the attacker profits within one step; the venue keeps the bad debt', () => {
    let pnlBefore = NaN;
    let pnlAfter = NaN;
    const x = run('bzx-flash-loan-2020', 'none', undefined, (w) => {
      const i = w.agents.length - 1; // the attacker
      const pnl = w.wallets.usd[i] + w.venue.ledger.paidTo[i + 2] - w.venue.ledger.depositedBy[i + 2];
      if (w.step === 59) pnlBefore = pnl;
      if (w.step === 60) {
        pnlAfter = pnl;
        expect(w.wallets.loan[i]).toBe(0); // repaid in the same turn
        expect(w.wallets.base[i]).toBe(0); // everything sold back
      }
    });
    expect(pnlBefore).toBe(0);
    // bZx #2: +2,378 ETH, ~$636-645k
    expect(pnlAfter).toBeGreaterThan(500_000);
    expect(pnlAfter).toBeLessThan(1_000_000);
    const s = x.r.summary;
    expect(s.attacker_pnl).toBeCloseTo(pnlAfter, 6);
    expect(s.attacker_cost).toBeGreaterThan(0); // the pool's fees both ways
    expect(s.attacker_cost).toBeLessThan(5_000);
    expect(s.bad_debt).toBeGreaterThan(0.9 * s.attacker_pnl);
    // every action in the one step, in order
    const acts = x.r.events.actions;
    expect(acts.map((a) => a.action)).toEqual(['flash-borrow', 'swap-buy', 'open', 'withdraw', 'swap-sell', 'flash-repay']);
    expect(new Set(acts.map((a) => a.step))).toEqual(new Set([60]));
    expect(acts[3].price / acts[1].price).toBeGreaterThan(1.9); // withdrawn at ~2x the pool's price
  });

  it('with an oracle instead of the live pool the same sequence loses money and leaves no bad debt', () => {
    const x = run('bzx-flash-loan-2020', 'none', (s) => (s.venue.marginPrice = 'oracle'));
    expect(x.r.summary.attacker_pnl).toBeLessThan(0);
    expect(x.r.summary.bad_debt).toBe(0);
  });
});

describe('mango-2022', () => {
  let none: Run;
  beforeAll(() => {
    none = run('mango-2022', 'none');
  });

  it('without oracle validation the attacker profits and the venue takes the bad debt', () => {
    const s = none.r.summary;
    expect(s.attacker_pnl).toBeGreaterThan(50e6);
    expect(s.attacker_cost).toBeGreaterThan(1e6); // the pump is paid for: fees and what the arbitrageur takes
    expect(s.attacker_extracted).toBeCloseTo(s.attacker_pnl + s.attacker_cost, 0);
    expect(s.bad_debt).toBeGreaterThan(50e6);
    expect(s.uncovered_bad_debt).toBeGreaterThan(40e6); // beyond the insurance fund: the venue is insolvent
    // the pump is in the oracle: ~6x
    let maxOracle = 0;
    for (let t = 0; t < none.r.series.length; t++) maxOracle = Math.max(maxOracle, none.r.series.oracle[t]);
    expect(maxOracle / 0.0382).toBeGreaterThan(5);
    const withdrawn = none.r.events.actions.filter((a) => a.action === 'withdraw').reduce((x, a) => x + a.value, 0);
    expect(withdrawn).toBeGreaterThan(80e6);
  });

  for (const policy of ['move-limit', 'anchor-band']) {
    it(`with oracle validation (${policy}) the attack loses money and leaves no bad debt`, () => {
      const x = run('mango-2022', policy);
      expect(x.r.summary.attacker_pnl).toBeLessThan(0);
      expect(x.r.summary.bad_debt).toBe(0);
      expect(x.r.summary.interventions).toBeGreaterThan(0);
      // the same market and the same attack
      expect(Array.from(x.r.series.spot)).toEqual(Array.from(none.r.series.spot));
      expect(x.r.summary.attacker_cost).toBeCloseTo(none.r.summary.attacker_cost, 0);
    });
  }
});

describe('luna-2022', () => {
  it('the clamp leaves the oracle at the floor while the market falls > 99.9%; the venue takes the bad debt', () => {
    const x = run('luna-2022', 'none');
    const s = x.r.series;
    const last = s.length - 1;
    expect(s.spot[last]).toBeLessThan(0.001);
    expect(s.oracle[last]).toBe(0.1);
    for (let t = 128; t <= last; t++) expect(s.oracle[t]).toBe(0.1); // at minAnswer from 12 May on
    const m = x.r.summary;
    expect(m.attacker_pnl).toBeGreaterThan(10e6); // Venus: $11.2-13.5M
    expect(shortfall(x)).toBeGreaterThan(10e6);
  });

  it('a divergence pause keeps the attacker out', () => {
    const x = run('luna-2022', 'divergence-pause');
    expect(x.r.summary.attacker_pnl).toBeLessThanOrEqual(0);
    expect(x.r.summary.unrealized_bad_debt).toBe(0);
  });
});

describe('aug-2024', () => {
  it('gas ~140x leaves small liquidations waiting; everything clears; no material bad debt', () => {
    const x = run('aug-2024', 'none');
    const clear = run('aug-2024', 'none', (s) => (s.network!.congestion = []));
    const m = x.r.summary;
    expect(x.pendingIn(20, 110)).toBeGreaterThan(clear.pendingIn(20, 110));
    expect(x.r.series.pendingLiquidations[x.r.series.length - 1]).toBe(0);
    expect(m.liquidated_notional).toBeGreaterThan(100e6); // Aave v3 WETH: $146.7M
    expect(m.bad_debt + m.unrealized_bad_debt).toBeLessThan(0.001 * m.liquidated_notional);
    let min = Infinity;
    for (const p of x.r.series.spot) min = Math.min(min, p);
    expect(min / 2690).toBeLessThan(0.82); // -18..-22% intraday
  });
});

describe('oct-2025-adl', () => {
  let none: Run;
  beforeAll(() => {
    none = run('oct-2025-adl', 'none');
  });

  it('market makers pull their quotes: depth falls ~98%; bad debt far beyond the fund', () => {
    expect(none.minDepth / none.maxDepth).toBeLessThan(0.03);
    const s = none.r.series.spot;
    expect(s[27] / s[14]).toBeLessThan(0.9); // -13% in 12 minutes
    expect(none.r.summary.uncovered_bad_debt).toBeGreaterThan(100 * none.r.summary.insurance_fund_initial);
  });

  it('ADL events happen, against profitable opposite positions only, and nothing is left uncovered', () => {
    let w: World | undefined;
    const x = run('oct-2025-adl', 'adl', undefined, (world) => (w = world));
    const m = x.r.summary;
    expect(m.adl_events).toBeGreaterThan(100);
    expect(m.uncovered_bad_debt).toBe(0);
    const ev = x.r.events;
    let firstLiq = Infinity;
    let firstAdl = Infinity;
    let fills = 0;
    let bankrupt = 0;
    for (let k = 0; k < ev.liqCount; k++) {
      if (ev.kind[k] !== EVENT_ADL) {
        firstLiq = Math.min(firstLiq, ev.step[k]);
        continue;
      }
      firstAdl = Math.min(firstAdl, ev.step[k]);
      // in a crash the bankrupt accounts are longs; the positions deleveraged against them are shorts, each closed at
      // the bankruptcy price where it is in profit (Hyperliquid: 99.4% of ADL'd accounts were profitable)
      const inProfit = (ev.execPrice[k] - w!.accounts.entry[ev.account[k]]) * ev.size[k] > 0;
      if (ev.size[k] < 0) {
        expect(inProfit).toBe(true);
        fills++;
      } else {
        expect(inProfit).toBe(false);
        bankrupt++;
      }
    }
    expect(fills).toBe(m.adl_events);
    expect(bankrupt).toBeGreaterThan(0);
    expect(firstAdl - firstLiq).toBeLessThanOrEqual(2); // Hyperliquid: 61.7 s after the first liquidation
    expect(m.adl_notional).toBeGreaterThan(0.1 * m.liquidated_notional);
  });

  it('the backstop vault alone leaves nothing uncovered either, and keeps what it took over', () => {
    const x = run('oct-2025-adl', 'backstop-vault');
    expect(x.r.summary.backstop_takeovers).toBeGreaterThan(100);
    expect(x.r.summary.uncovered_bad_debt).toBe(0);
  });
});

// Local validation against real prices (../shared/data/crashes, never copied into the repository): skipped in CI.
const crashes = path.join(sharedDir, 'data/crashes');
function closes(file: string): number[] {
  return readFileSync(path.join(crashes, file), 'utf8')
    .trim()
    .split(/\r?\n/)
    .slice(1)
    .map((l) => Number(l.split(',')[4]));
}

describe.skipIf(!existsSync(crashes))('stylised paths against the recorded prices (local data only)', () => {
  it('black-thursday-2020: day change and leg timing within a few percent of Binance ETH hourly closes', () => {
    const c = closes('blackthursday_ETHUSDT_binance_1h.csv'); // from 2020-03-10 00:00 UTC, hourly
    const day = (h: number) => c[48 + h]; // 2020-03-12 h:00
    const spot = run('black-thursday-2020', 'none').r.series.spot;
    const at = (h: number) => spot[h * 12 - 1];
    expect(Math.abs(at(24) / 194 - day(23) / day(0))).toBeLessThan(0.05);
    expect(Math.abs(at(10) / 194 - day(10) / day(0))).toBeLessThan(0.08);
  });

  it('aug-2024: the low and the close within a few percent of Binance ETH one-minute closes', () => {
    const c = closes('aug5_2024_ETHUSDT_binance_1m.csv');
    const spot = run('aug-2024', 'none').r.series.spot;
    const min = (a: ArrayLike<number>) => Array.prototype.reduce.call(a, (m: number, x: number) => Math.min(m, x), Infinity) as number;
    expect(Math.abs(min(spot) / spot[0] - min(c) / c[0])).toBeLessThan(0.04);
    expect(Math.abs(spot[1439] / spot[0] - c[1439] / c[0])).toBeLessThan(0.05);
  });

  it('luna-2022: within a factor of 3 of Binance LUNA hourly closes at the published waypoints', () => {
    const c = closes('terra_may2022_LUNAUSDT_binance_1h_closeonly.csv'); // from 2022-05-05 00:00 UTC
    const spot = run('luna-2022', 'none').r.series.spot;
    for (const h of [66, 96, 108, 132]) {
      const ratio = spot[h - 1] / c[48 + h];
      expect(ratio, `hour ${h}`).toBeGreaterThan(1 / 3);
      expect(ratio, `hour ${h}`).toBeLessThan(3);
    }
  });
});
