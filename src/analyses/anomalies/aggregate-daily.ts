import { AnomalyInputError } from './anomaly-input-error.ts';
import { normalizeSeries } from './normalize-series.ts';
import { DAY_MS, formatTime } from './to-epoch-ms.ts';
import type { SeriesInput } from './types.ts';

export interface AggregateDailyOptions {
  /** How a day's points become its value (default `mean`). */
  readonly statistic?: 'mean' | 'sum' | 'count' | 'min' | 'max' | 'last';
  /** Days with fewer points are dropped as incomplete (default 1). */
  readonly minPoints?: number;
  /** Offset of the reporting day from UTC in minutes (e.g. −300 for New York winter time; default 0). */
  readonly utcOffsetMinutes?: number;
}

/** Daily values: `times` are the UTC midnights of the reporting days. */
export interface DailySeries {
  readonly times: Float64Array;
  readonly values: Float64Array;
  /** Points behind each day's value. */
  readonly counts: Int32Array;
  /** Days dropped for having fewer than `minPoints` points. */
  readonly dropped: readonly { readonly date: string; readonly points: number }[];
}

/**
 * Aggregates a finer series (hourly, minutely, events) to one value per reporting day, dropping
 * incomplete days. O(n) after sorting.
 *
 * @example
 * aggregateDaily(hourly, { statistic: 'mean', minPoints: 12 }).values;
 */
export function aggregateDaily(input: SeriesInput, options: AggregateDailyOptions = {}): DailySeries {
  // Raw feeds repeat timestamps (NAB's exchange-2 has two 2011-08-24 12:00:01 rows): both count.
  const { times, values } = normalizeSeries(input, 'series', true);
  const statistic = options.statistic ?? 'mean';
  const minPoints = options.minPoints ?? 1;
  const offset = (options.utcOffsetMinutes ?? 0) * 60_000;
  if (!Number.isInteger(minPoints) || minPoints < 1)
    throw new AnomalyInputError(`minPoints must be a positive integer, got ${minPoints}.`, {
      option: 'minPoints',
    });
  const days: number[] = [];
  const out: number[] = [];
  const counts: number[] = [];
  const dropped: { date: string; points: number }[] = [];
  let i = 0;
  while (i < times.length) {
    const day = Math.floor((times[i] + offset) / DAY_MS);
    let j = i;
    let sum = 0;
    let min = Infinity;
    let max = -Infinity;
    while (j < times.length && Math.floor((times[j] + offset) / DAY_MS) === day) {
      sum += values[j];
      min = Math.min(min, values[j]);
      max = Math.max(max, values[j]);
      j++;
    }
    const count = j - i;
    if (count < minPoints) dropped.push({ date: formatTime(day * DAY_MS), points: count });
    else {
      days.push(day * DAY_MS);
      counts.push(count);
      out.push(
        statistic === 'mean'
          ? sum / count
          : statistic === 'sum'
            ? sum
            : statistic === 'count'
              ? count
              : statistic === 'min'
                ? min
                : statistic === 'max'
                  ? max
                  : values[j - 1],
      );
    }
    i = j;
  }
  return {
    times: Float64Array.from(days),
    values: Float64Array.from(out),
    counts: Int32Array.from(counts),
    dropped,
  };
}
