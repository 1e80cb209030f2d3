/**
 * CSV files → one DuckDB table of VARCHAR columns plus `source_file` and `source_row`, with every
 * input record either loaded or rejected with its physical line and a reason.
 *
 * How: `scanCsvLayout` hashes each file and maps records to lines; DuckDB's `read_csv` loads it
 * with fixed RFC 4180 settings (no sniffing, so one bad line cannot change how the others parse)
 * and `store_rejects` collecting malformed records instead of failing. Loaded rows are numbered by
 * filling the gaps that the header, blank lines and rejects leave in DuckDB's record numbering,
 * then shifted to physical lines. The counts are checked against the scan, so a row can never go
 * missing silently.
 */
import { open } from 'node:fs/promises';
import { extname } from 'node:path';
import { GtmError } from '../errors/index.ts';
import { duckDbMessage } from './duckdb-api.ts';
import { assertNoReservedColumns, dataColumns } from './data-columns.ts';
import type { DuckDbEngine } from './duckdb-api.ts';
import { combineFingerprints } from './fingerprint.ts';
import { scanCsvLayout, type CsvLayout } from './csv-layout.ts';
import { refuseBinary } from './sniff-binary.ts';
import { applySteps, gapSteps, MAX_CASE_STEPS, shiftSteps, stepSql, type Step } from './line-steps.ts';
import { emptyFileError, isGlob, manifestName, type ResolvedFiles } from './resolve-files.ts';
import type { FileSourceSpec, SourceLoad, SourceReject } from './source-spec.ts';
import { literal, quoteIdent } from './sql-text.ts';
import { dropTables, tempName } from './temp-table.ts';

/** Longest `raw` text kept per reject. */
export const MAX_RAW_LENGTH = 4096;

type RawReject = {
  line: number;
  error_type: string;
  error_message: string;
  csv_line: string | null;
};

/** Loads resolved CSV files into `table` (replacing it). */
export async function loadCsv(
  engine: DuckDbEngine,
  spec: FileSourceSpec,
  resolved: ResolvedFiles,
  table: string,
): Promise<SourceLoad> {
  const delimiter = csvDelimiter(spec);
  const header = spec.header ?? true;
  const layouts: CsvLayout[] = [];
  for (const file of resolved.files) {
    await refuseBinary(file, 'CSV');
    const layout = await readPastSepLine(file, delimiter, spec, await scanCsvLayout(file, delimiter));
    const mixed = layout.mixedLineEndings;
    if (mixed)
      throw new GtmError(
        'INPUT',
        `line endings change from ${mixed.first} to ${mixed.then} at line ${mixed.line}`,
        {
          where: `${file}:${mixed.line}`,
          hint: 'convert the file to one kind of line ending (e.g. dos2unix), so every row can be numbered',
        },
      );
    layouts.push(layout);
  }

  const perFile = layouts.map((layout, i) => fileColumns(layout, header, resolved.files[i]));
  const allColumns: string[] = [];
  const seen = new Set<string>(); // DuckDB names are case-insensitive: `Id` in one file is `id` in another
  for (const cols of perFile) {
    for (const c of cols) {
      if (!seen.has(c.toLowerCase())) allColumns.push(c);
      seen.add(c.toLowerCase());
    }
  }
  // a file without a header (only blank lines; 0 bytes is refused when the path is resolved) is
  // refused, naming it, whether the path names it or a glob matches it among others
  const noHeader = resolved.files.filter((_, i) => perFile[i].length === 0);
  if (noHeader.length) throw emptyFileError(spec, noHeader, resolved.files.length, isGlob(spec.path), 'csv');
  perFile.forEach((cols, i) => assertNoReservedColumns(cols, spec.name, resolved.files[i]));

  const target = quoteIdent(table);
  const columnDefs = allColumns.map((c) => `${quoteIdent(c)} VARCHAR`).join(', ');
  await engine.exec(
    `CREATE OR REPLACE TABLE ${target} (${columnDefs}, source_file VARCHAR, source_row BIGINT)`,
  );
  const rejects: SourceReject[] = [];
  let rows = 0;
  try {
    for (let i = 0; i < resolved.files.length; i++) {
      const result = await loadOneFile(engine, resolved.files[i], layouts[i], perFile[i], {
        delimiter,
        header,
        target,
      });
      rows += result.accepted;
      for (const r of result.rejects) rejects.push(r); // may be huge: no spread
    }
  } catch (err) {
    await dropTables(engine, [table]);
    throw err;
  }
  return {
    source: spec.name,
    table,
    rows,
    columns: await dataColumns(engine, table),
    files: resolved.files,
    fingerprint: combineFingerprints(
      layouts.map((l, i) => ({ name: manifestName(resolved.root, resolved.files[i]), sha256: l.sha256 })),
    ),
    rejects,
  };
}

