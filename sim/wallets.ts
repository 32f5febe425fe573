// Agents' wallets outside the venue (USD and units of the pool's asset) and each agent's P&L; the adversaries' totals.
//
// The venue's own flows per owner are in the ledger (depositedBy / paidTo, index owner + 2); a wallet holds what moves
// outside it: swaps on the AMM pool, flash loans and their fees, gas. An agent's P&L at the end of a run is
//   (usd - usd0) + base * S - base0 * S0 + paidTo - depositedBy + sum over its open accounts of max(0, equity at the mark)
// (S: the pool asset's spot, the reference market; S0 its initial price). Open accounts count only when their equity
// is positive: an owner walks away from an account under water (limited liability; the venue keeps the bad debt).

/** What agents may read of the wallets (RunView.wallets), indexed by agent. */
export interface WalletsView {
  /** USD held outside the venue (starts at the agent's capital; may go negative: borrowed, e.g. a failed flash-loan repay). */
  readonly usd: Float64Array;
  /** Units of the pool's asset held (negative: short on the reference market). */
  readonly base: Float64Array;
  /** Gas paid so far (USD): swaps, flash-loan sequences, liquidations. */
  readonly gas: Float64Array;
  /** Flash-loan fees paid so far (USD). */
  readonly flashFees: Float64Array;
  /** Flash loan outstanding (USD; 0 between turns when every loan was repaid). */
  readonly loan: Float64Array;
  /** Net USD received from swaps (sold minus bought). */
  readonly swapUsd: Float64Array;
}

export class Wallets implements WalletsView {
  readonly usd: Float64Array;
  readonly base: Float64Array;
  readonly gas: Float64Array;
  readonly flashFees: Float64Array;
  readonly loan: Float64Array;
  readonly swapUsd: Float64Array;
  readonly usd0: Float64Array;
  readonly base0: Float64Array;

  constructor(n: number) {
    this.usd = new Float64Array(n);
    this.base = new Float64Array(n);
    this.gas = new Float64Array(n);
    this.flashFees = new Float64Array(n);
    this.loan = new Float64Array(n);
    this.swapUsd = new Float64Array(n);
    this.usd0 = new Float64Array(n);
    this.base0 = new Float64Array(n);
  }

  /** Sets agent i's starting capital. */
  fund(i: number, usd: number, base: number): void {
    this.usd[i] = this.usd0[i] = usd;
    this.base[i] = this.base0[i] = base;
  }
}

/** What a P&L needs from the run (the world satisfies it). */
export interface PnlHost {
  readonly wallets: Wallets;
  readonly venue: {
    readonly ledger: { readonly depositedBy: Float64Array; readonly paidTo: Float64Array };
    readonly accounts: { readonly count: number; readonly open: Uint8Array; readonly owner: Int32Array };
    readonly mark: number;
    equity(i: number, p: number): number;
  };
}

export interface AgentPnl {
  /** Total P&L (USD), as in the header of this file. */
  pnl: number;
  /** What the manipulation cost: the loss on swaps (USD out minus USD in, holdings at spot), gas and flash-loan fees. */
  cost: number;
  /** What the agent took out of the venue: paid out minus deposited, plus the positive equity of its open accounts. */
  extracted: number;
}

/**
 * P&L of every agent, in one pass over the accounts. `S` is the reference price the wallets' base is valued at (the
 * pool asset's spot), `S0` its initial price.
 */
export function agentPnls(h: PnlHost, agents: number, S: number, S0: number): AgentPnl[] {
  const v = h.venue;
  const a = v.accounts;
  const openEquity = new Float64Array(agents);
  for (let i = 0; i < a.count; i++) {
    if (a.open[i] !== 1) continue;
    const o = a.owner[i];
    if (o < 0 || o >= agents) continue;
    const e = v.equity(i, v.mark);
    if (e > 0) openEquity[o] += e;
  }
  const w = h.wallets;
  const out: AgentPnl[] = [];
  for (let i = 0; i < agents; i++) {
    const extracted = v.ledger.paidTo[i + 2] - v.ledger.depositedBy[i + 2] + openEquity[i];
    const holdings = w.base[i] * S - w.base0[i] * S0;
    const pnl = w.usd[i] - w.usd0[i] + holdings + extracted;
    const swapLoss = -(w.swapUsd[i] + (w.base[i] - w.base0[i]) * S);
    const cost = (swapLoss > 0 ? swapLoss : 0) + w.gas[i] + w.flashFees[i];
    out.push({ pnl, cost, extracted });
  }
  return out;
}

/** The run's attacker columns: the adversaries' P&L, cost and what they extracted from the venue, summed. */
export interface AttackerSummary {
  attacker_pnl: number;
  attacker_cost: number;
  attacker_extracted: number;
}

/** What the attacker columns need from the world. */
export interface AttackerHost extends PnlHost {
  readonly adversaries: Uint8Array;
  /** Reference spot of the wallets' base (the pool asset's) now and at the start. */
  readonly baseSpot: number;
  readonly baseSpot0: number;
}

/** Sums the adversaries' P&L, cost and extraction (zeros without adversaries). */
export function attackerSummary(h: AttackerHost): AttackerSummary {
  const s: AttackerSummary = { attacker_pnl: 0, attacker_cost: 0, attacker_extracted: 0 };
  const n = h.adversaries.length;
  let any = false;
  for (let i = 0; i < n; i++) if (h.adversaries[i] === 1) any = true;
  if (!any) return s;
  const all = agentPnls(h, n, h.baseSpot, h.baseSpot0);
  for (let i = 0; i < n; i++) {
    if (h.adversaries[i] !== 1) continue;
    s.attacker_pnl += all[i].pnl;
    s.attacker_cost += all[i].cost;
    s.attacker_extracted += all[i].extracted;
  }
  return s;
}
