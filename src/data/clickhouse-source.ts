/**
 * A workspace source read where it lies, in ClickHouse: with `engine: { kind: clickhouse }` in
 * gtm.yaml, the source named `crm_contacts` is the table `crm_contacts` of the engine's database,
 * as `gtm engine load` creates it (the source's columns plus `source_file` and `source_row`, on one
 * server or as a Distributed table over a cluster). Nothing is copied: gathering the source counts
 * its rows and reads its columns and types; normalization then runs on the server.
 *
 * A table of your own without `source_file` and `source_row` is a source too when its order key
 * (`ORDER BY`, of the local table under a Distributed one) is one integer column whose values are
 * unique: rows are then cited as `<table>:<key value>` (the key is the row number, checked unique
 * when the source is gathered), through a view of the run that adds the two columns.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import { GtmError } from '../errors/index.ts';
import type { ClickHouseEngine } from './clickhouse-engine.ts';
import { checkLoadedFiles, readLoadRecord } from './clickhouse-load-record.ts';
import { runObject } from './entities/normalize-clickhouse.ts';
import { quoteIdent, quoteString } from './sql-text.ts';
import type { SourceLoad, SourceSpec } from './source-spec.ts';
import { PROVENANCE_COLUMNS } from './source-spec.ts';

/**
 * The `SourceLoad` of a source whose rows are already in ClickHouse: its table (named after the
 * source), the rows it holds, its columns with their ClickHouse types, and an order-independent
 * fingerprint (the count and the sum of the rows' hashes), and the input lines `gtm engine load`
 * rejected when it wrote the table (its record in `gtm_loads` / `gtm_load_rejects`, see
 * clickhouse-load-record.ts): rows read = rows in the table + those lines, as a DuckDB run of the
 * same files counts them. A file of that load which is on this machine and changed since stops the
 * run (INPUT: reload it). A table without a record (your own) has no rejected lines.
 *
 * @example
 * const load = await bindClickHouseSource(engine, { name: 'web_analytics', kind: 'file', path: 'data/web/*.ndjson' });
 * load.table; // 'web_analytics'
 */
export async function bindClickHouseSource(engine: ClickHouseEngine, spec: SourceSpec): Promise<SourceLoad> {
  const table = spec.name;
  const [found] = await engine.query<{ n: number }>(
    `SELECT count() AS n FROM system.tables WHERE database = currentDatabase() AND name = ${quoteString(table, 'clickhouse')}`,
  );
  if (!Number(found?.n))
    throw new GtmError('INPUT', `source ${spec.name} has no table "${table}" in the ClickHouse database`, {
      where: `sources.${spec.name}`,
      hint: `load it first: gtm engine load --clickhouse URL --database DB --source ${spec.name} (with engine.database set to DB)`,
    });
  const described = await engine.describe(table);
  const missing = PROVENANCE_COLUMNS.filter((c) => !described.some((d) => d.name === c));
  const rowKey =
    missing.length === PROVENANCE_COLUMNS.length ? await integerOrderKey(engine, table, described) : null;
  if (missing.length && !rowKey)
    throw new GtmError('INPUT', `table ${table} has no column ${missing.join(' or ')}`, {
      where: `sources.${spec.name}`,
      hint: 'gtm cites every rejected or duplicate row by its file and row: load the source with gtm engine load, add source_file (String) and source_row (Int64), or order the table by one unique integer column (ORDER BY id), which then numbers its rows',
    });
  const columns = described.filter((d) => !(PROVENANCE_COLUMNS as readonly string[]).includes(d.name));
  const hash = `cityHash64(${described.map((d) => quoteIdent(d.name, 'clickhouse')).join(', ')})`;
  const [stats] = await engine.query<{ n: number; h: string; u?: number }>(
    `SELECT count() AS n, toString(sum(${hash})) AS h${rowKey ? `, uniqExact(${quoteIdent(rowKey, 'clickhouse')}) AS u` : ''} FROM ${quoteIdent(table, 'clickhouse')}`,
  );
  if (rowKey && Number(stats.u) !== Number(stats.n))
    throw new GtmError(
      'INPUT',
      `table ${table} has no source_file/source_row, and its order key ${rowKey} repeats (${Number(stats.n) - Number(stats.u)} rows share a value)`,
      {
        where: `sources.${spec.name}`,
        hint: 'order the table by a unique integer column, or add source_file (String) and source_row (Int64)',
      },
    );
  // the lines the load could not read: its record, when this table is the one it created
  const record = await readLoadRecord(engine, spec.name, table);
  if (record && spec.kind === 'file')
    await checkLoadedFiles(record, path.resolve(spec.baseDir ?? process.cwd()));
  const fingerprint = createHash('sha256')
    .update(`${stats.n}\n${stats.h}\n${described.map((d) => `${d.name}:${d.type}`).join('\n')}`)
    .digest('hex');
  // without provenance columns: a view of the run adds them (the table's name, the key as the row)
  const read = rowKey
    ? await runObject(
        engine,
        `src_${table}`,
        `SELECT *, ${quoteString(table, 'clickhouse')} AS source_file, toInt64(${quoteIdent(rowKey, 'clickhouse')}) AS source_row FROM ${quoteIdent(table, 'clickhouse')}`,
      )
    : table;
  return {
    source: spec.name,
    table: read,
    rows: Number(stats.n),
    columns,
    files: [],
    fingerprint,
    rejects: record?.rejects ?? [],
  };
}

/**
 * The table's order key when it is one integer column (of the local table, for a Distributed
 * one), or null.
 */
async function integerOrderKey(
  engine: ClickHouseEngine,
  table: string,
  described: readonly { name: string; type: string }[],
): Promise<string | null> {
  type TableRow = { engine: string; engine_full: string; sorting_key: string };
  const keyOf = async (name: string): Promise<TableRow | undefined> =>
    (
      await engine.query<TableRow>(
        `SELECT engine, engine_full, sorting_key FROM system.tables WHERE database = currentDatabase() AND name = ${quoteString(name, 'clickhouse')}`,
      )
    )[0];
  let t = await keyOf(table);
  if (t?.engine === 'Distributed') {
    // Distributed('cluster', 'db', 'local', key): the local table on this server holds the key
    const local = /^Distributed\(\s*'[^']*'\s*,\s*'[^']*'\s*,\s*'([^']*)'/.exec(t.engine_full)?.[1];
    t = local ? await keyOf(local) : undefined;
  }
  const key = t?.sorting_key.trim().replace(/^`(.*)`$/, '$1') ?? '';
  const column = described.find((d) => d.name === key);
  return column && /^U?Int(8|16|32|64)$/.test(column.type) ? column.name : null;
}
