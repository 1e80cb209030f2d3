/**
 * A PostgreSQL table or query → a DuckDB table plus `source_file` (the relation, or `query`) and
 * `source_row` (1-based position in the result).
 *
 * Rows stream through a server-side cursor (`DECLARE … CURSOR` + `FETCH`, no extra package) inside
 * a read-only repeatable-read transaction, arrive as PostgreSQL's text output (session in UTC,
 * ISO dates), go into a VARCHAR staging table through DuckDB's Appender, and are cast once to the
 * mapped types. The fingerprint is an order-independent digest of those text rows.
 */
import { scrubUrlSecrets } from './url-secrets.ts';
import type pg from 'pg';
import { GtmError } from '../errors/index.ts';
import { dataColumns, assertNoReservedColumns } from './data-columns.ts';
import type { DuckDbEngine } from './duckdb-api.ts';
import { RowDigest } from './fingerprint.ts';
import { duckDbTypeForPostgres } from './postgres-types.ts';
import type { PostgresSourceSpec, SourceLoad } from './source-spec.ts';
import { literal, quoteIdent } from './sql-text.ts';
import { dropTables, tempName } from './temp-table.ts';

/** Rows per FETCH and per append batch. */
const BATCH = 5000;

/** Every value as PostgreSQL's text output: DuckDB does the typing, nothing is lost in JS. */
const RAW_TEXT: pg.CustomTypesConfig = {
  getTypeParser: (() => (value: string) => value) as unknown as pg.CustomTypesConfig['getTypeParser'],
};

/** Loads a PostgreSQL source into `table` (replacing it). */
export async function loadPostgres(
  engine: DuckDbEngine,
  spec: PostgresSourceSpec,
  table: string,
): Promise<SourceLoad> {
  if ((spec.table === undefined) === (spec.query === undefined)) {
    throw new GtmError('CONFIG', `sources.${spec.name} needs exactly one of table and query`, {
      where: `sources.${spec.name}`,
      hint: 'set table: (with optional schema:) to read a whole table, or query: to run a SELECT',
    });
  }
  const url = connectionString(spec);
  const server = describeServer(url);
  const relation =
    spec.table !== undefined ? `${quoteIdent(spec.schema ?? 'public')}.${quoteIdent(spec.table)}` : undefined;
  const selectSql = relation !== undefined ? `SELECT * FROM ${relation}` : stripSemicolons(spec.query ?? '');

  // pg loads with the first PostgreSQL source, not with every command.
  const { default: pgLib } = await import('pg');
  const client = new pgLib.Client({
    connectionString: url,
    connectionTimeoutMillis: 15_000,
    application_name: 'gtm',
    types: RAW_TEXT,
  });
  client.on('error', () => undefined); // a dropped connection surfaces as the failing query's error
  try {
    await client.connect();
  } catch (err) {
    await client.end().catch(() => undefined);
    throw postgresError(spec, server, err, 'connect');
  }

  const stage = tempName('pg');
  let staged = false;
  try {
    const fields: pg.FieldDef[] = [];
    const digestColumns: string[] = [];
    let digest = new RowDigest([]);
    let rows = 0;
    try {
      await client.query(
        "SET TimeZone TO 'UTC'; SET DateStyle TO 'ISO, YMD'; SET IntervalStyle TO 'postgres'",
      );
      await client.query('SET extra_float_digits TO 3');
      await client.query('BEGIN TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY');
      await client.query(`DECLARE gtm_source NO SCROLL CURSOR FOR ${selectSql}`);
      for (;;) {
        const batch = await client.query<unknown[]>({
          text: `FETCH FORWARD ${BATCH} FROM gtm_source`,
          rowMode: 'array',
        });
        if (!staged) {
          fields.push(...batch.fields);
          if (fields.length === 0) {
            throw new GtmError('INPUT', 'the PostgreSQL query returns no columns', {
              where: `sources.${spec.name}.query`,
              hint: 'select at least one column',
            });
          }
          const names = uniqueNames(fields.map((f) => f.name));
          assertNoReservedColumns(names, spec.name, `sources.${spec.name}.${spec.table ? 'table' : 'query'}`);
          fields.forEach((f, i) => digestColumns.push(`${names[i]}:${f.dataTypeID}`));
          digest = new RowDigest(digestColumns);
          await engine.exec(
            `CREATE TABLE ${quoteIdent(stage)} (${names.map((n) => `${quoteIdent(n)} VARCHAR`).join(', ')})`,
          );
          staged = true;
        }
        const values = batch.rows.map((row) =>
          row.map((v) => (v === null || v === undefined ? null : String(v))),
        );
        for (const row of values) digest.add(row);
        if (values.length > 0) await engine.append(stage, values);
        rows += values.length;
        if (batch.rows.length < BATCH) break;
      }
      await client.query('COMMIT');
    } catch (err) {
      if (err instanceof GtmError) throw err;
      throw postgresError(spec, server, err, 'query');
    }

    const names = uniqueNames(fields.map((f) => f.name));
    const casts = fields.map((f, i) => {
      const type = duckDbTypeForPostgres(f.dataTypeID, f.dataTypeModifier);
      const col = quoteIdent(names[i]);
      return type === 'VARCHAR' ? col : `CAST(${col} AS ${type}) AS ${col}`;
    });
    const origin = literal(relation ?? 'query');
    await engine.exec(
      `CREATE OR REPLACE TABLE ${quoteIdent(table)} AS SELECT ${casts.join(', ')}${casts.length ? ', ' : ''}` +
        `${origin} AS source_file, row_number() OVER (ORDER BY rowid) AS source_row ` +
        `FROM ${quoteIdent(stage)} ORDER BY rowid`,
    );
    return {
      source: spec.name,
      table,
      rows,
      columns: await dataColumns(engine, table),
      files: [],
      fingerprint: digest.hex(),
      rejects: [],
    };
  } finally {
    await client.end().catch(() => undefined);
    await dropTables(engine, [stage]);
  }
}

