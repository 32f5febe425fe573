// Push oracle (Chainlink-like): a round on deviation or heartbeat, landing after the network's inclusion delay, clamped.
import { z } from 'zod';
import type { Network } from '../network.js';
import { resolveRanges } from '../steps.js';
import { assetField, lagged, OracleSource, sourceFields, type OracleEnv } from './source.js';

/** Defaults: Chainlink ETH/USD on Ethereum, 0.5% deviation and a 3600 s heartbeat (mechanics.md 4.1), at 60 s steps. */
export const PushOracleSchema = z
  .object({
    kind: z.literal('push'),
    ...sourceFields,
    ...assetField,
    /** A round starts when the observed price moves more than this fraction from the last submitted one. */
    deviation: z.number().min(0).default(0.005),
    /** ... or when this many steps have passed since the last submitted round. */
    heartbeatSteps: z.number().int().min(1).default(60),
    /** The aggregator's lower clamp (Chainlink minAnswer; LUNA/USD had $0.10). */
    minAnswer: z.number().min(0).optional(),
    /** The aggregator's upper clamp (maxAnswer). */
    maxAnswer: z.number().positive().optional(),
  })
  .strict()
  .refine((v) => v.minAnswer === undefined || v.maxAnswer === undefined || v.minAnswer < v.maxAnswer, { message: 'minAnswer must be below maxAnswer', path: ['minAnswer'] });
export type PushOracleConfig = z.infer<typeof PushOracleSchema>;

/**
 * Each step (outside outages) the nodes observe p = spot[t - latency]. A round is due when |p / last - 1| > deviation
 * or t - lastRound >= heartbeat (`last`: the price of the last submitted round). A due round carries
 * clamp(p, minAnswer, maxAnswer) and lands `inclusionDelay` steps later (0 without a network: this step); with the
 * network's dropProbability it is dropped and the nodes retry at the next step. When several rounds land, the
 * latest submitted wins.
 */
export class PushOracle extends OracleSource {
  private readonly path: Float64Array;
  private readonly lo: number;
  private readonly hi: number;
  private lastSent: number;
  private lastSentStep = 0;
  private answerSent = -1;
  private readonly network: Network | null;
  /** In-flight rounds: landing step, answer, submission step. */
  private readonly land: number[] = [];
  private readonly answer: number[] = [];
  private readonly sent: number[] = [];
  private readonly bound: boolean[] = [];
  /** Rounds submitted, landed and dropped (for inspection). */
  submitted = 0;
  landed = 0;
  dropped = 0;

  constructor(
    private readonly cfg: PushOracleConfig,
    name: string,
    env: OracleEnv,
  ) {
    const a = env.assetIndex(cfg.asset);
    const p0 = env.initialPrice(a);
    super(name, 'push', resolveRanges(cfg.outages, env.steps), p0);
    this.lo = cfg.minAnswer ?? 0;
    this.hi = cfg.maxAnswer ?? Infinity;
    this.price = this.clamp(p0);
    this.atBound = p0 < this.lo || p0 > this.hi;
    this.lastSent = p0;
    this.path = env.pathOf(a);
    this.network = env.network;
  }

  private clamp(p: number): number {
    return p < this.lo ? this.lo : p > this.hi ? this.hi : p;
  }

  protected update(t: number): void {
    const p = lagged(this.path, t, this.cfg.latencySteps);
    if (Math.abs(p / this.lastSent - 1) > this.cfg.deviation || t - this.lastSentStep >= this.cfg.heartbeatSteps) {
      const net = this.network;
      if (net !== null && net.drop()) this.dropped++;
      else {
        this.lastSent = p;
        this.lastSentStep = t;
        this.land.push(t + (net !== null ? net.inclusionDelay : 0));
        this.answer.push(this.clamp(p));
        this.sent.push(t);
        this.bound.push(p < this.lo || p > this.hi);
        this.submitted++;
      }
    }
    for (let i = 0; i < this.land.length; ) {
      if (this.land[i] > t) {
        i++;
        continue;
      }
      if (this.sent[i] > this.answerSent) {
        this.answerSent = this.sent[i];
        this.price = this.answer[i];
        this.atBound = this.bound[i];
        this.updatedStep = t;
      }
      this.landed++;
      this.land.splice(i, 1);
      this.answer.splice(i, 1);
      this.sent.splice(i, 1);
      this.bound.splice(i, 1);
    }
  }
}
