import { columnFormat } from './column-format.ts';
import type { TableColumn } from './dashboard.ts';
import { formatSigned, formatValue, isNumericFormat } from './format-number.ts';
import { mdEscape } from './md-escape.ts';

/**
 * A GFM table: headers from column labels, cells formatted with `formatValue` and escaped with
 * `mdEscape` (so `|` and newlines cannot break the row), numeric columns right-aligned.
 *
 * @example
 * mdTable([{ key: 'p', label: 'Partner' }, { key: 'r', label: 'Revenue', format: 'currency' }],
 *         [{ p: 'Acme | Co', r: 1200 }]);
 * // | Partner | Revenue |
 * // | --- | ---: |
 * // | Acme \| Co | $1,200.00 |
 */
export function mdTable(columns: readonly TableColumn[], rows: readonly Record<string, unknown>[]): string {
  const formats = columns.map((c) => columnFormat(c, rows));
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  const out = [
    line(columns.map((c) => mdEscape(c.label) || ' ')),
    line(formats.map((f) => (isNumericFormat(f) ? '---:' : '---'))),
  ];
  for (const row of rows) {
    out.push(
      line(
        columns.map((c, i) =>
          mdEscape((c.signed ? formatSigned : formatValue)(row[c.key], formats[i], c.currency)),
        ),
      ),
    );
  }
  return out.join('\n');
}
