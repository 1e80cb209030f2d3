import { neutralizeCsvText } from '../analyses/instrumentation/csv-cell.ts';
import { plainNumber } from '../analyses/text/plain-number.ts';

/** A CSV column: `key` reads the row, `label` is the header. */
export interface CsvColumn {
  key: string;
  label: string;
}

function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  // without binary noise: a sum of amounts is 20160, not 20160.000000000004 (plain-number.ts)
  if (typeof value === 'number') return Number.isFinite(value) ? String(plainNumber(value)) : '';
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
 * not display-formatted (0.125 stays 0.125), so the file is for machines and spreadsheets; a
 * number is written without the binary noise of double arithmetic (`plainNumber`: 0.1 + 0.2 is
 * written 0.3, not 0.30000000000000004).
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
