// Protocol loss of one run: uncovered bad debt plus the insurance fund's net drawdown, max(0, initial - final).
export interface ProtocolLossInput {
  uncovered_bad_debt: number;
  insurance_fund_initial: number;
  insurance_fund_final: number;
}

export function protocolLoss(r: ProtocolLossInput): number {
  return r.uncovered_bad_debt + Math.max(0, r.insurance_fund_initial - r.insurance_fund_final);
}
