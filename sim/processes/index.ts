// The price processes a scenario can name (`market.process`, `market.assets[i].process`) and their factory.
import { z } from 'zod';
import { Bridge, BridgeSchema } from './bridge.js';
import { Constant, ConstantSchema } from './constant.js';
import { Garch, GarchSchema } from './garch.js';
import { Gbm, GbmSchema } from './gbm.js';
import { Merton, MertonSchema } from './merton.js';
import { RegimeProcessSchema, RegimeSwitching } from './regime.js';
import { Replay, ReplaySchema } from './replay.js';
import type { PriceProcess, ProcessEnv } from './types.js';

export type { PriceProcess, ProcessEnv } from './types.js';

export const ProcessSchema = z.discriminatedUnion('kind', [GbmSchema, ConstantSchema, MertonSchema, GarchSchema, RegimeProcessSchema, BridgeSchema, ReplaySchema]);
export type ProcessConfig = z.infer<typeof ProcessSchema>;

/** Builds the process a config names. */
export function createProcess(cfg: ProcessConfig, env: ProcessEnv): PriceProcess {
  switch (cfg.kind) {
    case 'gbm':
      return new Gbm(cfg, env);
    case 'constant':
      return new Constant();
    case 'merton':
      return new Merton(cfg, env);
    case 'garch':
      return new Garch(cfg, env);
    case 'regime':
      return new RegimeSwitching(cfg, env);
    case 'bridge':
      return new Bridge(cfg, env);
    case 'replay':
      return new Replay(cfg, env);
  }
}
