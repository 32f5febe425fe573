// Constant-product AMM pool (Uniswap v2: x y = k, fee kept in the pool), price accumulators for TWAPs, built-in arbitrage.
import { z } from 'zod';

export const AmmSchema = z
  .object({
    /** Asset the pool trades against USD (default: the venue asset). */
    asset: z.string().min(1).optional(),
    /** Base reserve x (units of the asset). */
    reserveBase: z.number().positive(),
    /** Quote reserve y (USD). Exclusive with `fromPrice`. */
    reserveQuote: z.number().positive().optional(),
    /** y = x * price: a price, or true for the asset's initial price (the default when neither key is given). */
    fromPrice: z.union([z.literal(true), z.number().positive()]).optional(),
    /** Swap fee f, kept in the pool (Uniswap v2: 0.3%). */
    fee: z.number().min(0).lt(1).default(0.003),
    /**
     * Built-in arbitrage: each step, after recording the price, close this share of the gap between the pool's price
     * and the edge of the no-arbitrage band around the reference spot, [spot (1 - f), spot / (1 - f)]. 0 = off.
     */
    arbitrage: z.number().min(0).max(1).default(1),
  })
  .strict()
  .refine((a) => a.reserveQuote === undefined || a.fromPrice === undefined, { message: "give 'reserveQuote' or 'fromPrice', not both", path: ['fromPrice'] });
export type AmmConfig = z.infer<typeof AmmSchema>;

/** What agents and policies may read of a pool (RunView.pool). */
export interface AmmView {
  readonly reserveBase: number;
  readonly reserveQuote: number;
  readonly fee: number;
  /** Marginal price y / x (USD per unit). */
  spot(): number;
  /** Output of selling dx base, without changing the pool. */
  quoteBaseIn(dx: number): number;
  /** Output of selling dy quote, without changing the pool. */
  quoteQuoteIn(dy: number): number;
  /** Time-weighted average price over the last `window` steps (fewer at the start of a run). */
  twap(window: number, mean?: 'arithmetic' | 'geometric'): number;
  /** Quote to sell so that the price after the swap is exactly `target` (> spot; 0 otherwise). */
  quoteInFor(target: number): number;
  /** Base to sell so that the price after the swap is exactly `target` (< spot; 0 otherwise). */
  baseInFor(target: number): number;
  /** Index of the market asset the pool trades (its reference spot: `view.spotOf(pool.referenceAsset)`). */
  readonly referenceAsset: number;
}

/**
 * amountOut = y (1 - f) dx / (x + (1 - f) dx) (Uniswap v2 getAmountOut, mechanics.md 7.4); the whole dx enters the
 * reserves, so k grows by the fee. Observations: one per step (`observe`), the price that prevailed during the previous
 * step (Uniswap's accumulator is written before a block's first trade, so a trade moves the TWAP from the next step).
 */
export class AmmPool implements AmmView {
  reserveBase: number;
  reserveQuote: number;
  readonly fee: number;
  /** Index of the market asset whose spot the built-in arbitrage follows. */
  referenceAsset = 0;
  /** Observations made so far. */
  count = 0;
  /** Cumulative sums of price and ln price over observations: cum[i] = sum of the first i. */
  private cumPrice: Float64Array;
  private cumLog: Float64Array;
  /** Base and quote bought by the built-in arbitrage (signed: > 0 into the pool), for inspection. */
  arbBase = 0;
  arbQuote = 0;

  constructor(reserveBase: number, reserveQuote: number, fee: number, observations = 1024) {
    this.reserveBase = reserveBase;
    this.reserveQuote = reserveQuote;
    this.fee = fee;
    this.cumPrice = new Float64Array(observations + 1);
    this.cumLog = new Float64Array(observations + 1);
  }

  spot(): number {
    return this.reserveQuote / this.reserveBase;
  }

  quoteBaseIn(dx: number): number {
    const g = 1 - this.fee;
    return (this.reserveQuote * g * dx) / (this.reserveBase + g * dx);
  }

  quoteQuoteIn(dy: number): number {
    const g = 1 - this.fee;
    return (this.reserveBase * g * dy) / (this.reserveQuote + g * dy);
  }

  /** Sells dx base into the pool; returns the quote paid out. */
  swapBaseIn(dx: number): number {
    if (!(dx >= 0)) throw new Error(`swap amount must be >= 0, got ${dx}`);
    const out = this.quoteBaseIn(dx);
    this.reserveBase += dx;
    this.reserveQuote -= out;
    return out;
  }