/** A PostgreSQL connection URL, refusing other databases' URLs that `pg` would misread. */
function checkScheme(url: string, where: string): string {
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url.trim())?.[1]?.toLowerCase();
  if (scheme !== 'postgres' && scheme !== 'postgresql')
    throw new GtmError('CONFIG', `is not a PostgreSQL URL (${scheme ? `${scheme}://` : 'no scheme'})`, {
      where,
      hint: 'a postgres source needs postgres://user:password@host:5432/database; other databases: export to Parquet or CSV and read the file',
    });
  return url;
}

function connectionString(spec: PostgresSourceSpec): string {
  const where = `sources.${spec.name}.url`;
  const m = /^env:([A-Za-z_][A-Za-z0-9_]*)$/.exec(spec.url.trim());
  if (!m) return checkScheme(spec.url, where);
  const value = (spec.env ?? process.env)[m[1]];
  if (value === undefined || value === '') {
    throw new GtmError('CONFIG', `environment variable ${m[1]} is not set`, {
      where: `sources.${spec.name}.url`,
      hint: `export ${m[1]}=postgres://user:password@host:5432/database before running gtm`,
    });
  }
  return checkScheme(value, `${where} (${m[1]})`);
}

/** `host:port/database` for messages; never the user or password. */
export function describeServer(url: string): string {
  try {
    const u = new URL(url);
    const host = u.hostname || u.searchParams.get('host') || 'localhost';
    return `${host}:${u.port || '5432'}${u.pathname || ''}`;
  } catch {
    return 'the configured server';
  }
}

const RETRIABLE_NODE = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'EPIPE',
]);

function postgresError(
  spec: PostgresSourceSpec,
  server: string,
  err: unknown,
  phase: 'connect' | 'query',
): GtmError {
  const code = (err as { code?: string }).code ?? '';
  const text = scrub(err instanceof Error ? err.message : String(err));
  const retriable =
    RETRIABLE_NODE.has(code) ||
    code.startsWith('08') ||
    ['57P01', '57P02', '57P03', '53300', '40001', '40P01'].includes(code) ||
    /timeout|terminated unexpectedly|Connection terminated/i.test(text);
  if (code === '28P01' || code === '28000') {
    return new GtmError('INPUT', `PostgreSQL at ${server} refused the login: ${text}`, {
      where: `sources.${spec.name}.url`,
      hint: `check the user and password in sources.${spec.name}.url (or the environment variable it names)`,
      cause: err,
    });
  }
  if (phase === 'connect' || retriable || code === '3D000') {
    return new GtmError('INPUT', `cannot read from PostgreSQL at ${server}: ${text || code}`, {
      where: `sources.${spec.name}.url`,
      hint: retriable
        ? `is the server running and reachable, and sources.${spec.name}.url right?`
        : `check sources.${spec.name}.url in gtm.yaml`,
      cause: err,
      retriable,
    });
  }
  const key = spec.table !== undefined ? 'table' : 'query';
  return new GtmError(
    'INPUT',
    `PostgreSQL rejected the ${key === 'table' ? 'table read' : 'query'}: ${text}`,
    {
      where: `sources.${spec.name}.${key}`,
      hint:
        key === 'table'
          ? `check sources.${spec.name}.table and schema (default public) in gtm.yaml`
          : `check sources.${spec.name}.query in gtm.yaml; it must be a single SELECT`,
      cause: err,
    },
  );
}

/** Drivers sometimes echo the connection string; never let a password through (`scrubUrlSecrets`). */
const scrub = (text: string): string => scrubUrlSecrets(text);

function stripSemicolons(query: string): string {
  return query.trim().replace(/;+\s*$/, '');
}

function uniqueNames(names: string[]): string[] {
  const seen = new Map<string, number>();
  return names.map((raw) => {
    const base = raw === '' || raw === '?column?' ? 'column' : raw;
    const n = (seen.get(base.toLowerCase()) ?? 0) + 1;
    seen.set(base.toLowerCase(), n);
    return n === 1 ? base : `${base}_${n}`;
  });
}
