// The step, as data: the phases in the order they run (documented in docs/architecture.md).
import type { Phase } from '../world.js';
import { marketPhase } from './market.js';
import { networkPhase } from './network.js';
import { oraclePhase } from './oracle.js';
import { defensesPhase } from './defenses.js';
import { agentsPhase } from './agents.js';
import { marginPhase } from './margin.js';
import { settlementPhase } from './settlement.js';
import { metricsPhase } from './metrics.js';
import { optionsMarginPhase, optionsPricePhase } from './options.js';

/** Order matters and is part of the model. */
export const PHASES: readonly Phase[] = [marketPhase, networkPhase, oraclePhase, optionsPricePhase, defensesPhase, agentsPhase, marginPhase, settlementPhase, optionsMarginPhase, metricsPhase];
