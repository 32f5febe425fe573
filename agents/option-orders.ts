// What the options agents (option-writers, option-buyers, vol-whale) share: the venue they need, the series they may
// trade, and for the populations (writers, buyers) how they draw their orders: the starting book's accounts and each
// step's arrivals.
import { sample, type Distribution } from '../sim/distribution.js';
import { InputError } from '../sim/errors.js';
import type { Intents } from '../sim/intents.js';
import type { OptionsBook, OptionsView } from '../sim/options/view.js';
import type { Stream } from '../sim/rng.js';
import type { Agent, AgentEnv, Book, RunView } from '../sim/types.js';

/** The book's options venue; an input error naming the agent when the scenario has no `options:` section. */
export function needOptions(o: OptionsBook | undefined, agent: string, kind: string): OptionsBook {
  if (o === undefined) throw new InputError({ code: 'scenario.invalid', path: `agents.${agent}`, message: `${kind} ${kind.endsWith('s') ? 'need' : 'needs'} an 'options:' section` });
  return o;
}

/** Series indices an options agent may trade: the named ones, or all. */
export function pickSeries(o: OptionsView, names: readonly string[] | undefined, agent: string): Int32Array {
  const all = names ?? o.seriesNames;
  const set = new Int32Array(all.length);
  all.forEach((n, k) => {
    const j = o.seriesIndex(n);
    if (j < 0) throw new InputError({ code: 'scenario.invalid', path: `agents.${agent}.series`, message: `no option series named '${n}'; expected one of: ${o.seriesNames.join(', ')}` });
    set[k] = j;
  });
  return set;
}

/** Whether series j still trades at `step` (listed, and not expiring this step). */
export function isLive(o: OptionsView, j: number, step: number): boolean {
  return o.live[j] === 1 && o.expiry[j] > step;
}

/** A uniformly drawn live series from `set`, or -1. Always one draw. */
function drawLive(o: OptionsView, set: Int32Array, step: number, rng: Stream): number {
  const j = set[rng.int(set.length)];
  return isLive(o, j, step) ? j : -1;
}

/** For a population that draws nothing of its own per order. */
export const noDraws = (): null => null;

/** Arrivals of a population: a Poisson number of orders per step, each of `contracts`. */
interface Arrivals {
  perStep: number;
  contracts: Distribution;
}

/** A population of options accounts: a starting book and arrivals during the run, on the series it names. */
export interface PopulationSpec<A extends Arrivals, T, U> {
  /** The agent kind, for the error without `options:`. */
  kind: string;
  /** Names of the series it trades (default: every series). */
  series: readonly string[] | undefined;
  /** Accounts in the starting book, each on a series picked uniformly (expiring or not), with `contracts`. */
  count: number;
  contracts: Distribution;
  /** The agent's own draws for a starting account, after its series and contracts. */
  startDraws: (rng: Stream) => T;
  /** Opens a starting account with `c` contracts of series j. */
  seed(o: OptionsBook, book: Book, j: number, c: number, own: T): void;
  arrivals: A | undefined;
  /** The agent's own draws for an arrival, after its series and contracts. */
  arrivalDraws: (rng: Stream, a: A) => U;
  /** An arrival with `c` contracts of the live series j: pushes its order, or not. */
  arrive(o: OptionsView, view: RunView, out: Intents, a: A, j: number, c: number, own: U): void;
}

/**
 * `n` orders: each draws its series (`series`: an index, or -1 for none), then its contracts, then the agent's own
 * numbers (`own`), in that order whether or not the order goes ahead; `place` gets those with a series and a positive
 * number of contracts.
 */
function orders<T>(n: number, rng: Stream, series: () => number, contracts: Distribution, own: (rng: Stream) => T, place: (j: number, c: number, own: T) => void): void {
  for (let k = 0; k < n; k++) {
    const j = series();
    const c = sample(contracts, rng);
    const x = own(rng);
    if (j < 0 || !(c > 0)) continue;
    place(j, c, x);
  }
}

/**
 * The agent of an options population: `init` checks the venue, resolves the series and seeds the starting book;
 * each step `decide` draws the arrivals (Poisson with mean `perStep`, each on a uniformly drawn series of the
 * population's that is live, else none).
 */
export function optionPopulation<A extends Arrivals, T, U>(env: AgentEnv, spec: PopulationSpec<A, T, U>): Agent {
  let set: Int32Array = new Int32Array(0);
  return {
    name: env.name,
    init(book, rng) {
      const o = needOptions(book.options, env.name, spec.kind);
      set = pickSeries(o, spec.series, env.name);
      orders(spec.count, rng, () => set[rng.int(set.length)], spec.contracts, spec.startDraws, (j, c, x) => spec.seed(o, book, j, c, x));
    },
    decide(view, rng, out) {
      const a = spec.arrivals;
      const o = view.options;
      if (a === undefined || a.perStep === 0 || o === undefined) return;
      orders(rng.poisson(a.perStep), rng, () => drawLive(o, set, view.step, rng), a.contracts, (r) => spec.arrivalDraws(r, a), (j, c, x) => spec.arrive(o, view, out, a, j, c, x));
    },
  };
}