  /** Sells dy quote into the pool; returns the base paid out. */
  swapQuoteIn(dy: number): number {
    if (!(dy >= 0)) throw new Error(`swap amount must be >= 0, got ${dy}`);
    const out = this.quoteQuoteIn(dy);
    this.reserveQuote += dy;
    this.reserveBase -= out;
    return out;
  }

  /** Quote to sell so that the price after the swap (fee kept in the pool) is exactly `target` > spot. */
  quoteInFor(target: number): number {
    const x = this.reserveBase;
    const y = this.reserveQuote;
    const g = 1 - this.fee;
    // P' = (y + d)(y + g d) / (x y): g d^2 + (1 + g) y d - y (P' x - y) = 0, positive root in a cancellation-free form
    const c = y * (target * x - y);
    if (!(c > 0)) return 0;
    const b = (1 + g) * y;
    return (2 * c) / (b + Math.sqrt(b * b + 4 * g * c));
  }

  /** Base to sell so that the price after the swap is exactly `target` < spot. */
  baseInFor(target: number): number {
    const x = this.reserveBase;
    const y = this.reserveQuote;
    const g = 1 - this.fee;
    // P' = x y / ((x + d)(x + g d)): g d^2 + (1 + g) x d - x (y / P' - x) = 0
    const c = x * (y / target - x);
    if (!(c > 0)) return 0;
    const b = (1 + g) * x;
    return (2 * c) / (b + Math.sqrt(b * b + 4 * g * c));
  }

  /**
   * Closes `share` of the gap (in log price) between the pool's price and the nearest edge of the band
   * [ref (1 - f), ref / (1 - f)] inside which arbitrage does not pay the fee. Returns the signed base bought (> 0: the
   * arbitrageur bought base from the pool).
   */
  arbitrage(ref: number, share: number): number {
    if (!(share > 0 && ref > 0)) return 0;
    const p = this.spot();
    const lo = ref * (1 - this.fee);
    const hi = ref / (1 - this.fee);
    if (p < lo) {
      const target = p * Math.pow(lo / p, share);
      const dy = this.quoteInFor(target);
      const out = this.swapQuoteIn(dy);
      this.arbQuote += dy;
      this.arbBase -= out;
      return out;
    }
    if (p > hi) {
      const target = p * Math.pow(hi / p, share);
      const dx = this.baseInFor(target);
      const out = this.swapBaseIn(dx);
      this.arbBase += dx;
      this.arbQuote -= out;
      return -dx;
    }
    return 0;
  }

  /** Records the current price as the next observation (once per step). */
  observe(): void {
    if (this.count + 1 >= this.cumPrice.length) {
      const grow = (a: Float64Array) => {
        const b = new Float64Array(a.length * 2);
        b.set(a);
        return b;
      };
      this.cumPrice = grow(this.cumPrice);
      this.cumLog = grow(this.cumLog);
    }
    const p = this.spot();
    this.cumPrice[this.count + 1] = this.cumPrice[this.count] + p;
    this.cumLog[this.count + 1] = this.cumLog[this.count] + Math.log(p);
    this.count++;
  }

  /**
   * Mean of the last `window` observations ending `lag` observations ago: arithmetic (Uniswap v2) or geometric
   * (exp of the mean log price, Uniswap v3's tick TWAP). Uses what exists when fewer were made; NaN before any.
   */
  twap(window: number, mean: 'arithmetic' | 'geometric' = 'geometric', lag = 0): number {
    const end = Math.max(0, this.count - lag);
    const start = Math.max(0, end - Math.max(1, Math.floor(window)));
    const n = end - start;
    if (n === 0) return NaN;
    if (mean === 'arithmetic') return (this.cumPrice[end] - this.cumPrice[start]) / n;
    return Math.exp((this.cumLog[end] - this.cumLog[start]) / n);
  }
}

/** Builds the scenario's pool at the reference asset's initial price. */
export function createPool(cfg: AmmConfig, initialPrice: number, steps: number): AmmPool {
  const price = cfg.reserveQuote !== undefined ? cfg.reserveQuote / cfg.reserveBase : typeof cfg.fromPrice === 'number' ? cfg.fromPrice : initialPrice;
  const quote = cfg.reserveQuote ?? cfg.reserveBase * price;
  return new AmmPool(cfg.reserveBase, quote, cfg.fee, steps + 1);
}
