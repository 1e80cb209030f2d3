/**
 * What `gtm engine load` could not load, kept in ClickHouse beside what it loaded, so that a run on
 * ClickHouse accounts for every input line as a run on DuckDB does (a report's footer lines, a
 * malformed row: rejected with their reason, in the counts, rejects.csv and the reject-rate alert).
 *
 * Two tables in the database of the load, on every server (plain MergeTree: they are small, and a
 * run reads them from whichever server its `engine.url` names):
 *
 * - `gtm_loads`: one row per load of a source — the table, when that server created it
 *   (`system.tables.metadata_modification_time`, as seconds), the files read (workspace-relative)
 *   with each one's size, modification time and sha256, the source's fingerprint (what a DuckDB run
 *   records), and the rows loaded and rejected.
 * - `gtm_load_rejects`: one row per rejected input line of a load: source, file, the file's
 *   sha256, the line, the reason and the offending text.
 *
 * A run uses the newest load of a source whose table is the one that load created (same creation
 * time): a table dropped and made again by other means has no record (a table of your own), and
 * rows appended to a loaded table leave the load's rejected lines counted. The record's row is
 * written after all its rejects, so a load that failed half-way leaves no record to trust. Records
 * of earlier loads of the source are deleted (asynchronously; nothing reads them meanwhile).
 *
 * A file that changed since the load (`checkLoadedFiles`): when the files of the load are on the
 * machine of the run, each one's size and modification time are compared with the load's, and a
 * file whose size or time differs is hashed; one whose bytes differ stops the run (INPUT): the
 * table holds the old file's rows and rejected lines, not the workspace's. A file that is not there
 * is not checked (the table is the source: it may have been loaded from another machine), nor is a
 * file added to a glob since the load (the run does not expand globs: reload to include it).
 */
import { randomBytes } from 'node:crypto';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { GtmError } from '../errors/index.ts';
import type { ClickHouseEngine } from './clickhouse-engine.ts';
import { sha256File } from './fingerprint.ts';
import type { SourceReject } from './source-spec.ts';
import { quoteIdent, quoteString } from './sql-text.ts';

/** The loads of sources (one row per load). */
export const LOADS_TABLE = 'gtm_loads';
/** The rejected input lines of each load. */
export const LOAD_REJECTS_TABLE = 'gtm_load_rejects';
/** Names a source cannot have: its table would be one of the record's. */
export const LOAD_RECORD_TABLES = [LOADS_TABLE, LOAD_REJECTS_TABLE] as const;

/** Rejected lines sent per insert. */
const REJECTS_PER_INSERT = 10_000;

/** One file of a load, as it was when it was read. */
export interface LoadedFile {
  /** Relative to the workspace (as `source_file` in the table), or absolute outside it. */
  file: string;
  size: number;
  mtime_ms: number;
  sha256: string;
}

/** One load of a source, as `gtm_loads` holds it (without the per-server creation time). */
export interface LoadRecord {
  load_id: string;
  source: string;
  table: string;
  /** When the load ended, epoch milliseconds (the newest record wins). */
  loaded_at_ms: number;
  files: LoadedFile[];
  /** The source's fingerprint as a DuckDB run records it (sha256 of one file, or of the manifest). */
  fingerprint: string;
  rows: number;
  rejected: number;
}

/** A rejected line as the record keeps it: the file workspace-relative, with its sha256. */
export interface RecordedReject {
  file: string;
  file_sha256: string;
  row: number;
  reason: string;
  raw: string | null;
}

const q = (name: string) => quoteIdent(name, 'clickhouse');
const s = (value: string) => quoteString(value, 'clickhouse');