/** The record holding the header: 2 past a `sep=` line, else 1. */
const headerRecord = (layout: CsvLayout) => (layout.sepLine ? 2 : 1);

/**
 * Excel's delimiter hint (a first line `sep=,`) is not the header: read past it when it names the
 * source's delimiter (the header is record 2, every row keeps its line), refuse the file naming
 * the delimiter to set when it names another.
 */
async function readPastSepLine(
  file: string,
  delimiter: string,
  spec: FileSourceSpec,
  layout: CsvLayout,
): Promise<CsvLayout> {
  const hint = /^sep=(.)$/is.exec(layout.firstRecord?.join(delimiter) ?? '')?.[1];
  if (hint === undefined) return layout;
  if (hint !== delimiter)
    throw new GtmError(
      'INPUT',
      `the first line "sep=${hint}" says the file is delimited by ${JSON.stringify(hint)}, but sources.${spec.name} reads ${JSON.stringify(delimiter)}`,
      {
        where: `${file}:1`,
        hint: `set delimiter: ${JSON.stringify(hint)} on sources.${spec.name} in gtm.yaml, or remove the sep= line if the file is delimited by ${JSON.stringify(delimiter)}`,
      },
    );
  return { ...(await scanCsvLayout(file, delimiter, 2)), sepLine: true };
}

async function loadOneFile(
  engine: DuckDbEngine,
  file: string,
  layout: CsvLayout,
  columns: string[],
  opts: { delimiter: string; header: boolean; target: string },
): Promise<{ accepted: number; rejects: SourceReject[] }> {
  if (layout.records === 0 || columns.length === 0) return { accepted: 0, rejects: [] };
  const stage = tempName('csv');
  const rejectsTable = tempName('csv_rejects');
  const scans = tempName('csv_scans');
  const gaps = tempName('csv_gaps');
  const shifts = tempName('csv_shifts');
  try {
    const columnsStruct = `{${columns.map((c) => `${literal(c)}: 'VARCHAR'`).join(', ')}}`;
    await engine
      .exec(
        `CREATE TABLE ${quoteIdent(stage)} AS SELECT * FROM read_csv(${literal(file)}, ` +
          `columns = ${columnsStruct}, header = ${opts.header}, skip = ${layout.sepLine ? 1 : 0}, ` +
          `delim = ${literal(opts.delimiter)}, ` +
          `quote = '"', escape = '"', auto_detect = false, allow_quoted_nulls = false, ` +
          `store_rejects = true, rejects_table = ${literal(rejectsTable)}, rejects_scan = ${literal(scans)})`,
      )
      .catch((err: unknown) => {
        throw unparsableCsv(err, file);
      });
    const [{ n: accepted }] = await engine.query<{ n: number }>(
      `SELECT count(*) AS n FROM ${quoteIdent(stage)}`,
    );
    const raw = await engine.query<RawReject>(
      `SELECT line, error_type, error_message, csv_line FROM ${quoteIdent(rejectsTable)} ORDER BY line`,
    );
    const byRecord = groupRejects(raw);

    // With one column DuckDB reads a blank line as a row holding NULL (an empty value would be ''
    // here: quoted nulls are off): such rows are numbered with the others, then dropped.
    const blanksLoaded =
      columns.length === 1
        ? layout.blankRecords.filter((r) => !(opts.header && r === headerRecord(layout)))
        : [];
    const excluded = checkAccounting(file, layout, byRecord, accepted, opts.header, blanksLoaded.length > 0);

    await insertNumbered(engine, {
      stage,
      target: opts.target,
      columns,
      file,
      gap: gapSteps([...excluded].sort((a, b) => a - b)),
      shift: shiftSteps(layout.shifts),
      scratch: [gaps, shifts],
    });
    if (blanksLoaded.length) {
      const lines = blanksLoaded.map((r) => applySteps(r, shiftSteps(layout.shifts)));
      await engine.exec(
        `DELETE FROM ${opts.target} WHERE source_file = ${literal(file)} AND source_row IN (${lines.join(', ')})`,
      );
    }
    return {
      accepted: accepted - blanksLoaded.length,
      rejects: await describeRejects(file, layout, byRecord),
    };
  } finally {
    await dropTables(engine, [stage, rejectsTable, scans, gaps, shifts]);
  }
}

