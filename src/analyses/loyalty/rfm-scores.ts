import { checkLength, finiteAt } from './check-column.ts';
import { distinctIndex } from './distinct-index.ts';
import { quintileScores, type QuintileTable } from './quintile-scores.ts';
import type { NumericColumn } from './types.ts';

/** Per-member (or per distinct combination) RFM summaries. */
export interface RfmData {
  /** Days (or any unit) since the last purchase: lower is better. */
  readonly recency: NumericColumn;
  /** Purchases in the window. */
  readonly frequency: NumericColumn;
  /** Spend in the window (or per purchase: be consistent). */
  readonly monetary: NumericColumn;
  /** Members with this combination (default 1 per row). */
  readonly count?: NumericColumn;
}

export interface RfmScores {
  readonly recency: Uint8Array;
  readonly frequency: Uint8Array;
  readonly monetary: Uint8Array;
  /** Per-dimension tables: distinct values, counts and scores (cut-offs for a SQL CASE). */
  readonly tables: {
    readonly recency: QuintileTable;
    readonly frequency: QuintileTable;
    readonly monetary: QuintileTable;
  };
}

/**
 * R, F and M quintile scores (1..5, 5 best) of every row, each dimension scored on its own
 * marginal distribution with `quintileScores`' tie convention (ties share the score of their
 * lowest rank; recency is lower-is-better). Rows may be members or distinct (R, F, M)
 * combinations with a member count. O(n + d log d).
 *
 * @example
 * rfmScores({ recency: [3, 40, 200], frequency: [9, 2, 1], monetary: [500, 80, 20] }).recency; // [4, 2, 1]
 */
export function rfmScores(data: RfmData, buckets = 5): RfmScores {
  const n = data.recency.length;
  checkLength(data.frequency, n, 'frequency');
  checkLength(data.monetary, n, 'monetary');
  if (data.count) checkLength(data.count, n, 'count');
  const recency = scoreColumn(data.recency, data.count, false, buckets, 'recency');
  const frequency = scoreColumn(data.frequency, data.count, true, buckets, 'frequency');
  const monetary = scoreColumn(data.monetary, data.count, true, buckets, 'monetary');
  return {
    recency: recency.scores,
    frequency: frequency.scores,
    monetary: monetary.scores,
    tables: { recency: recency.table, frequency: frequency.table, monetary: monetary.table },
  };
}

function scoreColumn(
  column: NumericColumn,
  count: NumericColumn | undefined,
  higherIsBetter: boolean,
  buckets: number,
  name: string,
): { scores: Uint8Array; table: QuintileTable } {
  for (let i = 0; i < column.length; i++) finiteAt(column, i, name);
  const table = quintileScores(column, count, { higherIsBetter, buckets });
  // Row → distinct value → position in the table's ascending order.
  const d = distinctIndex(column);
  const scoreOfDistinct = new Uint8Array(d.values.length);
  for (let k = 0; k < d.values.length; k++) {
    scoreOfDistinct[k] = table.scores[lowerBound(table.values, d.values[k])];
  }
  const scores = new Uint8Array(column.length);
  for (let i = 0; i < column.length; i++) scores[i] = scoreOfDistinct[d.index[i]];
  return { scores, table };
}

function lowerBound(values: Float64Array, v: number): number {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (values[mid] < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