/** The statements that create the record's tables in `database` when they are missing. */
export function loadRecordTablesSql(database: string): string[] {
  return [
    `CREATE TABLE IF NOT EXISTS ${q(database)}.${q(LOADS_TABLE)} (load_id String, source String, table_name String, ` +
      `table_created UInt32, loaded_at_ms UInt64, files Array(String), file_sizes Array(UInt64), ` +
      `file_mtimes_ms Array(UInt64), file_sha256 Array(String), fingerprint String, loaded_rows UInt64, rejected_rows UInt64) ` +
      `ENGINE = MergeTree ORDER BY (source, loaded_at_ms)`,
    `CREATE TABLE IF NOT EXISTS ${q(database)}.${q(LOAD_REJECTS_TABLE)} (load_id String, source String, ` +
      `file String, file_sha256 String, source_row Int64, reason String, raw Nullable(String)) ` +
      `ENGINE = MergeTree ORDER BY (source, load_id, file, source_row)`,
  ];
}

/** A new load's id: 16 hex digits. */
export const newLoadId = (): string => randomBytes(8).toString('hex');

/**
 * Writes one load's record on one server: its rejected lines, then the load's row (which makes the
 * record count), then deletes the records of the source's earlier loads on that server. The
 * table must exist: its creation time on this server is part of the record.
 */
export async function writeLoadRecord(
  server: ClickHouseEngine,
  database: string,
  record: LoadRecord,
  rejects: readonly RecordedReject[],
): Promise<void> {
  for (const sql of loadRecordTablesSql(database)) await server.exec(sql);
  const [t] = await server.query<{ created: number }>(
    `SELECT toUInt32(metadata_modification_time) AS created FROM system.tables WHERE database = ${s(database)} AND name = ${s(record.table)}`,
  );
  if (!t)
    throw new GtmError('INTERNAL', `table ${database}.${record.table} is not on the server after its load`);
  for (let i = 0; i < rejects.length; i += REJECTS_PER_INSERT) {
    const body = rejects
      .slice(i, i + REJECTS_PER_INSERT)
      .map((r) =>
        JSON.stringify({
          load_id: record.load_id,
          source: record.source,
          file: r.file,
          file_sha256: r.file_sha256,
          source_row: r.row,
          reason: r.reason,
          raw: r.raw,
        }),
      )
      .join('\n');
    await server.insertText(`${q(database)}.${q(LOAD_REJECTS_TABLE)}`, 'JSONEachRow', `${body}\n`);
  }
  const row = {
    load_id: record.load_id,
    source: record.source,
    table_name: record.table,
    table_created: Number(t.created),
    loaded_at_ms: record.loaded_at_ms,
    files: record.files.map((f) => f.file),
    file_sizes: record.files.map((f) => f.size),
    file_mtimes_ms: record.files.map((f) => Math.round(f.mtime_ms)),
    file_sha256: record.files.map((f) => f.sha256),
    fingerprint: record.fingerprint,
    loaded_rows: record.rows,
    rejected_rows: record.rejected,
  };
  await server.insertText(`${q(database)}.${q(LOADS_TABLE)}`, 'JSONEachRow', `${JSON.stringify(row)}\n`);
  for (const table of LOAD_RECORDS_BY_SOURCE)
    await server.exec(
      `ALTER TABLE ${q(database)}.${q(table)} DELETE WHERE source = ${s(record.source)} AND load_id != ${s(record.load_id)}`,
    );
}

const LOAD_RECORDS_BY_SOURCE = [LOAD_REJECTS_TABLE, LOADS_TABLE];

/** A load read back for a run: the record, and its rejected lines. */
export interface LoadedRecord extends LoadRecord {
  rejects: SourceReject[];
}

/**
 * The newest load of source `source` into `table` (of the connection's current database) whose
 * table is the table there now (same creation time on this server), with its rejected lines in
 * file and line order; null when there is none (a table of your own, or one loaded by a gtm that
 * kept no record). The rejects' files stay workspace-relative, as the table's `source_file`.
 */
