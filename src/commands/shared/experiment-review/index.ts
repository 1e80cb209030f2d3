/**
 * Experiment review shared by the commands: raw rows → sufficient statistics in SQL
 * (`sufficientStatsSql`) → `analyzeExperiment` → `decide`, as one readout per experiment with a
 * next test, and the stage helper the monitoring commands plug in.
 */
export {
  sufficientStatsSql,
  multipleExposuresSql,
  STAT_COLUMNS,
  type SufficientStatsMetric,
  type SufficientStatsSqlOptions,
} from './sufficient-stats-sql.ts';
export { analyzeReadout } from './analyze-readout.ts';
export { readoutInputFromRows, type StatsRow, type ReadoutMetricOptions } from './readout-from-rows.ts';
export {
  toReadoutResult,
  type ReadoutResult,
  type ReadoutMetric,
  type ReadoutVariant,
} from './readout-result.ts';
export {
  reviewExperiment,
  nextTestFor,
  type ExperimentDefinition,
  type ExperimentReadout,
} from './review-experiment.ts';
export { reviewExperiments, type ExperimentData, type ExperimentReview } from './experiment-review-stage.ts';
export {
  checkAskedExperiments,
  refuseUnknownExperiments,
  workspaceExperimentIds,
} from './asked-experiments.ts';
export {
  CONTROL_NAMES,
  defaultControl,
  type ControlChoice,
} from '../../../analyses/experiments/default-control.ts';
