// The seams: what agents and defense policies see (RunView) and the hooks they may implement.
import type { z } from 'zod';
import type { AccountTable } from './accounts.js';
import type { AmmView } from './amm.js';
import type { Intents } from './intents.js';
import type { OracleSourceView } from './oracles/source.js';
import type { Ledger } from './ledger.js';
import type { LendingPlan, LendingView } from './lending/pool.js';
import type { Stream } from './rng.js';
import type { WalletsView } from './wallets.js';
import type { OptionsBook, OptionsControl, OptionsView } from './options/view.js';
import type { CrossBook, CrossPlan, CrossView } from './cross/venue.js';

/** Read-only view of the run handed to agents and policies. Only the venue and engine write state. */
export interface RunView {
  readonly step: number;
  readonly steps: number;
  /** Length of a step in years (for annualised volatilities). */
  readonly dt: number;
  readonly stepSeconds: number;
  /** Exogenous market price this step. */
  readonly spot: number;
  /** The venue's own price (moved by trades and liquidations). */
  readonly mark: number;
  /** Index price: the oracle's answer after validation. */
  readonly oracle: number;
  /** Names of the market's assets (`main` in the single-asset form). */
  readonly assets: readonly string[];
  /** Spot price of an asset (name or index) this step. */
  spotOf(asset: string | number): number;
  /** Spot price of an asset recorded at an earlier step (0 <= s <= step, after the market phase of s). */
  spotAt(asset: string | number, s: number): number;
  /** Confidence half-width (USD) of the feed's answer: pull sources; the median of the sources' for a median; else 0. */
  readonly oracleConfidence: number;
  /** Last step the oracle feed's answer (before validation) changed: a frozen feed stops advancing it. */
  readonly oracleUpdatedStep: number;
  /** The oracle's sources with their current answers (a median's components, or the single source). */
  readonly oracleSources: readonly OracleSourceView[];
  /** Time-weighted average price of the AMM pool over the last `window` steps (NaN without a pool). */
  twap(window: number, mean?: 'arithmetic' | 'geometric'): number;
  /** The AMM pool, read-only (null without `amm`). */
  readonly pool: AmmView | null;
  /** Gas cost of one liquidation transaction this step, USD (0 without a network). */
  readonly gasPrice: number;
  /** Steps a transaction sent this step waits before inclusion (0 without a network). */
  readonly inclusionDelay: number;
  /** Probability that a transaction sent this step is dropped (0 without a network). */
  readonly dropProbability: number;
  /** Liquidation transactions that fit in this step (Infinity without a network). */
  readonly blockCapacity: number;
  /** Oracle price recorded at an earlier step (0 <= s <= step). */
  oracleAt(s: number): number;
  /** Mark price recorded at an earlier step (0 <= s < step). */
  markAt(s: number): number;
  readonly accounts: Readonly<AccountTable>;
  readonly openInterest: number;
  readonly insuranceFund: number;
  /** 0 trading, 1 new risk halted, 2 all trading halted (as decided this step). */
  readonly halted: number;
  readonly initialMargin: number;
  readonly maintenanceMargin: number;
  /** Equity of account i at the mark (funding and socialized losses included). */
  equityOf(i: number): number;
  /** Maintenance requirement (USD) of account i at the mark under this step's fractions and tiers. */
  requirementOf(i: number): number;
  /** Traders' net size in units of the asset (the venue's counterparty holds the opposite). */
  readonly netSize: number;
  /** Collateral (USD) of all open accounts. */
  readonly openCollateral: number;
  /** Liquidatable accounts the last liquidation pass left pending (before this step's pass: the previous step's). */
  readonly pendingLiquidations: number;
  /** Opens refused this step (halts and admission limits); final after the agents phase. */
  readonly blockedOpens: number;
  /** The venue's ledger: every flow and count so far (read only), e.g. partial liquidations, ADL, takeovers. */
  readonly ledger: Readonly<Ledger>;
  /** The lending pool, read-only (null without `lending:`; sim/lending/, docs/lending.md). */
  readonly lending: LendingView | null;
  /** The options venue, read-only (absent without `options:`; sim/options/). */
  readonly options?: OptionsView;
  /** The cross-margin venue, read-only (null without `cross:`; sim/cross/, docs/cross-margin.md). */
  readonly cross: CrossView | null;
  /** Agents' wallets outside the venue (USD, base units, gas, flash loans), indexed by agent (sim/wallets.ts). */
  readonly wallets: WalletsView;
}

