import { columnFormat } from './column-format.ts';
import type { Status, TableColumn, TableHighlight } from './dashboard.ts';
import { highlightLabel, rowStatus } from './dashboard.ts';
import { escapeHtml } from './escape-html.ts';
import { formatSigned, formatValue, isNumericFormat } from './format-number.ts';
import { statusBadge } from './status-badge.ts';

/** Sort key of the Status column: most severe first when sorted descending. */
const STATUS_RANK: Record<Status, number> = { ok: 1, warn: 2, alert: 3 };

/**
 * An HTML table of formatted, escaped cells: numeric columns right-aligned with their raw value
 * in `data-v` (for sorting), a leading Status column with a worded badge when `highlight` is set,
 * and header buttons when `sortable`. `allRows` (default `rows`) decides inferred column formats,
 * so a cut table keeps the alignment of the whole one.
 *
 * @example
 * renderHtmlTable([{ key: 'p', label: 'Partner' }, { key: 'r', label: 'Revenue', format: 'currency' }],
 *                 [{ p: 'Acme', r: 1200 }], undefined, false);
 * // <table class="data"> … <td class="num" data-v="1200">$1,200.00</td> …
 */
export function renderHtmlTable(
  columns: readonly TableColumn[],
  rows: readonly Record<string, unknown>[],
  highlight: TableHighlight | undefined,
  sortable: boolean,
  allRows: readonly Record<string, unknown>[] = rows,
): string {
  // Formats are inferred from every row, so a truncated table keeps its alignment.
  const formats = columns.map((c) => columnFormat(c, allRows));
  const head = (label: string, numeric: boolean) => {
    const cls = numeric ? ' class="num"' : '';
    const content = sortable ? `<button type="button">${escapeHtml(label)}</button>` : escapeHtml(label);
    return `<th scope="col"${cls}>${content}</th>`;
  };
  const headers = columns.map((c, i) => head(c.label, isNumericFormat(formats[i])));
  if (highlight) headers.unshift(head(highlightLabel(columns), false));
  const body = rows.map((row) => {
    const cells = columns.map((c, i) => {
      const value = row[c.key];
      const text = escapeHtml((c.signed ? formatSigned : formatValue)(value, formats[i], c.currency));
      if (!isNumericFormat(formats[i])) return `<td class="text">${text}</td>`;
      const raw =
        typeof value === 'number' && Number.isFinite(value)
          ? String(value)
          : typeof value === 'bigint'
            ? value.toString()
            : '';
      return `<td class="num" data-v="${escapeHtml(raw)}">${text}</td>`;
    });
    const status = highlight ? rowStatus(row, highlight) : undefined;
    if (highlight)
      cells.unshift(
        `<td data-v="${status ? STATUS_RANK[status] : 0}">${status ? statusBadge(status) : ''}</td>`,
      );
    return `<tr${status ? ` class="row-${status}"` : ''}>${cells.join('')}</tr>`;
  });
  return [
    `<table class="data${sortable ? ' sortable' : ''}">`,
    `<thead><tr>${headers.join('')}</tr></thead>`,
    `<tbody>\n${body.join('\n')}\n</tbody>`,
    '</table>',
  ].join('\n');
}
