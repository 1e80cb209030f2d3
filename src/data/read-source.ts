/**
 * The entry point for reading a configured source into the engine: files (CSV, Parquet, NDJSON,
 * JSON; one file or a glob) or a PostgreSQL table/query. Every loaded table carries `source_file`
 * and `source_row` so that rejects, dedupe and reports can cite `file:row`.
 */
import { GtmError } from '../errors/index.ts';
import { isClickHouseEngine } from './clickhouse-engine.ts';
import { bindClickHouseSource } from './clickhouse-source.ts';
import { isDuckDbEngine } from './duckdb-api.ts';
import { delimiterHint } from './file-relation.ts';
import type { Engine } from './engine.ts';
import { loadCsv } from './load-csv.ts';
import { loadJson } from './load-json.ts';
import { loadParquet } from './load-parquet.ts';
import { loadPostgres } from './load-postgres.ts';
import { resolveFiles } from './resolve-files.ts';
import type { FileFormat, SourceLoad, SourceSpec } from './source-spec.ts';

const FORMATS: readonly FileFormat[] = ['csv', 'parquet', 'ndjson', 'json'];

/**
 * Loads a source into `table` (replacing it) and reports what was read: rows loaded, columns,
 * files, a fingerprint, and every rejected input row with its line and reason. Malformed CSV and
 * NDJSON lines are rejects, not failures; a missing file, an empty glob, an unreadable file or an
 * unreachable database is a `GtmError` with code INPUT (retriable for database connections).
 *
 * @example
 * const engine = await openDuckDb();
 * const load = await loadSource(engine, { name: 'crm', kind: 'file', path: 'exports/deals-*.csv' }, 'raw_crm');
 * load.rows + load.rejects.length; // every data line of every file
 * load.rejects[0];                 // { row: 14, file: '/…/deals-2024-05.csv', reason: 'expected 6 columns, found 5', raw: '…' }
 */
export async function loadSource(engine: Engine, spec: SourceSpec, table: string): Promise<SourceLoad> {
  // on ClickHouse a source is read where it lies: its table, as `gtm engine load` wrote it
  if (isClickHouseEngine(engine)) return bindClickHouseSource(engine, spec);
  if (!isDuckDbEngine(engine)) {
    throw new GtmError('CONFIG', `source ${spec.name} cannot be loaded into ${engine.dialect}`, {
      where: `sources.${spec.name}`,
      hint: 'reading files and PostgreSQL sources needs the DuckDB engine; with ClickHouse, query tables that already live there',
    });
  }
  if (spec.kind === 'postgres') return loadPostgres(engine, spec, table);
  if (spec.kind !== 'file') {
    throw new GtmError('CONFIG', `unknown source kind ${JSON.stringify((spec as { kind: unknown }).kind)}`, {
      where: `sources.${(spec as { name: string }).name}.kind`,
      hint: 'use kind: file or kind: postgres',
    });
  }
  if (spec.format !== undefined && !FORMATS.includes(spec.format)) {
    throw new GtmError('INPUT', `unknown format ${JSON.stringify(spec.format)}`, {
      where: `sources.${spec.name}.format`,
      hint: `use one of ${FORMATS.join(', ')}`,
    });
  }
  const resolved = await resolveFiles(engine, spec);
  switch (resolved.format) {
    case 'csv':
      return loadCsv(engine, spec, resolved, table);
    case 'parquet':
      return loadParquet(engine, spec, resolved, table);
    case 'ndjson':
    case 'json':
      return loadJson(engine, spec, resolved, table);
  }
}

/**
 * Throws INPUT when a loaded source lacks a column a command needs, naming the column, the file,
 * the columns that were found, and the fix.
 *
 * @example
 * requireColumns(load, ['deal_id', 'amount', 'closed_at'], 'sources.crm');
 * // error[INPUT] sources.crm: /data/deals.csv has no column "amount" — columns found: id, value, …
 * //   — map it under sources.crm.mapping in gtm.yaml
 */
export function requireColumns(load: SourceLoad, required: readonly string[], where?: string): void {
  const found = load.columns.map((c) => c.name);
  // DuckDB matches column names case-insensitively, so `Amount` satisfies `amount`.
  const have = new Set(found.map((f) => f.toLowerCase()));
  const missing = required.filter((r) => !have.has(r.toLowerCase()));
  if (missing.length === 0) return;
  const origin =
    load.files.length === 1
      ? load.files[0]
      : load.files.length > 1
        ? `${load.files.length} files of ${load.source}`
        : `source ${load.source}`;
  const also = missing.length > 1 ? ` (also missing: ${missing.slice(1).join(', ')})` : '';
  throw new GtmError('INPUT', `${origin} has no column "${missing[0]}"${also}`, {
    where: where ?? (load.files.length === 1 ? load.files[0] : `sources.${load.source}`),
    hint:
      delimiterHint(found, (setting) => `set ${setting} on sources.${load.source} in gtm.yaml`) ||
      `columns found: ${found.length > 0 ? found.join(', ') : '(none)'} — map it under sources.${load.source}.mapping in gtm.yaml`,
  });
}
