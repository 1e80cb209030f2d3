/**
 * Parquet files → one DuckDB view plus `source_file` and `source_row` (DuckDB's
 * `file_row_number`, 1-based). Parquet is typed and framed, so there is nothing to reject row by
 * row: a damaged file is an INPUT error naming it.
 */
import { GtmError } from '../errors/index.ts';
import { assertNoReservedColumns, dataColumns } from './data-columns.ts';
import { duckDbMessage, type DuckDbEngine } from './duckdb-api.ts';
import { fingerprintLater } from './fingerprint.ts';
import { assertColumnNames } from './load-csv.ts';
import { manifestName, type ResolvedFiles } from './resolve-files.ts';
import type { FileSourceSpec, SourceLoad } from './source-spec.ts';
import { literal, quoteIdent } from './sql-text.ts';

const FILE_KEY = '__gtm_file';

/** The SELECT of each Parquet source's view, by what loading it returned (see `parquetRowsSql`). */
const VIEWS = new WeakMap<SourceLoad, string>();

/**
 * A few rows of a Parquet source's view by their `source_row`, read so that the Parquet reader
 * skips the rest (the filter on its own `file_row_number`; on `source_row`, computed after the
 * scan, every column of every row would be decoded first); undefined for a load that is not this
 * module's. In a source of several files, a number picks that row of each.
 */
export function parquetRowsSql(load: SourceLoad, rows: readonly number[]): string | undefined {
  const select = VIEWS.get(load);
  return select && rows.length
    ? `${select} WHERE file_row_number IN (${rows.map((r) => Number(r) - 1).join(', ')})`
    : undefined;
}

/** Loads resolved Parquet files into `table` (replacing it). */
export async function loadParquet(
  engine: DuckDbEngine,
  spec: FileSourceSpec,
  resolved: ResolvedFiles,
  table: string,
): Promise<SourceLoad> {
  const fileList = `[${resolved.files.map((f) => literal(f)).join(', ')}]`;
  const reader =
    `read_parquet(${fileList}, filename = ${literal(FILE_KEY)}, file_row_number = true, ` +
    `union_by_name = ${resolved.files.length > 1})`;
  const columns = await engine
    .query<{ column_name: string }>(`SELECT column_name FROM (DESCRIBE SELECT * FROM ${reader})`)
    .catch((err: unknown) => {
      throw unreadableParquet(spec, resolved.files, err);
    });
  const own = columns.map((c) => c.column_name).filter((c) => c !== FILE_KEY && c !== 'file_row_number');
  assertColumnNames(own, resolved.files.length === 1 ? resolved.files[0] : `sources.${spec.name}`);
  assertNoReservedColumns(own, spec.name, resolved.files[0]);
  const select =
    `SELECT ${own.map((c) => quoteIdent(c)).join(', ')}` +
    `${own.length ? ', ' : ''}${quoteIdent(FILE_KEY)} AS source_file, file_row_number + 1 AS source_row ` +
    `FROM ${reader}`;
  await engine
    // a view, not a copy: Parquet is already typed and columnar, and normalization reads it once
    .exec(`CREATE OR REPLACE VIEW ${quoteIdent(table)} AS ${select}`)
    .catch((err: unknown) => {
      throw unreadableParquet(spec, resolved.files, err);
    });
  const [{ n }] = await engine.query<{ n: number }>(`SELECT count(*) AS n FROM ${quoteIdent(table)}`);
  const load: SourceLoad = {
    source: spec.name,
    table,
    rows: n,
    columns: await dataColumns(engine, table),
    files: resolved.files,
    fingerprint: fingerprintLater(resolved.files, (f) => manifestName(resolved.root, f)),
    rejects: [],
  };
  VIEWS.set(load, select);
  return load;
}

function unreadableParquet(spec: FileSourceSpec, files: string[], err: unknown): GtmError {
  if (err instanceof GtmError && err.code !== 'ENGINE') return err;
  const message = duckDbMessage(err);
  const named = files.find((f) => message.includes(f));
  return new GtmError('INPUT', `cannot read Parquet: ${message}`, {
    where: named ?? (files.length === 1 ? files[0] : `sources.${spec.name}.path`),
    hint: 'the file is not valid Parquet (truncated or another format?); re-export it',
    cause: err,
  });
}