/**
 * Every record is the header, a blank line, loaded, or rejected: checked before numbering. Returns
 * the records not loaded (header, blank lines unless `blanksLoaded`, rejects), whose line numbers
 * the loaded rows skip.
 */
function checkAccounting(
  file: string,
  layout: CsvLayout,
  byRecord: Map<number, RawReject[]>,
  accepted: number,
  header: boolean,
  blanksLoaded: boolean,
): Set<number> {
  const excluded = new Set<number>(blanksLoaded ? [] : layout.blankRecords);
  if (layout.sepLine) excluded.add(1);
  if (header) excluded.add(headerRecord(layout));
  for (const record of byRecord.keys()) excluded.add(record);
  const expected = layout.records - excluded.size;
  if (accepted !== expected && byRecord.size > 0) {
    // DuckDB recovered from a malformed record differently from how the layout scan reads it
    // (a quote inside a value, text after a closing quote): the lines after it cannot be
    // numbered for sure, so the file is refused at the first such record.
    const first = applySteps(Math.min(...byRecord.keys()), shiftSteps(layout.shifts));
    throw new GtmError('INPUT', 'a malformed record makes the rows after it impossible to number', {
      where: `${file}:${first}`,
      hint: 'fix the quotes on that line: a value holding a quote is quoted as a whole, the quote doubled ("say ""hi"" there"), and nothing follows its closing quote',
    });
  }
  if (accepted !== expected) {
    throw new GtmError('DATA', `cannot account for every line of ${file}`, {
      where: file,
      hint:
        `the file has ${layout.records - (header ? headerRecord(layout) : 0)} records (blank lines included), DuckDB loaded ` +
        `${accepted} and rejected ${byRecord.size}; this is a bug in gtm, please report it with the file`,
    });
  }
  return excluded;
}

/**
 * Copies the staged rows into the target with `source_file` and `source_row`. The stage table was
 * just created by one CREATE TABLE AS, so its rowids are 0…n−1 in file order (checked).
 */
async function insertNumbered(
  engine: DuckDbEngine,
  p: {
    stage: string;
    target: string;
    columns: string[];
    file: string;
    gap: Step[];
    shift: Step[];
    scratch: string[];
  },
): Promise<void> {
  const stage = quoteIdent(p.stage);
  const [{ ok }] = await engine.query<{ ok: boolean }>(
    `SELECT coalesce(max(rowid) + 1, 0) = count(*) AS ok FROM ${stage}`,
  );
  const ordinal = ok ? 'rowid + 1' : 'row_number() OVER (ORDER BY rowid)';
  const cols = p.columns.map((c) => quoteIdent(c));
  const into = `INSERT INTO ${p.target} (${cols.join(', ')}, source_file, source_row) `;
  const picked = cols.map((c) => `r.${c}`).join(', ');
  if (p.gap.length <= MAX_CASE_STEPS && p.shift.length <= MAX_CASE_STEPS) {
    await engine.exec(
      `${into}SELECT ${picked}, ${literal(p.file)}, ${stepSql('r.__gtm_r', p.shift)} FROM (` +
        `SELECT s.*, ${stepSql('s.__gtm_a', p.gap)} AS __gtm_r FROM (SELECT *, ${ordinal} AS __gtm_a FROM ${stage}) s) r`,
    );
    return;
  }
  const [gaps, shifts] = p.scratch.map((t) => quoteIdent(t));
  await engine.exec(`CREATE TABLE ${gaps} ("from" BIGINT, "add" BIGINT)`);
  await engine.exec(`CREATE TABLE ${shifts} ("from" BIGINT, "add" BIGINT)`);
  for (const [table, steps] of [
    [p.scratch[0], p.gap],
    [p.scratch[1], p.shift],
  ] as const) {
    for (let i = 0; i < steps.length; i += 50_000) {
      await engine.append(
        table,
        steps.slice(i, i + 50_000).map((s) => [s.from, s.add]),
      );
    }
  }
  await engine.exec(
    `${into}WITH s AS (SELECT *, ${ordinal} AS __gtm_a FROM ${stage}), ` +
      `r AS (SELECT s.*, s.__gtm_a + coalesce(g."add", 0) AS __gtm_r FROM s ASOF LEFT JOIN ${gaps} g ON s.__gtm_a >= g."from") ` +
      `SELECT ${picked}, ${literal(p.file)}, r.__gtm_r + coalesce(h."add", 0) ` +
      `FROM r ASOF LEFT JOIN ${shifts} h ON r.__gtm_r >= h."from" ORDER BY r.__gtm_a`,
  );
}

