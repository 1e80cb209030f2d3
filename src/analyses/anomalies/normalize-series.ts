import { AnomalyInputError } from './anomaly-input-error.ts';
import { requireEpochMs } from './to-epoch-ms.ts';
import type { SeriesInput } from './types.ts';

/** A validated series: strictly increasing epoch-ms times and finite values. */
export interface Series {
  readonly times: Float64Array;
  readonly values: Float64Array;
}

/**
 * Validates a series and returns it as typed arrays sorted by time (stable). Throws AnomalyInputError
 * on an unreadable time, a non-finite value or, unless `allowSameTime`, two points at the same time. O(n) when already sorted,
 * O(n log n) otherwise.
 *
 * @example
 * normalizeSeries([{ t: '2024-05-02', value: 3 }, { t: '2024-05-01', value: 1 }]).values; // [1, 3]
 */
export function normalizeSeries(input: SeriesInput, option = 'series', allowSameTime = false): Series {
  let times: Float64Array;
  let values: Float64Array;
  if (Array.isArray(input)) {
    const points = input as readonly { t: string | number; value: number }[];
    times = new Float64Array(points.length);
    values = new Float64Array(points.length);
    points.forEach((p, i) => {
      times[i] = requireEpochMs(p.t, option, i);
      values[i] = p.value;
    });
  } else {
    const arrays = input as { times: ArrayLike<number>; values: ArrayLike<number> };
    if (arrays.times.length !== arrays.values.length)
      throw new AnomalyInputError(
        `${option}: ${arrays.times.length} times but ${arrays.values.length} values.`,
        { option },
      );
    times = Float64Array.from(arrays.times);
    values = Float64Array.from(arrays.values);
    times.forEach((t, i) => {
      if (!Number.isFinite(t)) requireEpochMs(t, option, i);
    });
  }
  values.forEach((v, i) => {
    if (!Number.isFinite(v))
      throw new AnomalyInputError(`${option}: value at point ${i} is ${v}.`, {
        option,
        index: i,
        hint: 'Drop the point or fill it before detection; detectors treat absent days as missing, not as zero.',
      });
  });
  let sorted = true;
  for (let i = 1; i < times.length; i++) if (times[i] <= times[i - 1]) sorted = false;
  if (!sorted) {
    const order = Array.from(times.keys()).sort((a, b) => times[a] - times[b] || a - b);
    times = Float64Array.from(order, (i) => times[i]);
    values = Float64Array.from(order, (i) => values[i]);
    for (let i = 1; i < times.length; i++)
      if (times[i] === times[i - 1] && !allowSameTime)
        throw new AnomalyInputError(`${option}: two points at ${new Date(times[i]).toISOString()}.`, {
          option,
          index: order[i],
          hint: 'Aggregate to one value per time first.',
        });
  }
  return { times, values };
}
