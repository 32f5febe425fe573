// The agents phase's handling of market-maker quotes, pool swaps, flash loans and adversaries' action log.
//
// Atomic sequences. Each agent's intents are contiguous in the step's buffer (agents decide one after another) and
// the venue applies them in order before the next agent's, so one agent's sequence of intents is atomic within the
// step: nothing else happens between them (no other agent, no price move, no oracle update). A flash-loan attacker
// borrows, swaps, opens, withdraws, sells back and repays in its one turn, as in one transaction (bZx, Feb 2020). An
// intent that names account -1 (CLOSE, WITHDRAW) means the position the same agent's latest OPEN of this step created.
import { INTENT_FLASH, INTENT_QUOTE, INTENT_SWAP, type Intents } from './intents.js';
import type { World } from './world.js';

/** Price the venue's margin checks use this step (venue.marginPrice): the mark, the oracle, or the pool's live spot. */
export function marginPriceOf(w: World): number {
  const mp = w.scenario.venue.marginPrice;
  if (mp === 'mark') return w.venue.mark;
  if (mp === 'pool' && w.pool !== null) return w.pool.spot();
  return w.oracle;
}

/**
 * Before the step's intents are applied: the venue's oracle price for oracle fills, and the market makers' quotes
 * summed into the venue's depth for this step (depth = the base depth, thinned by volatility where configured, plus
 * every QUOTE). Without market makers the depth is left exactly as it was.
 */
export function prepareIntents(w: World, out: Intents): void {
  const v = w.venue;
  v.index = w.oracle;
  w.lastOpenAgent = -1;
  w.lastOpenAccount = -1;
  if (!w.marketMakers) return;
  const base = w.thinning !== null ? v.depth : w.depthBase;
  let quoted = 0;
  for (let j = 0; j < out.n; j++) if (out.kind[j] === INTENT_QUOTE && out.amount[j] > 0) quoted += out.amount[j];
  v.depth = base + quoted;
  w.quotedDepth = quoted;
}

/** The account an intent names: its own, or (-1) the one this agent's latest OPEN of the step created. */
export function accountOf(w: World, out: Intents, j: number): number {
  const i = out.account[j];
  if (i >= 0) return i;
  return w.lastOpenAgent === out.agent[j] ? w.lastOpenAccount : -1;
}

/** After an OPEN (id -1: refused or blocked): remember the account for a later -1, log it for adversaries. */
export function noteOpen(w: World, out: Intents, j: number, id: number, price: number): void {
  const agent = out.agent[j];
  w.lastOpenAgent = agent;
  w.lastOpenAccount = id;
  if (id < 0 || w.logActions[agent] !== 1) return;
  const a = w.venue.accounts;
  const n = out.amount[j] * out.ratio[j];
  log(w, agent, 'open', id, a.size[id], price, a.entry[id], n, w.venue.tradingFee * n, -out.amount[j]);
}

/** CLOSE of an owned account (logged for adversaries with what the venue paid out). */
export function closeAccount(w: World, i: number): void {
  const v = w.venue;
  const a = v.accounts;
  const owner = a.owner[i];
  if (w.logActions[owner] !== 1) {
    v.close(i);
    return;
  }
  const q = a.size[i];
  const p = v.oracleFills ? v.index : v.mark;
  const exec = v.closePrice(q, p);
  const paid0 = v.ledger.paidTo[owner + 2];
  if (!v.close(i)) return;
  log(w, owner, 'close', i, q, p, exec, Math.abs(q) * p, v.tradingFee * Math.abs(q) * exec, v.ledger.paidTo[owner + 2] - paid0);
}

/**
 * WITHDRAW from an owned account at the margin price; `amount` Infinity: the most the initial requirement allows (a
 * hair less, so that the venue's check passes in floating point).
 */
export function withdrawFrom(w: World, i: number, amount: number): void {
  const v = w.venue;
  const p = marginPriceOf(w);
  let amt = amount;
  if (amt === Infinity) {
    const free = v.equity(i, p) - v.initialRequirement(Math.abs(v.accounts.size[i]) * p, w.initialMargin);
    amt = free > 0 ? free * (1 - 1e-9) : 0;
  }
  const got = v.withdraw(i, amt, p, w.initialMargin);
  const owner = v.accounts.owner[i];
  if (got > 0 && w.logActions[owner] === 1) log(w, owner, 'withdraw', i, v.accounts.size[i], p, p, got, 0, got);
}

