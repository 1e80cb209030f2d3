/**
 * Tolerant parsing of text columns (all sources are read as text so that a bad value becomes a
 * rejected row with a reason, not a failed load).
 */

/**
 * ISO timestamps and dates, `YYYY-MM-DD HH:MM[:SS]`, US `MM/DD/YYYY[ HH:MM]`, epoch seconds or ms.
 * Results are UTC: a UTC offset (`+02:00`) is applied, a naive time is taken as UTC (the engine
 * runs with `TimeZone = 'UTC'`). TIMESTAMPTZ goes first because a plain TIMESTAMP cast silently
 * drops the offset.
 */
export function parseTimestampSql(expr: string): string {
  const t = `trim(${expr})`;
  return `COALESCE(
    TRY_CAST(TRY_CAST(${t} AS TIMESTAMPTZ) AS TIMESTAMP),
    TRY_CAST(${t} AS TIMESTAMP),
    TRY_STRPTIME(${t}, '%m/%d/%Y %H:%M:%S'),
    TRY_STRPTIME(${t}, '%m/%d/%Y %H:%M'),
    TRY_STRPTIME(${t}, '%m/%d/%Y'),
    CASE WHEN regexp_full_match(${t}, '[0-9]{13}') THEN make_timestamp(TRY_CAST(${t} AS BIGINT) * 1000)
         WHEN regexp_full_match(${t}, '[0-9]{10}') THEN make_timestamp(TRY_CAST(${t} AS BIGINT) * 1000000) END)`;
}

/**
 * Amounts: currency symbols, spaces and thousands separators (commas) removed; a lone decimal point
 * kept. European decimal commas are not guessed: map such sources through a query or fix upstream.
 */
export function parseAmountSql(expr: string): string {
  return `TRY_CAST(regexp_replace(trim(${expr}), '[\\s$€£¥,]|^[A-Za-z]{3}\\s*', '', 'g') AS DOUBLE)`;
}
