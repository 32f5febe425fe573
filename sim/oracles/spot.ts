// Spot oracle: the market's price `latencySteps` ago, updated every step.
import { z } from 'zod';
import { resolveRanges } from '../steps.js';
import { assetField, lagged, OracleSource, sourceFields, type OracleEnv } from './source.js';

export const SpotOracleSchema = z.object({ kind: z.literal('spot'), ...sourceFields, ...assetField }).strict();
export type SpotOracleConfig = z.infer<typeof SpotOracleSchema>;

export class SpotOracle extends OracleSource {
  private readonly path: Float64Array;
  constructor(
    private readonly cfg: SpotOracleConfig,
    name: string,
    env: OracleEnv,
  ) {
    const a = env.assetIndex(cfg.asset);
    super(name, 'spot', resolveRanges(cfg.outages, env.steps), env.initialPrice(a));
    this.path = env.pathOf(a);
  }

  protected update(t: number): void {
    this.price = lagged(this.path, t, this.cfg.latencySteps);
    this.updatedStep = t;
  }
}
