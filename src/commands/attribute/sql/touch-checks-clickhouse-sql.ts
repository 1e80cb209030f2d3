import { quoteIdent, quoteString } from '../../../data/sql-text.ts';
import { BLANK_CHANNEL_PATTERN } from './blank-channel.ts';
import { convertedKindOf, convertedNumberSql, type TouchColumns } from './path-summary-sql.ts';

/** A touch log column's ClickHouse type by column name (`DESCRIBE TABLE`), names compared case-blind. */
export type ColumnTypes = ReadonlyMap<string, string>;

const q = (c: string) => quoteIdent(c, 'clickhouse');

/**
 * A column as the number its source holds: numeric types widened to Float64 as they are (an Int8
 * −1 stays −1, never the 255 of a UInt8 cast), text read as a number or NULL, anything else read
 * from its text. NULL stays NULL (an empty flag or value).
 */
export function clickHouseNumber(column: string, types: ColumnTypes): string {
  const type = (types.get(column.toLowerCase()) ?? '').replace(/^(Nullable|LowCardinality)\((.*)\)$/, '$2');
  return /^(U?Int\d+|Float\d+|Decimal|Bool$)/.test(type)
    ? `toFloat64(${q(column)})`
    : `toFloat64OrNull(toString(${q(column)}))`;
}

/**
 * A touch without a channel: NULL, empty or made only of space separators (the one definition of
 * blank, `BLANK_CHANNEL_PATTERN`: DuckDB's `trim(channel) = ''`, the no-break space and the other
 * Unicode spaces included). One anchored match costs ~0.07 s more than removing ' ' alone at 3M rows
 * (18.16), which counted a no-break space as a channel.
 */
export const blankChannel = (cols: TouchColumns) =>
  `(isNull(${q(cols.channel)}) OR match(toString(${q(cols.channel)}), ${quoteString(BLANK_CHANNEL_PATTERN, 'clickhouse')}))`;

/** Tests of one row: converted a number other than 0 and 1, value negative or not finite. */
export const badConvertedTest = (cols: TouchColumns, types: ColumnTypes) => {
  const cv = convertedNumberSql(
    cols,
    'clickhouse',
    convertedKindOf(types.get(cols.converted.toLowerCase())),
    clickHouseNumber(cols.converted, types),
  );
  return `(isNotNull(${cv}) AND NOT (${cv} IN (0, 1)))`;
};
export const badValueTest = (cols: TouchColumns, types: ColumnTypes) => {
  if (!cols.value) return '0';
  const v = clickHouseNumber(cols.value, types);
  return `(isNotNull(${v}) AND (${v} < 0 OR NOT isFinite(${v})))`;
};

/**
 * The touch checks on ClickHouse (18.16: no window functions or CTEs), one aggregate over the rows:
 * rows, rows without a channel, rows with a channel but no time, converted other than 0/1, values
 * negative or not finite — each as `distinctChannelsSql` counts them on DuckDB, with the columns
 * read as the table holds them (`clickHouseNumber`). Journeys whose values disagree, and those
 * left without a touch, are counted by the path query, as on DuckDB.
 */
export function touchChecksClickHouseSql(relation: string, cols: TouchColumns, types: ColumnTypes): string {
  const blank = blankChannel(cols);
  return `SELECT count() AS touches, countIf(${blank}) AS no_channel, countIf(NOT ${blank} AND isNull(${q(cols.time)})) AS no_time,
      countIf(${badConvertedTest(cols, types)}) AS bad_converted, countIf(${badValueTest(cols, types)}) AS bad_value
    FROM ${relation}`;
}

/**
 * The first refused row (by journey, then time): the column's text, the journey and the time, for
 * the error line (a table has no row numbers to name).
 */
export function firstBadTouchClickHouseSql(
  relation: string,
  cols: TouchColumns,
  types: ColumnTypes,
  converted: boolean,
): string {
  const column = converted ? cols.converted : (cols.value ?? cols.converted);
  const test = converted ? badConvertedTest(cols, types) : badValueTest(cols, types);
  return `SELECT toString(${q(column)}) AS v, toString(${q(cols.journey)}) AS j, toString(${q(cols.time)}) AS t
    FROM ${relation} WHERE ${test} ORDER BY ${q(cols.journey)}, ${q(cols.time)} LIMIT 1`;
}
