import { ReferralInputError } from './referral-input-error.ts';

/**
 * Median time between two funnel stages (click → sign-up, sign-up → conversion, …), in whatever
 * unit the durations are in (seconds by convention). Two sources, chosen by what the query returns:
 * - `sorted`: every duration, ascending (`SELECT epoch(signup_at - click_at) FROM … ORDER BY 1`
 *   into a Float64Array): the exact median. Use it when the stage pairs fit in memory (8 bytes
 *   each: 10M pairs = 80 MB) — or let the engine compute `quantile_cont(d, 0.5)` itself.
 * - `histogram`: counts per bin with bin edges (`edges.length = counts.length + 1`, ascending),
 *   e.g. log-spaced bins from `floor(log2(d))` GROUP BY in SQL. The median is interpolated
 *   linearly inside the bin that holds it, so its error is at most that bin's width (reported as
 *   `maxError`). Use it when the durations are too many to ship, or on ClickHouse builds without
 *   window functions.
 */
export type DurationSource =
  | { readonly sorted: Float64Array }
  | { readonly histogram: { readonly edges: Float64Array; readonly counts: ArrayLike<number> } };

export interface MedianDuration {
  /** Null when there are no durations. */
  readonly median: number | null;
  readonly n: number;
  readonly method: 'exact' | 'histogram';
  /** 0 for exact medians; the width of the bin holding the median for histograms. */
  readonly maxError: number;
}

/**
 * Median of an ascending Float64Array: the middle value, or the mean of the two middle values.
 * Checks the order in O(n) (an unsorted array would give a wrong answer silently).
 *
 * @example medianOfSorted(Float64Array.of(3, 5, 8, 13)); // 6.5
 */
export function medianOfSorted(sorted: Float64Array): number | null {
  const n = sorted.length;
  for (let i = 0; i < n; i++) {
    if (Number.isNaN(sorted[i]) || (i > 0 && sorted[i] < sorted[i - 1]))
      throw new ReferralInputError(`durations are not sorted ascending at index ${i}`, {
        field: 'sorted',
        index: i,
        hint: 'ORDER BY the duration in SQL, or sort with Float64Array.prototype.sort().',
      });
  }
  if (n === 0) return null;
  const h = n >> 1;
  return n % 2 === 1 ? sorted[h] : (sorted[h - 1] + sorted[h]) / 2;
}

/**
 * Median from a histogram by linear interpolation inside the median bin:
 * median = lo + (n/2 − count below the bin) / (count in the bin) × (hi − lo).
 *
 * @example histogramMedian(Float64Array.of(0, 10, 20, 40), [2, 6, 2]); // 10 + (5 − 2)/6 × 10 = 15
 */
export function histogramMedian(edges: Float64Array, counts: ArrayLike<number>): MedianDuration {
  if (edges.length !== counts.length + 1)
    throw new ReferralInputError(
      `a histogram needs one more edge than bins: ${edges.length} edges, ${counts.length} bins`,
      {
        field: 'histogram.edges',
      },
    );
  let n = 0;
  for (let i = 0; i < counts.length; i++) {
    if (!(edges[i + 1] >= edges[i]))
      throw new ReferralInputError(`histogram edges must ascend (index ${i + 1})`, {
        field: 'histogram.edges',
        index: i + 1,
      });
    const c = counts[i];
    if (!Number.isFinite(c) || c < 0)
      throw new ReferralInputError(`histogram count ${i} must be a finite count ≥ 0`, {
        field: 'histogram.counts',
        index: i,
      });
    n += c;
  }
  if (n === 0) return { median: null, n: 0, method: 'histogram', maxError: 0 };
  const half = n / 2;
  let below = 0;
  for (let i = 0; i < counts.length; i++) {
    const c = counts[i];
    if (c > 0 && below + c >= half) {
      const width = edges[i + 1] - edges[i];
      return { median: edges[i] + ((half - below) / c) * width, n, method: 'histogram', maxError: width };
    }
    below += c;
  }
  // unreachable: the loop reaches half before the last bin ends
  return { median: edges[edges.length - 1], n, method: 'histogram', maxError: 0 };
}

/**
 * Median duration from either source (see `DurationSource`).
 * @example medianDuration({ sorted: Float64Array.of(30, 60, 600) }); // { median: 60, method: 'exact', … }
 */
export function medianDuration(source: DurationSource): MedianDuration {
  if ('sorted' in source) {
    const median = medianOfSorted(source.sorted);
    return { median, n: source.sorted.length, method: 'exact', maxError: 0 };
  }
  return histogramMedian(source.histogram.edges, source.histogram.counts);
}
