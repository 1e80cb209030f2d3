/**
 * Copies a table that DuckDB has read (a workspace source, with `source_file`/`source_row`) into
 * ClickHouse: column types chosen from the values, the tables created for one server or for a
 * cluster, and the rows streamed across in batches (DuckDB encodes each row as one JSON object; a
 * batch of lines is the body of `INSERT … FORMAT JSONEachRow`: no value ever becomes SQL text).
 *
 * ClickHouse 18.16 (the floor) has no `DateTime64`, so times are `DateTime` (whole seconds, UTC)
 * when every value is a whole second inside DateTime's range, and otherwise `Int64` milliseconds
 * since the epoch: nothing is rounded, and both sort like the times themselves.
 */
import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { GtmError } from '../errors/index.ts';
import type { ClickHouseEngine } from './clickhouse-engine.ts';
import type { DuckDbEngine } from './duckdb-api.ts';
import { quoteIdent, quoteString } from './sql-text.ts';

/** How one column travels: its ClickHouse type and the DuckDB expression that produces its JSON value. */
export interface LoadColumn {
  name: string;
  /** The DuckDB type it was read as. */
  sourceType: string;
  /** `String`, `Int64`, `UInt64`, `Float64`, `UInt8` (booleans), `Date`, `DateTime`, wrapped in `Nullable(…)` when a value is missing. */
  clickhouseType: string;
  /** What the type holds when that is not obvious (`epoch milliseconds`, `0/1`). */
  note?: string;
  /** @internal DuckDB expression of the value sent. */
  expr: string;
}

/** Where the rows go: one server, or a cluster (local MergeTree per shard plus a Distributed table, or a full copy on every server). */
export type TableLayout =
  | { kind: 'single' }
  | { kind: 'sharded'; cluster: string; shardKey: string[] }
  | { kind: 'copied'; cluster: string };

/** Suffix of the per-shard MergeTree table under a Distributed table. */
export const LOCAL_SUFFIX = '_local';

const INT = '-?(0|[1-9][0-9]{0,17})';
const NUM = '-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][-+]?[0-9]+)?';
const DATE = '[0-9]{4}-[0-9]{2}-[0-9]{2}';
const TIME = `${DATE}[T ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\\.[0-9]{1,9})?)? ?(Z|[+-][0-9]{2}(:?[0-9]{2})?)?`;
/** DateTime is a UInt32 of seconds; Date a UInt16 of days (1970-01-01 … 2105-12-31 is safe for both). */
const MAX_EPOCH_MS = Date.UTC(2105, 11, 31, 23, 59, 59);

/**
 * Chooses a ClickHouse type for each column of a DuckDB relation from its values (one scan):
 * text that is entirely integers, numbers, booleans, dates or ISO times gets that type (numbers
 * with a leading zero, such as `007`, stay text); typed columns keep their type. A column with a
 * missing value is `Nullable`. With `decimal: ","` (the source's setting) text numbers other than
 * integers stay text (`1.000` is a thousand there, not 1).
 *
 * @example
 * const cols = await chooseColumnTypes(duck, '"raw_web"', await duck.describe('raw_web'));
 * cols.find((c) => c.name === 'timestamp')?.clickhouseType; // 'Int64' (sub-second times)
 */
