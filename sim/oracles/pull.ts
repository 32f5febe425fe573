// Pull oracle (Pyth-like): price with a confidence interval that widens with recent volatility, and an EMA price.
import { z } from 'zod';
import type { Stream } from '../rng.js';
import { resolveRanges } from '../steps.js';
import { RollingVol } from '../rolling-vol.js';
import { assetField, lagged, OracleSource, sourceFields, type OracleEnv } from './source.js';

export const PullOracleSchema = z
  .object({
    kind: z.literal('pull'),
    ...sourceFields,
    ...assetField,
    /** conf = price (base + volMultiple * per-step realised vol over `window`) * lognormal noise (docs/models.md). */
    confidence: z
      .object({
        /** Floor of conf / price (5 bp). */
        base: z.number().min(0).default(0.0005),
        /** Multiple of the per-step realised volatility added to conf / price. */
        volMultiple: z.number().min(0).default(1),
        /** Steps of returns in the realised volatility. */
        window: z.number().int().min(1).default(30),
        /** Standard deviation of the lognormal noise on conf (from the source's own stream; 0 = none). */
        noise: z.number().min(0).default(0.25),
      })
      .strict()
      .default({ base: 0.0005, volMultiple: 1, window: 30, noise: 0.25 }),
    /** Half-life of the EMA price in steps (Pyth: about one hour, mechanics.md 4.2). */
    emaHalfLifeSteps: z.number().positive().default(60),
    /** Which price the source answers with: the latest aggregate, or the EMA. */
    use: z.enum(['price', 'ema']).default('price'),
  })
  .strict();
export type PullOracleConfig = z.infer<typeof PullOracleSchema>;

/**
 * Each step: p = spot[t - latency]; conf = p (base + volMultiple sigma_step) exp(noise Z - noise^2 / 2), Z from
 * `oracle:<name>`; EMA with decay lambda = 2^(-1/halfLife), weighted by 1/conf like Pyth's:
 * ema = sum lambda^k p_k / c_k / sum lambda^k / c_k, emaConf = sum lambda^k / sum lambda^k / c_k.
 */
export class PullOracle extends OracleSource {
  /** Latest aggregate price and confidence (the answer is one of these or the EMA pair). */
  aggregate: number;
  aggregateConf = 0;
  ema: number;
  emaConf = 0;
  private readonly path: Float64Array;
  private readonly vol: RollingVol;
  private readonly rng: Stream | null;
  private readonly lambda: number;
  private prev: number;
  private num = 0;
  private den = 0;
  private cnum = 0;

  constructor(
    private readonly cfg: PullOracleConfig,
    name: string,
    env: OracleEnv,
  ) {
    const a = env.assetIndex(cfg.asset);
    const p0 = env.initialPrice(a);
    super(name, 'pull', resolveRanges(cfg.outages, env.steps), p0);
    this.aggregate = p0;
    this.ema = p0;
    this.prev = p0;
    this.path = env.pathOf(a);
    this.vol = new RollingVol(cfg.confidence.window);
    this.rng = cfg.confidence.noise > 0 ? env.stream(`oracle:${name}`) : null;
    this.lambda = Math.pow(2, -1 / cfg.emaHalfLifeSteps);
  }

  protected update(t: number): void {
    const c = this.cfg.confidence;
    const p = lagged(this.path, t, this.cfg.latencySteps);
    this.vol.push(Math.log(p / this.prev));
    this.prev = p;
    let conf = p * (c.base + c.volMultiple * this.vol.perStep());
    if (this.rng !== null) conf *= Math.exp(c.noise * this.rng.normal() - 0.5 * c.noise * c.noise);
    const w = 1 / Math.max(conf, p * 1e-12);
    const l = this.lambda;
    this.num = l * this.num + p * w;
    this.den = l * this.den + w;
    this.cnum = l * this.cnum + 1;
    this.aggregate = p;
    this.aggregateConf = conf;
    this.ema = this.num / this.den;
    this.emaConf = this.cnum / this.den;
    const useEma = this.cfg.use === 'ema';
    this.price = useEma ? this.ema : p;
    this.confidence = useEma ? this.emaConf : conf;
    this.updatedStep = t;
  }
}
