// Options margin building blocks: Deribit-style standard margin per short contract (USD-quoted) and the portfolio
// margin scenario grids (Deribit PM, Derive PMRM) with their vol-shock rule.
import type { OptionsConfig } from './config.js';

type Standard = OptionsConfig['standard'];
type Portfolio = OptionsConfig['portfolio'];

/**
 * Deribit standard margin of one short call, adapted to USD quoting (mechanics.md 2.1, quoted in BTC there; here
 * every BTC amount is multiplied by the underlying S): IM = max(0.15 - OTM/S, 0.1) * S + mark, OTM = max(K - S, 0).
 */
export function shortCallInitial(S: number, K: number, mark: number, c: Standard): number {
  const otm = K > S ? K - S : 0;
  const rate = c.initialBase - otm / S;
  return (rate > c.initialMin ? rate : c.initialMin) * S + mark;
}

/** Deribit short call MM = 0.075 * S + mark (USD-quoted). */
export function shortCallMaintenance(S: number, _K: number, mark: number, c: Standard): number {
  return c.maintenance * S + mark;
}

/** Deribit short put MM = max(0.075 * S, 0.075 * mark) + mark (USD-quoted). */
export function shortPutMaintenance(S: number, _K: number, mark: number, c: Standard): number {
  const a = c.maintenance * S;
  const b = c.maintenance * mark;
  return (a > b ? a : b) + mark;
}

/** Deribit short put IM = max(max(0.15 - OTM/S, 0.1) * S + mark, MM), OTM = max(S - K, 0) (USD-quoted). */
export function shortPutInitial(S: number, K: number, mark: number, c: Standard): number {
  const otm = S > K ? S - K : 0;
  const rate = c.initialBase - otm / S;
  const im = (rate > c.initialMin ? rate : c.initialMin) * S + mark;
  const mm = shortPutMaintenance(S, K, mark, c);
  return im > mm ? im : mm;
}

/** Vol direction of a scenario. */
export const VOL_DOWN = -1;
export const VOL_SAME = 0;
export const VOL_UP = 1;

/** The scenarios of a portfolio-margin grid: relative spot move, vol direction and the weight of its P&L. */
export interface ScenarioGrid {
  readonly count: number;
  readonly move: Float64Array;
  readonly vol: Int8Array;
  readonly weight: Float64Array;
}

/** Derive PMRM v2's dampened tail scenarios (spot multiplier, share of P&L counted), mechanics.md 2.2. */
const EXTENDED: readonly (readonly [number, number])[] = [
  [0.34, 0.21],
  [0.67, 0.42],
  [1.5, 0.2772],
  [2, 0.1386],
  [3, 0.0693],
  [4, 0.0462],
  [5, 0.03465],
  [6, 0.02772],
];

/**
 * Builds the grid. deribit: moves -range .. +range in `buckets` evenly spaced steps (0 included), each x vol up /
 * same / down (Deribit PM, mechanics.md 2.1). derive: PMRM v1's 23 scenarios, spot x {1.20 up-vol; 1.15, 1.10, 1.05,
 * 1.00, 0.95, 0.90, 0.85 each x up / none / down; 0.80 up-vol} (mechanics.md 2.2). With `extended`, the dampened tail
 * moves are added with vol up only.
 */
export function buildGrid(p: Portfolio): ScenarioGrid {
  const move: number[] = [];
  const vol: number[] = [];
  const weight: number[] = [];
  const add = (m: number, v: number, w = 1): void => {
    move.push(m);
    vol.push(v);
    weight.push(w);
  };
  if (p.grid === 'deribit') {
    const n = p.buckets;
    for (let b = 0; b < n; b++) {
      const m = -p.range + (2 * p.range * b) / (n - 1);
      for (const v of [VOL_UP, VOL_SAME, VOL_DOWN]) add(m, v);
    }
  } else {
    add(0.2, VOL_UP);
    for (const mult of [1.15, 1.1, 1.05, 1, 0.95, 0.9, 0.85]) for (const v of [VOL_UP, VOL_SAME, VOL_DOWN]) add(mult - 1, v);
    add(-0.2, VOL_UP);
  }
  if (p.extended) for (const [mult, w] of EXTENDED) add(mult - 1, VOL_UP, w);
  return { count: move.length, move: Float64Array.from(move), vol: Int8Array.from(vol), weight: Float64Array.from(weight) };
}

/** The vol-shock rule's parameters with the grid's defaults filled in. */
export interface VolShockRule {
  up: number;
  down: number;
  shortTermPower: number;
  longTermPower: number;
  floorDays: number;
}

export function volShockRule(p: Portfolio): VolShockRule {
  const deribit = p.grid === 'deribit';
  return {
    up: p.volUp ?? (deribit ? 0.38 : 0.6),
    down: p.volDown ?? (deribit ? 0.38 : 0.3),
    shortTermPower: p.shortTermPower ?? 0.3,
    longTermPower: p.longTermPower ?? (deribit ? 0.3 : 0.13),
    floorDays: p.floorDays,
  };
}

/**
 * Multiplier of IV in a scenario (Derive PMRM, mechanics.md 2.2): tau = 30 days / max(T, floor), m = tau^power
 * (short-term power when T <= 30 days, else long-term); up = 1 + up * m, down = max(0, 1 - down * m).
 */
export function volFactor(direction: number, days: number, r: VolShockRule): number {
  if (direction === VOL_SAME) return 1;
  const t = days > r.floorDays ? days : r.floorDays;
  const m = Math.pow(30 / t, t <= 30 ? r.shortTermPower : r.longTermPower);
  if (direction === VOL_UP) return 1 + r.up * m;
  const f = 1 - r.down * m;
  return f > 0 ? f : 0;
}
