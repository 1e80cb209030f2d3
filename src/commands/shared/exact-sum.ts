/**
 * Sums of fractional amounts that are the same on every run.
 *
 * A sum of DOUBLE values in a parallel hash aggregate adds in an order that changes from run to run
 * (DuckDB and ClickHouse both combine per-thread partial sums in arrival order), so the last bits of
 * a revenue total, and everything computed from it, differ between two runs on the same data.
 * Decimal sums are exact, so they do not depend on the order. The values are rounded to 6 decimals
 * first (as optimize-referrals' and track-source's money sums are) and the sum comes back as a
 * DOUBLE, so readers see the same numbers as before, but the same ones every time.
 *
 * Limits (both engines hold 38 digits in 128 bits):
 * - sums (`exactSum`): scale 6, up to 1e32 in absolute value;
 * - sums of squares and products (`exactSumProduct`): scale 12, so a square or product over 1e26
 *   (a value over 1e13) or a sum of them over 1e26 (e.g. 1e6 units with 1e10 each) does not fit.
 *   DuckDB stops the query with "Overflow in multiplication of DECIMAL(38)" or "… HUGEINT addition",
 *   ClickHouse with "Decimal math overflow" (`decimal_check_overflow`, on by default) on the
 *   product; the run fails rather than report wrong numbers. ClickHouse does not check a sum of
 *   Decimal128 for overflow; sums of products reach 1e26 only with values far beyond amounts of any
 *   currency in one experiment unit.
 *
 * Integer-valued columns (counts, flags, whole points) sum exactly as doubles and need none of this.
 */

export type SumDialect = 'duckdb' | 'clickhouse';

/** A value as an exact decimal with 6 decimals (ClickHouse through its shortest text: its cast truncates). */
export function dec6(expr: string, d: SumDialect = 'duckdb'): string {
  return d === 'duckdb'
    ? `CAST(${expr} AS DECIMAL(38, 6))`
    : `toDecimal128(toString(round(toFloat64(${expr}), 6)), 6)`;
}

/** The sum of `expr` (rounded to 6 decimals), exact, as a DOUBLE; NULL for no rows on DuckDB as `sum`. */
export function exactSum(expr: string, d: SumDialect = 'duckdb'): string {
  return d === 'duckdb' ? `CAST(sum(${dec6(expr, d)}) AS DOUBLE)` : `toFloat64(sum(${dec6(expr, d)}))`;
}

/** `exactSum` of the rows where `cond` holds (DuckDB: NULL when none does, as `sum(CASE …)`). */
export function exactSumIf(expr: string, cond: string, d: SumDialect = 'duckdb'): string {
  return d === 'duckdb'
    ? `CAST(sum(CASE WHEN ${cond} THEN ${dec6(expr, d)} END) AS DOUBLE)`
    : `toFloat64(sumIf(${dec6(expr, d)}, ${cond}))`;
}

/** The sum of `a × b` (each rounded to 6 decimals; a square when `b` is `a`), exact, as a DOUBLE. */
export function exactSumProduct(a: string, b: string = a, d: SumDialect = 'duckdb'): string {
  return d === 'duckdb'
    ? `CAST(sum(${dec6(a, d)} * ${dec6(b, d)}) AS DOUBLE)`
    : `toFloat64(sum(${dec6(a, d)} * ${dec6(b, d)}))`;
}
