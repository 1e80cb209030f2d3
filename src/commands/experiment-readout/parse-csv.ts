/** One CSV record with the 1-based line it starts on (quoted fields may span lines). */
export interface CsvRecord {
  readonly line: number;
  readonly cells: readonly string[];
}

/**
 * Parses RFC 4180 CSV: comma-separated, `"` quotes with `""` for a literal quote, LF or CRLF
 * line ends, a UTF-8 byte-order mark tolerated. Blank lines are skipped. Returns null and the
 * line number of the problem when a quote is never closed.
 *
 * @example
 * parseCsv('metric,n\n"signup, web",100\n');
 * // { records: [{ line: 1, cells: ['metric', 'n'] }, { line: 2, cells: ['signup, web', '100'] }] }
 */
export function parseCsv(text: string): { records: CsvRecord[] } | { unterminatedQuoteAt: number } {
  const src = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const records: CsvRecord[] = [];
  let cells: string[] = [];
  let cell = '';
  let line = 1;
  let recordLine = 1;
  let quoted = false;
  let quoteLine = 0;
  let sawContent = false;

  const endRecord = () => {
    cells.push(cell);
    if (sawContent || cells.length > 1) records.push({ line: recordLine, cells });
    cells = [];
    cell = '';
    sawContent = false;
  };

  for (let i = 0; i < src.length; i++) {
    const ch = src[i];
    if (quoted) {
      if (ch === '"') {
        if (src[i + 1] === '"') {
          cell += '"';
          i++;
        } else {
          quoted = false;
        }
      } else {
        if (ch === '\n') line++;
        cell += ch;
      }
      continue;
    }
    if (ch === '"') {
      quoted = true;
      quoteLine = line;
      sawContent = true;
    } else if (ch === ',') {
      cells.push(cell);
      cell = '';
      sawContent = true;
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && src[i + 1] === '\n') i++;
      endRecord();
      line++;
      recordLine = line;
    } else {
      cell += ch;
      sawContent = true;
    }
  }
  if (quoted) return { unterminatedQuoteAt: quoteLine };
  if (sawContent || cell !== '' || cells.length > 0) endRecord();
  return { records };
}
