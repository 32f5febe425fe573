// Dutch-auction liquidation (Maker LIQ-2.0): a liquidatable position is sold once a decaying auction price reaches what a keeper gets on the book.
import { z } from 'zod';
import type { PolicyKind } from '../types.js';
import { usd0 } from './stats.js';

export const DutchAuctionParams = z
  .object({
    kind: z.literal('dutch-auction'),
    name: z.string().min(1).optional(),
    /** Starting price as a multiple of the oracle price at the kick (Maker ETH-B: 1.20; mechanics.md 3.3). */
    buf: z.number().min(1).default(1.2),
    /** Price curve (Maker abaci.sol): `stairstep` top * cut^floor(dur / step), `exponential` top * cut^(dur / step), `linear` top * (tau - dur) / tau. */
    curve: z.enum(['stairstep', 'exponential', 'linear']).default('stairstep'),
    /** Multiplicative decrease per `step` seconds (ETH-B: 0.99). */
    cut: z.number().gt(0).lt(1).default(0.99),
    /** Seconds between price cuts (Maker's `step`; ETH-B: 60). */
    step: z.number().positive().default(60),
    /** Seconds for the linear curve to reach zero (Maker LinearDecrease `tau`). */
    tau: z.number().positive().default(5400),
    /** Reset when price / top falls below this (ETH-B: 0.40). */
    cusp: z.number().gt(0).lt(1).default(0.4),
    /** Reset when the auction is older than this many seconds (ETH-B: 90 min). */
    tail: z.number().positive().default(5400),
    /** Flat keeper incentive in USD, paid by the protocol (Maker `tip`, ETH-B: 300 DAI). */
    tip: z.number().min(0).default(300),
    /** Keeper incentive as a fraction of the liquidated notional (Maker `chip`, ETH-B: 0.1%). */
    chip: z.number().min(0).max(0.5).default(0.001),
  })
  .strict();
export type DutchAuctionParams = z.infer<typeof DutchAuctionParams>;

export type AuctionCurve = Pick<DutchAuctionParams, 'curve' | 'cut' | 'step' | 'tau'>;

/** Auction price `dur` seconds after the kick at starting price `top` (makerdao/dss src/abaci.sol). */
export function auctionPrice(c: AuctionCurve, top: number, dur: number): number {
  if (c.curve === 'stairstep') return top * Math.pow(c.cut, Math.floor(dur / c.step));
  if (c.curve === 'exponential') return top * Math.pow(c.cut, dur / c.step);
  return dur >= c.tau ? 0 : (top * (c.tau - dur)) / c.tau;
}

/**
 * Seconds after the kick until price / top first reaches `ratio` (< 1), on the continuous curve (stairstep and
 * exponential share it; the stairstep gets there at the next whole step). ETH-B: ratio 1/1.2 (the oracle price) after
 * ln(1/1.2) / ln(0.99) * 60 s = 18.1 min; ratio 0.4 (cusp) after 91.2 min (mechanics.md 7.1 vector 11).
 */
export function secondsToRatio(c: AuctionCurve, ratio: number): number {
  if (c.curve === 'linear') return c.tau * (1 - ratio);
  return (Math.log(ratio) / Math.log(c.cut)) * c.step;
}

/** Needs redo (Clipper.redo condition): older than tail, or price / top below cusp. */
export function needsRedo(p: DutchAuctionParams, top: number, dur: number): boolean {
  return dur > p.tail || auctionPrice(p, top, dur) / top < p.cusp;
}

interface Auction {
  /** First step of the account's liquidatable stretch the auction belongs to. */
  since: number;
  kick: number;
  top: number;
  /** The price has reached the book: the position is for sale to any keeper whose reward covers its costs. */
  reached: boolean;
}

