/**
 * The few SQL expressions whose spelling differs between DuckDB and ClickHouse 18.16 (no window
 * functions, no CTEs, no FILTER clause): every query of the command builds on these, so porting it
 * is a change here. On ClickHouse the canonical entities keep times as epoch milliseconds
 * (`Nullable(Int64)`: 18.16 has no DateTime64), so the time helpers there work on integers.
 */
import { literal, type Dialect } from '../../../data/index.ts';

/** A timestamp literal from an ISO instant. */
export function tsLit(iso: string, d: Dialect = 'duckdb'): string {
  return d === 'duckdb'
    ? `CAST(${literal(iso.replace('Z', ''))} AS TIMESTAMP)`
    : `toInt64(${Date.parse(iso.endsWith('Z') || /[+-]\d\d:\d\d$/.test(iso) ? iso : `${iso}Z`)})`;
}

/** Seconds since the epoch of a timestamp expression, as a double. */
export function epochSeconds(expr: string, d: Dialect = 'duckdb'): string {
  return d === 'duckdb' ? `epoch(${expr})` : `(${expr} / 1000)`;
}

/** Milliseconds since the epoch (the fraud features' time unit). */
export function epochMs(expr: string, d: Dialect = 'duckdb'): string {
  return `(${epochSeconds(expr, d)} * 1000)`;
}

/**
 * Whole days between a timestamp and the window end (0 = the last day of the window), so that
 * windows, previous windows and trend weeks are exact for any as-of instant.
 */
export function daysBefore(expr: string, endIso: string, d: Dialect = 'duckdb'): string {
  if (d === 'clickhouse') return `toInt32(floor((${tsLit(endIso, d)} - ${expr}) / 86400000))`;
  const diff = `(${epochSeconds(tsLit(endIso, d), d)} - ${epochSeconds(expr, d)})`;
  return `CAST(floor(${diff} / 86400) AS INTEGER)`;
}

/** `value` of the row with the smallest `by` in the group. */
export function argMin(value: string, by: string, d: Dialect = 'duckdb'): string {
  return d === 'duckdb' ? `arg_min(${value}, ${by})` : `argMin(${value}, ${by})`;
}

/**
 * The named columns of the row with the smallest `by` in the group, as one value (a struct, a
 * tuple in ClickHouse): every field from the same row, also on ties. Read a field with `rowField`.
 */
export function argMinRow(fields: readonly string[], by: string, d: Dialect = 'duckdb'): string {
  return d === 'duckdb'
    ? `arg_min({${fields.map((f) => `'${f}': ${f}`).join(', ')}}, ${by})`
    : `argMin(tuple(${fields.join(', ')}), ${by})`;
}

/** Field `name` of a value of `argMinRow(fields, …)`. */
export function rowField(
  row: string,
  fields: readonly string[],
  name: string,
  d: Dialect = 'duckdb',
): string {
  return d === 'duckdb'
    ? `struct_extract(${row}, '${name}')`
    : `tupleElement(${row}, ${fields.indexOf(name) + 1})`;
}

/**
 * A dense row number 1, 2, … over a whole SELECT (any order): surrogate integer keys without a
 * window function, which ClickHouse 18.16 lacks.
 */
export function rowNumber(d: Dialect = 'duckdb'): string {
  return d === 'duckdb' ? 'row_number() OVER ()' : '(rowNumberInAllBlocks() + 1)';
}

/** The distinct non-null values of the group as an array. */
export function distinctList(expr: string, d: Dialect = 'duckdb'): string {
  return d === 'duckdb'
    ? `list(DISTINCT ${expr}) FILTER (WHERE ${expr} IS NOT NULL)`
    : `groupUniqArray(${expr})`;
}

/**
 * The exact median of the group, interpolated between the two middle values as DuckDB's
 * `quantile_cont` (lo + (hi - lo) * 0.5); NULL for no value. ClickHouse's `quantileExact` takes one
 * of the two, so there the sorted values are collected and the two middle ones read.
 */
export function medianOf(expr: string, d: Dialect = 'duckdb'): string {
  if (d === 'duckdb') return `quantile_cont(${expr}, 0.5)`;
  const sorted = `arraySort(groupArray(toFloat64(${expr})))`;
  const n = `count(${expr})`;
  const lo = `arrayElement(${sorted}, toUInt64(intDiv(${n} - 1, 2)) + 1)`;
  const hi = `arrayElement(${sorted}, toUInt64(intDiv(${n}, 2)) + 1)`;
  return `if(${n} = 0, NULL, ${lo} + (${hi} - ${lo}) * 0.5)`;
}

/** Every column but those listed. */
export function starExcept(columns: readonly string[], d: Dialect = 'duckdb'): string {
  return d === 'duckdb' ? `* EXCLUDE (${columns.join(', ')})` : `* EXCEPT (${columns.join(', ')})`;
}

