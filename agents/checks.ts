// Scenario checks for agents that need other sections: the AMM pool for swaps, no built-in arbitrage beside an arbitrageur.
import { InputError } from '../sim/errors.js';
import type { Scenario } from '../sim/scenario.js';

/** Agent kinds that trade on the AMM pool. */
const POOL_AGENTS = ['arbitrageurs', 'oracle-manipulator', 'flash-loan-attacker'];

/** Throws an InputError naming the agent's path when the scenario lacks what it needs. */
export function checkAgents(s: Scenario, file: string): void {
  s.agents.forEach((a, i) => {
    if (!POOL_AGENTS.includes(a.kind)) return;
    if (a.kind === 'oracle-manipulator' && (a as { pumpUsd?: number }).pumpUsd === 0) return; // trades against the oracle only
    if (s.amm === undefined) {
      throw new InputError({ code: 'scenario.invalid', file, path: `agents[${i}]`, message: `agent kind '${a.kind}' trades on the AMM pool; add an 'amm' section` });
    }
    if (a.kind === 'arbitrageurs' && s.amm.arbitrage > 0) {
      throw new InputError({
        code: 'scenario.invalid',
        file,
        path: 'amm.arbitrage',
        message: `the 'arbitrageurs' agent (agents[${i}]) replaces the pool's built-in arbitrage: set 'amm.arbitrage: 0'`,
      });
    }
  });
  if (s.venue.marginPrice === 'pool' && s.amm === undefined) {
    throw new InputError({ code: 'scenario.invalid', file, path: 'venue.marginPrice', message: "'pool' reads the AMM pool's spot; add an 'amm' section" });
  }
}
