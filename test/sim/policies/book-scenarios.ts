// In-code scenarios shared by the liquidation, backstop and exposure policy tests (not a test file itself).
import { runScenario, type RunResult, type World } from '../../../sim/run.js';
import { parseScenario, type Scenario } from '../../../sim/scenario.js';

export interface BookOpts {
  seed?: number;
  steps?: number;
  count?: number;
  /** Collateral range of the starting book (USD). */
  collateral?: [number, number];
  leverage?: [number, number];
  /** Crash: ramp factor, start step and length. */
  crash?: number;
  crashAt?: number;
  crashSteps?: number;
  /** Recovery ramp after the crash (factor; 1 = none). */
  recovery?: number;
  sigma?: number;
  drift?: number;
  fund?: number;
  reversion?: number;
  depth?: number | { openInterest: number };
  maintenanceMargin?: number;
  initialMargin?: number;
  arrivals?: number;
  longShare?: number;
  side?: 'alternate' | 'long' | 'short' | { longShare: number };
  /** Liquidator bot: null = the venue liquidates by itself. */
  liquidator?: { bounty?: number; maxPerStep?: number; minReward?: number; uptime?: number } | null;
  socializeLosses?: boolean;
  liquidationFee?: number;
  tradingFee?: number;
  defenses?: Record<string, unknown>[];
}

/** A small perp book with a crash: the common ground of the policy tests. */
export function book(o: BookOpts = {}): Scenario {
  const steps = o.steps ?? 300;
  const shocks: Record<string, unknown>[] = [];
  if (o.crash !== undefined) shocks.push({ kind: 'ramp', at: o.crashAt ?? 100, steps: o.crashSteps ?? 10, factor: o.crash });
  if (o.recovery !== undefined && o.recovery !== 1) shocks.push({ kind: 'ramp', at: (o.crashAt ?? 100) + (o.crashSteps ?? 10), steps: 30, factor: o.recovery });
  const agents: Record<string, unknown>[] = [
    {
      kind: 'leveraged-traders',
      name: 'traders',
      count: o.count ?? 300,
      collateral: { uniform: o.collateral ?? [1000, 20000] },
      leverage: { uniform: o.leverage ?? [2, 15] },
      side: o.side ?? 'alternate',
      ...(o.arrivals ? { arrivals: { perStep: o.arrivals, leverage: { uniform: [2, 15] }, longShare: o.longShare ?? 0.5 } } : {}),
    },
  ];
  if (o.liquidator !== null) agents.push({ kind: 'liquidator', name: 'keeper', ...(o.liquidator ?? { bounty: 0.005, maxPerStep: 20 }) });
  return parseScenario({
    name: 'policy-test',
    seed: o.seed ?? 7,
    steps,
    market: {
      initialPrice: 2000,
      process: o.sigma === 0 ? { kind: 'constant' } : { kind: 'gbm', sigma: o.sigma ?? 0.8, drift: o.drift ?? 0 },
      shocks,
    },
    venue: {
      initialMargin: o.initialMargin ?? 0.05,
      maintenanceMargin: o.maintenanceMargin ?? 0.03,
      liquidity: { depth: o.depth ?? { openInterest: 0.5 }, slippage: 0.1, impact: 0.2, reversion: o.reversion ?? 0.1 },
      liquidationFee: o.liquidationFee ?? 0.01,
      tradingFee: o.tradingFee ?? 0.0005,
      insuranceFund: o.fund ?? { openInterest: 0.002 },
      funding: { intervalSteps: 60 },
      socializeLosses: o.socializeLosses ?? false,
    },
    agents,
    defenses: o.defenses ?? [],
  });
}

/**
 * 200 accounts plus two arrivals a minute (65% long, 3-12x) and a -15% crash at step 200, a keeper clearing 30 a minute:
 * the book of the exposure tests (collateral-haircut, oi-cap, predictive-deleverage).
 */
export const EXPOSURE_BOOK: BookOpts = {
  seed: 1,
  count: 200,
  collateral: [2000, 20000],
  leverage: [3, 12],
  arrivals: 2,
  longShare: 0.65,
  reversion: 0.1,
  crash: 0.85,
  crashAt: 200,
  steps: 300,
  liquidator: { bounty: 0.005, maxPerStep: 30 },
};

/**
 * 200 accounts, a -20% fall over 100 steps into thin depth (30% of open interest), the venue liquidating on its own:
 * the cascade of the liquidation-shaping tests (liquidation-cap, partial-liquidation).
 */
export const CASCADE_BOOK: BookOpts = {
  seed: 1,
  count: 200,
  collateral: [5000, 40000],
  leverage: [3, 10],
  crash: 0.8,
  crashSteps: 100,
  depth: { openInterest: 0.3 },
  reversion: 0.1,
  liquidator: null,
};

/**
 * 200 accounts, -15% in 10 minutes and a keeper clearing 20 a minute: the backstop tests' book (adl, backstop-vault;
 * each sets its own `recovery`).
 */
export const FAST_CRASH_BOOK: BookOpts = {
  seed: 1,
  count: 200,
  collateral: [5000, 40000],
  leverage: [3, 12],
  reversion: 0.1,
  crash: 0.85,
  crashSteps: 10,
  liquidator: { bounty: 0.005, maxPerStep: 20 },
};

/**
 * 300 accounts, -15% over 20 steps, a keeper asking 0.2% and at least $150 a liquidation, so small and underwater
 * accounts wait: the keeper-incentive tests' book (dynamic-bounty, dutch-auction; each sets its own `fund`).
 */
export const KEEPER_BACKLOG_BOOK: BookOpts = {
  seed: 1,
  count: 300,
  collateral: [1000, 20000],
  leverage: [2, 15],
  crash: 0.85,
  crashSteps: 20,
  liquidator: { bounty: 0.002, maxPerStep: 50, minReward: 150 },
};

export function run(s: Scenario, policy: string, seed = s.seed, onStep?: (w: World) => void): RunResult {
  const r = runScenario(s, { policy, seed, baseDir: '.', ...(onStep ? { onStep } : {}) });
  if (r.error) throw new Error(`run failed: ${r.error.message}`);
  return r;
}
