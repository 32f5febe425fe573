// Scenario schema of the lending pool (top-level `lending:`): an Aave v3-style pool (or Compound v3 `absorb`) lending
// USD against the venue asset as collateral. Defaults and their sources: ../shared/reference/mechanics.md section 3.
import { z } from 'zod';

/**
 * Kinked interest-rate curve (Aave v3 DefaultReserveInterestRateStrategy, mechanics.md 3.1):
 * U <= Uopt: r = base + slope1 * U / Uopt; U > Uopt: r = base + slope1 + slope2 * (U - Uopt) / (1 - Uopt).
 * Defaults: Gauntlet's Aave v3 Base recommendation for USDC (Uopt 90%, slope1 4%, slope2 60%; mechanics.md 3.1).
 */
export const RateModelSchema = z
  .object({
    base: z.number().min(0).default(0),
    slope1: z.number().min(0).default(0.04),
    slope2: z.number().min(0).default(0.6),
    optimalUtilization: z.number().gt(0).lt(1).default(0.9),
  })
  .strict();
export type RateModel = z.infer<typeof RateModelSchema>;

/**
 * Close factor (Aave v3.3+ LiquidationLogic, aave-dao/aave-v3-origin; mechanics.md 3.1): `partial` (50%) of the debt may
 * be repaid in one liquidation while HF > `fullBelowHealthFactor` (0.95) AND collateral and debt are both worth at
 * least `minBase` ($2,000); otherwise 100%. A partial liquidation must leave at least `minLeftover` ($1,000) of both
 * collateral and debt (else it reverts with MustNotLeaveDust). `minBase: 0, minLeftover: 0` is the v3.0-3.2 rule.
 */
export const CloseFactorSchema = z
  .object({
    partial: z.number().gt(0).max(1).default(0.5),
    fullBelowHealthFactor: z.number().min(0).default(0.95),
    minBase: z.number().min(0).default(2000),
    minLeftover: z.number().min(0).default(1000),
  })
  .strict();
export type CloseFactorRules = z.infer<typeof CloseFactorSchema>;

export const LendingSchema = z
  .object({
    /**
     * `aave`: fixed-spread liquidations (repay up to the close factor, seize debt * (1 + bonus) of collateral).
     * `absorb`: Compound v3 (Comet): the protocol seizes all collateral, credits collateral * liquidationFactor, the
     * deficit is absorbed by reserves; liquidators buy the collateral at the store-front discount (buyCollateral).
     */
    mode: z.enum(['aave', 'absorb']).default('aave'),
    /**
     * The collateral reserve (the venue asset). Defaults: Gauntlet's initial WETH parameters for Aave v3 Ethereum
     * (governance.aave.com/t/10238; mechanics.md 3.1): LTV 82.5%, LT 86%, LB 5.2%, LPF 10%, supply cap 600k.
     * In `absorb` mode `ltv` is Comet's borrowCollateralFactor and `liquidationThreshold` its
     * liquidateCollateralFactor (cUSDCv3 WETH: 0.825 / 0.895).
     */
    collateral: z
      .object({
        ltv: z.number().gt(0).max(1).default(0.825),
        liquidationThreshold: z.number().gt(0).max(1).default(0.86),
        /** Liquidation bonus: the liquidator seizes debt * (1 + bonus) of collateral (Aave LB 10520 = 5.2%). */
        liquidationBonus: z.number().min(0).max(1).default(0.052),
        /** Liquidation protocol fee: share of the bonus sent to the treasury (Aave LPF 10%). */
        protocolFee: z.number().min(0).max(1).default(0.1),
        /** Supply cap in units of the asset (Aave caps are whole tokens); omitted = no cap. */
        supplyCap: z.number().positive().optional(),
      })
      .strict()
      .default({ ltv: 0.825, liquidationThreshold: 0.86, liquidationBonus: 0.052, protocolFee: 0.1 }),
    /** The debt reserve (USD): lenders' liquidity, borrow cap, reserve factor, rate curve. */
    debt: z
      .object({
        /** USD supplied by lenders before step 0: what borrowers can borrow. */
        supply: z.number().min(0).default(100_000_000),
        /** Borrow cap in USD; omitted = no cap. */
        borrowCap: z.number().positive().optional(),
        /** Share of the interest kept by the protocol (reserves); lenders get the rest (USDC RF 10%, mechanics.md 3.1). */
        reserveFactor: z.number().min(0).max(1).default(0.1),
        rate: RateModelSchema.default({ base: 0, slope1: 0.04, slope2: 0.6, optimalUtilization: 0.9 }),
      })
      .strict()
      .default({ supply: 100_000_000, reserveFactor: 0.1, rate: { base: 0, slope1: 0.04, slope2: 0.6, optimalUtilization: 0.9 } }),
    closeFactor: CloseFactorSchema.default({ partial: 0.5, fullBelowHealthFactor: 0.95, minBase: 2000, minLeftover: 1000 }),
    /** Compound v3 absorb parameters (cUSDCv3 mainnet, mechanics.md 3.2). Used in `absorb` mode. */
    absorb: z
      .object({
        /** Share of the seized collateral's value credited to the account (WETH 0.95: a 5% penalty). */
        liquidationFactor: z.number().gt(0).max(1).default(0.95),
        /** buyCollateral discount = storeFrontPriceFactor * (1 - liquidationFactor) (0.5 * 5% = 2.5%). */
        storeFrontPriceFactor: z.number().min(0).max(1).default(0.5),
        /** Collateral is for sale only while reserves are below this (USD). */
        targetReserves: z.number().min(0).default(5_000_000),
      })
      .strict()
      .default({ liquidationFactor: 0.95, storeFrontPriceFactor: 0.5, targetReserves: 5_000_000 }),
    /**
     * Order in which liquidators take the liquidatable positions of a step: `account` ascending position id (as the
     * perp venue's pass); `largest` largest debt first, ties by id (a bot short of throughput takes the biggest
     * bonuses first). Each position is liquidated at most once per step.
     */
    liquidationOrder: z.enum(['account', 'largest']).default('account'),
    /** Protocol reserves (USD) before step 0; they absorb bad debt and can go negative. */
    reserves: z.number().min(0).default(0),
    /**
     * The spot market seized collateral is sold into, with the venue's laws (docs/lending.md): a sale of notional n at
     * spot S fills at S (1 - slippage * sqrt(n / depth)) and moves the spot to S (1 - impact * n / depth), which the
     * oracle then reports. `impact: 0` cuts the feedback.
     */
    liquidity: z
      .object({
        depth: z.number().positive().default(50_000_000),
        slippage: z.number().min(0).default(0.1),
        impact: z.number().min(0).default(0.2),
      })
      .strict()
      .default({ depth: 50_000_000, slippage: 0.1, impact: 0.2 }),
  })
  .strict()
  .refine((v) => v.collateral.ltv <= v.collateral.liquidationThreshold, {
    message: 'collateral.ltv must not exceed collateral.liquidationThreshold',
    path: ['collateral', 'ltv'],
  });
export type LendingConfig = z.infer<typeof LendingSchema>;

/** Agent kinds that act on the lending pool (a scenario with one of them needs a `lending:` section). */
export const LENDING_AGENT_KINDS: readonly string[] = ['borrowers', 'lending-liquidator'];
