// The options venue's columns of the `runs` table (zeros in runs without `options:`).
import type { OptionsVenue } from './venue.js';

export interface OptionsSummary {
  /** Trades accepted, and those blocked by a trading halt (vol-breaker & co. apply to options too). */
  options_trades: number;
  options_blocked_trades: number;
  /** Accounts liquidated by the options margin pass. */
  options_liquidations: number;
  /** Partial closes and forced spot hedges ordered by policies (greeks-limits). */
  options_reductions: number;
  options_forced_hedges: number;
  /** Bad debt of options accounts (liquidations and expiry shortfalls), and the part the options fund could not pay. */
  options_bad_debt: number;
  options_uncovered_bad_debt: number;
  /** The options insurance fund at the start (`options.insuranceFund`) and at the end. */
  options_insurance_fund_initial: number;
  options_insurance_fund_final: number;
  /** Largest |net delta| (USD per 100% move) and |net gamma| (USD of delta per 1% move) of the writers after a step. */
  options_peak_writer_delta: number;
  options_peak_writer_gamma: number;
  /** P&L of the protocol's spot hedge of the writers' delta (writer-delta-hedge), at the final index. */
  options_hedge_pnl: number;
}

export function optionsSummary(o: OptionsVenue | undefined): OptionsSummary {
  const l = o?.ledger;
  return {
    options_trades: l?.trades ?? 0,
    options_blocked_trades: l?.blockedTrades ?? 0,
    options_liquidations: l?.liquidations ?? 0,
    options_reductions: l?.reductions ?? 0,
    options_forced_hedges: l?.forcedHedges ?? 0,
    options_bad_debt: l?.badDebt ?? 0,
    options_uncovered_bad_debt: l?.uncoveredBadDebt ?? 0,
    options_insurance_fund_initial: l?.insuranceFundInitial ?? 0,
    options_insurance_fund_final: l?.insuranceFund ?? 0,
    options_peak_writer_delta: l?.peakWriterDelta ?? 0,
    options_peak_writer_gamma: l?.peakWriterGamma ?? 0,
    options_hedge_pnl: o?.hedgePnl ?? 0,
  };
}
