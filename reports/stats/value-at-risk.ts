// Value at risk of losses at a level (e.g. 0.95): the level-quantile of the loss sample (quantile(), R-7).
import { quantile } from './quantile.js';

export function valueAtRisk(losses: Iterable<number>, level: number): number {
  return quantile(losses, level);
}
