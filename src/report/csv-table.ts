import { neutralizeCsvText } from '../analyses/instrumentation/csv-cell.ts';

/** A CSV column: `key` reads the row, `label` is the header. */
export interface CsvColumn {
  key: string;
  label: string;
}

function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  if (typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? '' : value.toISOString();
  const s = typeof value === 'string' ? value : JSON.stringify(value);
  // Only text is neutralised (the one rule of every gtm CSV): numbers above stay numbers, so a
  // negative amount sorts and sums.
  return neutralizeCsvText(s);
}

function quote(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * Writes rows as CSV (RFC 4180 quoting, `\n` line endings, a final newline) with spreadsheet
 * formula neutralisation: a text cell starting with `=`, `+`, `-`, `@`, tab or CR gets a leading
 * apostrophe, while numbers — including negative ones — are written as numbers. Values are raw,
 * not display-formatted (0.125 stays 0.125), so the file is for machines and spreadsheets.
 *
 * @example
 * toCsvTable([{ key: 'name', label: 'Name' }, { key: 'delta', label: 'Delta' }],
 *            [{ name: '=HYPERLINK("http://x")', delta: -3 }]);
 * // 'Name,Delta\n"\'=HYPERLINK(""http://x"")",-3\n'
 */
export function toCsvTable(columns: readonly CsvColumn[], rows: readonly Record<string, unknown>[]): string {
  const lines = [columns.map((c) => quote(cellText(c.label))).join(',')];
  for (const row of rows) lines.push(columns.map((c) => quote(cellText(row[c.key]))).join(','));
  return `${lines.join('\n')}\n`;
}
