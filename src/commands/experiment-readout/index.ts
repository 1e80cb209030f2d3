/**
 * `gtm experiment-readout`: read per-arm sufficient statistics (JSON or CSV), analyse them with
 * the experiment statistics engine, and report results with a recommendation.
 */
export { runExperimentReadout, type ExperimentReadoutOptions } from './run-experiment-readout.ts';
export { formatReadoutTable } from './format-readout-table.ts';
export type {
  ReadoutMetric,
  ReadoutResult,
  ReadoutVariant,
} from '../shared/experiment-review/readout-result.ts';
export {
  sufficientStatsSql,
  type SufficientStatsMetric,
  type SufficientStatsSqlOptions,
} from '../shared/experiment-review/sufficient-stats-sql.ts';
export { runRawReadout, parseMetricSpecs, type RawReadoutOptions } from './run-raw-readout.ts';
