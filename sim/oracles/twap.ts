// TWAP oracle: the AMM pool's time-weighted average price over a window of steps (arithmetic or geometric).
import { z } from 'zod';
import type { AmmPool } from '../amm.js';
import { resolveRanges } from '../steps.js';
import { OracleSource, sourceFields, type OracleEnv } from './source.js';

export const TwapOracleSchema = z
  .object({
    kind: z.literal('twap'),
    ...sourceFields,
    /** Steps averaged (30 one-minute steps = Uniswap's common 30-minute window, mechanics.md 4.3). */
    window: z.number().int().min(1).default(30),
    /** `geometric` (Uniswap v3: 1.0001^mean tick) or `arithmetic` (Uniswap v2: mean of price accumulators). */
    mean: z.enum(['geometric', 'arithmetic']).default('geometric'),
  })
  .strict();
export type TwapOracleConfig = z.infer<typeof TwapOracleSchema>;

/** Reads pool.twap(window, mean) over the observations ending `latencySteps` ago (the scenario must declare `amm`). */
export class TwapOracle extends OracleSource {
  private readonly pool: AmmPool;
  constructor(
    private readonly cfg: TwapOracleConfig,
    name: string,
    env: OracleEnv,
  ) {
    if (env.pool === null) throw new Error(`oracle source '${name}' (twap) needs an AMM pool: declare 'amm' in the scenario`);
    super(name, 'twap', resolveRanges(cfg.outages, env.steps), env.pool.spot());
    this.pool = env.pool;
  }

  protected update(t: number): void {
    const p = this.pool.twap(this.cfg.window, this.cfg.mean, this.cfg.latencySteps);
    if (Number.isFinite(p) && p > 0) {
      this.price = p;
      this.updatedStep = t;
    }
  }
}
