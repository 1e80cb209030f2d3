import { quoteIdent, quoteString } from '../../../data/sql-text.ts';
import type { Dialect } from '../../../data/index.ts';
import { blankChannel } from './touch-checks-clickhouse-sql.ts';

export interface TouchColumns {
  journey: string;
  /** TIMESTAMP, DATE or a number (epoch seconds or ms); only its order matters. */
  time: string;
  channel: string;
  /**
   * 0 or 1 (or boolean) per touch, empty meaning 0; a journey converts (once) when any of its rows
   * says 1. Anything else is refused (`touchChecksOf`).
   */
  converted: string;
  /**
   * Conversion value per journey: the largest value on its rows (it is repeated on every row, or set
   * on the converting row only); ≥ 0, empty meaning none; optional.
   */
  value?: string;
}

/**
 * What the check scan counted about the touch rows, before any path is built: DuckDB's channel scan
 * (or a Parquet log's statistics), ClickHouse's check query (`touchChecksClickHouseSql`).
 */
export interface TouchChecks {
  /** rows of the touch log */
  touches: number;
  /** rows left out of their journey's path: no channel (empty or blank), or a channel but no time */
  noChannel: number;
  noTime: number;
  /** rows whose converted is a number other than 0 and 1, whose value is negative or not finite */
  badConverted: number;
  badValue: number;
}

/**
 * How `converted` is read, from its type name (DuckDB `typeof`, ClickHouse `toTypeName`): a number
 * or boolean as it is; text (a CSV mixing 0/1 with true/false, whose cells DuckDB then types as
 * text, a String column); JSON (NDJSON mixing numbers, booleans and strings).
 */
export type ConvertedKind = 'number' | 'text' | 'json';
export const convertedKindOf = (type: string | undefined): ConvertedKind =>
  type === 'JSON' ? 'json' : /^VARCHAR$|String/.test(type ?? '') ? 'text' : 'number';

/**
 * `converted` as a number. Text and JSON read `true` and `false` (any case) as 1 and 0, an empty
 * cell as NULL (0), a number as itself, and any other text (`yes`) as NaN, which the checks refuse
 * as not 0 or 1: one rule whatever type the file's other rows gave the column. A numeric or boolean
 * column is read as it is (DuckDB: `TRY_CAST`; ClickHouse: `clickHouseNumber`, given as `numeric`).
 */
export function convertedNumberSql(
  cols: TouchColumns,
  dialect: Dialect,
  kind: ConvertedKind,
  numeric?: string,
): string {
  const c = quoteIdent(cols.converted, dialect);
  if (dialect === 'clickhouse') {
    if (kind === 'number') return numeric ?? `toFloat64(${c})`;
    const v = `toString(${c})`;
    return `multiIf(isNull(${c}), NULL, lower(${v}) = 'true', 1, lower(${v}) = 'false', 0, empty(${v}), NULL, ifNull(toFloat64OrNull(${v}), nan))`;
  }
  if (kind === 'number') return `TRY_CAST(${c} AS DOUBLE)`;
  // a JSON string's text without its quotes (a JSON null is NULL)
  const v = kind === 'json' ? `json_extract_string(${c}, '$')` : `CAST(${c} AS VARCHAR)`;
  return `(CASE WHEN ${v} IS NULL OR ${v} = '' THEN NULL WHEN lower(${v}) = 'true' THEN 1.0 WHEN lower(${v}) = 'false' THEN 0.0 ELSE coalesce(TRY_CAST(${v} AS DOUBLE), CAST('NaN' AS DOUBLE)) END)`;
}

/**
 * Distinct channels of a touch relation, in a stable order: their position is the dictionary code.
 * On DuckDB the same scan counts each channel's rows and those that are left out or refused (see
 * `TouchChecks`; the blank channel is NULL, left out); a word where a number belongs is left to the
 * path query's cast, whose error `touchReadError` words.
 */
/** DuckDB: the distinct channels alone (their order as `distinctChannelsSql`'s), when the checks are proved otherwise. */
export const distinctChannelsOnlySql = (relation: string, cols: TouchColumns) =>
  `SELECT DISTINCT CAST(${quoteIdent(cols.channel)} AS VARCHAR) AS channel FROM ${relation} ORDER BY channel`;

