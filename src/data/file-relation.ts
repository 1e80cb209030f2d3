import { closeSync, openSync, readSync, statSync } from 'node:fs';
import path from 'node:path';
import { GtmError } from '../errors/index.ts';
import { duckDbMessage } from './duckdb-api.ts';
import type { Engine } from './engine.ts';
import { quoteIdent, quoteString } from './sql-text.ts';

const GLOB = /[*?[]/;

/**
 * A DuckDB relation reading a file (or glob) by its extension, with types inferred: for ad-hoc
 * inputs given on the command line. Workspace sources go through `loadSource`, which also accounts
 * for every row. A file (not a glob) must exist: the error names it and, when given, the flag.
 *
 * @example fileRelationSql('touches.parquet') // read_parquet('touches.parquet')
 * @throws GtmError('INPUT') for a missing file, a folder, or an extension gtm cannot read.
 */
export function fileRelationSql(file: string, flag?: string): string {
  const ext = path.extname(file.replace(/\.gz$/, '')).toLowerCase();
  const reader =
    ext === '.parquet' || ext === '.pq'
      ? 'read_parquet'
      : ext === '.csv' || ext === '.tsv'
        ? 'read_csv_auto'
        : ext === '.ndjson' || ext === '.jsonl' || ext === '.json'
          ? 'read_json_auto'
          : null;
  if (!GLOB.test(file)) checkFile(file, flag);
  if (!reader)
    throw new GtmError('INPUT', `cannot tell the format of "${path.basename(file)}"`, {
      where: file,
      hint: 'use a .parquet, .csv or .ndjson file',
    });
  return `${reader}(${quoteString(file)})`;
}

function checkFile(file: string, flag: string | undefined): void {
  const given = flag ? ` given to ${flag}` : '';
  let stat;
  try {
    stat = statSync(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new GtmError(
      'INPUT',
      code === 'ENOENT' || code === 'ENOTDIR' ? 'file not found' : `cannot read the file (${code})`,
      { where: file, hint: `check the path${given}`, cause: err },
    );
  }
  if (stat.isDirectory())
    throw new GtmError('INPUT', 'is a folder, not a file', {
      where: file,
      hint: `give one file${given}, or a glob such as ${path.join(file, '*.parquet')}`,
    });
}

/**
 * An engine failure while reading an ad-hoc file, as the user's input problem: INPUT naming the
 * file (and the line when DuckDB says which), with DuckDB's own words. Errors that are not the
 * engine's pass through.
 *
 * @example throw fileReadError(err, 'exposures.csv');
 */
export function fileReadError(err: unknown, file: string): unknown {
  if (err instanceof GtmError && err.code !== 'ENGINE') return err;
  if (!(err instanceof GtmError) && !(err instanceof Error)) return err;
  const message = duckDbMessage(err).replace(/^DuckDB: /, '');
  const line = /\bline (\d+)/i.exec(message)?.[1];
  return new GtmError('INPUT', `cannot read the file: ${message}`, {
    where: line ? `${file}:${line}` : file,
    hint: 'check that the file is complete and in the format its extension says (CSV with a header, NDJSON, Parquet)',
    cause: err,
  });
}

/**
 * When a file's header was read as one column whose name holds another usual delimiter (`;`, a tab,
 * `|`), the delimiter the file looks written with (the most frequent); else undefined. Errors about
 * missing columns add "set delimiter: …" with it.
 *
 * @example otherDelimiter(['referral_id;advocate_id;status']) // ';'
 */
export function otherDelimiter(columns: readonly string[]): string | undefined {
  if (columns.length !== 1) return undefined;
  const count = (d: string) => columns[0].split(d).length - 1;
  const best = [';', '\t', '|'].reduce((a, b) => (count(b) > count(a) ? b : a));
  return count(best) > 0 ? best : undefined;
}

/** `delimiter: ";"` as gtm.yaml spells it (a tab as `"\t"`). */
export const delimiterSetting = (d: string) => `delimiter: ${d === '\t' ? '"\\t"' : JSON.stringify(d)}`;

/**
 * The hint of a missing column when the header looks written with another delimiter (see
 * `otherDelimiter`): the delimiter seen, then `fix` given the gtm.yaml setting; '' otherwise.
 */
export function delimiterHint(columns: readonly string[], fix: (setting: string) => string): string {
  const d = otherDelimiter(columns);
  return d
    ? `the header was read as one column: the file looks ${d === '\t' ? 'tab' : JSON.stringify(d)}-delimited; ${fix(delimiterSetting(d))}`
    : '';
}

/**
 * The columns of an ad-hoc file relation, or INPUT when the file cannot be read; with `needed`,
 * INPUT when one is missing, naming the flag that named it and the columns found. In a CSV file, a
 * needed column whose name the header repeats is refused too (DuckDB would read the first one).
 *
 * @example await fileColumns(engine, rel, 'exposures.csv', { variant: '--variant-column' });
 */
export async function fileColumns(
  engine: Engine,
  relation: string,
  file: string,
  needed: Readonly<Record<string, string>> = {},
): Promise<string[]> {
  let names: string[];
  try {
    const rows = await engine.query<{ column_name: string }>(`DESCRIBE SELECT * FROM ${relation}`);
    names = rows.map((r) => r.column_name);
  } catch (err) {
    throw fileReadError(err, file);
  }
  const have = new Set(names.map((n) => n.toLowerCase()));
  const repeated = /\.(csv|tsv)$/i.test(file) && !GLOB.test(file) ? repeatedHeaderNames(file) : new Set();
  for (const [column, flag] of Object.entries(needed)) {
    if (!have.has(column.toLowerCase()))
      throw new GtmError(
        'INPUT',
        `has no column "${column}" (${flag.startsWith('the default of ') ? flag : `named by ${flag}`})`,
        {
          where: file,
          hint:
            delimiterHint(names, () => 'save it comma-separated') ||
            `columns found: ${names.join(', ') || '(none)'}; ${flag.startsWith('the default of ') ? `name yours with ${flag.slice(15)}` : `fix ${flag}`}`,
        },
      );
    if (repeated.has(column.toLowerCase()))
      throw new GtmError('INPUT', `the header names column "${column}" more than once`, {
        where: `${file}:1`,
        hint: 'rename one of them in the file, so the flag can say which one it means',
      });
  }
  return names;
}

/** Header names (lower case) a CSV file repeats; read from its first line, split the simple way. */
function repeatedHeaderNames(file: string): Set<string> {
  let head: string;
  try {
    const fd = openSync(file, 'r');
    const buf = Buffer.alloc(1 << 16);
    head = buf.toString('utf8', 0, readSync(fd, buf, 0, buf.length, 0));
    closeSync(fd);
  } catch {
    return new Set();
  }
  const first = head.replace(/^\uFEFF/, '').split(/\r?\n|\r/)[0] ?? '';
  const delimiter = [',', ';', '\t', '|'].reduce((a, b) =>
    first.split(b).length > first.split(a).length ? b : a,
  );
  const seen = new Set<string>();
  const repeated = new Set<string>();
  for (const cell of first.split(delimiter)) {
    const name = cell
      .trim()
      .replace(/^"(.*)"$/, '$1')
      .toLowerCase();
    if (name && seen.has(name)) repeated.add(name);
    seen.add(name);
  }
  return repeated;
}

/**
 * Finds the first value of `columns` that is not a finite number, for an error that names the
 * file, line (or Parquet row) and column: used after the engine refused a cast or a sum came out
 * infinite. Scans in file order (one thread), so it is for the error path only. Returns undefined
 * when every value is a finite number (or empty).
 *
 * @example const bad = await findNonNumber(engine, rel, 'x.csv', ['spend']); if (bad) throw bad;
 */
export async function findNonNumber(
  engine: Engine,
  relation: string,
  file: string,
  columns: readonly string[],
): Promise<GtmError | undefined> {
  await engine.exec('SET threads = 1').catch(() => undefined);
  for (const column of new Set(columns)) {
    const c = quoteIdent(column);
    const [hit] = await engine.query<{ n: number | bigint; v: string }>(
      `SELECT n, v FROM (SELECT row_number() OVER () AS n, CAST(${c} AS VARCHAR) AS v, ` +
        `TRY_CAST(${c} AS DOUBLE) AS d FROM ${relation}) ` +
        `WHERE v IS NOT NULL AND (d IS NULL OR NOT isfinite(d)) ORDER BY n LIMIT 1`,
    );
    if (!hit) continue;
    const row = Number(hit.n);
    const ext = path.extname(file).toLowerCase();
    // CSV: the header is line 1; NDJSON: one row per line; Parquet: rows.
    const at = ext === '.csv' || ext === '.tsv' ? row + 1 : row;
    const value = hit.v.length > 40 ? `${hit.v.slice(0, 40)}…` : hit.v;
    return new GtmError('INPUT', `"${value}" is not a finite number (column ${column}, data row ${row})`, {
      where: `${file}:${at}:${column}`,
      hint: 'fix or remove the value; numbers must be plain and finite (no text, no inf or 1e400)',
    });
  }
  return undefined;
}