/**
 * Maker's LIQ-2.0 Clipper (mechanics.md 3.3) on a perpetuals venue that has no auction of its own. When an account
 * becomes liquidatable its position is "kicked": an auction starts at top = buf * oracle price and decays on Maker's
 * curve. Keepers compete, so the position is taken at the first step the auction price is at or below what a keeper
 * gets on the book for it (for a long: the fill price of selling the whole position through the venue's liquidity;
 * a short is the mirror image in log price: it starts at oracle / buf, rises by 1 / cut per step and is taken when it
 * reaches the fill price of buying the position back). Until then the account stays open and pending (plan.ready).
 * The auction resets (redo) at a fresh top when older than `tail` or below `cusp` of its top. The keeper is paid
 * tip + chip * notional (plan.bountyFlat, plan.bountyRate), from the account's remaining equity first and the rest
 * by the insurance fund (plan.bountyFromFund; in Maker the vow pays all of it).
 *
 * Simplifications: the sale executes at the book fill price, not at the auction price (keepers take as soon as the
 * auction is within one price cut of the book, so the gap is at most 1 - cut); one auction per account (no partial
 * `take` of a lot; Dog's `hole`/`dirt` limits on auctions in flight are not modelled, combine with liquidation-cap);
 * the keeper incentive is paid at the take, not at the kick; the venue's liquidation fee plays Maker's penalty `chop`.
 * Logs each kick, redo, and the step the price reaches the book (`take`: from then on any keeper whose reward covers
 * its costs takes it; the sale itself is in the events table).
 */
export const dutchAuction: PolicyKind<DutchAuctionParams> = {
  kind: 'dutch-auction',
  summary: 'Maker LIQ-2.0: liquidate only once a decaying auction price (buf, cut, step, cusp, tail) reaches the book; keeper paid tip + chip.',
  params: DutchAuctionParams,
  create(p, env) {
    const auctions = new Map<number, Auction>();
    return {
      name: env.name,
      liquidation(view, plan) {
        const t = view.step;
        plan.bountyRate = p.chip;
        plan.bountyFlat = p.tip;
        plan.bountyFromFund = true;
        plan.ready = (i, since, fill) => {
          let a = auctions.get(i);
          if (a !== undefined && a.since === since && a.reached) return true; // still for sale: no keeper took it yet
          if (a === undefined || a.since !== since) {
            a = { since, kick: since, top: p.buf * view.oracleAt(since), reached: false };
            auctions.set(i, a);
            env.log('kick', `account ${i} liquidatable since step ${since}: auction starts at ${p.buf} x oracle ${view.oracleAt(since).toFixed(2)}`, a.top, view.oracleAt(since));
          }
          let dur = (t - a.kick) * env.stepSeconds;
          if (needsRedo(p, a.top, dur)) {
            const top = p.buf * view.oracle;
            env.log('redo', `account ${i}: auction of step ${a.kick} reset after ${(dur / 60).toFixed(1)} min at ${(auctionPrice(p, a.top, dur) / a.top).toFixed(3)} of its top; new top ${top.toFixed(2)}`, dur, p.tail);
            a.kick = t;
            a.top = top;
            dur = 0;
          }
          const long = view.accounts.size[i] > 0;
          // a long's price falls from buf x oracle; a short's rises from oracle / buf by the same factors
          const decay = auctionPrice(p, 1, dur);
          const oracle0 = a.top / p.buf;
          const price = long ? a.top * decay : oracle0 / p.buf / decay;
          const take = long ? price <= fill : price >= fill;
          if (take) {
            a.reached = true;
            const n = Math.abs(view.accounts.size[i]) * view.mark;
            env.log(
              'take',
              `account ${i}: after ${(((t - a.kick) * env.stepSeconds) / 60).toFixed(0)} min the auction price ${price.toFixed(2)} ${long ? '<=' : '>='} book ${fill.toFixed(2)}; for sale to keepers at ${usd0(p.tip)} + ${(100 * p.chip).toFixed(2)}% of ${usd0(n)}`,
              price,
              fill,
            );
          }
          return take;
        };
      },
      afterStep(view) {
        // forget the auctions of accounts that were sold or are no longer liquidatable (not left pending this step)
        if (auctions.size === 0) return;
        for (const i of auctions.keys()) if (view.accounts.open[i] !== 1 || view.accounts.pendingStep[i] !== view.step) auctions.delete(i);
      },
    };
  },
};
