// Solvency of one run over every venue: bad debt, uncovered bad debt and protocol loss, per venue and in total.
//
// A venue with an insurance fund (perpetuals, options, cross-margin) loses
//   uncovered bad debt + max(0, fund initial - fund final):
// what its traders' counterparties were left short, plus the net fall of the fund over the run (fees earned during
// the run offset the bad debt the fund paid; a fund that grew counts as 0, not as a gain).
// The lending pool's buffer is its reserves, which absorb bad debt and may go below zero (a deficit: the pool owes its
// lenders more than it holds, so lenders bear it). Its uncovered bad debt is that deficit, max(0, -reserves final), and
// it loses max(0, reserves initial - reserves final): the fall of the reserves above zero (the fund's drawdown) plus
// the deficit, the same formula as the funds' with the reserves as the fund.
// Totals add the venues in the order perpetuals, options, lending, cross, so a perp-only run (other venues 0) gives the
// perp figures exactly. A field left out counts as 0 (result files written before the venue or the column existed).

export interface ProtocolLossInput {
  uncovered_bad_debt: number;
  insurance_fund_initial: number;
  insurance_fund_final: number;
  options_uncovered_bad_debt?: number;
  options_insurance_fund_initial?: number;
  options_insurance_fund_final?: number;
  lending_reserves_initial?: number;
  lending_reserves?: number;
  cross_uncovered_bad_debt?: number;
  cross_insurance_fund_initial?: number;
  cross_insurance_fund_final?: number;
}

export interface BadDebtInput {
  bad_debt: number;
  options_bad_debt?: number;
  lending_bad_debt?: number;
  cross_bad_debt?: number;
}

/** The venues, in the order their figures are added. */
export const VENUES = ['perp', 'options', 'lending', 'cross'] as const;
export type Venue = (typeof VENUES)[number];

const z = (v: number | undefined): number => v ?? 0;

/** A venue with an insurance fund: uncovered bad debt plus the fund's net fall. */
export function fundLoss(uncovered: number, fundInitial: number, fundFinal: number): number {
  return uncovered + Math.max(0, fundInitial - fundFinal);
}

/** The lending pool's deficit: reserves below zero at the end, the part of its bad debt its lenders bear. */
export function lendingUncovered(reservesFinal: number): number {
  return Math.max(0, -reservesFinal);
}

/** The lending pool's loss: the reserves' net fall, max(0, initial - final) = drawdown above zero + deficit. */
export function lendingLoss(reservesInitial: number, reservesFinal: number): number {
  return Math.max(0, reservesInitial - reservesFinal);
}

/** Protocol loss of each venue. */
export function venueLosses(r: ProtocolLossInput): Record<Venue, number> {
  return {
    perp: fundLoss(r.uncovered_bad_debt, r.insurance_fund_initial, r.insurance_fund_final),
    options: fundLoss(z(r.options_uncovered_bad_debt), z(r.options_insurance_fund_initial), z(r.options_insurance_fund_final)),
    lending: lendingLoss(z(r.lending_reserves_initial), z(r.lending_reserves)),
    cross: fundLoss(z(r.cross_uncovered_bad_debt), z(r.cross_insurance_fund_initial), z(r.cross_insurance_fund_final)),
  };
}

/** The sum of per-venue figures, added in VENUES order. */
export function sumVenues(l: Record<Venue, number>): number {
  return l.perp + l.options + l.lending + l.cross;
}

/** Protocol loss of a run: the sum over venues of uncovered bad debt and the net fall of the venue's fund. */
export function protocolLoss(r: ProtocolLossInput): number {
  return sumVenues(venueLosses(r));
}

/** Uncovered bad debt over every venue: the funds' shortfalls plus the lending pool's deficit. */
export function totalUncoveredBadDebt(r: ProtocolLossInput): number {
  return r.uncovered_bad_debt + z(r.options_uncovered_bad_debt) + lendingUncovered(z(r.lending_reserves)) + z(r.cross_uncovered_bad_debt);
}

/** Bad debt over every venue. */
export function totalBadDebt(r: BadDebtInput): number {
  return r.bad_debt + z(r.options_bad_debt) + z(r.lending_bad_debt) + z(r.cross_bad_debt);
}
