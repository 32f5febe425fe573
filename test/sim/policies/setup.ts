// Shared pieces of the policy tests (not a test file): a small book of leveraged traders, runs, and series helpers.
import { expect } from 'vitest';
import { runScenario, type RunResult } from '../../../sim/run.js';
import type { Scenario } from '../../../sim/scenario.js';
import { scenario } from '../helpers.js';

export const DT = 60 / (365 * 24 * 3600);

export interface BookOpts {
  steps?: number;
  process?: Record<string, unknown>;
  shocks?: Record<string, unknown>[];
  defenses?: Record<string, unknown>[];
  marginPrice?: 'mark' | 'oracle';
  /** Liquidations the keeper can do per step (0: no keeper, the venue liquidates without limit). */
  keeper?: number;
  /** Share of the starting book that is long (default: alternate). */
  longShare?: number;
  leverage?: [number, number];
  arrivals?: Record<string, unknown>;
  venue?: Record<string, unknown>;
  oracle?: Record<string, unknown>;
  /** Replaces the whole `market` (e.g. several assets). */
  market?: Record<string, unknown>;
  amm?: Record<string, unknown>;
  count?: number;
}

/** 300 isolated positions on an ETH-like perp at 2000 (IM 5%, MM 3%), arrivals leaning long, a keeper bot. */
export function book(o: BookOpts = {}): Scenario {
  return scenario({
    steps: o.steps ?? 300,
    market: o.market ?? { initialPrice: 2000, process: o.process ?? { kind: 'constant' }, shocks: o.shocks ?? [] },
    ...(o.oracle ? { oracle: o.oracle } : {}),
    ...(o.amm ? { amm: o.amm } : {}),
    venue: {
      initialMargin: 0.05,
      maintenanceMargin: 0.03,
      marginPrice: o.marginPrice ?? 'mark',
      liquidity: { depth: { openInterest: 0.5 }, slippage: 0.1, impact: 0.2, reversion: 0.2 },
      liquidationFee: 0.015,
      insuranceFund: { openInterest: 0.002 },
      funding: null,
      ...o.venue,
    },
    agents: [
      {
        kind: 'leveraged-traders',
        name: 'traders',
        count: o.count ?? 300,
        collateral: { uniform: [1000, 10000] },
        leverage: { uniform: o.leverage ?? [2, 15] },
        side: o.longShare === undefined ? 'alternate' : { longShare: o.longShare },
        arrivals: o.arrivals ?? { perStep: 1, leverage: { uniform: [5, 20] }, longShare: 0.6 },
      },
      ...((o.keeper ?? 20) > 0 ? [{ kind: 'liquidator', name: 'keeper', bounty: 0.005, maxPerStep: o.keeper ?? 20 }] : []),
    ],
    defenses: o.defenses ?? [],
  });
}

export function run(s: Scenario, policy: string, seed = 1): RunResult {
  const r = runScenario(s, { policy, seed, baseDir: '.' });
  expect(r.error).toBeUndefined();
  return r;
}

/** Steps t with series.halted[t] > 0. */
export function haltedSteps(r: RunResult): number[] {
  const out: number[] = [];
  for (let t = 0; t < r.series.length; t++) if (r.series.halted[t] > 0) out.push(t);
  return out;
}

export const range = (a: number, b: number): number[] => Array.from({ length: b - a + 1 }, (_, i) => a + i);

/** `action@step` of each intervention, in order. */
export const actions = (r: RunResult): string[] => r.interventions.map((x) => `${x.action}@${x.step}`);

/** Sum of a per-step series over steps [a, b]. */
export function sumOver(a: ArrayLike<number>, from: number, to: number): number {
  let s = 0;
  for (let t = from; t <= to; t++) s += a[t];
  return s;
}

/** Ten one-minute swings of 2% from step 100 (volatility clustering before the crash), then -20% over 10 steps from 150. */
export function turbulenceThenCrash(): Record<string, unknown>[] {
  const swings = Array.from({ length: 10 }, (_, k) => ({ kind: 'ramp', at: 100 + k, steps: 1, factor: k % 2 === 0 ? 0.98 : 1 / 0.98 }));
  return [...swings, { kind: 'ramp', at: 150, steps: 10, factor: 0.8 }];
}

/** A book that grows (two arrivals a step at 5-20x, 70% long) for 200 steps, then falls 20% over 10 steps. */
export function growingBook(defenses: Record<string, unknown>[]): Scenario {
  return book({
    steps: 250,
    leverage: [2, 10],
    arrivals: { perStep: 2, leverage: { uniform: [5, 20] }, longShare: 0.7 },
    shocks: [{ kind: 'ramp', at: 200, steps: 10, factor: 0.8 }],
    defenses,
  });
}
