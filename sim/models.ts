// Market models in a run (docs/models.md): scenario cross-checks, and building the pool, oracle feed, network, thinning.
import { AmmPool, createPool } from './amm.js';
import { InputError } from './errors.js';
import { Thinning } from './liquidity.js';
import { assetsOf, type Market } from './market.js';
import { Network } from './network.js';
import { OracleFeed, type OracleSourceConfig } from './oracle.js';
import { garchParams } from './processes/garch.js';
import type { Streams } from './rng.js';
import type { Scenario } from './scenario.js';
import { resolveStep } from './steps.js';

export { AmmSchema, type AmmPool } from './amm.js';
export type { Thinning } from './liquidity.js';
export { NetworkSchema, type Network } from './network.js';
export type { OracleFeed, OracleSourceView } from './oracle.js';

type Locate = (p: readonly PropertyKey[]) => string | undefined;

/** Checks that need more than one section of the scenario (asset names, the pool, the run's length and step size). */
export function checkModels(s: Scenario, file: string, locate?: Locate): void {
  const fail = (p: (string | number)[], message: string): never => {
    const location = locate?.(p);
    throw new InputError({ code: 'scenario.invalid', file, path: p.map((k, i) => (typeof k === 'number' ? `[${k}]` : i === 0 ? k : `.${k}`)).join(''), ...(location ? { location } : {}), message });
  };
  const assets = assetsOf(s.market);
  const names = assets.map((a) => a.name);
  const asset = (name: string | undefined, p: (string | number)[]) => {
    if (name !== undefined && !names.includes(name)) fail(p, `no asset named '${name}'; expected one of: ${names.join(', ')}`);
  };
  const range = (r: { from: number | string; to: number | string }, p: (string | number)[]) => {
    const a = resolveStep(r.from, s.steps);
    const b = resolveStep(r.to, s.steps);
    if (b < a) fail([...p, 'to'], `'to' (step ${b}) is before 'from' (step ${a})`);
  };
  assets.forEach((a, i) => {
    const p: (string | number)[] = s.market.assets ? ['market', 'assets', i, 'process'] : ['market', 'process'];
    const proc = a.process;
    if (proc.kind === 'bridge') {
      const at = resolveStep(proc.at, s.steps);
      if (at >= s.steps) fail([...p, 'at'], `the target step ${at} is not in the run (steps 0..${s.steps - 1})`);
    } else if (proc.kind === 'garch') {
      try {
        garchParams(proc, s.stepSeconds);
      } catch (e) {
        fail([...p, 'daily'], (e as Error).message);
      }
    }
  });
  if (s.amm) asset(s.amm.asset, ['amm', 'asset']);
  const th = s.venue.liquidity.thinning;
  if (th && th.referenceVol === undefined && !hasOwnVol(s.market.process)) {
    fail(['venue', 'liquidity', 'thinning'], `needs 'referenceVol': the venue asset's process (${s.market.process.kind}) has no volatility of its own to compare with`);
  }
  const source = (o: OracleSourceConfig, p: (string | number)[]) => {
    if (o.kind !== 'twap') asset(o.asset, [...p, 'asset']);
    else if (!s.amm) fail([...p, 'kind'], "a twap oracle reads an AMM pool: declare 'amm' in the scenario");
    o.outages?.forEach((r, k) => range(r, [...p, 'outages', k]));
  };
  const o = s.oracle;
  if (o.kind === 'median') {
    o.sources.forEach((src, i) => source(src, ['oracle', 'sources', i]));
    o.outages?.forEach((r, k) => range(r, ['oracle', 'outages', k]));
  } else source(o, ['oracle']);
  s.network?.congestion.forEach((c, i) => range(c, ['network', 'congestion', i]));
}

/** True when a process config implies a positive annualised volatility (the default reference of thinning). */
function hasOwnVol(p: Scenario['market']['process']): boolean {
  switch (p.kind) {
    case 'constant':
    case 'replay':
      return false;
    case 'gbm':
    case 'bridge':
      return p.sigma > 0;
    case 'merton':
      return p.sigma > 0 || (p.intensity > 0 && (p.jumpMean !== 0 || p.jumpStdev > 0));
    case 'regime':
      return p.regimes.some((r) => r.sigma > 0);
    case 'garch':
      return true;
  }
}

export interface Models {
  pool: AmmPool | null;
  network: Network | null;
  feed: OracleFeed;
  thinning: Thinning | null;
}

export interface ModelHost {
  readonly market: Market;
  readonly dt: number;
  /** The venue asset's recorded spot path (the series' spot column). */
  readonly venueSpot: Float64Array;
  /** The venue's depth after seeding (the base of thinning). */
  readonly baseDepth: number;
}

/** Builds the run's pool, network, oracle feed and liquidity thinning (null where the scenario has none). */
export function buildModels(s: Scenario, host: ModelHost, streams: Streams): Models {
  const m = host.market;
  const poolAsset = s.amm ? m.indexOf(s.amm.asset ?? m.venueIndex) : -1;
  const pool = s.amm ? createPool(s.amm, m.initialPrices[poolAsset], s.steps) : null;
  if (pool) pool.referenceAsset = poolAsset;
  const network = s.network ? new Network(s.network, s.steps, s.stepSeconds, streams.get('network')) : null;
  const feed = new OracleFeed(s.oracle, {
    steps: s.steps,
    dt: host.dt,
    assetIndex: (name) => (name === undefined ? m.venueIndex : m.indexOf(name)),
    initialPrice: (a) => m.initialPrices[a],
    pathOf: (a) => (a === m.venueIndex ? host.venueSpot : m.paths[a]!),
    pool,
    network,
    stream: (name) => streams.get(name),
  });
  let thinning: Thinning | null = null;
  const th = s.venue.liquidity.thinning;
  if (th) {
    const ref = th.referenceVol ?? m.venueProcess.annualVol;
    if (!(ref > 0 && Number.isFinite(ref))) {
      throw new InputError({
        code: 'scenario.invalid',
        path: 'venue.liquidity.thinning.referenceVol',
        message: `required here: the venue asset's process (${s.market.process.kind}) has no volatility of its own to compare with`,
      });
    }
    thinning = new Thinning(th, host.baseDepth, ref, host.dt);
  }
  return { pool, network, feed, thinning };
}