function groupRejects(raw: RawReject[]): Map<number, RawReject[]> {
  const byRecord = new Map<number, RawReject[]>();
  for (const r of raw) {
    const line = Number(r.line);
    const list = byRecord.get(line) ?? [];
    list.push(r);
    byRecord.set(line, list);
  }
  return byRecord;
}

async function describeRejects(
  file: string,
  layout: CsvLayout,
  byRecord: Map<number, RawReject[]>,
): Promise<SourceReject[]> {
  const out: SourceReject[] = [];
  const lineSteps = shiftSteps(layout.shifts);
  for (const [record, list] of byRecord) {
    const reason = [
      ...new Set(representative(list).map((r) => rejectReason(r.error_type, r.error_message))),
    ].join('; ');
    const line = applySteps(record, lineSteps);
    if (layout.openQuote && layout.openQuote.record === record) {
      for (const r of await openQuoteRejects(file, layout.openQuote, reason)) out.push(r);
    } else {
      out.push({ row: line, file, reason, raw: trimRaw(list[0].csv_line) });
    }
  }
  return out.sort((a, b) => a.row - b.row);
}

/**
 * A quote left open swallows the rest of the file into one record. Each swallowed line is a row
 * someone expected to load, so each is reported, and counted, on its own line.
 */
async function openQuoteRejects(
  file: string,
  open: NonNullable<CsvLayout['openQuote']>,
  reason: string,
): Promise<SourceReject[]> {
  const text = await readFrom(file, open.offset);
  const lines = text.split(/\r\n|\r|\n/);
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  const out: SourceReject[] = [];
  lines.forEach((raw, i) => {
    if (raw === '') return;
    const row = open.line + i;
    out.push({
      row,
      file,
      reason: i === 0 ? reason : `inside the quoted value left open on line ${open.line}`,
      raw: trimRaw(raw),
    });
  });
  return out;
}

async function readFrom(file: string, offset: number): Promise<string> {
  const handle = await open(file, 'r');
  try {
    const { size } = await handle.stat();
    const buffer = Buffer.alloc(Math.max(0, size - offset));
    await handle.read(buffer, 0, buffer.length, offset);
    return buffer.toString('utf8');
  } finally {
    await handle.close();
  }
}

/**
 * DuckDB writes one MISSING COLUMNS row per absent column, each "found" counting up from the real
 * count; keep the first (the true count) and one row for every other error type.
 */
function representative(list: RawReject[]): RawReject[] {
  const found = (r: RawReject) => Number(/Found: (\d+)/.exec(r.error_message)?.[1] ?? Infinity);
  const missing = list.filter((r) => r.error_type === 'MISSING COLUMNS').sort((a, b) => found(a) - found(b));
  // DuckDB reports a line with k extra fields k times (found n+1, n+2, …): the last count is the line's.
  const tooMany = list.filter((r) => r.error_type === 'TOO MANY COLUMNS').sort((a, b) => found(b) - found(a));
  const other = list.filter((r) => r.error_type !== 'MISSING COLUMNS' && r.error_type !== 'TOO MANY COLUMNS');
  return [...missing.slice(0, 1), ...tooMany.slice(0, 1), ...other];
}

/** DuckDB's reject types in words a spreadsheet user understands. */
export function rejectReason(type: string, message: string): string {
  const counts = /Expected Number of Columns: (\d+) Found: (\d+)/.exec(message);
  switch (type) {
    case 'MISSING COLUMNS':
    case 'TOO MANY COLUMNS':
      return counts ? `expected ${counts[1]} columns, found ${counts[2]}` : message;
    case 'UNQUOTED VALUE':
      return /unterminated/i.test(message)
        ? 'unterminated quoted value (a " is opened but never closed)'
        : `misplaced quote: ${message}`;
    case 'INVALID ENCODING':
      return 'not valid UTF-8 text (re-export the file as UTF-8)';
    case 'LINE SIZE OVER MAXIMUM':
      return `line too long: ${message}`;
    case 'CAST':
      return `cannot convert value: ${message}`;
    default:
      return message || type.toLowerCase();
  }
}

/**
 * DuckDB gave up on the whole file (rather than rejecting records): in practice line endings of
 * more than one kind (`\n` and `\r\n` mixed in one file). The user's file, so INPUT naming it.
 */
