// Cross-margin formulas as plain functions: standard (summed) and portfolio (scenario) requirements, liquidation price.
// Sources: ../shared/reference/mechanics.md 1.1 (Hyperliquid cross), 1.2 (dYdX v4), 2.1 (Deribit portfolio margin).

/**
 * Standard cross requirement (dYdX v4 MMR = sum |S_i P_i MMF_i|; Hyperliquid "cross: summed"): the sum over the
 * account's positions of |size| * price * fraction. `sizes[k]`, `prices[k]`, `fractions[k]` per market.
 */
export function standardRequirement(sizes: ArrayLike<number>, prices: ArrayLike<number>, fractions: ArrayLike<number>, n = sizes.length): number {
  let r = 0;
  for (let k = 0; k < n; k++) r += Math.abs(sizes[k]) * prices[k] * fractions[k];
  return r;
}

/**
 * Portfolio requirement: the worst loss over scenarios of linear exposures x_a (USD gained per +100% move of asset a:
 * positions' size * price plus haircut collateral value) with ranges r_a (the asset's margin fraction):
 *   joint:      every asset moves by +r_a, or every asset by -r_a             loss = |sum x_a r_a|
 *   dispersion: each asset moves against the account by d r_a independently  loss = d sum |x_a| r_a
 *   listed:     moves m_ja                                                  loss = -sum x_a m_ja
 * and at least 0. The dispersion scenario is the worst corner of the cube d [-r, r]^n; for one position the joint
 * scenario gives |x| r, the standard requirement, so portfolio margin only ever credits offsets (collateral against a
 * short, a long against a short of a correlated asset); `d` is one minus SPAN's inter-commodity spread credit.
 * `moves` is row-major (scenario j, asset a), `nScenarios` rows of `n`.
 */
export function portfolioRequirement(
  exposure: ArrayLike<number>,
  range: ArrayLike<number>,
  dispersion: number,
  moves: ArrayLike<number>,
  nScenarios: number,
  n = exposure.length,
): number {
  let joint = 0;
  let disp = 0;
  for (let a = 0; a < n; a++) {
    joint += exposure[a] * range[a];
    disp += Math.abs(exposure[a]) * range[a];
  }
  let worst = Math.abs(joint);
  if (dispersion * disp > worst) worst = dispersion * disp;
  for (let j = 0; j < nScenarios; j++) {
    let loss = 0;
    for (let a = 0; a < n; a++) loss -= exposure[a] * moves[j * n + a];
    if (loss > worst) worst = loss;
  }
  return worst;
}

/**
 * Price of one position's asset at which a cross account reaches its maintenance requirement, other prices fixed
 * (dYdX v4 docs, mechanics.md 1.2): p' = (e - s p - MMR_o) / (|s| MMF - s), with e the account's equity now, s the
 * position's signed size at price p, MMF its fraction and MMR_o the other positions' requirement. Published example:
 * e = 1000, short 1.5 ETH at 3000 (MMF 5%), 1000 STRK at 1.75 (MMF 10%, MMR_o 175): p' = 3380.95.
 */
export function crossLiquidationPrice(equity: number, size: number, price: number, mmf: number, otherRequirement: number): number {
  return (equity - size * price - otherRequirement) / (Math.abs(size) * mmf - size);
}

/** Fill of a liquidation trade of notional n against depth D: the price moves against the trade by slippage sqrt(n / D). */
export function fillFactor(notional: number, depth: number, slippage: number): number {
  return slippage * Math.sqrt(notional / depth);
}
