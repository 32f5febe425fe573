// The market participants and adversaries of issue 3 (agents/*.ts) against their formulas, and the venue's side:
// QUOTE depth, SWAP on the pool, oracle fills, the pool margin price, open-then-close sequences, liquidator offers.
import { describe, expect, it } from 'vitest';
import { realisedVol } from '../../agents/market-makers.js';
import { simulatedProfit } from '../../agents/flash-loan-attacker.js';
import { eventsTable } from '../../reports/arrow.js';
import { InputError } from '../../sim/errors.js';
import { createWorld, runScenario, runWorld, type RunResult, type World } from '../../sim/run.js';
import type { Agent } from '../../sim/types.js';
import type { Scenario } from '../../sim/scenario.js';
import { agentPnls, Wallets } from '../../sim/wallets.js';
import { scenario } from '../sim/helpers.js';

/** A small book on a constant market with the given extra agents and settings. */
function base(extra: Record<string, unknown>[], over: Record<string, unknown> = {}, count = 50): Scenario {
  return scenario({
    seed: 1,
    steps: 100,
    market: { initialPrice: 1000, process: { kind: 'constant' } },
    venue: { initialMargin: 0.1, maintenanceMargin: 0.05, liquidity: { depth: 10_000_000, slippage: 0.1, impact: 0.2, reversion: 0 }, funding: null },
    agents: [{ kind: 'leveraged-traders', name: 'book', count, collateral: 1000, leverage: 2 }, ...extra],
    ...over,
  });
}

function go(s: Scenario, policy = 'none', onStep?: (w: World) => void): RunResult {
  const r = runScenario(s, { policy, seed: s.seed, baseDir: '.', onStep });
  expect(r.error).toBeUndefined();
  return r;
}

describe('market makers (QUOTE)', () => {
  it('realised volatility: sqrt(mean r^2 / dt) over the last window returns', () => {
    const p = [100, 101, 99, 102, 100];
    const dt = 1 / 525600;
    const r = [Math.log(101 / 100), Math.log(99 / 101), Math.log(102 / 99), Math.log(100 / 102)];
    const want = Math.sqrt((r[3] ** 2 + r[2] ** 2 + r[1] ** 2) / 3 / dt);
    expect(realisedVol(p[4], (s) => p[s], 4, 3, dt)).toBeCloseTo(want, 12);
    expect(realisedVol(100, () => 100, 0, 10, dt)).toBe(0);
  });

  it('the venue depth for a step is the base depth plus every quote; without market makers it is untouched', () => {
    const quiet = base([{ kind: 'market-makers', name: 'mm', depth: 3_000_000 }, { kind: 'market-makers', name: 'mm2', depth: 2_000_000 }]);
    const depths: number[] = [];
    go(quiet, 'none', (w) => depths.push(w.venue.depth));
    // constant price: no volatility, no widening
    for (const d of depths) expect(d).toBe(10_000_000 + 3_000_000 + 2_000_000);
    const none: number[] = [];
    go(base([]), 'none', (w) => none.push(w.venue.depth));
    for (const d of none) expect(d).toBe(10_000_000);
  });

  it('widen as volatility rises (depth / (1 + sensitivity (rv/ref - 1))) and pull every quote under stress', () => {
    const s = base([{ kind: 'market-makers', name: 'mm', depth: 5_000_000, window: 5, referenceVol: 0.5, sensitivity: 1, withdrawAbove: 4, returnAfter: 10, withdrawOnDivergence: null }], {
      market: { initialPrice: 1000, process: { kind: 'constant' }, shocks: [{ kind: 'ramp', at: 50, steps: 1, factor: 0.995 }, { kind: 'ramp', at: 70, steps: 1, factor: 0.95 }] },
    });
    const rows: { t: number; depth: number; mark: number[] }[] = [];
    const marks: number[] = [];
    go(s, 'none', (w) => {
      marks.push(w.venue.mark);
      rows.push({ t: w.step, depth: w.venue.depth, mark: marks.slice() });
    });
    // step 50: one -0.5% return in a 5-step window: rv = 0.005 / sqrt(5) / sqrt(dt); depth 5M / (1 + (rv/0.5 - 1))
    const dt = 60 / (365 * 86400);
    const rv = Math.abs(Math.log(0.995)) / Math.sqrt(5 * dt);
    expect(rv / 0.5).toBeGreaterThan(1);
    expect(rv / 0.5).toBeLessThan(4);
    expect(rows[50].depth).toBeCloseTo(10_000_000 + 5_000_000 / (1 + (rv / 0.5 - 1)), 0);
    // step 70: -5% is far beyond 4x: no quotes for returnAfter = 10 steps, then back
    for (let t = 70; t < 80; t++) expect(rows[t].depth).toBe(10_000_000);
    expect(rows[85].depth).toBe(15_000_000);
  });
});