/** Position seeding available to agents before step 0 (the starting book: no slippage, no fees). */
export interface Book {
  /** Opens `size` units (signed) at `entry` with `collateral` USD for agent `owner`; returns the account id. */
  seed(owner: number, collateral: number, size: number, entry: number): number;
  readonly initialPrice: number;
  /** The options venue's starting book (absent without `options:`). */
  readonly options?: OptionsBook;
  /** The cross-margin venue's starting book (absent without `cross:`). */
  readonly cross?: CrossBook;
}

/** A live agent: a name and optional hooks. */
export interface Agent {
  readonly name: string;
  /** Creates the positions that exist before the run starts. */
  init?(book: Book, rng: Stream): void;
  /** Pushes this step's intents; the engine applies them. */
  decide?(view: RunView, rng: Stream, out: Intents): void;
  /** Starting wallet outside the venue: USD and units of the pool's asset (sim/wallets.ts); none by default. */
  readonly capital?: { readonly usd: number; readonly base?: number };
}

export interface AgentEnv {
  /** Index of the agent in the scenario's list (used as the owner of its accounts). */
  readonly index: number;
  readonly name: string;
  /** Directory of the scenario file, for relative paths (e.g. a population CSV). */
  readonly baseDir: string;
}

/** An agent kind in the registry: a `kind`, zod-validated params and a factory. */
export interface AgentKind<P extends { kind: string } = { kind: string }> {
  readonly kind: string;
  readonly summary: string;
  readonly params: z.ZodType<P>;
  create(params: P, env: AgentEnv): Agent;
  /**
   * `liquidator`: offers liquidation capacity (with one in the scenario, only liquidators liquidate); `adversary`: its
   * actions are logged and its P&L and cost make the run's `attacker_*` columns; `market-maker`: quotes venue depth.
   */
  readonly role?: 'liquidator' | 'adversary' | 'market-maker';
}

/** What a policy may do to trading this step. Any halt halts. */
export interface Gate {
  /** Block positions that add risk (new or larger) for this step. */
  haltNewRisk(): void;
  /** Block all trading, liquidations included, for this step. */
  haltAll(): void;
}

/** One margin tier: positions whose notional exceeds `from` (USD) need `maintenance` (and `initial`) on that part. */
export interface MarginTier {
  from: number;
  maintenance: number;
  initial: number;
}

/**
 * Margin fractions proposed for this step. The strictest proposal across policies wins: the largest fractions, and
 * per-position tiers (Hyperliquid-style, mechanics.md 1.1) where a policy sets them, applied on top of the flat
 * fractions (a position needs the larger of the two).
 */
export interface MarginFractions {
  initial: number;
  maintenance: number;
  /** Tiers by position notional, ascending `from`; empty = flat fractions only. */
  tiers: MarginTier[];
}

/** Limits on new risk this step; the strictest proposal across policies wins (smallest values). */
export interface OpenRules {
  /** Opens are refused when they would take open interest (USD at the mark) above this. */
  maxOpenInterest: number;
  /** Largest notional of one open (USD). */
  maxNotional: number;
  /** Largest leverage of one open (notional / collateral). */
  maxLeverage: number;
}

/**
 * Shape of this step's liquidation pass. Caps take the smallest proposal; the other fields are set by the policy
 * that owns them (a later policy in the scenario overrides an earlier one).
 */
