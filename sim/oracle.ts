// Oracle models: what price the venue's index sees each step.
import { z } from 'zod';

export const OracleSchema = z
  .discriminatedUnion('kind', [
    z
      .object({
        kind: z.literal('spot'),
        /** Steps between the market and the oracle's answer (0 = the current spot). */
        latencySteps: z.number().int().min(0).default(0),
      })
      .strict(),
  ])
  .default({ kind: 'spot', latencySteps: 0 });
export type OracleConfig = z.infer<typeof OracleSchema>;

/** Oracle answer at step t given the recorded spot series (the answer for step t may use spot[0..t]). */
export function oracleAnswer(cfg: OracleConfig, spot: Float64Array, t: number): number {
  const s = t - cfg.latencySteps;
  return spot[s < 0 ? 0 : s];
}