describe('oracle fills (venue.fillPrice: oracle)', () => {
  it('opens fill at index (1 + spread), closes at index (1 - spread), without slippage or impact on the mark', () => {
    const s = base([{ kind: 'noise-traders', name: 'noise', perStep: 1, collateral: 1000, leverage: 5, holdSteps: 3 }], {});
    s.venue.fillPrice = 'oracle';
    s.venue.fillSpread = 0.002;
    const r = go(s, 'none', (w) => expect(w.venue.mark).toBe(1000));
    expect(r.summary.opens).toBeGreaterThan(50);
    expect(r.summary.trading_fees).toBeGreaterThan(0);
    // every position's entry is exactly the oracle (1000) times 1.002 for a long, 0.998 for a short
    let w: World | undefined;
    go(s, 'none', (x) => (w = x));
    const a = w!.accounts;
    for (let i = 50; i < a.count; i++) expect(a.entry[i]).toBeCloseTo(a.size[i] > 0 ? 1002 : 998, 9);
    // a round trip at a constant price costs 2 x spread + fees: the counterparty (LPs) earns the spread
    expect(r.summary.counterparty_pnl).toBeGreaterThan(0);
  });
});

describe('open-then-close and withdraw within one turn (account -1)', () => {
  it('WITHDRAW -1 and CLOSE -1 act on the position the same agent opened earlier in the step, atomically', () => {
    const s = base([{ kind: 'noise-traders', name: 'scripted', perStep: 0 }]);
    s.steps = 3;
    const w = createWorld(s, { policy: 'none', seed: 1, baseDir: '.' });
    const seen: number[] = [];
    (w.agents as Agent[])[1] = {
      name: 'scripted',
      decide(view, _rng, out) {
        if (view.step !== 1) return;
        out.open(1, 1, 10_000, 2);
        out.withdraw(1, -1, Infinity);
        out.close(1, -1);
        out.close(1, -1); // already closed: nothing
        seen.push(view.accounts.count);
      },
    };
    expect(runWorld(w).error).toBeUndefined();
    const l = w.venue.ledger;
    expect(l.opens).toBe(1);
    expect(l.closes).toBe(1);
    const id = seen[0];
    expect(w.accounts.owner[id]).toBe(1);
    expect(w.accounts.open[id]).toBe(0);
    // withdrawn down to the initial requirement at the mark, then the rest paid out on close: all of it came back less
    // the fees and the round trip's slippage
    expect(l.paidTo[3]).toBeGreaterThan(10_000 * 0.9);
    expect(l.paidTo[3]).toBeLessThan(10_000);
    expect(l.depositedBy[3]).toBe(10_000);
  });
});

