// The statistics of sweep results, one function per file.
export { bootstrapMeanCI, type BootstrapOptions } from './bootstrap-mean-ci.js';
export { entropicValueAtRisk } from './entropic-value-at-risk.js';
export { expectedShortfall } from './expected-shortfall.js';
export { perpUsed, totalLiquidatedNotional, totalLiquidationSlippage, type LiquidationInput, type PerpActivityInput } from './liquidations.js';
export { mean } from './mean.js';
export { median } from './median.js';
export { pairedDifferences } from './paired-differences.js';
export { fundLoss, lendingLoss, lendingUncovered, protocolLoss, sumVenues, totalBadDebt, totalUncoveredBadDebt, venueLosses, VENUES, type BadDebtInput, type ProtocolLossInput, type Venue } from './protocol-loss.js';
export { quantile } from './quantile.js';
export { sharePositive } from './share-positive.js';
export { valueAtRisk } from './value-at-risk.js';