export async function chooseColumnTypes(
  duck: DuckDbEngine,
  relation: string,
  columns: readonly { name: string; type: string }[],
  opts: { decimal?: '.' | ',' } = {},
): Promise<LoadColumn[]> {
  if (columns.length === 0) return [];
  const stats: string[] = ['count(*) AS "rows"'];
  columns.forEach((c, i) => {
    const q = quoteIdent(c.name);
    const kind = duckKind(c.type);
    stats.push(`count(${q}) AS "n${i}"`);
    if (kind === 'text') {
      const ts = `TRY_CAST(CASE WHEN regexp_full_match(${q}, '${TIME}') THEN ${q} END AS TIMESTAMPTZ)`;
      const day = `TRY_CAST(CASE WHEN regexp_full_match(${q}, '${DATE}') THEN ${q} END AS DATE)`;
      stats.push(
        `count(*) FILTER (WHERE regexp_full_match(${q}, '${INT}')) AS "int${i}"`,
        `count(*) FILTER (WHERE regexp_full_match(${q}, '${NUM}')) AS "num${i}"`,
        `count(*) FILTER (WHERE regexp_full_match(${q}, '${NUM}') AND NOT isfinite(TRY_CAST(${q} AS DOUBLE))) AS "numinf${i}"`,
        `count(*) FILTER (WHERE lower(${q}) IN ('true', 'false')) AS "bool${i}"`,
        `count(${day}) AS "date${i}"`,
        `min(${day}) AS "dmin${i}"`,
        `max(${day}) AS "dmax${i}"`,
        `count(${ts}) AS "ts${i}"`,
        `min(epoch_ms(${ts})) AS "tmin${i}"`,
        `max(epoch_ms(${ts})) AS "tmax${i}"`,
        `count(*) FILTER (WHERE epoch_ms(${ts}) % 1000 <> 0) AS "frac${i}"`,
      );
    } else if (kind === 'time') {
      stats.push(
        `min(epoch_ms(${q})) AS "tmin${i}"`,
        `max(epoch_ms(${q})) AS "tmax${i}"`,
        `count(*) FILTER (WHERE epoch_ms(${q}) % 1000 <> 0) AS "frac${i}"`,
      );
    } else if (kind === 'date') {
      stats.push(`min(${q}) AS "dmin${i}"`, `max(${q}) AS "dmax${i}"`);
    } else if (kind === 'float') {
      stats.push(`count(*) FILTER (WHERE NOT isfinite(CAST(${q} AS DOUBLE))) AS "inf${i}"`);
    }
  });
  const [s] = await duck.query(`SELECT ${stats.join(', ')} FROM ${relation}`);
  const num = (key: string) => Number(s[key] ?? 0);
  const rows = num('rows');
  return columns.map((c, i) => {
    const q = quoteIdent(c.name);
    const kind = duckKind(c.type);
    const present = num(`n${i}`);
    let nullable = present < rows;
    const col = (clickhouseType: string, expr: string, note?: string): LoadColumn => ({
      name: c.name,
      sourceType: c.type,
      clickhouseType: nullable ? `Nullable(${clickhouseType})` : clickhouseType,
      expr,
      ...(note ? { note } : {}),
    });
    const timeCol = (value: string) => {
      const inRange = num(`tmin${i}`) >= 0 && num(`tmax${i}`) <= MAX_EPOCH_MS;
      return num(`frac${i}`) === 0 && inRange
        ? col('DateTime', `epoch_ms(${value}) // 1000`, 'UTC')
        : col('Int64', `epoch_ms(${value})`, 'epoch milliseconds (sub-second or out-of-range times)');
    };
    const dateCol = (value: string) => {
      const lo = s[`dmin${i}`];
      const hi = s[`dmax${i}`];
      const inRange = lo === null || (String(lo) >= '1970-01-01' && String(hi) <= '2105-12-31');
      return inRange
        ? col('Date', `strftime(${value}, '%Y-%m-%d')`)
        : col('String', `CAST(${value} AS VARCHAR)`);
    };
    switch (kind) {
      case 'text':
        if (present === 0) return col('String', q);
        if (num(`int${i}`) === present) return col('Int64', `CAST(${q} AS BIGINT)`);
        // a source with decimal "," means 1.000 as a thousand: its non-integer text stays text,
        // for the ClickHouse parser to read with the source's setting
        // a number too large for a double (1e999) stays text too: as Float64 it would be inf, and a
        // run's reject reason would quote "inf" where DuckDB, reading the file, quotes the cell
        if (num(`num${i}`) === present && num(`numinf${i}`) === 0 && opts.decimal !== ',')
          return col('Float64', `CAST(${q} AS DOUBLE)`);
        if (num(`bool${i}`) === present)
          return col('UInt8', `CAST(CAST(${q} AS BOOLEAN) AS UTINYINT)`, '0/1');
        if (num(`date${i}`) === present) return dateCol(`CAST(${q} AS DATE)`);
        if (num(`ts${i}`) === present) return timeCol(`CAST(${q} AS TIMESTAMPTZ)`);
        return col('String', q);
      case 'int':
        return col('Int64', `CAST(${q} AS BIGINT)`);
      case 'uint':
        return col('UInt64', `CAST(${q} AS UBIGINT)`);
      case 'float':
        // NaN and infinities have no JSON form: they travel as NULL
        if (num(`inf${i}`) > 0) nullable = true;
        return col('Float64', `CASE WHEN isfinite(CAST(${q} AS DOUBLE)) THEN CAST(${q} AS DOUBLE) END`);
      case 'bool':
        return col('UInt8', `CAST(${q} AS UTINYINT)`, '0/1');
      case 'date':
        return dateCol(q);
      case 'time':
        return timeCol(q);
      default:
        return col('String', `CAST(${q} AS VARCHAR)`);
    }
  });
}

type DuckKind = 'text' | 'int' | 'uint' | 'float' | 'bool' | 'date' | 'time' | 'other';

function duckKind(type: string): DuckKind {
  const t = type.toUpperCase();
  if (t === 'VARCHAR') return 'text';
  if (/^(TINYINT|SMALLINT|INTEGER|BIGINT|UTINYINT|USMALLINT|UINTEGER)$/.test(t)) return 'int';
  if (t === 'UBIGINT') return 'uint';
  if (/^(FLOAT|DOUBLE|REAL|HUGEINT|UHUGEINT)$/.test(t) || t.startsWith('DECIMAL')) return 'float';
  if (t === 'BOOLEAN') return 'bool';
  if (t === 'DATE') return 'date';
  if (/^TIMESTAMP/.test(t)) return 'time';
  return 'other';
}