describe('arbitrageurs (SWAP)', () => {
  const pool = { amm: { reserveBase: 1000, reserveQuote: 2_000_000, fee: 0.003, arbitrage: 0 } };

  it('pull the pool to the edge of the no-arbitrage band, exactly as the built-in arbitrage does', () => {
    // the reference falls 2% at step 0: the pool (2,000) is above S / (1 - f); the arbitrageur sells base to that edge
    const market = { initialPrice: 2000, process: { kind: 'constant' }, shocks: [{ kind: 'ramp', at: 0, steps: 1, factor: 0.98 }] };
    let agentPool = NaN;
    go(base([{ kind: 'arbitrageurs', name: 'arb' }], { ...pool, market }), 'none', (w) => {
      if (w.step === 0) agentPool = w.pool!.spot();
    });
    expect(agentPool).toBeCloseTo(1960 / 0.997, 6);
    let builtIn = NaN;
    go(base([], { amm: { ...pool.amm, arbitrage: 1 }, market }), 'none', (w) => {
      if (w.step === 0) builtIn = w.pool!.spot();
    });
    expect(agentPool).toBeCloseTo(builtIn, 9);
  });

  it('trade only when the profit at the reference spot beats gas and minProfit; capped by maxTrade; profit >= 0', () => {
    const market = { initialPrice: 2000, process: { kind: 'constant' }, shocks: [{ kind: 'ramp', at: 0, steps: 1, factor: 1.02 }] };
    const r = go(base([{ kind: 'arbitrageurs', name: 'arb', maxTrade: 5000 }], { ...pool, market }));
    // pool below the band: buys base, at most $5,000 a step, until the pool is at S (1 - f)
    let w: World | undefined;
    go(base([{ kind: 'arbitrageurs', name: 'arb', maxTrade: 5000 }], { ...pool, market }), 'none', (x) => (w = x));
    expect(w!.pool!.spot()).toBeCloseTo(2040 * 0.997, 6);
    expect(-w!.wallets.swapUsd[1]).toBeGreaterThan(5000); // several steps of $5,000
    const S = 2040;
    expect(w!.wallets.usd[1] - 1_000_000 + w!.wallets.base[1] * S).toBeGreaterThan(0);
    expect(r.summary.attacker_pnl).toBe(0); // not an adversary
    // gas above the gain: nothing
    let idle: World | undefined;
    go(base([{ kind: 'arbitrageurs', name: 'arb' }], { ...pool, market, network: { gasPrice: 1e9 } }), 'none', (x) => (idle = x));
    expect(idle!.wallets.swapUsd[1]).toBe(0);
    expect(idle!.pool!.spot()).toBe(2000);
  });

  it('the scenario must switch the built-in arbitrage off, and have a pool', () => {
    expect(() => base([{ kind: 'arbitrageurs' }], { amm: { reserveBase: 1000 } })).toThrow(InputError);
    expect(() => base([{ kind: 'arbitrageurs' }])).toThrow(/amm/);
    const s = () => base([], { venue: { marginPrice: 'pool' } });
    expect(s).toThrow(/pool/);
  });
});

