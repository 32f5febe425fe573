// The constant process: the price moves only by scripted shocks.
import { z } from 'zod';
import type { PriceProcess } from './types.js';

export const ConstantSchema = z.object({ kind: z.literal('constant') }).strict();

export class Constant implements PriceProcess {
  readonly usesNormal = false;
  readonly annualVol = 0;
  factor = 1;
  next(p: number): number {
    return p;
  }
}
