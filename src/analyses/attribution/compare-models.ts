import { attribute, attributeAsync, isPreparedPaths } from './attribute.ts';
import { AttributionInputError } from './attribution-input-error.ts';
import type { Pause } from './bootstrap-credit.ts';
import { MODEL_NAMES, type ModelName } from './model-names.ts';
import { preparePaths, type PreparedPaths } from './prepare-paths.ts';
import type { AttributionOptions, AttributionResult, PathColumns, PathRecord } from './types.ts';

/** How far one channel's credit moves across models. */
export interface ChannelSpread {
  channel: string;
  conversions: { min: number; max: number; byModel: Partial<Record<ModelName, number>> };
  value: { min: number; max: number; byModel: Partial<Record<ModelName, number>> };
}

export interface CompareResult {
  models: ModelName[];
  /** Models left out, with the reason (e.g. custom without customWeights). */
  skipped: { model: ModelName; reason: string }[];
  channels: ChannelSpread[];
  results: AttributionResult[];
}

/**
 * Runs every model on one preparation of the paths and reports each channel's spread (min, max and
 * per-model credit). `custom` runs only when customWeights are given; a model that cannot run on
 * this data (e.g. exact Shapley beyond its channel limit) is listed in `skipped` with the reason.
 *
 * @example
 * const { channels } = compareModels(records);
 * channels[0]; // { channel: 'search', conversions: { min: 4.1, max: 7.9, byModel: { … } }, value: { … } }
 */
export function compareModels(
  input: readonly PathRecord[] | PathColumns | PreparedPaths,
  options: AttributionOptions = {},
  models: readonly ModelName[] = MODEL_NAMES,
): CompareResult {
  const prep: PreparedPaths = isPreparedPaths(input) ? input : preparePaths(input, options);
  const results: AttributionResult[] = [];
  const skipped: CompareResult['skipped'] = [];
  for (const model of models) {
    if (model === 'custom' && options.customWeights === undefined) {
      skipped.push({ model, reason: NO_CUSTOM_WEIGHTS });
      continue;
    }
    try {
      results.push(attribute(prep, model, options));
    } catch (err) {
      skipped.push(skippedOrThrow(model, err));
    }
  }
  return spreadOf(results, skipped);
}

/**
 * `compareModels` for a program that must stay responsive: each model's bootstrap awaits `pause`
 * between resamples (`attributeAsync`), and `pause` is awaited between models. The same result.
 */
export async function compareModelsAsync(
  input: readonly PathRecord[] | PathColumns | PreparedPaths,
  options: AttributionOptions,
  pause: Pause,
  models: readonly ModelName[] = MODEL_NAMES,
): Promise<CompareResult> {
  const prep: PreparedPaths = isPreparedPaths(input) ? input : preparePaths(input, options);
  const results: AttributionResult[] = [];
  const skipped: CompareResult['skipped'] = [];
  for (const model of models) {
    await pause();
    if (model === 'custom' && options.customWeights === undefined) {
      skipped.push({ model, reason: NO_CUSTOM_WEIGHTS });
      continue;
    }
    try {
      results.push(await attributeAsync(prep, model, options, pause));
    } catch (err) {
      skipped.push(skippedOrThrow(model, err));
    }
  }
  return spreadOf(results, skipped);
}

const NO_CUSTOM_WEIGHTS = 'no customWeights given';

/** A model left out for `err`, or `err` thrown again: only "too many channels for exact Shapley" is a property of the data rather than a mistake. */
function skippedOrThrow(model: ModelName, err: unknown): CompareResult['skipped'][number] {
  if (!(err instanceof AttributionInputError) || err.option !== 'maxShapleyChannels') throw err;
  return { model, reason: err.message };
}

/** Each channel's spread across the models' results. */
function spreadOf(results: AttributionResult[], skipped: CompareResult['skipped']): CompareResult {
  const spread = new Map<string, ChannelSpread>();
  for (const res of results) {
    for (const c of res.channels) {
      let s = spread.get(c.channel);
      if (!s) {
        s = {
          channel: c.channel,
          conversions: { min: Infinity, max: -Infinity, byModel: {} },
          value: { min: Infinity, max: -Infinity, byModel: {} },
        };
        spread.set(c.channel, s);
      }
      s.conversions.byModel[res.model] = c.conversions;
      s.value.byModel[res.model] = c.value;
    }
  }
  // A channel absent from a model's result got 0 from it.
  for (const s of spread.values()) {
    for (const res of results) {
      s.conversions.byModel[res.model] ??= 0;
      s.value.byModel[res.model] ??= 0;
      s.conversions.min = Math.min(s.conversions.min, s.conversions.byModel[res.model]!);
      s.conversions.max = Math.max(s.conversions.max, s.conversions.byModel[res.model]!);
      s.value.min = Math.min(s.value.min, s.value.byModel[res.model]!);
      s.value.max = Math.max(s.value.max, s.value.byModel[res.model]!);
    }
  }
  const channels = [...spread.values()].sort(
    (a, b) => b.conversions.max - a.conversions.max || (a.channel < b.channel ? -1 : 1),
  );
  return { models: results.map((r) => r.model), skipped, channels, results };
}
