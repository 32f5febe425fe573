// Open-interest-based initial margin (dYdX v4): the initial margin fraction grows linearly from the lower to the upper OI cap.
import { z } from 'zod';
import type { PolicyKind } from '../types.js';
import { LevelLog, pct, num } from './common.js';

export const OiImfParams = z
  .object({
    kind: z.literal('oi-imf'),
    name: z.string().min(1).optional(),
    /** Open interest (USD at the mark) where the growth starts. dYdX Mid-Cap: 40M (mechanics.md 1.2). */
    lowerCap: z.number().min(0).default(40_000_000),
    /** Open interest where the initial margin fraction reaches 100%. dYdX Mid-Cap: 100M. */
    upperCap: z.number().positive().default(100_000_000),
  })
  .strict()
  .refine((p) => p.upperCap > p.lowerCap, { message: 'upperCap must be greater than lowerCap', path: ['upperCap'] });
export type OiImfParams = z.infer<typeof OiImfParams>;

/**
 * dYdX v4 (v4-documentation margin.mdx, ../shared mechanics.md 1.2):
 * scaling = (OI - lower) / (upper - lower); IMF = min(base + max(scaling (1 - base), 0), 100%).
 */
export function oiImf(base: number, openInterest: number, lowerCap: number, upperCap: number): number {
  const scaling = (openInterest - lowerCap) / (upperCap - lowerCap);
  const grow = scaling * (1 - base);
  const imf = base + (grow > 0 ? grow : 0);
  return imf < 1 ? imf : 1;
}

/**
 * dYdX's open-interest-based IMF: as open interest approaches the market's upper cap, new positions need more
 * initial margin (up to 100% at the cap), so open interest cannot outgrow the liquidity the caps were sized for.
 * The maintenance fraction is unchanged. Open interest is the venue's (all traders' |size| at the mark), read before
 * the step's trades.
 */
export const oiImfPolicy: PolicyKind<OiImfParams> = {
  kind: 'oi-imf',
  summary: 'Grow the initial margin fraction linearly with open interest from lowerCap to 100% at upperCap (dYdX v4).',
  params: OiImfParams,
  create(p, env) {
    let log: LevelLog | null = null;
    return {
      name: env.name,
      margin(view, m) {
        const oi = view.openInterest;
        const imf = oiImf(m.initial, oi, p.lowerCap, p.upperCap);
        log ??= new LevelLog(env, 'initial-margin', m.initial);
        log.update(imf, () => `open interest ${num(oi)} USD between the caps ${num(p.lowerCap)} .. ${num(p.upperCap)}: initial margin ${pct(imf)} (base ${pct(m.initial)})`, oi, p.lowerCap);
        m.initial = imf;
      },
    };
  },
};