function unparsableCsv(err: unknown, file: string): unknown {
  if (!(err instanceof GtmError) || err.code !== 'ENGINE') return err;
  const reason = duckDbMessage(err).split(/\. Possible fixes|\. file = /)[0];
  return new GtmError('INPUT', `cannot parse the file as CSV (${reason})`, {
    where: file,
    hint: 'use one kind of line ending throughout (\\n or \\r\\n) and close every quote; re-export it as UTF-8 CSV',
    cause: err,
  });
}

function trimRaw(text: string | null): string | undefined {
  if (text === null) return undefined;
  const t = text.replace(/^[\r\n]+/, '').replace(/[\r\n]+$/, '');
  return t.length > MAX_RAW_LENGTH ? `${t.slice(0, MAX_RAW_LENGTH)}…` : t;
}

/**
 * Refuses column names SQL cannot carry (a NUL character): the file's problem, so INPUT naming it
 * and the column's position, rather than a failure deep in the engine. Used by every file reader.
 */
export function assertColumnNames(names: readonly string[], where: string): void {
  const nul = names.findIndex((n) => n.includes('\0'));
  if (nul >= 0)
    throw new GtmError(
      'INPUT',
      `column ${nul + 1} has a name with a NUL character (${JSON.stringify(names[nul])})`,
      {
        where,
        hint: 'rename the column; NUL bytes usually mean the file is binary or in UTF-16, so re-export it as UTF-8',
      },
    );
  const broken = names.findIndex((n) => /[\r\n]/.test(n));
  if (broken >= 0)
    throw new GtmError(
      'INPUT',
      `column ${broken + 1} has a name with a line break (${JSON.stringify(names[broken].slice(0, 60))})`,
      {
        where,
        hint: 'a quote in the header is probably never closed; fix the header line',
      },
    );
}

function fileColumns(layout: CsvLayout, header: boolean, file: string): string[] {
  if (layout.firstRecord === null) return [];
  if (!header) return layout.firstRecord.map((_, i) => `column${i + 1}`);
  const blankFirst = layout.firstRecord.length === 1 && layout.firstRecord[0] === '';
  // nothing but blank lines (an export of nothing): no header and no rows, refused as an empty
  // file is (`emptyFileError`), not as a header to move up
  if (blankFirst && layout.blankRecords.length === layout.records - (layout.sepLine ? 1 : 0)) return [];
  if (blankFirst && layout.records > 1) {
    throw new GtmError(
      'INPUT',
      `the first line of ${file}${layout.sepLine ? ' after sep=' : ''} is empty; expected a header naming the columns`,
      {
        where: `${file}:${headerRecord(layout)}`,
        // (not "set header: false": gtm.yaml has no such key, a workspace source always has a header)
        hint: 'remove the blank lines above the header row',
      },
    );
  }
  assertColumnNames(layout.firstRecord, `${file}:${headerRecord(layout)}`);
  const seen = new Map<string, number>();
  const named = new Map<string, number>();
  return layout.firstRecord.map((raw, i) => {
    const base = raw.trim() === '' ? `column${i + 1}` : raw;
    // DuckDB column names are case-insensitive: `Id` and `id` would collide. Two header cells of
    // one name are refused: a mapping to that name would silently read one of them.
    const key = base.toLowerCase();
    const first = named.get(key);
    if (raw.trim() !== '' && first !== undefined)
      throw new GtmError(
        'INPUT',
        `the header names column "${raw}" twice (columns ${first + 1} and ${i + 1}; names ignore case)`,
        {
          where: `${file}:${headerRecord(layout)}`,
          hint: 'rename one of them in the file, so a mapping can say which one it means',
        },
      );
    if (raw.trim() !== '') named.set(key, i);
    const n = (seen.get(key) ?? 0) + 1;
    seen.set(key, n);
    return n === 1 ? base : `${base}_${n}`;
  });
}

function csvDelimiter(spec: FileSourceSpec): string {
  let d = spec.delimiter ?? (extname(spec.path).toLowerCase() === '.tsv' ? '\t' : ',');
  if (d === '\\t' || d.toLowerCase() === 'tab') d = '\t';
  if (Buffer.byteLength(d) !== 1 || d === '"' || d === '\n' || d === '\r') {
    throw new GtmError('INPUT', `unsupported CSV delimiter ${JSON.stringify(d)}`, {
      where: `sources.${spec.name}.delimiter`,
      hint: 'use a single one-byte character such as "," ";" "|" or "\\t"',
    });
  }
  return d;
}
