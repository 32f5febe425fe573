// Oracle models: what price the venue's index sees each step (spot, push, pull, twap, or the median of several).
import { z } from 'zod';
import { MedianOracle } from './oracles/median.js';
import { PullOracle, PullOracleSchema } from './oracles/pull.js';
import { PushOracle, PushOracleSchema } from './oracles/push.js';
import { OracleSource, sourceFields, type OracleEnv, type OracleSourceView } from './oracles/source.js';
import { SpotOracle, SpotOracleSchema } from './oracles/spot.js';
import { TwapOracle, TwapOracleSchema } from './oracles/twap.js';

export type { OracleEnv, OracleSourceView } from './oracles/source.js';

/** One source of a median: any kind but another median. */
export const OracleSourceSchema = z.discriminatedUnion('kind', [SpotOracleSchema, PushOracleSchema, PullOracleSchema, TwapOracleSchema]);
export type OracleSourceConfig = z.infer<typeof OracleSourceSchema>;

export const MedianOracleSchema = z
  .object({
    kind: z.literal('median'),
    name: sourceFields.name,
    outages: sourceFields.outages,
    /** The sources, each named by `name` or else by `kind` (names must differ). */
    sources: z.array(OracleSourceSchema).min(1),
  })
  .strict()
  .superRefine((v, ctx) => {
    const seen = new Set<string>();
    v.sources.forEach((s, i) => {
      const n = s.name ?? s.kind;
      if (seen.has(n)) ctx.addIssue({ code: 'custom', path: ['sources', i, 'name'], message: `duplicate source name '${n}'; give one of them a distinct 'name'` });
      seen.add(n);
    });
  });

export const OracleSchema = z
  .discriminatedUnion('kind', [SpotOracleSchema, PushOracleSchema, PullOracleSchema, TwapOracleSchema, MedianOracleSchema])
  .default({ kind: 'spot', latencySteps: 0 });
export type OracleConfig = z.infer<typeof OracleSchema>;

/** Oracle answer at step t given the recorded spot series (the answer for step t may use spot[0..t]): the spot kind. */
export function oracleAnswer(cfg: { latencySteps: number }, spot: Float64Array, t: number): number {
  const s = t - cfg.latencySteps;
  return spot[s < 0 ? 0 : s];
}

function createSource(cfg: OracleSourceConfig, env: OracleEnv): OracleSource {
  const name = cfg.name ?? cfg.kind;
  switch (cfg.kind) {
    case 'spot':
      return new SpotOracle(cfg, name, env);
    case 'push':
      return new PushOracle(cfg, name, env);
    case 'pull':
      return new PullOracle(cfg, name, env);
    case 'twap':
      return new TwapOracle(cfg, name, env);
  }
}

/**
 * The scenario's oracle: one source, or a median of several. `price` is the feed's answer before policies validate
 * it; `changedStep` the last step that answer changed.
 */
export class OracleFeed {
  readonly root: OracleSource;
  /** The sources policies see: the median's components, or the single source. */
  readonly sources: readonly OracleSourceView[];
  changedStep = 0;

  constructor(cfg: OracleConfig, env: OracleEnv) {
    if (cfg.kind === 'median') {
      const parts = cfg.sources.map((s) => createSource(s, env));
      this.root = new MedianOracle(parts, cfg.name ?? 'median', cfg.outages, env);
      this.sources = parts;
    } else {
      this.root = createSource(cfg, env);
      this.sources = [this.root];
    }
  }

  /** Updates the sources for step t. */
  step(t: number): void {
    const before = this.root.price;
    this.root.step(t);
    if (this.root.price !== before) this.changedStep = t;
  }

  get price(): number {
    return this.root.price;
  }

  get confidence(): number {
    return this.root.confidence;
  }
}
