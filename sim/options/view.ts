// What agents and policies see of the options venue (read-only), what agents may seed, what policies may do.

/** Read-only columns of the options accounts (ids are stable; a closed account keeps its row with open = 0). */
export interface OptionAccountsView {
  readonly count: number;
  /** Number of series: account i's position in series j is pos[i * series + j]. */
  readonly series: number;
  /** USD cash: deposits, less premiums paid, plus premiums received, fees and settlements. */
  readonly cash: ArrayLike<number>;
  /** Units of the underlying held in the account (covered calls, forced hedges), valued at the index. */
  readonly units: ArrayLike<number>;
  /** Signed contracts per series (+ long, - short); one contract is one unit of the underlying. */
  readonly pos: ArrayLike<number>;
  readonly owner: ArrayLike<number>;
  readonly open: ArrayLike<number>;
  /** As of the last margin pass: equity (USD), maintenance requirement (USD) and Greeks in USD terms. */
  readonly equity: ArrayLike<number>;
  readonly maintenance: ArrayLike<number>;
  /** USD change per 100% move: (units + sum pos * delta) * S. */
  readonly delta: ArrayLike<number>;
  /** USD change of the USD delta per 1% move: sum pos * gamma * S^2 / 100. */
  readonly gamma: ArrayLike<number>;
  /** USD per volatility point: sum pos * vega / 100. */
  readonly vega: ArrayLike<number>;
  /** 1 when the account is short at least one option (a writer). */
  readonly writer: ArrayLike<number>;
}

/** The options venue as agents and policies see it. Per-series columns are per contract, valued this step. */
export interface OptionsView {
  readonly seriesCount: number;
  readonly seriesNames: readonly string[];
  readonly isCall: ArrayLike<number>;
  readonly strike: ArrayLike<number>;
  /** Expiry step of each series. */
  readonly expiry: ArrayLike<number>;
  /** 1 while the series trades (0 once expired and settled). */
  readonly live: ArrayLike<number>;
  /** Black-Scholes-Merton value at the current IV and index. */
  readonly mark: ArrayLike<number>;
  /** The venue's quotes: mark -+ (spread * mark + minSpread * S). */
  readonly bid: ArrayLike<number>;
  readonly ask: ArrayLike<number>;
  readonly delta: ArrayLike<number>;
  readonly gamma: ArrayLike<number>;
  readonly vega: ArrayLike<number>;
  /** Implied volatility this step (one level for every series). */
  readonly iv: number;
  /** The underlying price the venue uses (the validated oracle index). */
  readonly index: number;
  readonly riskFreeRate: number;
  readonly dividendYield: number;
  readonly accounts: OptionAccountsView;
  readonly insuranceFund: number;
  /** Net Greeks of all writers (accounts short at least one option), USD terms, as of the last margin pass. */
  readonly writerDelta: number;
  readonly writerGamma: number;
  readonly writerVega: number;
  /** Series index by name, -1 if there is none. */
  seriesIndex(name: string): number;
  /** Years to expiry of series j at step t (0 once expired). */
  timeToExpiry(j: number, t: number): number;
  /** Initial requirement (USD) of a fresh account holding `contracts` (signed) of series j and `units` of the underlying. */
  initialFor(j: number, contracts: number, units?: number): number;
}

/** Seeding of the options starting book before step 0 (at the marks of step 0: no spread, no fee). */
export interface OptionsBook extends OptionsView {
  /** Opens an account for agent `owner` with `collateral` USD; returns its id. */
  seedAccount(owner: number, collateral: number): number;
  /** Adds `contracts` (signed) of series j to account i at the mark. */
  seedPosition(i: number, j: number, contracts: number): void;
  /** Buys `units` of the underlying for account i at the initial price (no cost). */
  seedUnits(i: number, units: number): void;
}

/** What a policy's `options` hook may do (after the options liquidation pass, each step). */
export interface OptionsControl {
  readonly view: OptionsView;
  /** Closes `fraction` of every position of account i (and of its units) at the venue's quotes with the trading fee. */
  reduce(i: number, fraction: number): boolean;
  /** Buys (+) or sells (-) `units` of the underlying for account i on the spot market at the spot cost (forced hedge). */
  hedgeAccount(i: number, units: number): boolean;
  /** Sets the protocol's spot hedge to `units` of the underlying, paying `cost` of the traded notional. */
  protocolHedge(units: number, cost: number): void;
  /** Units the protocol's hedge holds. */
  readonly protocolHedgeUnits: number;
  /** P&L of the protocol's hedge at the current index. */
  readonly protocolHedgePnl: number;
}
