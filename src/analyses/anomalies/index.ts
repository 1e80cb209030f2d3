/**
 * Anomaly detectors for the monitoring commands: pure functions over daily KPI series, source
 * freshness and exposure counts. Every anomaly carries its evidence (value, expected, score,
 * threshold, detector, window) and a suggested playbook.
 *
 * - decomposition: `stl` (Cleveland et al. 1990, as R's `stats::stl`);
 * - KPI series: `seasonalHybridEsd` (Twitter's S-H-ESD), `sameWeekdayZScore`, `trailingRobustZScore`,
 *   `departureEpisodes` (the run of days a KPI stays away from its recent level), `levelShift` (a
 *   step the KPI holds), and `detectDailyKpiAnomalies`, which keeps the days two of the first three
 *   flag, the episodes' days and the shifts' onsets;
 * - operations: `dataFreshness` (SLA per source), `volumeDrop`, `variantSuppression` (share below
 *   plan, stalled variants);
 * - plumbing: `aggregateDaily`, `combineAnomalies`, `generalizedEsd`, `toEpochMs`.
 */
export type {
  Anomaly,
  AnomalyEvidence,
  DetectorName,
  Direction,
  SeriesArrays,
  SeriesInput,
  SeriesPoint,
  TimeInput,
  ZScorePoint,
  ZScoreResult,
} from './types.ts';
export { AnomalyInputError } from './anomaly-input-error.ts';
export { stl, type StlDecomposition, type StlOptions } from './stl.ts';
export {
  generalizedEsd,
  esdCriticalValue,
  MAD_SCALE,
  type EsdStep,
  type GeneralizedEsdOptions,
  type GeneralizedEsdResult,
} from './generalized-esd.ts';
export {
  seasonalHybridEsd,
  type SeasonalHybridEsdOptions,
  type SeasonalHybridEsdResult,
  type SeasonalHybridEsdWindow,
} from './seasonal-hybrid-esd.ts';
export { sameWeekdayZScore, type SameWeekdayZScoreOptions } from './same-weekday-z-score.ts';
export { trailingRobustZScore, type TrailingRobustZScoreOptions } from './trailing-robust-z-score.ts';
export {
  departureEpisodes,
  type DepartureEpisode,
  type DepartureEpisodesOptions,
  type DepartureEpisodesResult,
} from './departure-episodes.ts';
export {
  levelShift,
  type LevelShiftOptions,
  type LevelShiftPoint,
  type LevelShiftResult,
} from './level-shift.ts';
export {
  DAILY_KPI_DEFAULTS,
  detectDailyKpiAnomalies,
  type DailyKpiOptions,
  type DailyKpiResult,
} from './detect-daily-kpi-anomalies.ts';
export {
  dataFreshness,
  type DataFreshnessOptions,
  type FreshnessCheck,
  type FreshnessSla,
} from './data-freshness.ts';
export { volumeDrop, type VolumeCheck, type VolumeDropOptions } from './volume-drop.ts';
export {
  variantSuppression,
  type VariantCheck,
  type VariantExposure,
  type VariantPlan,
  type VariantSuppressionOptions,
} from './variant-suppression.ts';
export { combineAnomalies, type CombineAnomaliesOptions, type CombinedAnomaly } from './combine-anomalies.ts';
export { aggregateDaily, type AggregateDailyOptions, type DailySeries } from './aggregate-daily.ts';
export { robustScale, type RobustScale } from './robust-scale.ts';
export { median } from './median.ts';
export { PLAYBOOKS, playbookFor } from './playbooks.ts';
export { toEpochMs, formatTime, DAY_MS } from './to-epoch-ms.ts';
