import type { TableColumn, ValueFormat } from './dashboard.ts';

/**
 * The format a table column is shown with: its own `format`, or `number` when every present value
 * is a number (or bigint), else `text`.
 *
 * @example
 * columnFormat({ key: 'n', label: 'N' }, [{ n: 1 }, { n: null }]); // 'number'
 */
export function columnFormat(
  column: TableColumn,
  rows: readonly Record<string, unknown>[],
): ValueFormat | 'text' {
  if (column.format) return column.format;
  let seen = false;
  for (const row of rows) {
    const v = row[column.key];
    if (v === null || v === undefined) continue;
    if (typeof v !== 'number' && typeof v !== 'bigint') return 'text';
    seen = true;
  }
  return seen ? 'number' : 'text';
}
