import {
  bootstrapCredit,
  bootstrapCreditAsync,
  type BootstrapIntervals,
  type Pause,
} from './bootstrap-credit.ts';
import { createModelRunner } from './create-model-runner.ts';
import { resolveModelName, type ModelName } from './model-names.ts';
import type { ModelRun, RowShares } from './model-run.ts';
import { preparePaths, type PreparedPaths } from './prepare-paths.ts';
import type {
  AttributionOptions,
  AttributionResult,
  ChannelCredit,
  PathColumns,
  PathCredit,
  PathRecord,
} from './types.ts';

/** Where credit goes that no channel can take (journeys left with no touch; fractribution's Unmatched_Channel). */
export const UNMATCHED_CHANNEL = '(unmatched)';

/** Whether the input is already prepared (so several models can share one preparation). */
export const isPreparedPaths = (x: readonly PathRecord[] | PathColumns | PreparedPaths): x is PreparedPaths =>
  !Array.isArray(x) && typeof (x as PreparedPaths).rowCount === 'number';

/**
 * Attributes conversions and value to channels with one model. Credit sums to the total
 * conversions and value of the (filtered) journeys; journeys left with no touch are credited to
 * `(unmatched)`. Takes path records, path columns (`parsePathColumns`), or prepared paths
 * (`preparePaths`) to run several models on one preparation — the path options are then ignored here.
 *
 * @example
 * const result = attribute(
 *   [
 *     { path: ['email', 'search'], conversions: 3, value: 300, nulls: 10 },
 *     { path: ['search'], conversions: 1, value: 80, nulls: 20 },
 *   ],
 *   'position-based',
 * );
 * result.channels; // [{ channel: 'search', conversions: 2.5, value: 230 }, { channel: 'email', … }]
 */
export function attribute(
  input: readonly PathRecord[] | PathColumns | PreparedPaths,
  model: string,
  options: AttributionOptions = {},
): AttributionResult {
  const name = resolveModelName(model);
  if (name === 'compare') throw new Error('attribute runs one model; use compareModels for "compare"');
  const prep = isPreparedPaths(input) ? input : preparePaths(input, options);
  return attributePrepared(prep, name, options);
}

/**
 * `attribute` for long runs in a program that must stay responsive (a server): the bootstrap's
 * resamples await `pause` (`slicedPause`) between them, so the event loop gets its turn every
 * slice and `pause` can stop the run by throwing. The same result as `attribute`, to the last bit.
 *
 * @example
 * // a pause that gives the event loop a turn after every resample
 * const result = await attributeAsync(records, 'shapley', { bootstrap: 20_000 }, () =>
 *   new Promise((resolve) => setImmediate(resolve)));
 */
export async function attributeAsync(
  input: readonly PathRecord[] | PathColumns | PreparedPaths,
  model: string,
  options: AttributionOptions,
  pause: Pause,
): Promise<AttributionResult> {
  const name = resolveModelName(model);
  if (name === 'compare') throw new Error('attribute runs one model; use compareModels for "compare"');
  const prep = isPreparedPaths(input) ? input : preparePaths(input, options);
  const runner = createModelRunner(prep, name, options);
  const weights = { conversions: prep.conversions, value: prep.value, nulls: prep.nulls };
  const run = runner(weights, options.perPath ?? false, true);
  const resamples = options.bootstrap ?? 0;
  await pause();
  const intervals =
    resamples > 0
      ? await bootstrapCreditAsync(weights, runner, prep.channels.length, bootstrapOf(options), pause)
      : undefined;
  return resultOf(prep, name, options, run, intervals);
}

function attributePrepared(
  prep: PreparedPaths,
  model: ModelName,
  options: AttributionOptions,
): AttributionResult {
  const runner = createModelRunner(prep, model, options);
  const weights = { conversions: prep.conversions, value: prep.value, nulls: prep.nulls };
  const run = runner(weights, options.perPath ?? false, true);
  const resamples = options.bootstrap ?? 0;
  const intervals =
    resamples > 0 ? bootstrapCredit(weights, runner, prep.channels.length, bootstrapOf(options)) : undefined;
  return resultOf(prep, model, options, run, intervals);
}

const bootstrapOf = (options: AttributionOptions) => ({
  resamples: options.bootstrap ?? 0,
  seed: options.seed ?? 1,
  level: options.ciLevel ?? 0.95,
});

/** The result of one model's run on the prepared paths, with the bootstrap's intervals if any. */
function resultOf(
  prep: PreparedPaths,
  model: ModelName,
  options: AttributionOptions,
  run: ModelRun,
  intervals: BootstrapIntervals | undefined,
): AttributionResult {
  const result: AttributionResult = {
    model,
    channels: channelCredits(prep.channels, run, intervals),
    totals: totalsOf(prep),
  };
  if (options.perPath) result.perPath = pathCredits(prep, run.shares!);
  if (run.markov) result.markov = run.markov;
  if (run.shapley) result.shapley = run.shapley;
  if (intervals) result.bootstrap = bootstrapOf(options);
  return result;
}

/** Credit per channel from one run (the unmatched channel last when it has any), largest first. */
export function channelCredits(
  channels: readonly string[],
  run: ModelRun,
  ci?: BootstrapIntervals,
): ChannelCredit[] {
  const out: ChannelCredit[] = channels.map((channel, ch) => {
    const c: ChannelCredit = { channel, conversions: run.conversions[ch], value: run.value[ch] };
    if (ci) {
      c.conversionsCI = ci.conversions[ch];
      c.valueCI = ci.value[ch];
    }
    return c;
  });
  const u = run.unmatched;
  if (u && (u.conversions !== 0 || u.value !== 0)) {
    const slot = channels.length;
    const c: ChannelCredit = { channel: UNMATCHED_CHANNEL, conversions: u.conversions, value: u.value };
    if (ci) {
      c.conversionsCI = ci.conversions[slot];
      c.valueCI = ci.value[slot];
    }
    out.push(c);
  }
  return out.sort((a, b) => b.conversions - a.conversions || (a.channel < b.channel ? -1 : 1));
}

function totalsOf(prep: PreparedPaths): AttributionResult['totals'] {
  let conversions = 0;
  let value = 0;
  let nulls = 0;
  const { conversions: c, value: v, nulls: n } = prep;
  for (let r = 0; r < prep.rowCount; r++) {
    conversions += c[r];
    value += v[r];
    nulls += n[r];
  }
  return {
    conversions,
    value,
    nulls,
    paths: prep.rowCount,
    distinctPaths: prep.sequences.count,
    dropped: { ...prep.dropped },
  };
}

function pathCredits(prep: PreparedPaths, shares: RowShares): PathCredit[] {
  const { starts, data } = prep.sequences;
  const out: PathCredit[] = [];
  for (let r = 0; r < prep.rowCount; r++) {
    const s = prep.rowSeq[r];
    const path: string[] = [];
    if (s >= 0) for (let k = starts[s]; k < starts[s + 1]; k++) path.push(prep.tokens[data[k]]);
    const credit: Record<string, number> = {};
    for (let k = shares.start[r]; k < shares.start[r + 1]; k++) {
      credit[prep.channels[shares.channel[k]]] = shares.share[k];
    }
    if (s < 0) credit[UNMATCHED_CHANNEL] = 1;
    out.push({
      path,
      conversions: prep.conversions[r],
      value: prep.value[r],
      nulls: prep.nulls[r],
      shares: credit,
    });
  }
  return out;
}
