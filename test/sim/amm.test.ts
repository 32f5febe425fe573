// Constant-product AMM: Uniswap v2's swap formula on mechanics.md 7.4's vector, TWAPs, built-in arbitrage, scenarios.
import { describe, expect, it } from 'vitest';
import { AmmPool, AmmSchema, createPool } from '../../sim/amm.js';
import { runScenario } from '../../sim/run.js';
import { scenario } from './helpers.js';

const cents = (x: number) => Math.round(x * 100) / 100;

describe('amm pool', () => {
  it('reproduces mechanics.md 7.4: x = 1000 ETH, y = 2,000,000 USDC, f = 0.3%', () => {
    const pool = new AmmPool(1000, 2_000_000, 0.003);
    expect(cents(pool.quoteBaseIn(10))).toBe(19743.16);
    expect(cents(pool.quoteBaseIn(100))).toBe(181322.18);
    expect(pool.reserveBase).toBe(1000); // quoting changes nothing
    const out = pool.swapBaseIn(10);
    expect(cents(out)).toBe(19743.16);
    expect(cents(out / 10)).toBe(1974.32);
    expect(cents(pool.spot())).toBe(1960.65);
    expect(pool.reserveBase).toBe(1010);
    const big = new AmmPool(1000, 2_000_000, 0.003);
    big.swapBaseIn(100);
    expect(big.spot() / 2000 - 1).toBeCloseTo(-0.1733, 4);
  });

  it('amountOut = y (1 - f) dx / (x + (1 - f) dx) both ways; k never falls; the fee stays in the pool', () => {
    const pool = new AmmPool(500, 1_000_000, 0.005);
    const k0 = pool.reserveBase * pool.reserveQuote;
    const dy = 12_345;
    const want = (500 * 0.995 * dy) / (1_000_000 + 0.995 * dy);
    expect(pool.quoteQuoteIn(dy)).toBe(want);
    expect(pool.swapQuoteIn(dy)).toBe(want);
    expect(pool.reserveQuote).toBe(1_000_000 + dy);
    expect(pool.reserveBase * pool.reserveQuote).toBeGreaterThan(k0);
    const free = new AmmPool(500, 1_000_000, 0);
    free.swapBaseIn(50);
    expect(free.reserveBase * free.reserveQuote).toBeCloseTo(5e8, 4);
    expect(() => pool.swapBaseIn(-1)).toThrow();
  });

  it('quoteInFor / baseInFor land exactly on the target price, fee included', () => {
    for (const f of [0, 0.003, 0.01]) {
      const up = new AmmPool(1000, 2_000_000, f);
      up.swapQuoteIn(up.quoteInFor(2100));
      expect(up.spot()).toBeCloseTo(2100, 8);
      const down = new AmmPool(1000, 2_000_000, f);
      down.swapBaseIn(down.baseInFor(1800));
      expect(down.spot()).toBeCloseTo(1800, 8);
    }
  });

  it('TWAP: arithmetic vs geometric on a known path', () => {
    const pool = new AmmPool(1, 1, 0);
    expect(pool.twap(5)).toBeNaN();
    // observed prices 1, 4, 16 (the pool is set by swaps between observations)
    pool.observe();
    pool.swapQuoteIn(pool.quoteInFor(4));
    pool.observe();
    pool.swapQuoteIn(pool.quoteInFor(16));
    pool.observe();
    expect(pool.count).toBe(3);
    expect(pool.twap(3, 'arithmetic')).toBeCloseTo(7, 9);
    expect(pool.twap(3, 'geometric')).toBeCloseTo(4, 9);
    expect(pool.twap(2, 'arithmetic')).toBeCloseTo(10, 9);
    expect(pool.twap(2, 'geometric')).toBeCloseTo(8, 9);
    // a window longer than the history uses what exists; lag skips the newest observations
    expect(pool.twap(100, 'geometric')).toBeCloseTo(4, 9);
    expect(pool.twap(1, 'arithmetic', 1)).toBeCloseTo(4, 9);
    // more observations than reserved: the accumulators grow
    const long = new AmmPool(10, 20, 0, 2);
    for (let i = 0; i < 10; i++) long.observe();
    expect(long.twap(10, 'arithmetic')).toBeCloseTo(2, 12);
  });

  it('built-in arbitrage closes the share of the gap to the edge of the fee band', () => {
    const f = 0.003;
    const cheap = new AmmPool(1000, 1_900_000, f);
    cheap.arbitrage(2000, 1);
    expect(cheap.spot()).toBeCloseTo(2000 * (1 - f), 8);
    const rich = new AmmPool(1000, 2_200_000, f);
    rich.arbitrage(2000, 0.5);
    const edge = 2000 / (1 - f);
    expect(Math.log(rich.spot() / 2200)).toBeCloseTo(0.5 * Math.log(edge / 2200), 10);
    const inside = new AmmPool(1000, 2_002_000, f);
    expect(inside.arbitrage(2000, 1)).toBe(0);
    expect(inside.spot()).toBe(2002);
  });

  it('scenario key: reserveQuote or fromPrice (default: the asset initial price)', () => {
    expect(createPool(AmmSchema.parse({ reserveBase: 100 }), 3000, 10).spot()).toBe(3000);
    expect(createPool(AmmSchema.parse({ reserveBase: 100, fromPrice: true }), 3000, 10).spot()).toBe(3000);
    expect(createPool(AmmSchema.parse({ reserveBase: 100, fromPrice: 2500 }), 3000, 10).reserveQuote).toBe(250_000);
    expect(createPool(AmmSchema.parse({ reserveBase: 100, reserveQuote: 1000 }), 3000, 10).spot()).toBe(10);
    expect(AmmSchema.safeParse({ reserveBase: 1, reserveQuote: 1, fromPrice: 1 }).success).toBe(false);
  });

  it('in a run the pool follows the market through arbitrage and RunView exposes twap and the pool', () => {
    const s = scenario({
      steps: 300,
      market: { initialPrice: 2000, process: { kind: 'gbm', sigma: 1.11 }, shocks: [{ kind: 'crash', at: 100, drop: 0.3, steps: 5 }] },
      amm: { reserveBase: 5000, fee: 0.003, arbitrage: 1 },
      agents: [{ kind: 'leveraged-traders', count: 20 }],
    });
    let checked = 0;
    const r = runScenario(s, {
      policy: 'none',
      seed: 4,
      baseDir: '.',
      onStep: (w) => {
        const p = w.pool!;
        expect(p.spot() / w.spot).toBeGreaterThan(1 - 0.003 - 1e-9);
        expect(p.spot() / w.spot).toBeLessThan(1 / (1 - 0.003) + 1e-9);
        expect(w.twap(1, 'arithmetic')).toBeGreaterThan(0);
        if (w.step === 110) {
          expect(w.twap(10, 'geometric')).toBeLessThan(w.twap(10, 'arithmetic'));
          checked++;
        }
      },
    });
    expect(r.error).toBeUndefined();
    expect(checked).toBe(1);
  });
});
