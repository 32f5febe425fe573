// The world of one run: market, oracle, venue, agents, policies and the per-step series; the read-only RunView.
import { agentKind } from '../agents/registry.js';
import { EventLog } from './events.js';
import { Intents } from './intents.js';
import { createLending } from './lending/engine.js';
import { createCross } from './cross/engine.js';
import type { CrossVenue } from './cross/venue.js';
import type { LendingPool } from './lending/pool.js';
import { Market } from './market.js';
import { buildModels, type AmmPool, type Network, type OracleFeed, type OracleSourceView, type Thinning } from './models.js';
import { OptionsVenue } from './options/venue.js';
import { PerpVenue, type LiquidationOffers } from './perp.js';
import { createPolicies, resolvePolicy } from './policy-stack.js';
import { Streams, type Stream } from './rng.js';
import type { Scenario } from './scenario.js';
import { Series } from './series.js';
import type { Agent, MarginTier, OpenRules, Policy, PolicyEnv, RunView } from './types.js';
import { Wallets } from './wallets.js';

const SECONDS_PER_YEAR = 365 * 24 * 3600;

/** Everything one run holds. Implements the read-only RunView handed to agents and policies. */
export class World implements RunView {
  step = 0;
  readonly steps: number;
  readonly dt: number;
  readonly stepSeconds: number;
  spot: number;
  oracle: number;
  halted = 0;
  initialMargin: number;
  maintenanceMargin: number;
  readonly venue: PerpVenue;
  /** The options venue (scenario `options:`; sim/options/), or undefined. */
  readonly options: OptionsVenue | undefined;
  readonly series: Series;
  readonly events = new EventLog();
  readonly intents = new Intents();
  readonly market: Market;
  /** Every asset's spot this step (order: market.names; the venue asset's is also `spot`). */
  readonly prices: Float64Array;
  /** The AMM pool (scenario `amm`), or null. */
  readonly pool: AmmPool | null;
  /** The oracle's sources and its answer before validation. */
  readonly feed: OracleFeed;
  /** The chain's state this step (scenario `network`), or null. */
  readonly network: Network | null;
  /** Venue liquidity thinning with volatility (venue.liquidity.thinning), or null. */
  readonly thinning: Thinning | null;
  /** The lending pool (scenario `lending:`), or null. */
  readonly lending: LendingPool | null;
  /** The cross-margin venue (scenario `cross:`), or null. */
  readonly cross: CrossVenue | null;
  readonly agents: Agent[] = [];
  readonly agentStreams: Stream[] = [];
  readonly policies: Policy[];
  readonly schedule: Stream;
  /** Agent order of this step (shuffled each step). */
  readonly order: Int32Array;
  /** Liquidation capacity offered this step, in the order agents acted. */
  readonly offers: Required<LiquidationOffers> = {
    n: 0,
    agent: new Int32Array(4),
    count: new Float64Array(4),
    bounty: new Float64Array(4),
    minReward: new Float64Array(4),
    latency: new Int32Array(4),
    capital: new Float64Array(4),
    used: new Int32Array(4),
    gas: new Float64Array(4),
  };
  /** Limits on new risk in force this step (from the policies' admission hooks). */
  readonly openRules: OpenRules = { maxOpenInterest: Infinity, maxNotional: Infinity, maxLeverage: Infinity };
  /** Margin tiers in force this step. */
  tiers: MarginTier[] = [];
  /** True when at least one liquidator agent exists: then only liquidators liquidate. */
  readonly hasLiquidators: boolean;
  /** Agents' wallets outside the venue (sim/wallets.ts). */
  readonly wallets: Wallets;
  /** 1 for agents whose actions are logged (adversaries). */
  readonly logActions: Uint8Array;
  /** 1 for adversaries (the run's attacker_* columns). */
  readonly adversaries: Uint8Array;
  /** True when a market maker exists: the venue's depth each step is the base depth plus their quotes. */
  readonly marketMakers: boolean;
  /** The venue's depth after seeding (the base market makers' quotes add to, without thinning). */
  readonly depthBase: number;
  /** Depth quoted by market makers this step (USD). */
  quotedDepth = 0;
  /** The latest OPEN of this step: its agent and the account it created (-1: none or refused). */
  lastOpenAgent = -1;
  lastOpenAccount = -1;
  premiumSum = 0;
  premiumSamples = 0;
  fundingRate = 0;
  blockedOpens = 0;
  /** Liquidatable accounts the last liquidation pass left pending. */
  pendingLiquidations = 0;
  stepsHalted = 0;
  maxOpenInterest = 0;
  minMark: number;