export const distinctChannelsSql = (
  relation: string,
  cols: TouchColumns,
  dialect: Dialect,
  opts: { converted?: ConvertedKind } = {},
) => {
  // ClickHouse: a blank channel is left out of the list, so it gets no code (left out of paths)
  if (dialect === 'clickhouse')
    return `SELECT DISTINCT toString(${quoteIdent(cols.channel, dialect)}) AS channel FROM ${relation} WHERE NOT ${blankChannel(cols)} ORDER BY channel`;
  const ch = `CAST(${quoteIdent(cols.channel)} AS VARCHAR)`;
  const v = cols.value ? `TRY_CAST(${quoteIdent(cols.value)} AS DOUBLE)` : 'NULL';
  return `SELECT channel, count(*) AS touches, count(*) FILTER (WHERE t IS NULL) AS no_time,
      count(*) FILTER (WHERE cv NOT IN (0, 1)) AS bad_converted,
      count(*) FILTER (WHERE v < 0 OR NOT isfinite(v)) AS bad_value FROM (
    SELECT CASE WHEN trim(${ch}) = '' THEN NULL ELSE ${ch} END AS channel, ${quoteIdent(cols.time)} AS t,
      ${convertedNumberSql(cols, dialect, opts.converted ?? 'number')} AS cv, ${v} AS v FROM ${relation})
    GROUP BY channel ORDER BY channel`;
};

/**
 * Path summaries (one row per distinct path: codes, conversions, value, nulls, and with a value
 * column the converting journeys whose values disagree) built in the engine.
 *
 * Why this shape: an ordered aggregate (`string_agg(… ORDER BY ts)`) costs an order of magnitude more
 * than a sort at 10M rows. Instead each touch becomes one sortable integer, `time · 2^bits + code`,
 * collected with a plain (unordered) `list` per journey and sorted inside the journey's small list,
 * so the only work beyond a hash aggregation is many tiny sorts. Ties in time are broken by the
 * channel code, so results never depend on row order; touches without a time or channel are left
 * out of the path (the journey still counts). A time with a fraction (epoch seconds as 1764950400.25,
 * a FLOAT, DECIMAL or numeric text column: `fraction`) cannot be packed into that integer without
 * rounding it (1.6 and 2.4 both became 2, and the tie put the later touch first), so on DuckDB such a
 * journey's touches are sorted as (time, code) pairs instead; integer and time columns keep the key. On DuckDB the path comes back as a list of UTINYINT
 * codes and the counts as DOUBLE, read by columns (`queryColumns`): no string or object per path.
 * ClickHouse 18.16 returns rows as JSON, so there the path is the codes joined by commas, touches
 * without a channel or time (no code: 255) left out before grouping, so that each row is a distinct path. On a
 * Distributed table sharded by the journey (`journeysOnShards`), each shard finishes its journeys'
 * paths itself and sends one row per journey instead of a partial state per journey.
 */
