/**
 * CSV writing (RFC 4180) with spreadsheet-formula neutralisation: a text cell that starts with `=`,
 * `+`, `-`, `@`, a tab or a carriage return (and is not a plain number) gets a leading apostrophe,
 * so that a value copied from an input file (a reject's raw line, a campaign name) cannot run as a
 * formula when someone opens the file in a spreadsheet (OWASP "CSV injection"). The rule itself is
 * `neutralizeCsvText`, shared by every CSV gtm writes.
 */
import { neutralizeCsvText } from '../analyses/instrumentation/csv-cell.ts';

/** A value a CSV cell can hold. `null`/`undefined` become an empty cell. */
export type CsvValue = string | number | bigint | boolean | Date | null | undefined;

const NEEDS_QUOTES = /[",\r\n]/;

/**
 * One CSV cell: neutralised, then quoted when it holds a comma, quote or line break. Finite
 * numbers are written as numbers (a negative number is data, not a formula); `Date` as ISO 8601.
 *
 * @example
 * csvCell('a,b');          // "a,b"
 * csvCell('=SUM(A1:A9)');  // '=SUM(A1:A9)
 * csvCell(-3);             // -3
 */
export function csvCell(value: CsvValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  const text = value instanceof Date ? value.toISOString() : value;
  const safe = neutralizeCsvText(text);
  return NEEDS_QUOTES.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

/**
 * One CSV line (without the line break).
 *
 * @example
 * csvRow(['crm', 'deals.csv', 7, 'missing column "amount"']); // crm,deals.csv,7,"missing column ""amount"""
 */
export function csvRow(values: readonly CsvValue[]): string {
  return values.map(csvCell).join(',');
}

/**
 * A whole CSV document: a header line of `columns`, then one line per row taking `row[column]`.
 * Lines end with `\n`, including the last.
 *
 * @example
 * toCsv([{ source: 'crm', rows: 3 }], ['source', 'rows']); // "source,rows\ncrm,3\n"
 */
export function toCsv<T extends object>(rows: readonly T[], columns: readonly (keyof T & string)[]): string {
  const lines = [csvRow(columns)];
  for (const row of rows) lines.push(csvRow(columns.map((c) => row[c] as CsvValue)));
  return `${lines.join('\n')}\n`;
}
