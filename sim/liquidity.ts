// Venue liquidity that thins with volatility: depth = base depth * max(floor, 1 / (1 + k (rv / ref - 1)+)).
import { z } from 'zod';
import { RollingVol } from './rolling-vol.js';

/** Off unless given. Defaults: an hour of one-minute returns; depth halves at twice the reference vol; floor 2% (10 Oct 2025: order-book depth -98%, mechanics.md 6). */
export const ThinningSchema = z
  .object({
    /** Steps of venue-asset returns in the realised volatility. */
    window: z.number().int().min(1).default(60),
    /** k: how fast depth falls once realised vol exceeds the reference. */
    sensitivity: z.number().min(0).default(1),
    /** Smallest depth multiplier. */
    floor: z.number().gt(0).max(1).default(0.02),
    /** Reference annualised volatility (default: the venue asset's process's calibrated volatility). */
    referenceVol: z.number().positive().optional(),
  })
  .strict();
export type ThinningConfig = z.infer<typeof ThinningSchema>;

/** multiplier = max(floor, 1 / (1 + sensitivity * max(0, rv / ref - 1))), rv annualised over the last `window` returns. */
export function depthMultiplier(rv: number, ref: number, sensitivity: number, floor: number): number {
  const excess = rv / ref - 1;
  const m = 1 / (1 + sensitivity * (excess > 0 ? excess : 0));
  return m > floor ? m : floor;
}

/** Tracks the venue asset's returns and the depth they leave. */
export class Thinning {
  private readonly vol: RollingVol;
  multiplier = 1;

  constructor(
    private readonly cfg: ThinningConfig,
    readonly baseDepth: number,
    readonly referenceVol: number,
    private readonly dt: number,
  ) {
    this.vol = new RollingVol(cfg.window);
  }

  /** Adds this step's log return; returns the depth for the step. */
  depthAfter(logReturn: number): number {
    this.vol.push(logReturn);
    this.multiplier = depthMultiplier(this.vol.annual(this.dt), this.referenceVol, this.cfg.sensitivity, this.cfg.floor);
    return this.baseDepth * this.multiplier;
  }

  /** Annualised realised volatility over the window. */
  get realisedVol(): number {
    return this.vol.annual(this.dt);
  }
}
