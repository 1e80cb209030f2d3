/**
 * A workspace source read where it lies, in ClickHouse: with `engine: { kind: clickhouse }` in
 * gtm.yaml, the source named `crm_contacts` is the table `crm_contacts` of the engine's database,
 * as `gtm engine load` creates it (the source's columns plus `source_file` and `source_row`, on one
 * server or as a Distributed table over a cluster). Nothing is copied: gathering the source counts
 * its rows and reads its columns and types; normalization then runs on the server.
 */
import { createHash } from 'node:crypto';
import { GtmError } from '../errors/index.ts';
import type { ClickHouseEngine } from './clickhouse-engine.ts';
import { quoteIdent, quoteString } from './sql-text.ts';
import type { SourceLoad, SourceSpec } from './source-spec.ts';
import { PROVENANCE_COLUMNS } from './source-spec.ts';

/**
 * The `SourceLoad` of a source whose rows are already in ClickHouse: its table (named after the
 * source), the rows it holds, its columns with their ClickHouse types, and an order-independent
 * fingerprint (the count and the sum of the rows' hashes). No row is rejected here: the load that
 * wrote the table accounted for the lines it could not read.
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
  if (missing.length)
    throw new GtmError('INPUT', `table ${table} has no column ${missing.join(' or ')}`, {
      where: `sources.${spec.name}`,
      hint: 'gtm cites every rejected or duplicate row by its file and row: load the source with gtm engine load, or add source_file (String) and source_row (Int64)',
    });
  const columns = described.filter((d) => !(PROVENANCE_COLUMNS as readonly string[]).includes(d.name));
  const hash = `cityHash64(${described.map((d) => quoteIdent(d.name, 'clickhouse')).join(', ')})`;
  const [stats] = await engine.query<{ n: number; h: string }>(
    `SELECT count() AS n, toString(sum(${hash})) AS h FROM ${quoteIdent(table, 'clickhouse')}`,
  );
  const fingerprint = createHash('sha256')
    .update(`${stats.n}\n${stats.h}\n${described.map((d) => `${d.name}:${d.type}`).join('\n')}`)
    .digest('hex');
  return { source: spec.name, table, rows: Number(stats.n), columns, files: [], fingerprint, rejects: [] };
}