export function pathSummarySql(
  relation: string,
  cols: TouchColumns,
  channels: string[],
  dialect: Dialect,
  timeKind: TimeKind,
  opts: { journeysOnShards?: boolean; everyChannelListed?: boolean; converted?: ConvertedKind } = {},
): string {
  // the flag as the checks read it (0, 1 or NULL by now: anything else was refused)
  const converted =
    opts.converted && opts.converted !== 'number'
      ? convertedNumberSql(cols, dialect, opts.converted)
      : quoteIdent(cols.converted, dialect);
  const bits = Math.max(1, Math.ceil(Math.log2(Math.max(2, channels.length))));
  const q = (c: string) => quoteIdent(c, dialect);
  if (dialect === 'clickhouse') {
    // ClickHouse (18.16 too): arraySort + groupArray; no window functions or CTEs needed. A touch
    // without a time, or whose channel is not listed (blank), gets code 255: left out of the path.
    const code = `indexOf([${channels.map((c) => quoteString(c, 'clickhouse')).join(', ')}], toString(${q(cols.channel)})) - 1`;
    // value_conflicts (with a value column), as on DuckDB: converting journeys whose rows carry two
    // different non-zero values
    const v = cols.value ? `toFloat64(${q(cols.value)})` : '';
    return `SELECT path, sum(conv) AS conversions, sum(conv * val) AS value, count() - sum(conv) AS nulls${v ? ', sum(conv = 1 AND vlo < val) AS value_conflicts' : ''} FROM (
      SELECT ${q(cols.journey)} AS j,
        arrayStringConcat(arrayMap(x -> toString(x.2), arrayFilter(x -> x.2 < ${channels.length}, arraySort(x -> (x.1, x.2), groupArray((${timeNumber(q(cols.time), dialect, timeKind)}, toUInt8(if(isNull(${q(cols.time)}), 255, ${code}))))))), ',') AS path,
        max(toUInt8(${converted})) AS conv, ${v ? `max(${v}) AS val, minIf(${v}, ${v} != 0) AS vlo` : 'toFloat64(0) AS val'}
      FROM ${relation} GROUP BY j${opts.journeysOnShards ? ' SETTINGS distributed_group_by_no_merge = 1' : ''}) GROUP BY path`;
  }
  // a channel not in the list (a blank one, left out like NULL) has no code
  // (when every channel of the log is in the list, as Parquet statistics can prove, none is looked for)
  const position = `list_position([${channels.map((c) => quoteString(c)).join(', ')}], CAST(${q(cols.channel)} AS VARCHAR))`;
  const code = opts.everyChannelListed ? `(${position} - 1)` : `(NULLIF(${position}, 0) - 1)`;
  // value_conflicts: converting journeys whose rows carry two different non-zero values (the
  // largest is kept)
  const val = cols.value ? `CAST(${q(cols.value)} AS DOUBLE)` : '';
  const time = timeNumber(q(cols.time), dialect, timeKind);
  const key = `(${time} * ${2 ** bits} + ${code})`;
  // `& mask` (not `%`) recovers the code for times before 1970 too. A fractional time sorts as a
  // (time, code) struct: fields compare in order, so ties in time still go by the channel code.
  const sortedCodes =
    timeKind === 'fraction'
      ? `list_transform(list_sort(list({'t': ${time}, 'c': ${code}}) FILTER (WHERE ${time} IS NOT NULL AND ${code} IS NOT NULL)), x -> CAST(x.c AS UTINYINT))`
      : `list_transform(list_sort(list(${key}) FILTER (WHERE ${key} IS NOT NULL)), x -> CAST(x & ${2 ** bits - 1} AS UTINYINT))`;
  return `SELECT path, CAST(coalesce(sum(conv), 0) AS DOUBLE) AS conversions, CAST(coalesce(sum(conv * val), 0) AS DOUBLE) AS value,
      CAST(coalesce(count(*) - sum(conv), 0) AS DOUBLE) AS nulls${cols.value ? ', CAST(count_if(conv = 1 AND vlo < val) AS DOUBLE) AS value_conflicts' : ''} FROM (
    SELECT ${q(cols.journey)} AS j,
      coalesce(${sortedCodes}, []) AS path,
      coalesce(max(CAST(${converted} AS INTEGER)), 0) AS conv, ${cols.value ? `max(${val}) AS val, min(CASE WHEN ${val} <> 0 THEN ${val} END) AS vlo` : '0.0 AS val'}
    FROM ${relation} GROUP BY j) GROUP BY path`;
}

/**
 * How the time column sorts: a time type, a whole number (epoch seconds or ms in an integer column),
 * a number that may hold a fraction (`fraction`: a FLOAT, DOUBLE or DECIMAL column, or numbers
 * written as text), or text holding ISO times
 * (an NDJSON or CSV column mixing dates and times, or times with and without an offset, is read as
 * text). Text is read as TIMESTAMPTZ on DuckDB, which applies a written offset (a cast to TIMESTAMP
 * drops it), and by parseDateTimeBestEffort on ClickHouse (whole seconds: touches within one second
 * are ordered by channel, as ties are).
 */
export type TimeKind = 'timestamp' | 'number' | 'fraction' | 'text';

/** Time as a number that sorts like the time itself: an integer, but for `fraction` (a DOUBLE). */
function timeNumber(expr: string, dialect: Dialect, kind: TimeKind): string {
  if (dialect === 'clickhouse') {
    if (kind === 'text') return `toInt64(toUnixTimestamp(parseDateTimeBestEffort(${expr})))`;
    if (kind === 'fraction') return `toFloat64(${expr})`;
    return kind === 'number' ? `toInt64(${expr})` : `toInt64(toUnixTimestamp(${expr}))`;
  }
  if (kind === 'text') return `epoch_ms(CAST(${expr} AS TIMESTAMPTZ))`;
  if (kind === 'fraction') return `CAST(${expr} AS DOUBLE)`;
  return kind === 'timestamp' ? `epoch_ms(CAST(${expr} AS TIMESTAMP))` : `CAST(${expr} AS BIGINT)`;
}
