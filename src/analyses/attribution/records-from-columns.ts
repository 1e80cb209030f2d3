import type { PathColumns, PathRecord } from './types.ts';

/**
 * Path records (one object and one string array per row) from path columns, for callers that want
 * the object form; the models themselves take the columns directly. O(touches).
 *
 * @example
 * recordsFromColumns(parsePathColumns('path;total_conversions\na > b;2\n').paths);
 * // [{ path: ['a', 'b'], conversions: 2, value: 0, nulls: 0 }]
 */
export function recordsFromColumns(columns: PathColumns): PathRecord[] {
  const { channels, offsets, codes } = columns;
  const out: PathRecord[] = new Array(columns.rows);
  for (let r = 0; r < columns.rows; r++) {
    const path: string[] = new Array(offsets[r + 1] - offsets[r]);
    for (let k = offsets[r]; k < offsets[r + 1]; k++) path[k - offsets[r]] = channels[codes[k]];
    out[r] = {
      path,
      conversions: columns.conversions[r],
      value: columns.value[r],
      nulls: columns.nulls[r],
    };
  }
  return out;
}
