import { AttributionInputError } from './attribution-input-error.ts';
import { createRng } from './create-rng.ts';
import type { ModelRunner } from './create-model-runner.ts';
import type { RowWeights } from './model-run.ts';
import { samplePoisson } from './sample-poisson.ts';

export interface BootstrapOptions {
  /** Number of resamples (default 200). */
  resamples?: number;
  /** Seed of the resampling (default 1). */
  seed?: number;
  /** Confidence level of the percentile intervals (default 0.95). */
  level?: number;
}

/** Percentile intervals per channel slot (the runner's channels, then one slot for unmatched credit). */
export interface BootstrapIntervals {
  conversions: [number, number][];
  value: [number, number][];
}

/**
 * A pause between two steps of long work: resolves at once while the current slice of work lasts,
 * and returns to the event loop (so that timers and I/O run: an MCP server's progress and a
 * client's cancellation) when it has run long enough; it may throw to stop the work (a cancelled
 * call). `slicedPause` (src/data/cancellation.ts) makes one.
 */
export type Pause = () => Promise<void>;

/**
 * Poisson bootstrap over aggregated paths: in each resample every row's conversions are drawn from
 * Poisson(conversions) and its nulls from Poisson(nulls), its value scaled with its conversions
 * (value per conversion kept), and the model re-run. Intervals are the (1−level)/2 and (1+level)/2
 * percentiles (linear interpolation between order statistics, R's type 7). Same seed, same
 * intervals.
 */
export function bootstrapCredit(
  weights: RowWeights,
  runner: ModelRunner,
  channelCount: number,
  options: BootstrapOptions = {},
): BootstrapIntervals {
  const steps = bootstrapSteps(weights, runner, channelCount, options);
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
  }
}

/**
 * `bootstrapCredit` with `pause` awaited after every resample, so that a long bootstrap (thousands
 * of resamples of a Shapley or Markov model) gives the event loop its turn and can be stopped. The
 * same intervals as `bootstrapCredit`, to the last bit.
 */
export async function bootstrapCreditAsync(
  weights: RowWeights,
  runner: ModelRunner,
  channelCount: number,
  options: BootstrapOptions,
  pause: Pause,
): Promise<BootstrapIntervals> {
  const steps = bootstrapSteps(weights, runner, channelCount, options);
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
    await pause();
  }
}

/** The bootstrap, one resample a step (yields after each), returning the intervals. */
function* bootstrapSteps(
  weights: RowWeights,
  runner: ModelRunner,
  channelCount: number,
  options: BootstrapOptions,
): Generator<void, BootstrapIntervals> {
  const resamples = options.resamples ?? 200;
  const level = options.level ?? 0.95;
  if (!Number.isInteger(resamples) || resamples < 2) {
    throw new AttributionInputError(`bootstrap resamples must be a whole number ≥ 2, got ${resamples}`, {
      option: 'bootstrap',
      hint: 'use 0 for no intervals, or e.g. 200',
    });
  }
  if (!(level > 0 && level < 1)) {
    throw new AttributionInputError(`confidence level must be between 0 and 1, got ${level}`, {
      option: 'ciLevel',
      hint: 'e.g. 0.95',
    });
  }
  const rng = createRng(options.seed ?? 1);
  const rows = weights.conversions.length;
  const slots = channelCount + 1;
  const conv = new Float64Array(resamples * slots);
  const val = new Float64Array(resamples * slots);
  const sample: RowWeights = {
    conversions: new Float64Array(rows),
    value: new Float64Array(rows),
    nulls: new Float64Array(rows),
  };
  for (let b = 0; b < resamples; b++) {
    for (let r = 0; r < rows; r++) {
      const c = weights.conversions[r];
      const k = samplePoisson(rng, c);
      sample.conversions[r] = k;
      sample.nulls[r] = samplePoisson(rng, weights.nulls[r]);
      sample.value[r] = c > 0 ? (weights.value[r] / c) * k : weights.value[r];
    }
    const run = runner(sample, false, false);
    for (let ch = 0; ch < channelCount; ch++) {
      conv[b * slots + ch] = run.conversions[ch];
      val[b * slots + ch] = run.value[ch];
    }
    conv[b * slots + channelCount] = run.unmatched?.conversions ?? 0;
    val[b * slots + channelCount] = run.unmatched?.value ?? 0;
    yield;
  }
  const lo = (1 - level) / 2;
  const hi = 1 - lo;
  const column = (data: Float64Array, ch: number): Float64Array => {
    const xs = new Float64Array(resamples);
    for (let b = 0; b < resamples; b++) xs[b] = data[b * slots + ch];
    return xs.sort();
  };
  const intervals = (data: Float64Array): [number, number][] =>
    Array.from({ length: slots }, (_, ch) => {
      const xs = column(data, ch);
      return [quantile(xs, lo), quantile(xs, hi)];
    });
  return { conversions: intervals(conv), value: intervals(val) };
}

/** Type-7 quantile of sorted values. */
export function quantile(sorted: Float64Array, p: number): number {
  const h = (sorted.length - 1) * p;
  const i = Math.floor(h);
  return i + 1 < sorted.length ? sorted[i] + (h - i) * (sorted[i + 1] - sorted[i]) : sorted[i];
}
