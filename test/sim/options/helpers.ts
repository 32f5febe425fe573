// Shared helpers for the options tests (not a test file itself).
import path from 'node:path';
import { EventLog } from '../../../sim/events.js';
import { OptionsSchema } from '../../../sim/options/config.js';
import { OptionsVenue } from '../../../sim/options/venue.js';

import { repoRoot } from '../helpers.js';

/** The shipped options scenario. */
export const OVS = path.join(repoRoot, 'scenarios/options-vol-shock.yaml');

export const STEP_SECONDS = 300;
export const DT = STEP_SECONDS / (365 * 24 * 3600);

/** A standalone options venue on an underlying at 2000 (5-minute steps), from a plain `options:` object. */
export function venue(input: Record<string, unknown>, steps = 2016): { o: OptionsVenue; events: EventLog } {
  const cfg = OptionsSchema.parse(input);
  const o = new OptionsVenue(cfg, { initialPrice: 2000, steps, dt: DT, stepSeconds: STEP_SECONDS, capacity: 4 });
  return { o, events: new EventLog() };
}

/** Six series around 2000 expiring at step 1000 (fixed 80% vol unless overridden). */
export const SERIES = [
  { name: 'C2000', type: 'call', strike: 2000, expiry: 1000 },
  { name: 'C2200', type: 'call', strike: 2200, expiry: 1000 },
  { name: 'P2000', type: 'put', strike: 2000, expiry: 1000 },
  { name: 'P1800', type: 'put', strike: 1800, expiry: 1000 },
  { name: 'C2400', type: 'call', strike: 2400, expiry: 600 },
  { name: 'P1600', type: 'put', strike: 1600, expiry: 600 },
];

/** The options conservation identity's residual, relative to deposits (sim/options/venue.ts OptionsLedger). */
export function optionsResidual(o: OptionsVenue): number {
  const l = o.ledger;
  const lhs = o.openEquity() + l.returnedToTraders + l.insuranceFund + l.tradingFees + o.counterpartyPnl() - l.uncoveredBadDebt;
  const rhs = l.deposits + o.spotPnl();
  return Math.abs(lhs - rhs) / Math.max(l.deposits, 1);
}