export async function readLoadRecord(
  engine: ClickHouseEngine,
  source: string,
  table: string,
): Promise<LoadedRecord | null> {
  const [has] = await engine.query<{ n: number }>(
    `SELECT count() AS n FROM system.tables WHERE database = currentDatabase() AND name IN (${s(LOADS_TABLE)}, ${s(LOAD_REJECTS_TABLE)})`,
  );
  if (Number(has?.n) !== 2) return null;
  type Row = {
    load_id: string;
    loaded_at_ms: number;
    files: string[];
    file_sizes: number[];
    file_mtimes_ms: number[];
    file_sha256: string[];
    fingerprint: string;
    loaded_rows: number;
    rejected_rows: number;
  };
  const [r] = await engine.query<Row>(
    `SELECT load_id, loaded_at_ms, files, file_sizes, file_mtimes_ms, file_sha256, fingerprint, loaded_rows, rejected_rows
     FROM ${q(LOADS_TABLE)}
     WHERE source = ${s(source)} AND table_name = ${s(table)} AND table_created = (
       SELECT toUInt32(metadata_modification_time) FROM system.tables WHERE database = currentDatabase() AND name = ${s(table)})
     ORDER BY loaded_at_ms DESC, load_id DESC LIMIT 1`,
  );
  if (!r) return null;
  const rejects = await engine.query<{ file: string; row: number; reason: string; raw: string | null }>(
    `SELECT file, source_row AS row, reason, raw FROM ${q(LOAD_REJECTS_TABLE)} WHERE load_id = ${s(r.load_id)} AND source = ${s(source)} ORDER BY file, source_row`,
  );
  if (rejects.length !== Number(r.rejected_rows))
    throw new GtmError(
      'INPUT',
      `table ${table}: its load recorded ${Number(r.rejected_rows)} rejected lines and ${LOAD_REJECTS_TABLE} holds ${rejects.length}`,
      {
        where: `sources.${source}`,
        hint: `load it again: gtm engine load --source ${source} --replace`,
      },
    );
  return {
    load_id: r.load_id,
    source,
    table,
    loaded_at_ms: Number(r.loaded_at_ms),
    files: r.files.map((file, i) => ({
      file,
      size: Number(r.file_sizes[i]),
      mtime_ms: Number(r.file_mtimes_ms[i]),
      sha256: r.file_sha256[i],
    })),
    fingerprint: r.fingerprint,
    rows: Number(r.loaded_rows),
    rejected: Number(r.rejected_rows),
    rejects: rejects.map((x) => ({
      file: x.file,
      row: Number(x.row),
      reason: x.reason,
      ...(x.raw === null ? {} : { raw: x.raw }),
    })),
  };
}

/**
 * Stops the run (INPUT) when a file of the load is on this machine (resolved against `baseDir`)
 * and its bytes are not those the load read: see the module comment. Size and modification time
 * equal to the load's are taken as unchanged; otherwise the file is hashed. `where` names the
 * setting in the error (`sources.<name>`, or `events.payloads` for the captured payloads).
 */
export async function checkLoadedFiles(
  record: LoadRecord,
  baseDir: string,
  where = `sources.${record.source}`,
): Promise<void> {
  for (const f of record.files) {
    const file = path.resolve(baseDir, f.file);
    const now = await stat(file).catch(() => null);
    if (!now?.isFile()) continue;
    if (now.size === f.size && Math.round(now.mtimeMs) === f.mtime_ms) continue;
    const sha256 = now.size === f.size ? await sha256File(file).catch(() => f.sha256) : null;
    if (sha256 === f.sha256) continue;
    const was = new Date(record.loaded_at_ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
    throw new GtmError(
      'INPUT',
      `${f.file} changed since gtm engine load read it into table ${record.table} (${was}; ` +
        (sha256 === null
          ? `${f.size.toLocaleString('en-US')} bytes then, ${now.size.toLocaleString('en-US')} now`
          : `sha256 ${f.sha256.slice(0, 12)}… then, ${sha256.slice(0, 12)}… now`) +
        `): the table's rows and rejected lines are the old file's`,
      {
        where,
        hint: `load it again: gtm engine load --source ${record.source} --replace (or run on DuckDB, which reads the file)`,
      },
    );
  }
}