/**
 * The ClickHouse statements that create a table of these columns (one statement per element, to
 * run on every server of the layout): `MergeTree` on one server or on every server (copied); on a
 * cluster, a `_local` MergeTree plus a `Distributed` table over it, sharded by a hash of the key
 * columns as gtm reads keys (text, lower case, trimmed), so a person, member or user lives on one
 * shard whatever the case or spacing of its id in a source.
 *
 * @example
 * createTableSql('gtm', 'web', cols, { kind: 'sharded', cluster: 'c', shardKey: ['user_id'] });
 * // [CREATE TABLE "gtm"."web_local" (…) ENGINE = MergeTree ORDER BY tuple(),
 * //  CREATE TABLE "gtm"."web" AS "gtm"."web_local" ENGINE = Distributed('c', 'gtm', 'web_local', cityHash64(…))]
 */
export function createTableSql(
  database: string,
  table: string,
  columns: readonly LoadColumn[],
  layout: TableLayout,
): string[] {
  const q = (name: string) => quoteIdent(name, 'clickhouse');
  const defs = columns.map((c) => `${q(c.name)} ${c.clickhouseType}`).join(', ');
  const mergeTree = (name: string) =>
    `CREATE TABLE ${q(database)}.${q(name)} (${defs}) ENGINE = MergeTree ORDER BY tuple()`;
  if (layout.kind !== 'sharded') return [mergeTree(table)];
  const local = `${table}${LOCAL_SUFFIX}`;
  return [
    mergeTree(local),
    `CREATE TABLE ${q(database)}.${q(table)} AS ${q(database)}.${q(local)} ENGINE = Distributed(` +
      `${quoteString(layout.cluster, 'clickhouse')}, ${quoteString(database, 'clickhouse')}, ` +
      `${quoteString(local, 'clickhouse')}, ${shardKeySql(layout.shardKey)})`,
  ];
}

/**
 * The sharding expression: cityHash64 of the first key column that has a value, as text, lower
 * case, without surrounding spaces (ClickHouse 18.16 has no trim function: a regular expression).
 */
export function shardKeySql(keys: readonly string[]): string {
  if (keys.length === 0) throw new GtmError('INTERNAL', 'a sharded table needs a key column');
  const text = keys.map((k) => `toString(${quoteIdent(k, 'clickhouse')})`);
  const first = text.reduceRight((rest, t) => `ifNull(${t}, ${rest})`, `''`);
  return `cityHash64(replaceRegexpAll(lower(${first}), '^\\\\s+|\\\\s+$', ''))`;
}

/**
 * Copies a DuckDB relation into a ClickHouse table: DuckDB writes the rows, typed as `columns`
 * say, to a newline-delimited JSON file in `scratchDir` (natively, in parallel), which is then read
 * in chunks and sent `batchRows` lines per insert: memory stays bounded by one batch whatever the
 * table size. On a cluster (`distributed`), rows go into the Distributed table with
 * `insert_distributed_sync = 1`, so an insert returns only once every shard has its rows. Resolves
 * to the rows sent.
 */
export async function copyRows(
  duck: DuckDbEngine,
  relation: string,
  columns: readonly LoadColumn[],
  target: ClickHouseEngine,
  targetRelation: string,
  opts: { scratchDir: string; batchRows: number; distributed: boolean; onBatch?: (sent: number) => void },
): Promise<number> {
  const file = path.join(opts.scratchDir, `copy-${randomBytes(6).toString('hex')}.ndjson`);
  const select = columns.map((c) => `${c.expr} AS ${quoteIdent(c.name)}`).join(', ');
  // Row order means nothing to a MergeTree table sorted by tuple(); keeping it makes DuckDB buffer
  // the result (10M rows: 1 GB and 3× the time, whatever its memory limit).
  await duck.exec('SET preserve_insertion_order = false');
  try {
    await duck.exec(`COPY (SELECT ${select} FROM ${relation}) TO ${quoteString(file)} (FORMAT JSON)`);
  } finally {
    await duck.exec('RESET preserve_insertion_order');
  }
  const settings = opts.distributed ? { insert_distributed_sync: 1 } : undefined;
  let sent = 0;
  try {
    for await (const batch of lineBatches(file, opts.batchRows)) {
      await target.insertText(targetRelation, 'JSONEachRow', batch.body, settings);
      sent += batch.lines;
      opts.onBatch?.(sent);
    }
  } finally {
    await rm(file, { force: true });
  }
  return sent;
}

/** A file's bytes in pieces of `lines` whole lines (the last may have fewer). */
async function* lineBatches(file: string, lines: number): AsyncGenerator<{ body: Buffer; lines: number }> {
  let parts: Buffer[] = [];
  let count = 0;
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    let from = 0;
    for (let at = chunk.indexOf(10); at !== -1; at = chunk.indexOf(10, at + 1)) {
      if (++count < lines) continue;
      parts.push(chunk.subarray(from, at + 1));
      yield { body: Buffer.concat(parts), lines: count };
      parts = [];
      count = 0;
      from = at + 1;
    }
    if (from < chunk.length) parts.push(chunk.subarray(from));
  }
  const rest = Buffer.concat(parts);
  if (rest.length > 0) yield { body: rest, lines: count + (rest[rest.length - 1] === 10 ? 0 : 1) };
}
