// Kinds of the lending pool's entries in the run's event log (EventLog.kind; the perp's kinds are 0-5, EVENT_* in
// sim/perp.ts; the options venue's 16-18, sim/options/events.ts; the cross-margin venue's 24-25, sim/cross/venue.ts).
// Column meanings: docs/results.md, events.arrow.

/** Lending kinds start here. */
export const LENDING_EVENT_BASE = 32;

/** An Aave fixed-spread liquidation of a position (`mode: aave`). */
export const EVENT_LENDING_LIQUIDATION = 32;
/** A Compound v3 absorb of a position (`mode: absorb`). */
export const EVENT_LENDING_ABSORB = 33;
/** A liquidator buying the protocol's absorbed collateral (Comet.buyCollateral, `mode: absorb`): no position. */
export const EVENT_LENDING_BUY = 34;

const NAMES = ['lending-liquidate', 'lending-absorb', 'lending-buy-collateral'];

/** Whether an event kind is the lending pool's. */
export function isLendingEvent(kind: number): boolean {
  return kind >= LENDING_EVENT_BASE && kind < LENDING_EVENT_BASE + NAMES.length;
}

/** The events table's `action` of a lending event kind. */
export function lendingEventAction(kind: number): string {
  return NAMES[kind - LENDING_EVENT_BASE] ?? `lending-${kind}`;
}
