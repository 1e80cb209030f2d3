/**
 * Experiment statistics engine: pure functions over per-arm sufficient statistics.
 *
 * - `analyzeExperiment` + `decide`: the whole readout (what commands use);
 * - `effectMoments`, `welchTTest`, `sequentialTest`, `bayesianEffect`, `betaBinomialEffect` (an
 *   arm at 0 % or 100 %): one comparison;
 * - health: `sampleRatioMismatch`, `multipleExposureCheck`, `minimumDataCheck`;
 * - multiple testing: `holmBonferroni`, `benjaminiHochberg`, `widenedInterval`;
 * - planning: `power`, `minimumDetectableEffect`, `requiredSampleSize`.
 */
export type {
  Alternative,
  ArmData,
  BayesianResult,
  CupedArm,
  DifferenceType,
  EffectMoments,
  EffectMomentsResult,
  GaussianPrior,
  MeanArm,
  Method,
  ProportionArm,
  RatioArm,
  TestResult,
} from './types.ts';
export { effectMoments, welchDof } from './effect-moments.ts';
export { cupedTheta } from './cuped-theta.ts';
export { welchTTest } from './welch-t-test.ts';
export { DEFAULT_SEQUENTIAL_TUNING, sequentialTest } from './sequential-test.ts';
export { bayesianEffect } from './bayesian-effect.ts';
export { betaBinomialEffect, needsBetaPosterior } from './beta-binomial-effect.ts';
export {
  DEFAULT_SRM_THRESHOLD,
  sampleRatioMismatch,
  type SampleRatioMismatch,
} from './sample-ratio-mismatch.ts';
export { multipleExposureCheck, type MultipleExposureCheck } from './multiple-exposure-check.ts';
export { minimumDataCheck, type MinimumDataCheck } from './minimum-data-check.ts';
export { holmBonferroni } from './holm-bonferroni.ts';
export { benjaminiHochberg } from './benjamini-hochberg.ts';
export { widenedInterval } from './widened-interval.ts';
export { power, type PowerPlan } from './power.ts';
export { minimumDetectableEffect } from './minimum-detectable-effect.ts';
export { requiredSampleSize, type RequiredSampleSize } from './required-sample-size.ts';
export {
  analyzeExperiment,
  DEFAULT_ANALYSIS_SETTINGS,
  type AnalysisSettings,
  type Correction,
  type CorrectionFamily,
  type ExperimentAnalysis,
  type ExperimentHealth,
  type ExperimentInput,
  type ExperimentMetric,
  type ExperimentVariant,
  type MetricAnalysis,
  type VariantComparison,
} from './analyze-experiment.ts';
export {
  decide,
  DEFAULT_DECISION_POLICY,
  formatEffect,
  type Action,
  type Decision,
  type DecisionPolicy,
  type VariantDecision,
  type Verdict,
} from './decide.ts';