export interface LiquidationPlan {
  /** Most accounts liquidated this step. */
  maxLiquidations: number;
  /** Most notional (USD at the mark) liquidated this step (e.g. a per-window cap, Synthetix). */
  maxNotional: number;
  /** 0: close whole positions. Else close this fraction of a position per liquidation (Hyperliquid: 0.2). */
  partialFraction: number;
  /** Partial liquidation applies only to positions above this notional (USD; Hyperliquid: 100,000). */
  partialMinNotional: number;
  /** After a partial liquidation, the position is closed whole if it is liquidatable again within this many steps. */
  partialCooldownSteps: number;
  /**
   * When > 0 (and partialFraction > 0), close just enough to bring equity back to (maintenance + restoreBuffer) of
   * the remaining notional instead of a fixed slice (Drift: 2% buffer); partialFraction is then the minimum slice.
   */
  restoreBuffer: number;
  /** Bounty rate set by the protocol (fraction of closed notional); NaN = each liquidator's own rate. */
  bountyRate: number;
  /** Added to the bounty rate per step the account has been liquidatable but not liquidated (Drift's ramp). */
  bountyPerStepUnderwater: number;
  /** Steps pending before the ramp starts (Drift: a 1,500-slot grace period). */
  bountyGraceSteps: number;
  /** Largest bounty rate with the ramp. */
  bountyMax: number;
  /** Pay the bounty from the insurance fund when the account's equity cannot (Maker's tip + chip). */
  bountyFromFund: boolean;
  /** Flat bounty in USD on top of the rate (Maker's tip), paid like the rate. */
  bountyFlat: number;
  /**
   * Backstop vault takeover (Hyperliquid HLP): when equity is below this multiple of the maintenance requirement,
   * the vault takes the position and its margin at the mark instead of selling it through the book. 0 = off.
   */
  backstopBelow: number;
  /** Auto-deleverage: bad debt the fund cannot pay is closed against the most profitable opposite positions. */
  adl: boolean;
  /**
   * Called for each liquidatable account the pass is about to liquidate (after the backstop check): false keeps it
   * pending this step, without using liquidator capacity (e.g. a Dutch auction whose price has not yet fallen to what
   * a keeper gets on the book). `since`: first step of the account's current liquidatable stretch; `fill`: execution
   * price of its whole position through the book at the mark now. null = every account is ready.
   */
  ready: ((account: number, since: number, fill: number) => boolean) | null;
}

/** What a policy may ask the venue to do after the liquidation pass (settlement phase). */
export interface ProtocolActions {
  /** Closes `fraction` of account i's position through the book (pre-emptive deleveraging); false if refused. */
  deleverage(i: number, fraction: number): boolean;
  /** Sets the treasury's hedge of the venue's net exposure to `units` of the asset, traded on the spot market at a cost (fraction of notional). */
  hedge(units: number, cost: number): void;
  /** Sells `fraction` of the backstop vault's positions through the book. */
  unwindBackstop(fraction: number): void;
  /** The venue's net exposure: units the counterparty holds (minus the traders' net size). */
  readonly netExposure: number;
  /** Notional (USD at the mark) of the positions the backstop vault holds. */
  readonly vaultNotional: number;
}

/** A live defense policy: a name and optional hooks, called in scenario order at their phase. */
export interface Policy {
  readonly name: string;
  /** Oracle phase: validate or replace the oracle's answer. Return NaN to reject it (the last good price stays). */
  oracle?(view: RunView, price: number): number;
  /** Defenses phase: halt new risk or all trading. */
  gate?(view: RunView, gate: Gate): void;
  /** Defenses phase: raise margin fractions or set margin tiers. */
  margin?(view: RunView, m: MarginFractions): void;
  /** Defenses phase: limit new risk (open-interest caps, position limits). */
  admission?(view: RunView, rules: OpenRules): void;
  /** Margin phase, before the pass: cap or shape liquidations. */
  liquidation?(view: RunView, plan: LiquidationPlan): void;
  /** Settlement phase, after the liquidation pass: act on the book (deleverage accounts, hedge). */
  act?(view: RunView, actions: ProtocolActions): void;
  /** Metrics phase: look at the finished step. */
  afterStep?(view: RunView): void;
  /** Defenses phase, after the gates: shape the lending pool's step (liquidation threshold and cap, borrows, close factor). */
  lending?(view: RunView, plan: LendingPlan): void;
  /** Options-margin phase, after the options liquidation pass: act on options accounts (Greeks limits, hedges). */
  options?(view: RunView, ctl: OptionsControl): void;
  /** Defenses phase, after the lending plan: shape the cross-margin venue's step (portfolio margin, haircuts, pacing). */
  cross?(view: RunView, plan: CrossPlan): void;
}

export interface PolicyEnv {
  readonly name: string;
  readonly dt: number;
  readonly stepSeconds: number;
  /** Logs an intervention event (step and policy name are added by the engine). */
  log(action: string, reason: string, value: number, threshold: number): void;
}

/** A policy kind in the registry. */
export interface PolicyKind<P extends { kind: string } = { kind: string }> {
  readonly kind: string;
  readonly summary: string;
  readonly params: z.ZodType<P>;
  create(params: P, env: PolicyEnv): Policy;
}
