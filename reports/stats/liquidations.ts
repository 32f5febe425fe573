// Liquidations of one run over the venues that record them, and whether the perpetuals venue was used at all.
//
// Liquidated amount (what LaR95 takes the 95th percentile of), USD:
//   perp `liquidated_notional` (|size| x mark of the positions liquidated)
//   + lending `lending_liquidated_debt` (debt repaid by liquidators, or absorbed: the size of a lending position
//     liquidated; the collateral taken is worth that plus the bonus)
//   + cross `cross_liquidated_notional` (|size| x price of the positions liquidations closed).
// The options venue records its liquidations as a count only (`options_liquidations`), with no notional in the runs
// table, so it adds nothing.
// Liquidation slippage, USD: perp `liquidation_slippage` + cross `cross_slippage` (the cross venue's fills against
// the price before each trade: liquidations' positions and collateral, and accounts' own reductions). The lending
// pool's collateral sales cost its liquidators (in `lending_liquidator_pnl`), not the pool, and are not recorded apart;
// the options venue records no slippage.
// Sums are added in the order perpetuals, options, lending, cross, so a perp-only run gives the perp figure exactly.

export interface LiquidationInput {
  liquidated_notional: number;
  liquidation_slippage: number;
  lending_liquidated_debt?: number;
  cross_liquidated_notional?: number;
  cross_slippage?: number;
}

export interface PerpActivityInput {
  initial_accounts: number;
  opens: number;
  max_open_interest: number;
  liquidations: number;
  bad_debt: number;
}

const z = (v: number | undefined): number => v ?? 0;

/** Liquidated amount over the venues, USD: perp notional + lending debt liquidated + cross notional. */
export function totalLiquidatedNotional(r: LiquidationInput): number {
  return r.liquidated_notional + z(r.lending_liquidated_debt) + z(r.cross_liquidated_notional);
}

/** Liquidation slippage over the venues that record it, USD: perp + cross. */
export function totalLiquidationSlippage(r: LiquidationInput): number {
  return r.liquidation_slippage + z(r.cross_slippage);
}

/**
 * Whether a run had anything on the perpetuals venue: accounts at the start, opens, open interest, liquidations or
 * bad debt. A scenario for another venue leaves it empty (`venue:` only sets its book), and its columns are all 0:
 * its open interest and leverage then describe nothing.
 */
export function perpUsed(s: PerpActivityInput): boolean {
  return s.initial_accounts > 0 || s.opens > 0 || s.max_open_interest > 0 || s.liquidations > 0 || s.bad_debt > 0;
}