  constructor(readonly scenario: Scenario, readonly policyName: string, readonly seed: number, baseDir: string) {
    const s = scenario;
    this.steps = s.steps;
    this.stepSeconds = s.stepSeconds;
    this.dt = s.stepSeconds / SECONDS_PER_YEAR;
    const streams = new Streams(seed);
    this.market = new Market(s.market, { steps: s.steps, dt: this.dt, stepSeconds: s.stepSeconds, baseDir }, streams);
    this.prices = this.market.prices;
    this.schedule = streams.get('schedule');
    this.spot = s.market.initialPrice;
    this.oracle = s.market.initialPrice;
    this.minMark = s.market.initialPrice;
    this.series = new Series(s.steps);
    const initialAccounts = s.agents.reduce((n, a: any) => n + (a.kind === 'leveraged-traders' ? (a.count ?? 0) : 0), 0);
    this.venue = new PerpVenue(s.venue, s.market.initialPrice, initialAccounts + 1024, s.agents.length);
    this.options = s.options === undefined ? undefined : new OptionsVenue(s.options, { initialPrice: s.market.initialPrice, steps: s.steps, dt: this.dt, stepSeconds: s.stepSeconds, capacity: 1024 });
    this.initialMargin = s.venue.initialMargin;
    this.maintenanceMargin = s.venue.maintenanceMargin;
    let liquidators = 0;
    let makers = 0;
    this.wallets = new Wallets(s.agents.length);
    this.logActions = new Uint8Array(s.agents.length);
    this.adversaries = new Uint8Array(s.agents.length);
    s.agents.forEach((cfg, index) => {
      const kind = agentKind(cfg.kind)!;
      const name = cfg.name ?? cfg.kind;
      const agent = kind.create(cfg, { index, name, baseDir });
      this.agents.push(agent);
      this.agentStreams.push(streams.get(`agent:${name}`));
      if (cfg.kind === 'liquidator' || kind.role === 'liquidator') liquidators++;
      if (kind.role === 'market-maker') makers++;
      if (kind.role === 'adversary') this.adversaries[index] = this.logActions[index] = 1;
      if (agent.capital) this.wallets.fund(index, agent.capital.usd, agent.capital.base ?? 0);
    });
    this.hasLiquidators = liquidators > 0;
    this.marketMakers = makers > 0;
    this.order = new Int32Array(this.agents.length);
    const defenses = resolvePolicy(s, policyName);
    this.policies = createPolicies(defenses, (name) => this.policyEnv(name), baseDir);
    this.defenses = defenses;
    this.actors = this.policies.filter((p) => p.act !== undefined).length;
    this.cross = createCross(s, this.market.names, this.market.initialPrices);
    const book = {
      initialPrice: s.market.initialPrice,
      seed: (owner: number, collateral: number, size: number, entry: number) => this.venue.seed(owner, collateral, size, entry),
      options: this.options,
      ...(this.cross !== null ? { cross: this.cross } : {}),
    };
    this.agents.forEach((a, i) => a.init?.(book, this.agentStreams[i]));
    this.venue.finishSeeding();
    this.depthBase = this.venue.depth;
    this.options?.finishSeeding();
    this.cross?.finishSeeding();
    const models = buildModels(s, { market: this.market, dt: this.dt, venueSpot: this.series.spot, baseDepth: this.venue.depth }, streams);
    this.pool = models.pool;
    this.network = models.network;
    this.feed = models.feed;
    this.thinning = models.thinning;
    this.lending = createLending(s);
    this.events.reserve(this.venue.accounts.count + (this.cross?.count ?? 0) + 1024);
  }

