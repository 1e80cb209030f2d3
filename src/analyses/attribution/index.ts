/**
 * Multi-touch attribution over aggregated customer journeys (`PathRecord`s). Pure: plain data in,
 * plain data out. Every model's credit sums to the total conversions and value; journeys left with
 * no touch after filtering go to `(unmatched)`.
 *
 * Models (`MODEL_NAMES`; aliases multi-touch → linear, u-shaped → position-based, z-shaped → full-path):
 * - first-touch, last-touch; last-non-direct (direct channels configurable, case-insensitive,
 *   default `direct`; an all-direct journey credits its last touch);
 * - linear: per occurrence (a channel seen twice in four touches gets 2/4);
 * - time-decay: 2^(−age/halfLife) from convertedAt (default 7 days); without timestamps, recency in
 *   steps (default: each step back halves the weight);
 * - position-based 40/20/40, j-shaped 20/20/60, inverse-j 60/20/20, custom (first/middle/last or a
 *   per-touch array): one touch 100%, two touches first:last in proportion;
 * - w-shaped 30/30/30 + 10, full-path 22.5×4 + 10 on first/lead/opportunity(/closed-won) touches:
 *   coinciding milestones add up, missing ones are redistributed over the present ones;
 * - markov: ChannelAttribution's markov_model (order k, repeats collapsed, nulls to (null)) with
 *   removal effects solved exactly; value through the value-per-conversion chain as the package does;
 * - shapley: exact Shapley values per converting channel set on observed conversion rates, O(n·2^n);
 * - fractribution: google/fractribution's leave-one-out model, its path transforms included.
 * Uncertainty: seeded Poisson bootstrap with percentile intervals (`bootstrap`, `seed`).
 *
 * Input: `PathRecord`s, or `PathColumns` (channel codes in one typed array — 1, 2 or 4 bytes a
 * code — with row offsets, counts in Float64Arrays) as `parsePathColumns` reads them from bytes and
 * the engine returns them, which large inputs should use: no object or string per path. For models
 * whose result is a sum over paths (rule models, Markov, Shapley; no bootstrap, per-path credit or
 * path options: `pathStreamBlocker`), `PathStream` takes distinct paths one at a time and keeps
 * only the model's sums, so memory does not grow with the number of paths.
 */
export { attribute, attributeAsync, UNMATCHED_CHANNEL } from './attribute.ts';
export type { Pause } from './bootstrap-credit.ts';
export { AttributionInputError } from './attribution-input-error.ts';
export {
  compareModels,
  compareModelsAsync,
  type ChannelSpread,
  type CompareResult,
} from './compare-models.ts';
export { createRng, type Rng } from './create-rng.ts';
export { DEFAULT_DIRECT_CHANNELS } from './direct-channels.ts';
export { DEFAULT_PATH_SEPARATOR, formatPath } from './format-path.ts';
export {
  MODEL_ALIASES,
  MODEL_NAMES,
  resolveModelName,
  type ModelName,
  type RuleModelName,
} from './model-names.ts';
export { parsePathColumns } from './parse-path-columns.ts';
export { PathColumnsParser, type ParsedPathColumns } from './path-columns-parser.ts';
export {
  parsePathSummary,
  type ParsedPathSummary,
  type ParsePathSummaryOptions,
  type PathSummaryColumns,
  type PathSummaryFormat,
} from './parse-path-summary.ts';
export { PathStream, pathStreamBlocker } from './path-stream.ts';
export { isPathColumns, preparePaths, type PreparedPaths } from './prepare-paths.ts';
export { recordsFromColumns } from './records-from-columns.ts';
export { samplePoisson } from './sample-poisson.ts';
export { touchWeights } from './touch-weights.ts';
export type {
  AttributionOptions,
  AttributionResult,
  AttributionTotals,
  ChannelCredit,
  CodeArray,
  MarkovDetails,
  ModelOptions,
  PathColumns,
  PathCredit,
  PathOptions,
  PathRecord,
  PathTransform,
  PositionWeights,
  ShapleyDetails,
} from './types.ts';