/**
 * An amount as an exact decimal: sums of doubles depend on the order the engine's threads add them
 * in (the last bits differ from run to run); decimal sums do not, so the same data gives the same
 * numbers. 38 digits with 6 decimals (128 bits on both engines) hold amounts and sums up to 1e32:
 * 18 digits stopped just under 1e12, which one IDR, VND or KRW order (or a month's total) reaches.
 */
export function dec(expr: string, d: Dialect = 'duckdb'): string {
  // ClickHouse converts a double to a decimal by truncation (1.1 → 1.099999): through its shortest
  // text, rounded to the scale first, as DuckDB's cast rounds
  return d === 'duckdb'
    ? `CAST(${expr} AS DECIMAL(38, 6))`
    : `toDecimal128(toString(round(toFloat64(${expr}), 6)), 6)`;
}

/**
 * An amount converted to the reporting currency, as paid: rounded to the currency's minor units
 * (`digits`: 2 for cents, 0 for JPY), half away from zero, from its exact decimal (both engines'
 * decimal `round` rounds ties away from zero), kept a double as the column was.
 */
export function minorUnits(expr: string, digits: number, d: Dialect = 'duckdb'): string {
  return d === 'duckdb'
    ? `CAST(round(${dec(expr, d)}, ${digits}) AS DOUBLE)`
    : `toFloat64(round(${dec(expr, d)}, ${digits}))`;
}

/** A deterministic pseudo-random percentile 0..99 of a value (a hash sample that is the same on every run). */
export function hashPercent(expr: string, d: Dialect = 'duckdb'): string {
  return d === 'duckdb' ? `CAST(hash(${expr}) % 100 AS INTEGER)` : `toInt32(cityHash64(${expr}) % 100)`;
}

/**
 * A 64-bit hash of a value, for pre-filters only: equal values hash equal, so grouping by the hash
 * finds a superset of the repeated values, which an exact pass then checks.
 */
export function hashKey(expr: string, d: Dialect = 'duckdb'): string {
  return d === 'duckdb' ? `hash(${expr})` : `cityHash64(${expr})`;
}

/** `CREATE TABLE … AS` replacing an earlier table of the same run. */
export function createTableAs(name: string, select: string, d: Dialect = 'duckdb'): string {
  return d === 'duckdb'
    ? `CREATE OR REPLACE TABLE ${name} AS ${select}`
    : `CREATE TABLE ${name} ENGINE = MergeTree ORDER BY tuple() AS ${select}`;
}

/**
 * String similarity in [0, 1] used only to pre-select referrals for the exact scorer in
 * TypeScript. DuckDB's Jaro–Winkler (rapidfuzz) is never below the scorer's where the scorer
 * reaches 0.75 (see sql-fns.test.ts), and its Levenshtein is the same distance. ClickHouse 18.16
 * has neither: there it returns 1, so every pair goes to the scorer (slower, still exact).
 */
export function similaritySql(
  a: string,
  b: string,
  measure: 'jaro-winkler' | 'levenshtein',
  d: Dialect = 'duckdb',
): string {
  if (d !== 'duckdb') return '1';
  return measure === 'levenshtein'
    ? `(1 - levenshtein(${a}, ${b}) / greatest(length(${a}), length(${b}), 1))`
    : `jaro_winkler_similarity(${a}, ${b})`;
}

/**
 * Whether a text has a character outside ASCII (such values skip the SQL pre-selection): more
 * bytes than characters, without a regular expression.
 */
export function nonAscii(expr: string, d: Dialect = 'duckdb'): string {
  return d === 'duckdb' ? `(strlen(${expr}) <> length(${expr}))` : `(length(${expr}) <> lengthUTF8(${expr}))`;
}

/** Whether a text is all ASCII (as many bytes as characters). */
export function isAscii(expr: string, d: Dialect = 'duckdb'): string {
  return d === 'duckdb' ? `(strlen(${expr}) = length(${expr}))` : `(length(${expr}) = lengthUTF8(${expr}))`;
}

/** Text extracted by the first group of a regular expression ('' when it does not match). */
export function regexpGroup(expr: string, pattern: string, d: Dialect = 'duckdb'): string {
  return d === 'duckdb'
    ? `regexp_extract(${expr}, ${literal(pattern)}, 1)`
    : `extract(${expr}, ${literal(pattern, d)})`;
}

/** Every match of a regular expression replaced. */
export function regexpReplaceAll(expr: string, pattern: string, by: string, d: Dialect = 'duckdb'): string {
  return d === 'duckdb'
    ? `regexp_replace(${expr}, ${literal(pattern)}, ${literal(by)}, 'g')`
    : `replaceRegexpAll(${expr}, ${literal(pattern, d)}, ${literal(by, d)})`;
}
