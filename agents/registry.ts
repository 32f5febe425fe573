// Registry of built-in agent kinds; scenario files pick them by `kind`.
import { z } from 'zod';
import type { AgentKind } from '../sim/types.js';
import { leveragedTraders } from './leveraged-traders.js';
import { liquidator } from './liquidator.js';
import { borrowers } from './borrowers.js';
import { lendingLiquidator } from './lending-liquidator.js';
import { noiseTraders } from './noise-traders.js';
import { momentumTraders } from './momentum-traders.js';
import { leveragedWhales } from './leveraged-whales.js';
import { marketMakers } from './market-makers.js';
import { arbitrageurs } from './arbitrageurs.js';
import { liquidatorBots } from './liquidator-bots.js';
import { toxicTraders } from './toxic-traders.js';
import { oracleManipulator } from './oracle-manipulator.js';
import { flashLoanAttacker } from './flash-loan-attacker.js';

import { optionBuyers } from './option-buyers.js';
import { optionWriters } from './option-writers.js';
import { volWhale } from './vol-whale.js';
import { crossTraders } from './cross-traders.js';

export const AGENT_KINDS: readonly AgentKind<any>[] = [leveragedTraders, liquidator, borrowers, lendingLiquidator, optionWriters, optionBuyers, volWhale, crossTraders, noiseTraders, momentumTraders, leveragedWhales, marketMakers, arbitrageurs, liquidatorBots, toxicTraders, oracleManipulator, flashLoanAttacker];

export function agentKind(kind: string): AgentKind<any> | undefined {
  return AGENT_KINDS.find((k) => k.kind === kind);
}

/** Zod schema of one entry of a scenario's `agents` list. */
export function agentSchema(): z.ZodType<{ kind: string; name?: string }> {
  const schemas = AGENT_KINDS.map((k) => k.params) as [z.ZodObject<any>, ...z.ZodObject<any>[]];
  return z.discriminatedUnion('kind', schemas) as any;
}
