// Registry of built-in defense policies, and the rules for naming and composing them into a policy stack.
import { z } from 'zod';
import type { PolicyKind } from '../types.js';
import { ModuleDefenseParams } from '../plugins.js';
import { volBreaker } from './vol-breaker.js';
import { lendingCloseFactor, lendingSentinel } from '../lending/policies.js';
import { crossEwmaMargin, dynamicHaircuts, portfolioMargin } from '../cross/policies.js';
import { greeksLimits } from './greeks-limits.js';
import { writerDeltaHedge } from './writer-delta-hedge.js';
import { priceBand } from './price-band.js';
import { moveLimit } from './move-limit.js';
import { divergencePause } from './divergence-pause.js';
import { ewmaMargin } from './ewma-margin.js';
import { oiImfPolicy } from './oi-imf.js';
import { marginTiers } from './margin-tiers.js';
import { jumpBufferPolicy } from './jump-buffer.js';
import { oracleGuard } from './oracle-guard.js';
import { anchorBand } from './anchor-band.js';
import { medianSources } from './median-sources.js';
import { sequencerGrace } from './sequencer-grace.js';
import { partialLiquidation } from './partial-liquidation.js';
import { dynamicBounty } from './dynamic-bounty.js';
import { dutchAuction } from './dutch-auction.js';
import { liquidationCap } from './liquidation-cap.js';
import { backstopVault } from './backstop-vault.js';
import { adl } from './adl.js';
import { oiCap } from './oi-cap.js';
import { expansionLimit } from './expansion-limit.js';
import { collateralHaircut } from './collateral-haircut.js';
import { treasuryHedge } from './treasury-hedge.js';
import { predictiveDeleverage } from './predictive-deleverage.js';

/** Built-in policy kinds. A user's module plugs in with the same shape. */
export const POLICY_KINDS: readonly PolicyKind<any>[] = [
  volBreaker,
  // circuit breakers
  priceBand,
  moveLimit,
  divergencePause,
  // dynamic margin
  ewmaMargin,
  oiImfPolicy,
  marginTiers,
  jumpBufferPolicy,
  // oracle validation
  oracleGuard,
  anchorBand,
  medianSources,
  sequencerGrace,
  // liquidation shaping
  partialLiquidation,
  dynamicBounty,
  dutchAuction,
  liquidationCap,
  // backstops
  backstopVault,
  adl,
  // exposure controls
  oiCap,
  expansionLimit,
  collateralHaircut,
  treasuryHedge,
  // predictive
  predictiveDeleverage,
  // options venue (sim/options/)
  greeksLimits,
  writerDeltaHedge,
  // lending pool (sim/lending/policies.ts)
  lendingSentinel,
  lendingCloseFactor,
  // cross-margin venue (sim/cross/policies.ts)
  portfolioMargin,
  dynamicHaircuts,
  crossEwmaMargin,
];

export function policyKind(kind: string): PolicyKind<any> | undefined {
  return POLICY_KINDS.find((k) => k.kind === kind);
}

/** Zod schema of one entry of a scenario's `defenses` list: a built-in kind, or a plug-in `module` (sim/plugins.ts). */
export function defenseSchema(): z.ZodType<{ kind: string; name?: string }> {
  const schemas = [...POLICY_KINDS.map((k) => k.params), ModuleDefenseParams] as unknown as [z.ZodObject<any>, ...z.ZodObject<any>[]];
  return z.discriminatedUnion('kind', schemas) as any;
}
