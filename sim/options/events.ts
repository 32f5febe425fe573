// Kinds of options entries in the run's event log (EventLog.kind; the perp's kinds are 0-5, EVENT_* in sim/perp.ts).

/** Options kinds start here (kinds below are the perp's). */
export const OPTION_EVENT_BASE = 16;

/** An options account liquidated by the margin pass (every position closed). */
export const EVENT_OPTION_LIQUIDATION = 16;
/** A policy closed part of an options account (greeks-limits). */
export const EVENT_OPTION_REDUCE = 17;
/** An account left with negative cash after its series settled at expiry: bad debt. */
export const EVENT_OPTION_EXPIRY = 18;

const NAMES = ['option-liquidate', 'option-reduce', 'option-expiry-bad-debt'];

/** The events table's `action` of an options event kind. */
export function optionEventAction(kind: number): string {
  return NAMES[kind - OPTION_EVENT_BASE] ?? `option-${kind}`;
}
