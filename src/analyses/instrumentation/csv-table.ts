import { plural } from '../text/index.ts';
import { neutralizeCsvText, restoreCsvText } from './csv-cell.ts';
import { PlanParseError } from './plan-parse-error.ts';

/**
 * RFC 4180 CSV: fields separated by commas, quoted with `"` when they hold a comma, quote or line
 * break, quotes doubled inside. Reads CRLF or LF line ends and a leading byte-order mark.
 *
 * @example parseCsv('a,b\n1,"x, y"\n') // [['a', 'b'], ['1', 'x, y']]
 */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let quoted = false;
  let line = 1;
  let fieldStarted = false;
  const n = text.length;
  while (i < n) {
    const c = text[i];
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
        i++;
        continue;
      }
      if (c === '\n') line++;
      field += c;
      i++;
      continue;
    }
    if (c === '"' && !fieldStarted) {
      quoted = true;
      fieldStarted = true;
      i++;
      continue;
    }
    if (c === ',') {
      row.push(field);
      field = '';
      fieldStarted = false;
      i++;
      continue;
    }
    if (c === '\r' || c === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      fieldStarted = false;
      i += c === '\r' && text[i + 1] === '\n' ? 2 : 1;
      line++;
      continue;
    }
    field += c;
    fieldStarted = true;
    i++;
  }
  if (quoted)
    throw new PlanParseError(
      'unterminated quoted field',
      `line ${line}`,
      'close the quote or double it ("") inside the field',
    );
  if (fieldStarted || row.length) {
    row.push(field);
    rows.push(row);
  }
  return rows.filter((r) => !(r.length === 1 && r[0] === ''));
}

function quote(text: string): string {
  const field = neutralizeCsvText(text);
  return /[",\r\n]/.test(field) || /^\s|\s$/.test(field) ? `"${field.replace(/"/g, '""')}"` : field;
}

/**
 * Formats rows as CSV with CRLF line ends (RFC 4180), every cell neutralised against spreadsheet
 * formulas (`neutralizeCsvText`); `csvRecords` restores the cells when gtm reads the file back.
 */
export function formatCsv(rows: string[][]): string {
  return rows.map((r) => r.map(quote).join(',')).join('\r\n') + '\r\n';
}

/**
 * Reads a CSV with a header row into records keyed by column name.
 *
 * @throws PlanParseError when a required column is missing, a column name appears twice (names
 *   compare ignoring case), or a row holds a value past the last column.
 */
export function csvRecords(
  text: string,
  requiredColumns: string[] = [],
): { header: string[]; records: Array<{ row: number; get: (column: string) => string }> } {
  const rows = parseCsv(text);
  if (!rows.length) throw new PlanParseError('empty CSV', undefined, 'the first row must name the columns');
  const header = rows[0].map((h) => h.trim());
  const index = new Map<string, number>();
  header.forEach((h, i) => {
    const key = h.toLowerCase();
    const first = index.get(key);
    // Two columns of one name: which one holds the value would be a guess, so the file is refused.
    if (first !== undefined && key !== '')
      throw new PlanParseError(
        `column "${h}" appears twice (columns ${first + 1} and ${i + 1})`,
        'row 1',
        'rename or remove one of them',
      );
    if (first === undefined) index.set(key, i);
  });
  for (const col of requiredColumns) {
    if (!index.has(col.toLowerCase())) {
      throw new PlanParseError(
        `missing column "${col}"`,
        'row 1',
        `the header must include: ${requiredColumns.join(', ')}`,
      );
    }
  }
  // A value past the last column (an unquoted comma shifts the rest of its row) would be dropped
  // without a word; empty cells there (a trailing comma) hold nothing and are let through.
  rows.slice(1).forEach((r, k) => {
    const extra = r.slice(header.length).findIndex((cell) => cell.trim() !== '');
    if (extra >= 0)
      throw new PlanParseError(
        `row ${k + 2} has ${plural(r.length, 'value')} but the header names ${plural(header.length, 'column')}: "${restoreCsvText(r[header.length + extra]).trim()}" has no column`,
        `row ${k + 2}`,
        'quote a value that holds a comma ("Total, in cents"), or name the extra column in the header',
      );
  });
  const records = rows.slice(1).map((r, k) => ({
    row: k + 2,
    get: (column: string) => {
      const i = index.get(column.toLowerCase());
      return i === undefined ? '' : restoreCsvText(r[i] ?? '');
    },
  }));
  return { header, records };
}
