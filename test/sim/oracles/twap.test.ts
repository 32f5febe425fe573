// TWAP oracle: reads the pool's accumulator (geometric or arithmetic) with its window and latency.
import { describe, expect, it } from 'vitest';
import { AmmPool } from '../../../sim/amm.js';
import { TwapOracle, TwapOracleSchema } from '../../../sim/oracles/twap.js';
import { oracleEnv } from './env.js';

describe('twap oracle', () => {
  it('answers the pool TWAP over its window, lagged by latencySteps', () => {
    const pool = new AmmPool(1, 1, 0);
    const env = oracleEnv([1, 1, 1, 1], 1, { pool });
    const g = new TwapOracle(TwapOracleSchema.parse({ kind: 'twap', window: 2 }), 'g', env);
    const a = new TwapOracle(TwapOracleSchema.parse({ kind: 'twap', window: 2, mean: 'arithmetic' }), 'a', env);
    const lag = new TwapOracle(TwapOracleSchema.parse({ kind: 'twap', window: 1, mean: 'arithmetic', latencySteps: 1 }), 'l', env);
    const prices = [1, 4, 16];
    for (let t = 0; t < 3; t++) {
      pool.swapQuoteIn(pool.quoteInFor(prices[t]));
      pool.observe();
      g.step(t);
      a.step(t);
      lag.step(t);
    }
    expect(g.price).toBeCloseTo(8, 9);
    expect(a.price).toBeCloseTo(10, 9);
    expect(lag.price).toBeCloseTo(4, 9);
  });

  it('needs a pool', () => {
    expect(() => new TwapOracle(TwapOracleSchema.parse({ kind: 'twap' }), 't', oracleEnv([1], 1))).toThrow(/needs an AMM pool/);
  });
});