  readonly defenses: Scenario['defenses'];
  /** Number of policies with an `act` hook (0: the settlement phase skips them). */
  readonly actors: number;

  private policyEnv(name: string): PolicyEnv {
    return {
      name,
      dt: this.dt,
      stepSeconds: this.stepSeconds,
      log: (action, reason, value, threshold) => this.events.interventions.push({ step: this.step, policy: name, action, reason, value, threshold }),
    };
  }

  // RunView
  get mark(): number {
    return this.venue.mark;
  }
  get accounts() {
    return this.venue.accounts;
  }
  get openInterest(): number {
    return this.venue.agg.openInterest(this.venue.mark);
  }
  /** Equity of account i at the mark (funding and socialized losses included). */
  equityOf(i: number): number {
    return this.venue.equity(i, this.venue.mark);
  }
  /** Maintenance requirement (USD) of account i at the mark under this step's fractions and tiers. */
  requirementOf(i: number): number {
    return this.venue.maintenanceRequirement(Math.abs(this.venue.accounts.size[i]), this.venue.mark, this.maintenanceMargin);
  }
  /** Traders' net size (units): the venue's counterparty holds the opposite. */
  get netSize(): number {
    return this.venue.agg.netSize;
  }
  get insuranceFund(): number {
    return this.venue.ledger.insuranceFund;
  }
  get openCollateral(): number {
    return this.venue.agg.collateral;
  }
  get ledger() {
    return this.venue.ledger;
  }
  oracleAt(s: number): number {
    return s === this.step ? this.oracle : this.series.oracle[s];
  }
  markAt(s: number): number {
    return this.series.mark[s];
  }

  // RunView: market models (docs/models.md)
  get assets(): readonly string[] {
    return this.market.names;
  }
  spotOf(asset: string | number): number {
    const i = this.market.indexOf(asset);
    if (i < 0) throw new Error(`no asset ${JSON.stringify(asset)}; the market has: ${this.market.names.join(', ')}`);
    return this.market.prices[i];
  }
  spotAt(asset: string | number, s: number): number {
    const i = this.market.indexOf(asset);
    if (i < 0) throw new Error(`no asset ${JSON.stringify(asset)}; the market has: ${this.market.names.join(', ')}`);
    return i === this.market.venueIndex ? this.series.spot[s] : this.market.paths[i]![s];
  }
  get oracleConfidence(): number {
    return this.feed.confidence;
  }
  get oracleUpdatedStep(): number {
    return this.feed.changedStep;
  }
  get oracleSources(): readonly OracleSourceView[] {
    return this.feed.sources;
  }
  twap(window: number, mean: 'arithmetic' | 'geometric' = 'geometric'): number {
    return this.pool !== null ? this.pool.twap(window, mean) : NaN;
  }
  get gasPrice(): number {
    return this.network !== null ? this.network.gasPrice : 0;
  }
  get inclusionDelay(): number {
    return this.network !== null ? this.network.inclusionDelay : 0;
  }
  get dropProbability(): number {
    return this.network !== null ? this.network.dropProbability : 0;
  }
  /** Spot of the asset in agents' wallets: the pool's (the venue asset's without a pool). */
  get baseSpot(): number {
    return this.market.prices[this.pool !== null ? this.pool.referenceAsset : this.market.venueIndex];
  }
  /** Its initial price. */
  get baseSpot0(): number {
    return this.market.initialPrices[this.pool !== null ? this.pool.referenceAsset : this.market.venueIndex];
  }
  get blockCapacity(): number {
    return this.network !== null ? this.network.blockCapacity : Infinity;
  }
}

/** A phase of the step: a name (documented in docs/architecture.md) and a plain function over the world. */
export interface Phase {
  readonly name: string;
  run(w: World): void;
}
