import type { Engine } from '../../data/index.ts';
import { quoteIdent } from '../../data/sql-text.ts';
import { BLANK_CHANNEL_CODE_POINTS } from './sql/blank-channel.ts';
import type { TouchChecks, TouchColumns } from './sql/path-summary-sql.ts';

/** One Parquet column's statistics over all row groups (`parquet_metadata`). */
type ColumnStats = {
  c: string;
  type: string;
  groups: number;
  rows: number;
  has_nulls: number;
  nulls: number;
  has_min: number;
  has_max: number;
  smin: string | null;
  smax: string | null;
  lo: number | null;
  hi: number | null;
};

const INTEGERS = new Set(['INT32', 'INT64', 'BOOLEAN']);
const FLOATS = new Set(['FLOAT', 'DOUBLE']);

/**
 * The touch checks of a Parquet touch log proved from its row-group statistics, without reading
 * its rows: every row group has statistics, no time and no channel is null, no channel can be empty
 * or blank (every channel's first character lies between those of the smallest and the largest
 * value, and no space separator of `BLANK_CHANNEL_CODE_POINTS` — the space, U+00A0, U+2000–U+200A,
 * U+3000… — lies there), `converted` is an integer or boolean column within
 * 0..1, and `value` (when given) is at least 0 and finite (a floating-point column is also scanned
 * for NaN, which statistics leave out). `undefined` when any of that cannot be proved: the full
 * check scan then counts the rows (`distinctChannelsSql`). At 10M touches the scan costs ~0.3 s
 * wall on 2 cores; this, a few milliseconds.
 */
export async function parquetTouchChecks(
  engine: Engine,
  relation: string,
  cols: TouchColumns,
): Promise<TouchChecks | undefined> {
  const m = /^read_parquet\(('(?:[^']|'')*')\)$/.exec(relation);
  if (!m || engine.dialect !== 'duckdb') return undefined;
  const stats = await engine
    .query<ColumnStats>(
      `SELECT path_in_schema AS c, any_value(type) AS type, count(*) AS groups, sum(row_group_num_rows) AS rows,
         count(stats_null_count) AS has_nulls, sum(stats_null_count) AS nulls, count(stats_min_value) AS has_min,
         count(stats_max_value) AS has_max, min(stats_min_value) AS smin, max(stats_max_value) AS smax, min(TRY_CAST(stats_min_value AS DOUBLE)) AS lo,
         max(TRY_CAST(stats_max_value AS DOUBLE)) AS hi
       FROM parquet_metadata(${m[1]}) GROUP BY c`,
    )
    .catch(() => undefined);
  if (!stats) return undefined;
  const of = (name: string) => {
    const s = stats.find((x) => x.c === name);
    return (
      s && {
        ...s,
        groups: Number(s.groups),
        rows: Number(s.rows),
        has_nulls: Number(s.has_nulls),
        nulls: Number(s.nulls),
        has_min: Number(s.has_min),
        has_max: Number(s.has_max),
      }
    );
  };
  const time = of(cols.time);
  const channel = of(cols.channel);
  const converted = of(cols.converted);
  const value = cols.value ? of(cols.value) : undefined;
  if (!time || !channel || !converted || (cols.value && !value)) return undefined;
  const noNulls = (s: NonNullable<typeof time>) => s.has_nulls === s.groups && s.nulls === 0;
  if (!noNulls(time) || !noNulls(channel)) return undefined;
  // text: no channel can be empty or blank (`BLANK_CHANNEL_CODE_POINTS`, as the scan's trim): every
  // channel's first character lies between those of the smallest and the largest value (UTF-8
  // sorts by code point), so none may start with a space separator in that range; integers cannot
  // be blank
  if (channel.type === 'BYTE_ARRAY') {
    if (channel.has_min !== channel.groups || channel.has_max !== channel.groups) return undefined;
    const first = channel.smin?.codePointAt(0);
    const last = channel.smax?.codePointAt(0);
    if (first === undefined || last === undefined) return undefined;
    if (BLANK_CHANNEL_CODE_POINTS.some((c) => c >= first && c <= last)) return undefined;
  } else if (!INTEGERS.has(channel.type)) return undefined;
  if (!INTEGERS.has(converted.type)) return undefined;
  if (converted.type !== 'BOOLEAN') {
    const lo = converted.lo === null ? null : Number(converted.lo);
    const hi = converted.hi === null ? null : Number(converted.hi);
    if (converted.has_min !== converted.groups || lo === null || hi === null || lo < 0 || hi > 1)
      return undefined;
  }
  if (value) {
    if (!INTEGERS.has(value.type) && !FLOATS.has(value.type)) return undefined;
    const lo = value.lo === null ? null : Number(value.lo);
    const hi = value.hi === null ? null : Number(value.hi);
    if (value.rows > value.nulls && (lo === null || hi === null || lo < 0 || !Number.isFinite(hi)))
      return undefined;
    if (FLOATS.has(value.type)) {
      const [nan] = await engine.query<{ n: number | bigint }>(
        `SELECT count(*) AS n FROM ${relation} WHERE isnan(${quoteIdent(cols.value as string)})`,
      );
      if (Number(nan?.n ?? 1) > 0) return undefined;
    }
  }
  return { touches: time.rows, noChannel: 0, noTime: 0, badConverted: 0, badValue: 0 };
}
