// The library API of bulwark (`import { runScenario, loadResults, ... } from 'bulwark'`): everything the CLI does,
// as functions. Heavy optional parts (vega for reports, the Parquet writer) load on first use.

// scenarios
export { loadScenario, parseScenario, scenarioSchema, scenarioHash, canonicalJson, type Scenario, type LoadedScenario } from './scenario.js';
export { jsonSchema, SCHEMA_KINDS, type SchemaKind } from './json-schema.js';
// runs
export { runScenario, createWorld, runWorld, summarize, type RunResult, type RunSummary, type RunOptions } from './run.js';
export { resolvePolicy, defenseName } from './policy-stack.js';
export { POLICY_KINDS } from './policies/registry.js';
export { AGENT_KINDS } from '../agents/registry.js';
export { SERIES_COLUMNS, type SeriesColumn } from './series.js';
// options venue (docs/options.md)
export { bsmPrice, bsmGreeks, black76Price, black76Greeks, normCdf, normPdf, erf, erfc, greeks, type Greeks } from './options/black-scholes.js';
export { OptionsVenue, OptionAccounts, OptionsLedger } from './options/venue.js';
export type { OptionsView, OptionsBook, OptionsControl, OptionAccountsView } from './options/view.js';
// cross-margin venue (docs/cross-margin.md)
export { CrossVenue, CrossLedger, type CrossView, type CrossBook, type CrossPlan, type CrossStats } from './cross/venue.js';
export { CrossSchema, type CrossConfig } from './cross/config.js';
export { standardRequirement, portfolioRequirement, crossLiquidationPrice } from './cross/math.js';
// sweeps
export { loadSweep, sweepSchema, runSeeds, runAt, type SweepPlan, type SweepPoint } from './sweep.js';
export { runSweep, type RunSweepOptions, type SweepRunResult } from './run-sweep.js';
export { loadResultSet, loadResultSets, pointLabel, type ResultSet, type Group } from '../reports/results-set.js';
export { buildComparison } from '../reports/compare.js';
export { recommend, parseBudget, type Recommendation, type RecommendOptions } from '../reports/recommend.js';
export { recommendationMarkdown } from '../reports/recommend-format.js';
export * as stats from '../reports/stats/index.js';
// errors
export { InputError, formatError, toErrorData, EXIT_INPUT, EXIT_INTERNAL, type ErrorData } from './errors.js';
// results
export { writeResults, runsTable, stepsTable, eventsTable, bulwarkVersion, RESULT_FILES, SCHEMA_VERSION, type ResultsMeta } from '../reports/arrow.js';
export { writeResultsAs, RESULT_FORMATS, type ResultFormat } from '../reports/results-format.js';
export { loadResults, loadTable, rowsOf, type LoadedResults, type LoadedTable } from '../reports/load.js';
// reports
export { buildReport, type Report, type ReportOptions } from '../reports/report/build.js';
export { comparisonTable } from '../reports/table.js';
