import { randomBytes } from 'node:crypto';
import type { Dialect, Engine } from '../../../data/index.ts';
import { canonicalRelation } from '../../../data/entities/normalize-clickhouse.ts';
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
  /** A timestamp expression `days` days later. */
  addDays(expr: string, days: number): string;
  /**
   * A timestamp expression as the engine hands it back: DuckDB's timestamps come back as ISO text
   * (`2026-11-02T09:30:00.000Z`); ClickHouse's canonical times are epoch milliseconds (18.16 has no
   * `DateTime64`), written as the same text on the server.
   */
  isoTime(expr: string): string;
  /**
   * The run's own table `name` (`mp_…`): the name itself on DuckDB (temp tables); on ClickHouse a
   * table of the run in the engine's database (`_gtm_<run>_mp_…`), dropped when the engine closes.
   */
  table(name: string): string;
  /** The canonical relation of an entity normalized in this run (the view `decisions`, …). */
  source(entity: string): string;
  /**
   * `SELECT expr AS alias, … rest`. ClickHouse resolves an alias anywhere in its query, so an
   * output named after an input column (`argMin(…, variant) AS variant`) would be read by the other
   * expressions that name the column ("Cyclic aliases"): there the expressions get positional
   * names in a subquery and the outer query renames them.
   */
  selectAs(columns: readonly (readonly [string, string])[], rest: string): string;
  /** `select … UNION ALL select …` ordered by `orderBy` (ClickHouse binds ORDER BY to the last SELECT). */
  orderedUnion(parts: readonly string[], orderBy: string): string;
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
  addDays: (expr, days) => `${expr} + INTERVAL ${days} DAY`,
  isoTime: (expr) => expr,
  table: (name) => name,
  source: (entity) => entity,
  orderedUnion: (parts, orderBy) => `${parts.join('\nUNION ALL\n')}\n  ORDER BY ${orderBy}`,
  selectAs: (columns, rest) => `SELECT ${columns.map(([e, a]) => `${e} AS ${a}`).join(', ')}\n     ${rest}`,
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

const DAY_MS = 86_400_000;

/**
 * ClickHouse 18.16: canonical times are Int64 epoch milliseconds (normalize writes them so; there is
 * no `DateTime64`), so instants are compared as integers and days are `intDiv` by 86,400,000 (a
 * number below 65,536 is a day number to `toDate`). `LowCardinality` is experimental there: coded
 * columns stay text (the server compares them as fast as its dictionary pass would). The run's
 * tables live in the engine's database under `prefix` (`tables` collects them, to drop).
 */
function clickHouseDialect(
  prefix: string,
  relation: (entity: string) => string,
  tables: Set<string>,
): SqlDialect {
  const ident = (name: string) => quoteIdent(name, 'clickhouse');
  const table = (name: string) => {
    tables.add(`${prefix}${name}`);
    return ident(`${prefix}${name}`);
  };
  const ms = (x: string) => `toInt64(${x})`;
  const q: SqlDialect = {
    name: 'clickhouse',
    ts: (iso) => {
      const t = Date.parse(iso);
      if (!Number.isFinite(t)) throw new Error(`not an instant: ${iso}`);
      return `toInt64(${t})`;
    },
    day: (expr) => `toDate(intDiv(${ms(expr)}, ${DAY_MS}))`,
    addDays: (expr, days) => `(${expr} + ${Math.round(days) * DAY_MS})`,
    isoTime: (expr) =>
      `concat(replaceOne(toString(toDateTime(intDiv(${ms(expr)}, 1000), 'UTC')), ' ', 'T'), '.', substring(toString(1000 + ${ms(expr)} % 1000), 2, 3), 'Z')`,
    table,
    source: relation,
    orderedUnion: (parts, orderBy) => `SELECT * FROM (${parts.join('\nUNION ALL\n')}) u ORDER BY ${orderBy}`,
    selectAs: (columns, rest) =>
      `SELECT ${columns.map(([, a], i) => `_o${i} AS ${a}`).join(', ')} FROM (SELECT ${columns
        .map(([e], i) => `${e} AS _o${i}`)
        .join(', ')} ${rest}) o`,
    argMin: (x, by) => `argMin(${x}, ${by})`,
    argMinField: (fields, by, field) =>
      `tupleElement(argMin(tuple(${fields.map(([, v]) => v).join(', ')}), ${by}), ${fields.findIndex(([k]) => k === field) + 1})`,
    createTable: (name, select) => `CREATE TABLE ${table(name)} ENGINE = Memory AS ${select}`,
    text: (expr) => `toString(${expr})`,
    ident,
    lit: (value) => literal(value, 'clickhouse'),
    sample: (expr, every) => (every <= 1 ? '1 = 1' : `${expr} % ${Math.floor(every)} = 0`),
    hashKey: (expr) => `cityHash64(${expr})`,
    valueList: (expr) => `arraySort(groupUniqArray(${expr}))`,
    lowCard: (expr, values) => (values !== null && !values.length ? 'CAST(NULL AS Nullable(String))' : expr),
    createLargeTable: (name, select) => [
      `CREATE TABLE ${table(name)} ENGINE = MergeTree ORDER BY tuple() AS ${select}`,
    ],
    // a key the set does not group by is NULL of the key's type (18.16's `anyIf(x, 0)` gives the
    // type's default, '' or 1970-01-01, not NULL)
    groupingSets: (inner, keys, aggregates, sets) =>
      sets
        .map(
          (set) =>
            `SELECT ${keys
              .map((k) =>
                set.includes(k)
                  ? `toNullable(${k}) AS ${k}`
                  : `if(1 = 0, any(toNullable(${k})), NULL) AS ${k}`,
              )
              .join(', ')}, ${aggregates} FROM (${inner}) g GROUP BY ${set.join(', ')}`,
        )
        .join('\nUNION ALL\n'),
  };
  return q;
}

/** ClickHouse without an engine (queries built for reading, as in tests): plain names. */
const CLICKHOUSE = clickHouseDialect('', (entity) => entity, new Set());

/** Each ClickHouse engine's dialect: one prefix for the run's tables, dropped when it closes. */
const PER_ENGINE = new WeakMap<Engine, SqlDialect>();

/**
 * The dialect of a run's engine. On ClickHouse the run's tables (`mp_…`) are named
 * `_gtm_<random>_mp_…` in the engine's database and dropped when the engine closes (before the
 * normalize views they read), and entities are read from the views normalize made.
 */
export function dialectFor(engine: Engine): SqlDialect {
  if (engine.dialect !== 'clickhouse') return DUCKDB;
  let q = PER_ENGINE.get(engine);
  if (!q) {
    const tables = new Set<string>();
    q = clickHouseDialect(
      `_gtm_${randomBytes(4).toString('hex')}_`,
      (entity) => canonicalRelation(engine, entity),
      tables,
    );
    PER_ENGINE.set(engine, q);
    const close = engine.close.bind(engine);
    engine.close = async () => {
      for (const t of tables)
        await engine.exec(`DROP TABLE IF EXISTS ${quoteIdent(t, 'clickhouse')}`).catch(() => {});
      await close();
    };
  }
  return q;
}

/** The dialect of an engine. */
export const dialectOf = (d: Dialect): SqlDialect => (d === 'clickhouse' ? CLICKHOUSE : DUCKDB);

/** `expr IN (…)` for a list of strings; `false` for an empty list. */
export function inList(q: SqlDialect, expr: string, values: readonly string[]): string {
  return values.length ? `${expr} IN (${values.map((v) => q.lit(v)).join(', ')})` : '1 = 0';
}
