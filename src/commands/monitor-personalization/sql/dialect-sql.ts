import type { Dialect } from '../../../data/index.ts';
import { literal, quoteIdent } from '../../../data/sql-text.ts';

/**
 * The few constructs whose spelling differs between DuckDB and ClickHouse (18.16: no window
 * functions, no CTEs, equality-only JOIN … ON). Every query of the command is built from plain
 * SELECT / GROUP BY / JOIN / UNION ALL / subqueries in FROM plus these.
 */
export interface SqlDialect {
  readonly name: Dialect;
  /** A timestamp literal from an ISO instant. */
  ts(iso: string): string;
  /** The UTC calendar day of a timestamp expression. */
  day(expr: string): string;
  /** The value of `x` on the row where `by` is smallest. */
  argMin(x: string, by: string): string;
  /**
   * Field `field` of the row where `by` is smallest, with `fields` (name → expression) taken from
   * that one row: every field of the same `fields` and `by` shares one aggregate (the engine
   * computes identical aggregates once), which is cheaper than one `argMin` per column and picks
   * the same row for each on ties.
   */
  argMinField(fields: readonly (readonly [string, string])[], by: string, field: string): string;
  /** `CREATE OR REPLACE TABLE name AS select` (an in-memory table on ClickHouse). */
  createTable(name: string, select: string): string;
  /** A string value as a column of text. */
  text(expr: string): string;
  /** A quoted identifier. */
  ident(name: string): string;
  /** A quoted value. */
  lit(value: string | number | null): string;
  /** True for a deterministic 1-in-`every` sample of the integer keys `expr` (all when every is 1). */
  sample(expr: string, every: number): string;
  /** A 64-bit integer key of a text value (`hash` / `cityHash64`): joins and groups on it are cheap. */
  hashKey(expr: string): string;
  /** The distinct non-null values of `expr` in a group, as a list (the dictionary of a column). */
  valueList(expr: string): string;
  /**
   * `expr` stored as a small integer code: an ENUM of `values` (all of the column's values, in the
   * engine's sort order, so min/max/ORDER BY are unchanged) on DuckDB, LowCardinality on ClickHouse;
   * `values` null keeps the text.
   */
  lowCard(expr: string, values: readonly string[] | null): string;
  /** `CREATE … AS select` of a large derived table (DuckDB: without keeping the insertion order). */
  createLargeTable(name: string, select: string): string[];
  /**
   * The rows of `inner` grouped by each of `sets` (subsets of `keys`) in one query, the keys a set
   * does not group by NULL: GROUPING SETS on DuckDB (one pass), a UNION ALL on ClickHouse 18.16.
   */
  groupingSets(
    inner: string,
    keys: readonly string[],
    aggregates: string,
    sets: readonly (readonly string[])[],
  ): string;
}

const plainTs = (iso: string) =>
  iso
    .replace('T', ' ')
    .replace(/Z$/, '')
    .replace(/\.000$/, '');

const DUCKDB: SqlDialect = {
  name: 'duckdb',
  ts: (iso) => `TIMESTAMP ${literal(plainTs(iso))}`,
  day: (expr) => `CAST(${expr} AS DATE)`,
  argMin: (x, by) => `arg_min(${x}, ${by})`,
  argMinField: (fields, by, field) =>
    `struct_extract(arg_min({${fields.map(([k, v]) => `${literal(k)}: ${v}`).join(', ')}}, ${by}), ${literal(field)})`,
  createTable: (name, select) => `CREATE OR REPLACE TEMP TABLE ${quoteIdent(name)} AS ${select}`,
  text: (expr) => `CAST(${expr} AS VARCHAR)`,
  ident: (name) => quoteIdent(name),
  lit: (value) => literal(value),
  sample: (expr, every) => (every <= 1 ? '1 = 1' : `${expr} % ${Math.floor(every)} = 0`),
  hashKey: (expr) => `hash(${expr})`,
  valueList: (expr) => `list_sort(list(DISTINCT ${expr}) FILTER (WHERE ${expr} IS NOT NULL))`,
  lowCard: (expr, values) =>
    values === null
      ? `CAST(${expr} AS VARCHAR)`
      : values.length
        ? `CAST(${expr} AS ENUM(${values.map((v) => literal(v)).join(', ')}))`
        : `CAST(NULL AS VARCHAR)`,
  groupingSets: (inner, keys, aggregates, sets) =>
    `SELECT ${keys.join(', ')}, ${aggregates} FROM (${inner}) g
     GROUP BY GROUPING SETS (${sets.map((x) => `(${x.join(', ')})`).join(', ')})`,
  createLargeTable: (name, select) => [
    'SET preserve_insertion_order = false',
    DUCKDB.createTable(name, select),
    'RESET preserve_insertion_order',
  ],
};

const CLICKHOUSE: SqlDialect = {
  name: 'clickhouse',
  ts: (iso) => `toDateTime(${literal(plainTs(iso).slice(0, 19), 'clickhouse')}, 'UTC')`,
  day: (expr) => `toDate(${expr}, 'UTC')`,
  argMin: (x, by) => `argMin(${x}, ${by})`,
  argMinField: (fields, by, field) =>
    `tupleElement(argMin(tuple(${fields.map(([, v]) => v).join(', ')}), ${by}), ${fields.findIndex(([k]) => k === field) + 1})`,
  createTable: (name, select) =>
    `CREATE TABLE ${quoteIdent(name, 'clickhouse')} ENGINE = Memory AS ${select}`,
  text: (expr) => `toString(${expr})`,
  ident: (name) => quoteIdent(name, 'clickhouse'),
  lit: (value) => literal(value, 'clickhouse'),
  sample: (expr, every) => (every <= 1 ? '1 = 1' : `${expr} % ${Math.floor(every)} = 0`),
  hashKey: (expr) => `cityHash64(${expr})`,
  valueList: (expr) => `arraySort(groupUniqArray(${expr}))`,
  lowCard: (expr, values) =>
    values !== null && !values.length ? 'CAST(NULL AS Nullable(String))' : `toLowCardinality(${expr})`,
  createLargeTable: (name, select) => [CLICKHOUSE.createTable(name, select)],
  groupingSets: (inner, keys, aggregates, sets) =>
    sets
      .map(
        (set) =>
          `SELECT ${keys
            .map((k) =>
              set.includes(k) ? `toNullable(${k}) AS ${k}` : `anyIf(toNullable(${k}), 1 = 0) AS ${k}`,
            )
            .join(', ')}, ${aggregates} FROM (${inner}) g GROUP BY ${set.join(', ')}`,
      )
      .join('\nUNION ALL\n'),
};

/** The dialect of an engine. */
export const dialectOf = (d: Dialect): SqlDialect => (d === 'clickhouse' ? CLICKHOUSE : DUCKDB);

/** `expr IN (…)` for a list of strings; `false` for an empty list. */
export function inList(q: SqlDialect, expr: string, values: readonly string[]): string {
  return values.length ? `${expr} IN (${values.map((v) => q.lit(v)).join(', ')})` : '1 = 0';
}
