import { checkLength, finiteAt, weightAt } from './check-column.ts';
import { distinctIndex } from './distinct-index.ts';
import { LoyaltyInputError } from './loyalty-input-error.ts';
import type { NumericColumn } from './types.ts';

/** Scores of the distinct values of one RFM dimension. */
export interface QuintileTable {
  /** Distinct values, ascending. */
  readonly values: Float64Array;
  /** Members per distinct value. */
  readonly counts: Float64Array;
  /** Score 1..buckets of each distinct value (higher = better). */
  readonly scores: Uint8Array;
  readonly higherIsBetter: boolean;
  readonly buckets: number;
  /** Members in total. */
  readonly total: number;
  /** cumulative[i] = members with a value below values[i] (length d + 1; the last is `total`). */
  readonly cumulative: Float64Array;
}

export interface QuintileOptions {
  /** Default true (frequency, monetary); false for recency in days since the last purchase. */
  readonly higherIsBetter?: boolean;
  /** Default 5 (quintiles). */
  readonly buckets?: number;
}

/**
 * Quantile scores 1..5 of one dimension from its DISTINCT values and member counts (SQL: `SELECT
 * v, count(*) … GROUP BY v`), so scoring 50M members costs a sort of the distinct values.
 *
 * Tie convention (stated, deterministic): members with equal values share one score, the score of
 * the lowest rank in their tie block, i.e. score(v) = 1 + ⌊5 · B(v) / N⌋ where B(v) is the number of
 * members strictly worse than v and N all members. Scores are therefore monotone in v and a heavy
 * tie can skip scores: with frequencies 1 (6 members), 2 (2) and 3 (2), B = 0, 6, 8 and the scores
 * are 1, 4, 5. (pandas' `qcut(rank(method='first'))` instead splits ties arbitrarily; `ntile()` in
 * SQL by row order.) O(d log d) for d distinct values.
 *
 * @example
 * quintileScores([1, 2, 3], [6, 2, 2]).scores; // Uint8Array [1, 4, 5]
 */
export function quintileScores(
  values: NumericColumn,
  counts?: NumericColumn,
  options: QuintileOptions = {},
): QuintileTable {
  const higherIsBetter = options.higherIsBetter ?? true;
  const buckets = options.buckets ?? 5;
  if (!Number.isInteger(buckets) || buckets < 1 || buckets > 255) {
    throw new LoyaltyInputError(`buckets must be a whole number in 1..255, got ${buckets}`, {
      option: 'buckets',
    });
  }
  const n = values.length;
  if (counts) checkLength(counts, n, 'count');
  // Merge repeated values (callers may pass members, not distinct values).
  const d = distinctIndex(values);
  const merged = new Float64Array(d.values.length);
  for (let i = 0; i < n; i++) {
    finiteAt(values, i, 'value');
    merged[d.index[i]] += weightAt(counts, i, 'count');
  }
  const order = Array.from({ length: d.values.length }, (_, k) => k).sort(
    (p, q) => d.values[p] - d.values[q],
  );
  const sortedValues = Float64Array.from(order, (k) => d.values[k]);
  const sortedCounts = Float64Array.from(order, (k) => merged[k]);
  const cumulative = new Float64Array(sortedCounts.length + 1);
  for (let k = 0; k < sortedCounts.length; k++) cumulative[k + 1] = cumulative[k] + sortedCounts[k];
  const total = cumulative[sortedCounts.length];
  const scores = new Uint8Array(sortedValues.length);
  let worse = 0;
  const m = sortedValues.length;
  for (let step = 0; step < m; step++) {
    const k = higherIsBetter ? step : m - 1 - step;
    scores[k] = scoreFor(worse, total, buckets);
    worse += sortedCounts[k];
  }
  return { values: sortedValues, counts: sortedCounts, scores, higherIsBetter, buckets, total, cumulative };
}

/**
 * Score of any value (also one not in the table) under the table's convention: 1 + ⌊buckets·B/N⌋
 * with B the members strictly worse than `value`. O(log d).
 *
 * @example
 * scoreValue(quintileScores([1, 2, 3], [6, 2, 2]), 2.5); // 5 (8 of 10 members are worse)
 */
export function scoreValue(table: QuintileTable, value: number): number {
  const { values, cumulative, higherIsBetter, buckets, total } = table;
  // First index with values[i] >= value (lower bound) and first with values[i] > value (upper bound).
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (values[mid] < value) lo = mid + 1;
    else hi = mid;
  }
  const lower = lo;
  hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (values[mid] <= value) lo = mid + 1;
    else hi = mid;
  }
  const upper = lo;
  const worse = higherIsBetter ? cumulative[lower] : total - cumulative[upper];
  return scoreFor(worse, total, buckets);
}

function scoreFor(worse: number, total: number, buckets: number): number {
  if (!(total > 0)) return 1;
  return Math.min(buckets, 1 + Math.floor((buckets * worse) / total));
}