function log(w: World, agent: number, action: string, account: number, size: number, price: number, execPrice: number, notional: number, fee: number, value: number): void {
  w.events.actions.push({ step: w.step, agent, action, account, size, price, execPrice, notional, fee, value });
}

/** QUOTE (already summed by prepareIntents), SWAP and FLASH intents. */
export function applyAgentIntent(w: World, out: Intents, j: number): void {
  const kind = out.kind[j];
  if (kind === INTENT_SWAP) swap(w, out.agent[j], out.side[j], out.amount[j]);
  else if (kind === INTENT_FLASH) flash(w, out.agent[j], out.side[j], out.amount[j], out.ratio[j]);
}

/**
 * A swap on the pool from the agent's wallet. Gas: one transaction (`gasPrice`) per swap, except inside a flash-loan
 * sequence, which pays once, at the borrow. Agents may trade on margin: the wallet can go negative (borrowed USD, or
 * base sold short on the reference market), which the P&L values at the end. Selling Infinity sells all base held.
 */
function swap(w: World, agent: number, side: number, amount: number): void {
  const pool = w.pool;
  const wl = w.wallets;
  if (side < 0 && amount === Infinity) amount = wl.base[agent]; // sell everything held
  if (pool === null || !(amount > 0) || !Number.isFinite(amount)) return;
  const gas = wl.loan[agent] > 0 ? 0 : w.gasPrice;
  const p = pool.spot();
  wl.gas[agent] += gas;
  wl.usd[agent] -= gas;
  if (side > 0) {
    const units = pool.swapQuoteIn(amount);
    wl.usd[agent] -= amount;
    wl.swapUsd[agent] -= amount;
    wl.base[agent] += units;
    if (w.logActions[agent] === 1) log(w, agent, 'swap-buy', -1, units, p, amount / units, amount, pool.fee * amount, -amount - gas);
  } else {
    const usd = pool.swapBaseIn(amount);
    wl.usd[agent] += usd;
    wl.swapUsd[agent] += usd;
    wl.base[agent] -= amount;
    if (w.logActions[agent] === 1) log(w, agent, 'swap-sell', -1, -amount, p, usd / amount, usd, pool.fee * amount * (usd / amount), usd - gas);
  }
}

/** Flash loan: borrow (gas for the whole sequence paid here), or repay what is owed plus the fee. */
function flash(w: World, agent: number, side: number, amount: number, feeRate: number): void {
  const wl = w.wallets;
  if (side > 0) {
    if (!(amount > 0) || !Number.isFinite(amount)) return;
    const gas = wl.loan[agent] > 0 ? 0 : w.gasPrice;
    wl.loan[agent] += amount;
    wl.usd[agent] += amount - gas;
    wl.gas[agent] += gas;
    if (w.logActions[agent] === 1) log(w, agent, 'flash-borrow', -1, 0, NaN, NaN, amount, 0, amount - gas);
    return;
  }
  const owed = wl.loan[agent];
  if (!(owed > 0)) return;
  const fee = owed * (feeRate > 0 ? feeRate : 0);
  wl.usd[agent] -= owed + fee;
  wl.flashFees[agent] += fee;
  wl.loan[agent] = 0;
  if (w.logActions[agent] === 1) log(w, agent, 'flash-repay', -1, 0, NaN, NaN, owed, fee, -(owed + fee));
}

/** After the liquidation pass: each liquidator pays the gas of the liquidations it executed (at its offer's gas price). */
export function chargeLiquidationGas(w: World): void {
  const o = w.offers;
  const wl = w.wallets;
  for (let k = 0; k < o.n; k++) {
    const g = o.used[k] * o.gas[k];
    if (g > 0) {
      wl.gas[o.agent[k]] += g;
      wl.usd[o.agent[k]] -= g;
    }
  }
}
