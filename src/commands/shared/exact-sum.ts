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
 * Past them the query stops rather than report wrong numbers. DuckDB checks its decimal arithmetic
 * ("Overflow in multiplication of DECIMAL(38)", "Overflow in HUGEINT addition", "Could not cast
 * value … to DECIMAL(38,6)"); ClickHouse checks a product ("Decimal math overflow",
 * `decimal_check_overflow`, on by default) and a cast ("Decimal value is too big") but not a sum
 * of Decimal128, which wraps around silently (3 squares of 1e13 sum to -4.03e25 on 18.16): each
 * ClickHouse sum therefore also sums the values as Float64 and stops the query with `throwIf` when
 * that sum reaches the limit (an extra Float64 sum; the decimals stay the result).
 * `isExactSumOverflow` recognizes these errors; the kit reports them as one DATA line naming the
 * largest amount and its file, row and column (`exactSumOverflowError`).
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

/** The largest sum (of values; of squares or products) a Decimal128 of scale 6 (12) holds. */
export const SUM_LIMIT = 1e32;
export const PRODUCT_SUM_LIMIT = 1e26;

/**
 * ClickHouse: a Decimal128 sum as a Float64, the query stopped (`throwIf`) when the same sum in
 * Float64 (`shadow`) reaches `limit`: a Decimal128 sum past 38 digits wraps around unchecked.
 */
const checkedCh = (decimalSum: string, shadow: string, limit: number) =>
  `(toFloat64(${decimalSum}) + throwIf(abs(ifNull(${shadow}, 0)) >= ${limit}))`;

/** The sum of `expr` (rounded to 6 decimals), exact, as a DOUBLE; NULL for no rows on DuckDB as `sum`. */
export function exactSum(expr: string, d: SumDialect = 'duckdb'): string {
  return d === 'duckdb'
    ? `CAST(sum(${dec6(expr, d)}) AS DOUBLE)`
    : checkedCh(`sum(${dec6(expr, d)})`, `sum(toFloat64(${expr}))`, SUM_LIMIT);
}

/** `exactSum` of the rows where `cond` holds (DuckDB: NULL when none does, as `sum(CASE …)`). */
export function exactSumIf(expr: string, cond: string, d: SumDialect = 'duckdb'): string {
  return d === 'duckdb'
    ? `CAST(sum(CASE WHEN ${cond} THEN ${dec6(expr, d)} END) AS DOUBLE)`
    : checkedCh(`sumIf(${dec6(expr, d)}, ${cond})`, `sumIf(toFloat64(${expr}), ${cond})`, SUM_LIMIT);
}

/** The sum of `a × b` (each rounded to 6 decimals; a square when `b` is `a`), exact, as a DOUBLE. */
export function exactSumProduct(a: string, b: string = a, d: SumDialect = 'duckdb'): string {
  return d === 'duckdb'
    ? `CAST(sum(${dec6(a, d)} * ${dec6(b, d)}) AS DOUBLE)`
    : checkedCh(
        `sum(${dec6(a, d)} * ${dec6(b, d)})`,
        `sum(toFloat64(${a}) * toFloat64(${b}))`,
        PRODUCT_SUM_LIMIT,
      );
}

/** The engines' errors of an exact sum past its limits (DuckDB's decimal checks, ClickHouse's and `checkedCh`). */
const OVERFLOW =
  /Overflow in (multiplication|addition|subtraction) of DECIMAL|Overflow in HUGEINT|Could not cast value \S+ to DECIMAL\(38, ?6\)|Decimal math overflow|Decimal value is too big|Value passed to 'throwIf' function is non zero/;

/** Whether an error (a GtmError of the engine, or its cause) is an exact sum's overflow. */
export function isExactSumOverflow(err: unknown): boolean {
  for (let e = err, depth = 0; e instanceof Error && depth < 4; e = e.cause, depth++)
    if (OVERFLOW.test(e.message)) return true;
  return false;
}