describe('liquidator bots', () => {
  /** 50 longs at 8x, the price falls 10% at step 10: all liquidatable at once, none under water. */
  function crash(bots: Record<string, unknown>[], over: Record<string, unknown> = {}): Scenario {
    return scenario({
      seed: 1,
      steps: 40,
      market: { initialPrice: 1000, process: { kind: 'constant' }, shocks: [{ kind: 'ramp', at: 10, steps: 1, factor: 0.9 }] },
      venue: { initialMargin: 0.1, maintenanceMargin: 0.05, liquidity: { depth: 100_000_000, slippage: 0.01, impact: 0, reversion: 0 }, funding: null, liquidationFee: 0.01 },
      agents: [{ kind: 'leveraged-traders', name: 'book', count: 50, collateral: 1000, leverage: 8, side: 'long' }, ...bots],
      ...over,
    });
  }

  it('latency: the first liquidation lands latencySteps after the accounts became liquidatable', () => {
    for (const latency of [0, 1, 3]) {
      const r = go(crash([{ kind: 'liquidator-bots', name: 'bot', latencySteps: latency }]));
      const first = r.series.liquidations.findIndex((n) => n > 0);
      expect(first).toBe(10 + latency);
      expect(r.summary.liquidations).toBe(50);
    }
  });

  it('the network inclusion delay adds to the latency', () => {
    const r = go(crash([{ kind: 'liquidator-bots', name: 'bot', latencySteps: 1 }], { network: { gasPrice: 0, congestion: [{ from: 5, to: 30, inclusionDelaySteps: 2 }] } }));
    expect(r.series.liquidations.findIndex((n) => n > 0)).toBe(13);
  });

  it('minimum profit: rewards below gas + minProfit are left pending', () => {
    // 8x on $1,000: notional $7,200 at the mark; bounty 0.5% = $36
    const r = go(crash([{ kind: 'liquidator-bots', name: 'bot', bounty: 0.005, minProfit: 100 }]));
    expect(r.summary.liquidations).toBe(0);
    expect(r.series.pendingLiquidations[20]).toBe(50);
    const paid = go(crash([{ kind: 'liquidator-bots', name: 'bot', bounty: 0.005, minProfit: 10 }], { network: { gasPrice: 40 } }));
    expect(paid.summary.liquidations).toBe(0); // $40 gas + $10 > the reward
  });

  it('gas budget: it stops once the gas it paid would exceed the budget; gas is charged per liquidation', () => {
    let w: World | undefined;
    const r = go(crash([{ kind: 'liquidator-bots', name: 'bot', gasBudget: 55 }], { network: { gasPrice: 5 } }), 'none', (x) => (w = x));
    expect(r.summary.liquidations).toBe(11);
    expect(w!.wallets.gas[1]).toBe(55);
  });

  it('capital: the notional it can close a step', () => {
    const r = go(crash([{ kind: 'liquidator-bots', name: 'bot', capital: 20_000 }]));
    // each position $7,200 at the mark: two fit in $20,000
    expect(r.series.liquidations[10]).toBe(2);
    expect(r.summary.liquidations).toBe(50);
  });

  it('competition: first come in the step\'s agent order; a faster bot takes what a slower one cannot yet', () => {
    let order: number[] = [];
    const r = go(crash([{ kind: 'liquidator-bots', name: 'a', maxPerStep: 30 }, { kind: 'liquidator-bots', name: 'b', maxPerStep: 30 }]), 'none', (w) => {
      if (w.step === 10) order = Array.from(w.order);
    });
    const by = (k: number) => {
      let n = 0;
      for (let j = 0; j < r.events.liqCount; j++) if (r.events.step[j] === 10 && r.events.liquidator[j] === k) n++;
      return n;
    };
    const first = order.find((i) => i > 0)!;
    const second = first === 1 ? 2 : 1;
    expect(by(first)).toBe(30); // the first bot to act this step fills its capacity, in account order
    expect(by(second)).toBe(20); // the next one takes the rest
    // a faster bot takes everything while it has capacity; the slow one (latency 2) never gets a turn
    const race = go(crash([{ kind: 'liquidator-bots', name: 'slow', latencySteps: 2 }, { kind: 'liquidator-bots', name: 'fast', maxPerStep: 30 }]));
    for (let j = 0; j < race.events.liqCount; j++) expect(race.events.liquidator[j]).toBe(2);
    expect(race.series.liquidations[10]).toBe(30);
    expect(race.series.liquidations[11]).toBe(20);
  });
});

describe('noise, momentum, whales', () => {
  it('noise traders: Poisson(perStep) opens a step on average; positions closed after their holding time', () => {
    const s = base([{ kind: 'noise-traders', name: 'noise', perStep: 0.5, holdSteps: 5, collateral: 1000, leverage: 2 }]);
    s.steps = 400;
    let w: World | undefined;
    const r = go(s, 'none', (x) => (w = x));
    // 400 x 0.5 = 200, sd ~14
    expect(r.summary.opens).toBeGreaterThan(150);
    expect(r.summary.opens).toBeLessThan(250);
    const a = w!.accounts;
    let open = 0;
    for (let i = 50; i < a.count; i++) if (a.open[i] === 1) open++, expect(399 - a.openedStep[i]).toBeLessThanOrEqual(6);
    expect(w!.venue.ledger.closes).toBe(r.summary.opens - open);
  });

  it('momentum traders: nothing on a flat market; all short in a steady fall', () => {
    const flat = go(base([{ kind: 'momentum-traders', name: 'trend', lookback: 5, threshold: 0.01 }]));
    expect(flat.summary.opens).toBe(0);
    let w: World | undefined;
    const fall = base([{ kind: 'momentum-traders', name: 'trend', lookback: 5, threshold: 0.01, perStep: 2 }], {
      market: { initialPrice: 1000, process: { kind: 'constant' }, shocks: [{ kind: 'ramp', at: 20, steps: 60, factor: 0.5 }] },
    });
    fall.venue.liquidity.reversion = 1; // the mark is the spot: no self-made trend from their own impact
    const r = go(fall, 'none', (x) => (w = x));
    expect(r.summary.opens).toBeGreaterThan(50);
    const a = w!.accounts;
    for (let i = 0; i < a.count; i++) if (a.owner[i] === 1) expect(a.size[i]).toBeLessThan(0);
    // the rate grows with |s| / threshold: a 1.1% fall a step is |s| ~ 5.7% over 5 steps
    expect(r.summary.opens / 60).toBeGreaterThan(5);
  });

  it('leveraged whales: seeded at q = side c L / P0; or opened through the venue at openAt', () => {
    let w: World | undefined;
    go(base([{ kind: 'leveraged-whales', name: 'whale', count: 2, collateral: 1_000_000, leverage: 20, side: 'alternate' }]), 'none', (x) => (w = x));
    expect(w!.accounts.size[50]).toBe((1 * 1_000_000 * 20) / 1000);
    expect(w!.accounts.size[51]).toBe((-1 * 1_000_000 * 20) / 1000);
    let v: World | undefined;
    const r = go(base([{ kind: 'leveraged-whales', name: 'whale', collateral: 100_000, leverage: 5, openAt: 7 }]), 'none', (x) => (v = x));
    expect(r.summary.opens).toBe(1);
    expect(v!.accounts.openedStep[50]).toBe(7);
  });
});

