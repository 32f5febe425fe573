// The seams: what agents and defense policies see (RunView) and the hooks they may implement.
import type { z } from 'zod';
import type { AccountTable } from './accounts.js';
import type { Intents } from './intents.js';
import type { Stream } from './rng.js';

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
}

/** Position seeding available to agents before step 0 (the starting book: no slippage, no fees). */
export interface Book {
  /** Opens `size` units (signed) at `entry` with `collateral` USD for agent `owner`; returns the account id. */
  seed(owner: number, collateral: number, size: number, entry: number): number;
  readonly initialPrice: number;
}

/** A live agent: a name and optional hooks. */
export interface Agent {
  readonly name: string;
  /** Creates the positions that exist before the run starts. */
  init?(book: Book, rng: Stream): void;
  /** Pushes this step's intents; the engine applies them. */
  decide?(view: RunView, rng: Stream, out: Intents): void;
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
}

/** What a policy may do to trading this step. Any halt halts. */
export interface Gate {
  /** Block positions that add risk (new or larger) for this step. */
  haltNewRisk(): void;
  /** Block all trading, liquidations included, for this step. */
  haltAll(): void;
}

/** Margin fractions proposed for this step; the strictest proposal across policies wins. */
export interface MarginFractions {
  initial: number;
  maintenance: number;
}

/** Shape of this step's liquidation pass; the most restrictive proposal across policies wins. */
export interface LiquidationPlan {
  /** Most accounts liquidated this step. */
  maxLiquidations: number;
}

/** A live defense policy: a name and optional hooks, called in scenario order at their phase. */
export interface Policy {
  readonly name: string;
  /** Oracle phase: validate or replace the oracle's answer. Return NaN to reject it (the last good price stays). */
  oracle?(view: RunView, price: number): number;
  /** Defenses phase: halt new risk or all trading. */
  gate?(view: RunView, gate: Gate): void;
  /** Defenses phase: raise margin fractions. */
  margin?(view: RunView, m: MarginFractions): void;
  /** Margin phase, before the pass: cap or shape liquidations. */
  liquidation?(view: RunView, plan: LiquidationPlan): void;
  /** Metrics phase: look at the finished step. */
  afterStep?(view: RunView): void;
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
