// The chain the venue settles on: block time and capacity, gas, inclusion delay, dropped transactions, congestion.
import { z } from 'zod';
import type { Stream } from './rng.js';
import { resolveStep, StepRef } from './steps.js';

export const CongestionSchema = z
  .object({
    /** First step of the episode. */
    from: StepRef,
    /** First step after it ([from, to)). */
    to: StepRef,
    /** Gas price multiple (Black Thursday ~6x, 5 Aug 2024 ~140x, mechanics.md 6). */
    gasMultiplier: z.number().positive().default(1),
    /** Steps a transaction waits before it is included (oracle rounds land this much later). */
    inclusionDelaySteps: z.number().int().min(0).default(0),
    /** Probability that a transaction (an oracle round) is dropped. */
    dropProbability: z.number().min(0).max(1).default(0),
    /** Share of the block capacity left for liquidations. */
    capacityMultiplier: z.number().min(0).max(1).default(1),
  })
  .strict();
export type CongestionConfig = z.infer<typeof CongestionSchema>;

/** Defaults: Ethereum PoS (12 s slots); 60 liquidations a block (~30M gas / ~500k gas each, own estimate); $5 a liquidation. */
export const NetworkSchema = z
  .object({
    /** Seconds per block. */
    blockSeconds: z.number().positive().default(12),
    /** Liquidation transactions that fit in one block. */
    blockCapacity: z.number().min(0).default(60),
    /** Gas cost of one liquidation transaction in USD, outside congestion. */
    gasPrice: z.number().min(0).default(5),
    /** Inclusion delay outside congestion, in steps. */
    inclusionDelaySteps: z.number().int().min(0).default(0),
    /** Drop probability outside congestion. */
    dropProbability: z.number().min(0).max(1).default(0),
    /** Congestion episodes; where they overlap the worst value of each field applies. */
    congestion: z.array(CongestionSchema).default([]),
  })
  .strict()
  .superRefine((v, ctx) => {
    v.congestion.forEach((c, i) => {
      if (typeof c.from === 'number' && typeof c.to === 'number' && c.to < c.from) ctx.addIssue({ code: 'custom', path: ['congestion', i, 'to'], message: `'to' (${c.to}) is before 'from' (${c.from})` });
    });
  });
export type NetworkConfig = z.infer<typeof NetworkSchema>;

/** The network's state for the current step (set by the `network` phase). */
export class Network {
  gasPrice: number;
  inclusionDelay: number;
  dropProbability: number;
  /** Liquidation transactions that fit in this step: blocks ending in the step x blockCapacity x capacityMultiplier, floored. */
  blockCapacity = 0;
  private readonly from: Int32Array;
  private readonly to: Int32Array;

  constructor(
    readonly cfg: NetworkConfig,
    steps: number,
    readonly stepSeconds: number,
    private readonly rng: Stream,
  ) {
    this.from = Int32Array.from(cfg.congestion, (c) => resolveStep(c.from, steps));
    this.to = Int32Array.from(cfg.congestion, (c) => resolveStep(c.to, steps));
    this.gasPrice = cfg.gasPrice;
    this.inclusionDelay = cfg.inclusionDelaySteps;
    this.dropProbability = cfg.dropProbability;
  }

  /** Blocks whose end falls in step t: floor((t + 1) S / B) - floor(t S / B). */
  blocksIn(t: number): number {
    const S = this.stepSeconds;
    const B = this.cfg.blockSeconds;
    return Math.floor(((t + 1) * S) / B) - Math.floor((t * S) / B);
  }

  /** Sets this step's gas price, delay, drop probability and capacity from the base values and active episodes. */
  update(t: number): void {
    const c = this.cfg;
    let gas = 1;
    let delay = c.inclusionDelaySteps;
    let drop = c.dropProbability;
    let cap = 1;
    for (let i = 0; i < this.from.length; i++) {
      if (t < this.from[i] || t >= this.to[i]) continue;
      const e = c.congestion[i];
      if (e.gasMultiplier > gas) gas = e.gasMultiplier;
      if (e.inclusionDelaySteps > delay) delay = e.inclusionDelaySteps;
      if (e.dropProbability > drop) drop = e.dropProbability;
      if (e.capacityMultiplier < cap) cap = e.capacityMultiplier;
    }
    this.gasPrice = c.gasPrice * gas;
    this.inclusionDelay = delay;
    this.dropProbability = drop;
    this.blockCapacity = Math.floor(this.blocksIn(t) * c.blockCapacity * cap);
  }

  /** True if a transaction sent now is dropped (one draw from the `network` stream, only when the probability is > 0). */
  drop(): boolean {
    return this.dropProbability > 0 && this.rng.uniform() < this.dropProbability;
  }
}