describe('toxic traders against a stale oracle', () => {
  function toxic(latency: number, fill: 'book' | 'oracle'): RunResult {
    const s = base([{ kind: 'toxic-traders', name: 'toxic', minEdge: 0.003, leverage: 5 }], {
      market: { initialPrice: 1000, process: { kind: 'gbm', sigma: 1.5 } },
      oracle: { kind: 'spot', latencySteps: latency },
    });
    s.steps = 600;
    s.venue.fillPrice = fill;
    s.venue.fillSpread = 0.0005;
    s.venue.tradingFee = 0.0005;
    s.venue.liquidity.reversion = 0.5;
    return go(s);
  }

  it('profit from oracle fills at a lagging price; the counterparty (LPs) pays', () => {
    const r = toxic(3, 'oracle');
    expect(r.summary.opens).toBeGreaterThan(10);
    expect(r.summary.attacker_pnl).toBeGreaterThan(0);
    expect(r.summary.attacker_extracted).toBe(r.summary.attacker_pnl); // no swaps, no gas
    expect(r.events.actions.some((a) => a.action === 'close')).toBe(true);
  });

  it('nothing to trade on with a fresh oracle; a loss through the book at the same lag', () => {
    const fresh = toxic(0, 'oracle');
    expect(fresh.summary.opens).toBe(0);
    const book = toxic(3, 'book');
    expect(book.summary.opens).toBeGreaterThan(10);
    expect(book.summary.attacker_pnl).toBeLessThan(toxic(3, 'oracle').summary.attacker_pnl);
  });
});

describe('wallets and P&L', () => {
  it('pnl = (usd - usd0) + base S - base0 S0 + paidTo - depositedBy + positive open equity; cost and extraction', () => {
    const w = new Wallets(1);
    w.fund(0, 1000, 2);
    w.usd[0] = 1500; // sold 1 unit for 600, paid 100 gas
    w.base[0] = 1;
    w.swapUsd[0] = 600;
    w.gas[0] = 100;
    const host = {
      wallets: w,
      venue: {
        ledger: { depositedBy: Float64Array.of(0, 0, 300), paidTo: Float64Array.of(0, 0, 50) },
        accounts: { count: 2, open: Uint8Array.of(1, 1), owner: Int32Array.of(0, 0) },
        mark: 1,
        equity: (i: number) => (i === 0 ? 400 : -1000),
      },
    };
    const [p] = agentPnls(host, 1, 500, 450);
    // usd +500, base 1 x 500 - 2 x 450 = -400, venue 50 - 300 + 400 (the under-water account counts 0)
    expect(p.pnl).toBeCloseTo(500 - 400 + 150, 9);
    expect(p.extracted).toBeCloseTo(150, 9);
    // swap loss -(600 + (1 - 2) 500) = -100 (a gain: no cost), gas 100
    expect(p.cost).toBeCloseTo(100, 9);
  });

  it('the flash-loan attacker simulates its profit on the pool quotes (bZx #2 shape)', () => {
    const pool = { reserveBase: 580_000, reserveQuote: 580_000, fee: 0.003, quoteQuoteIn: (dy: number) => (580_000 * 0.997 * dy) / (580_000 + 0.997 * dy) };
    const p = simulatedProfit(pool, 1, 0.05, 0, { pumpUsd: 240_000, collateral: 940_000, leverage: 1, flashFee: 0 });
    // pumped price (y + dy) / (x - out) ~ 2; W = c + q (P1 - 1) - imf q P1; sold back ~ pumpUsd - 2 fees
    expect(p).toBeGreaterThan(800_000);
    expect(p).toBeLessThan(900_000);
    expect(simulatedProfit(pool, 1, 0.05, 0, { pumpUsd: 1, collateral: 940_000, leverage: 1, flashFee: 0 })).toBeLessThan(0);
  });
});

