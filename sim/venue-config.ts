// Scenario schema of the perpetuals venue: margin, liquidity, fees, insurance fund, funding and bad-debt handling.
import { z } from 'zod';
import { ThinningSchema } from './liquidity.js';

/** An amount in USD, or a share of the starting book's open interest (at entry prices). */
export const UsdOrShare = z.union([z.number().min(0), z.object({ openInterest: z.number().min(0) }).strict()]);
export type UsdOrShare = z.infer<typeof UsdOrShare>;

export const VenueSchema = z
  .object({
    kind: z.literal('perp').default('perp'),
    /** Initial margin fraction: opening needs equity >= initialMargin * notional (10% = 10x max leverage). */
    initialMargin: z.number().gt(0).max(1).default(0.05),
    /** Maintenance margin fraction: an account is liquidatable when equity < maintenanceMargin * notional. */
    maintenanceMargin: z.number().gt(0).max(1).default(0.03),
    /**
     * Price the margin check uses: the venue's mark (Hyperliquid), the oracle index (dYdX), or `pool`: the AMM pool's
     * spot read at the moment of each check (a single-DEX spot price read inside the transaction, bZx Feb 2020,
     * mechanics.md section 6; needs `amm`). Withdrawals are checked at it too.
     */
    marginPrice: z.enum(['mark', 'oracle', 'pool']).default('mark'),
    /**
     * `book` (default): opens and closes fill through the venue's liquidity at the mark (slippage and impact).
     * `oracle`: GMX-style fills at the oracle price plus or minus `fillSpread`, no slippage, no impact on the mark
     * (mechanics.md 1.3; what toxic flow against a stale oracle exploits). Liquidations always go through the book.
     */
    fillPrice: z.enum(['book', 'oracle']).optional(),
    /** Half-spread of oracle fills, a fraction of the oracle price (default 0.001). */
    fillSpread: z.number().min(0).max(0.1).optional(),
    liquidity: z
      .object({
        /** Depth D in USD (or share of starting open interest) in the square-root slippage and impact laws. */
        depth: UsdOrShare.default({ openInterest: 0.5 }),
        /** Slippage: execution price P * (1 -/+ slippage * sqrt(notional / D)). */
        slippage: z.number().min(0).default(0.1),
        /** Permanent impact: the mark moves by P * impact * notional / D against the trade. */
        impact: z.number().min(0).default(0.2),
        /** Share of the gap between mark and spot closed by arbitrage each step (0 = impact is permanent). */
        reversion: z.number().min(0).max(1).default(0),
        /** Depth thins with the venue asset's realised volatility (docs/models.md); off unless given. */
        thinning: ThinningSchema.optional(),
      })
      .strict()
      .default({ depth: { openInterest: 0.5 }, slippage: 0.1, impact: 0.2, reversion: 0 }),
    /** Liquidation fee (penalty) to the insurance fund, fraction of the liquidated notional. */
    liquidationFee: z.number().min(0).max(0.5).default(0.01),
    /** Trading fee on opens and voluntary closes, fraction of notional, to the venue. */
    tradingFee: z.number().min(0).max(0.1).default(0.0005),
    /** Starting insurance fund, USD or share of starting open interest. */
    insuranceFund: UsdOrShare.default({ openInterest: 0.01 }),
    /** Premium-based funding (mechanics.md 1.2, dYdX: rate = premium / 8 + interest per interval, clamped). */
    funding: z
      .object({
        /** Steps between funding payments (60 one-minute steps = hourly). */
        intervalSteps: z.number().int().min(1).default(60),
        /** Divisor of the average premium (8 for an 8h premium paid hourly). */
        premiumDivisor: z.number().positive().default(8),
        /** Interest component per interval. */
        interest: z.number().default(0),
        /** Largest |rate| per interval. */
        cap: z.number().positive().default(0.04),
      })
      .strict()
      .nullable()
      .default({ intervalSteps: 60, premiumDivisor: 8, interest: 0, cap: 0.04 }),
    /** Charge uncovered bad debt to open positions pro rata to size (socialized loss) instead of only recording it. */
    socializeLosses: z.boolean().default(false),
    /** Order of the liquidation pass within a step. `account`: ascending account id (see docs/architecture.md). */
    liquidationOrder: z.literal('account').default('account'),
  })
  .strict()
  .refine((v) => v.maintenanceMargin <= v.initialMargin, {
    message: 'maintenanceMargin must not exceed initialMargin',
    path: ['maintenanceMargin'],
  });
export type VenueConfig = z.infer<typeof VenueSchema>;
