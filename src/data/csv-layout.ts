/**
 * One streaming pass over a CSV file's bytes that hashes it and records how its records map onto
 * physical lines. DuckDB numbers the lines of rejected records by *record* (a blank line counts,
 * a line break inside a quoted value does not) and says nothing about loaded rows, so this pass is
 * what lets every row, loaded or rejected, be cited as `file:line` as a text editor shows it.
 *
 * The quoting rules are DuckDB's with `quote='"'` and `escape='"'`: a quote opens a quoted value
 * only at the start of a field, `""` inside it is a literal quote, and `\n`, `\r\n` or `\r` ends
 * a record outside quotes.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { applySteps, shiftSteps } from './line-steps.ts';

export interface CsvLayout {
  sha256: string;
  /**
   * Fields of the first record (the header when there is one), or of the record the scan was asked
   * to keep; `null` for an empty file.
   */
  firstRecord: string[] | null;
  /** The first record is Excel's delimiter hint (`sep=,`), read past: the header is record 2. */
  sepLine?: boolean;
  /** Records as DuckDB counts them: blank lines included. */
  records: number;
  /** Record numbers (1-based) of blank lines, which DuckDB skips. */
  blankRecords: number[];
  /** From record `shifts[i].record` on, physical line = record + `shifts[i].delta`. */
  shifts: { record: number; delta: number }[];
  /** A quoted value still open at the end of the file: everything after it is one record. */
  openQuote?: { record: number; line: number; offset: number };
  /**
   * The first line (1-based) that ends differently from the first line (`\n`, `\r\n`, `\r`),
   * outside quoted values. DuckDB numbers such files differently from a text editor (and may give
   * up on them), so readers refuse them.
   */
  mixedLineEndings?: { line: number; first: string; then: string };
}

const LF = 0x0a;
const CR = 0x0d;
const QUOTE = 0x22;

/**
 * Scans a CSV file. `delimiter` is a single character; `keep` is the record whose fields are
 * returned as `firstRecord` (1; 2 past a `sep=` line).
 *
 * @example
 * const layout = await scanCsvLayout('/data/deals.csv', ',');
 * physicalLine(layout, 7); // the line record 7 starts on
 */
export async function scanCsvLayout(path: string, delimiter: string, keep = 1): Promise<CsvLayout> {
  const delim = Buffer.from(delimiter, 'utf8');
  if (delim.length !== 1) throw new Error('scanCsvLayout needs a one-byte delimiter');
  const DELIM = delim[0];
  const hash = createHash('sha256');

  let offset = 0; // byte offset of the current byte in the file
  let line = 1;
  let record = 0;
  let delta = 0;
  let atRecordStart = true;
  let atFieldStart = true;
  let inQuote = false;
  let quotePending = false; // saw `"` inside a quoted value: escape or close, decided by the next byte
  let lastWasCR = false;
  let recordStartLine = 1;
  let recordStartOffset = 0;
  const blankRecords: number[] = [];
  const shifts: { record: number; delta: number }[] = [];
  // Line endings outside quotes: the first kind seen, and where another kind first appears.
  let firstEnding: string | undefined;
  let mixed: CsvLayout['mixedLineEndings'];
  let crOutside = false; // a CR ended a record: CRLF or a lone CR, decided by the next byte
  const ending = (kind: string, at: number) => {
    firstEnding ??= kind;
    if (kind !== firstEnding && !mixed) mixed = { line: at, first: firstEnding, then: kind };
  };

  // Fields of record 1, kept as bytes until the record ends.
  let firstRecord: string[] | null = null;
  let firstFields: number[][] = [];
  let field: number[] = [];
  const finishFirstRecord = () => {
    firstFields.push(field);
    firstRecord = firstFields.map((bytes) => Buffer.from(bytes).toString('utf8'));
    firstFields = [];
    field = [];
  };

  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
    hash.update(chunk);
    let start = 0;
    if (offset === 0 && chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) {
      start = 3; // a UTF-8 byte order mark is not content: DuckDB skips it too
      offset = 3;
    }
    for (let i = start; i < chunk.length; i++, offset++) {
      const b = chunk[i];
      if (crOutside) {
        crOutside = false;
        ending(b === LF ? '\\r\\n' : '\\r', line - 1);
      }
      if (lastWasCR && b === LF) {
        lastWasCR = false; // the LF of a CRLF already counted at the CR
        continue;
      }
      lastWasCR = b === CR;
      const isBreak = b === LF || b === CR;

      if (atRecordStart) {
        record++;
        recordStartLine = line;
        recordStartOffset = offset;
        if (line - record !== delta) {
          delta = line - record;
          shifts.push({ record, delta });
        }
        atRecordStart = false;
        atFieldStart = true;
        if (isBreak) {
          if (b === LF) ending('\\n', line);
          else crOutside = true;
          blankRecords.push(record);
          if (record === keep) finishFirstRecord();
          line++;
          atRecordStart = true;
          continue;
        }
      }

      if (quotePending) {
        quotePending = false;
        if (b === QUOTE) {
          if (record === keep) field.push(QUOTE);
          continue;
        }
        inQuote = false; // the pending quote closed the value; handle b below as unquoted
      }

      if (inQuote) {
        if (b === QUOTE) quotePending = true;
        else {
          if (isBreak) line++;
          if (record === keep) field.push(b);
        }
        continue;
      }

      if (b === DELIM) {
        atFieldStart = true;
        if (record === keep) {
          firstFields.push(field);
          field = [];
        }
      } else if (isBreak) {
        if (b === LF) ending('\\n', line);
        else crOutside = true;
        if (record === keep) finishFirstRecord();
        line++;
        atRecordStart = true;
      } else if (b === QUOTE && atFieldStart) {
        inQuote = true;
        atFieldStart = false;
      } else {
        atFieldStart = false;
        if (record === keep) field.push(b);
      }
    }
  }
  if (crOutside) ending('\\r', line - 1);
  if (record === keep && firstRecord === null) finishFirstRecord();
  const layout: CsvLayout = {
    sha256: hash.digest('hex'),
    firstRecord,
    records: record,
    blankRecords,
    shifts,
  };
  if (inQuote && !quotePending)
    layout.openQuote = { record, line: recordStartLine, offset: recordStartOffset };
  if (mixed) layout.mixedLineEndings = mixed;
  return layout;
}

/** The physical line (1-based) on which a record starts. */
export function physicalLine(layout: Pick<CsvLayout, 'shifts'>, record: number): number {
  return applySteps(record, shiftSteps(layout.shifts));
}