describe('determinism: adding an agent leaves the market path and other agents draws unchanged', () => {
  it('noise traders, market makers and arbitrageurs added to a scenario', () => {
    const mk = (extra: Record<string, unknown>[]) =>
      scenario({
        seed: 9,
        steps: 200,
        market: { initialPrice: 1000, process: { kind: 'gbm', sigma: 1 } },
        amm: { reserveBase: 1000, fromPrice: true, arbitrage: 0 },
        agents: [{ kind: 'leveraged-traders', name: 'book', count: 100, arrivals: { perStep: 1 } }, ...extra],
      });
    let a: World | undefined;
    let b: World | undefined;
    const r1 = go(mk([]), 'none', (w) => (a = w));
    const r2 = go(mk([{ kind: 'noise-traders', name: 'noise' }, { kind: 'market-makers', name: 'mm' }, { kind: 'arbitrageurs', name: 'arb' }]), 'none', (w) => (b = w));
    expect(Array.from(r2.series.spot)).toEqual(Array.from(r1.series.spot));
    // the book's starting positions are the same, and it drew exactly as many numbers from its own stream (its
    // arrivals are the same draws; which of them the venue accepts depends on the depth the market makers add)
    for (let i = 0; i < 100; i++) {
      expect(b!.accounts.collateral[i]).toBe(a!.accounts.collateral[i]);
      expect(b!.accounts.size[i]).toBe(a!.accounts.size[i]);
    }
    expect(b!.agentStreams[0].uniform()).toBe(a!.agentStreams[0].uniform());
  });
});

describe('events table: the adversaries\' actions', () => {
  it('agent rows (type agent, source agent:<i>) with size, prices, notional, fee and value; other tables unchanged', () => {
    const s = base([{ kind: 'flash-loan-attacker', name: 'x', at: [5], pumpUsd: 100_000, collateral: 100_000, leverage: 1 }], {
      amm: { reserveBase: 300, fromPrice: true, arbitrage: 1 },
      venue: { initialMargin: 0.1, maintenanceMargin: 0.05, marginPrice: 'pool', liquidity: { depth: 10_000_000 }, funding: null },
    });
    const r = go(s);
    const t = eventsTable([r], { scenario: 'test', scenarioHash: '', seed: 1 });
    const types = Array.from(t.getChild('type')!.toArray() as ArrayLike<string>);
    const agentRows = types.map((x, i) => (x === 'agent' ? i : -1)).filter((i) => i >= 0);
    expect(agentRows.length).toBe(6);
    const action = t.getChild('action')!;
    expect(agentRows.map((i) => action.get(i))).toEqual(['flash-borrow', 'swap-buy', 'open', 'withdraw', 'swap-sell', 'flash-repay']);
    expect(t.getChild('source')!.get(agentRows[0])).toBe('agent:1');
    expect(t.getChild('notional')!.get(agentRows[1])).toBe(100_000);
    expect(t.getChild('value')!.get(agentRows[1])).toBeLessThan(-100_000 + 1e-9);
    expect(t.getChild('bounty')!.get(agentRows[1])).toBeNull();
    expect(t.getChild('threshold')!.get(agentRows[1])).toBeNull();
    // agent rows come first within their step (the agents phase precedes the margin pass)
    const steps = Array.from(t.getChild('step')!.toArray() as Int32Array);
    for (let i = 1; i < steps.length; i++) expect(steps[i]).toBeGreaterThanOrEqual(steps[i - 1]);
    // without adversaries the type dictionary is the one it always was
    const plain = eventsTable([go(base([]))], { scenario: 'test', scenarioHash: '', seed: 1 });
    expect(plain.schema.fields.find((f) => f.name === 'type')!.type.dictionary.toString()).toBe('Utf8');
  });
});
