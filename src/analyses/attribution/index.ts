/**
 * Multi-touch attribution over aggregated customer journeys: rule-based models, Markov removal
 * effects, exact Shapley, fractribution's leave-one-out model, model comparison and a Poisson
 * bootstrap. Pure: plain data in, plain data out.
 */
export { attribute, UNMATCHED_CHANNEL } from './attribute.ts';
export { AttributionInputError } from './attribution-input-error.ts';
export { bootstrapCredit, type BootstrapOptions } from './bootstrap-credit.ts';
export { compareModels, type ChannelSpread, type CompareResult } from './compare-models.ts';
export { createRng, type Rng } from './create-rng.ts';
export { DEFAULT_PATH_SEPARATOR, formatPath } from './format-path.ts';
export {
  MODEL_ALIASES,
  MODEL_NAMES,
  resolveModelName,
  type ModelName,
  type RuleModelName,
} from './model-names.ts';
export {
  parsePathSummary,
  type ParsedPathSummary,
  type ParsePathSummaryOptions,
  type PathSummaryColumns,
  type PathSummaryFormat,
} from './parse-path-summary.ts';
export { preparePaths, type PreparedPaths } from './prepare-paths.ts';
export { samplePoisson } from './sample-poisson.ts';
export { touchWeights } from './touch-weights.ts';
export type {
  AttributionOptions,
  AttributionResult,
  AttributionTotals,
  ChannelCredit,
  MarkovDetails,
  ModelOptions,
  PathCredit,
  PathOptions,
  PathRecord,
  PathTransform,
  PositionWeights,
  ShapleyDetails,
} from './types.ts';
