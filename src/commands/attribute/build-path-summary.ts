import { recordsFromColumns, type PathColumns, type PathRecord } from '../../analyses/attribution/index.ts';
import { isClickHouseEngine, isDuckDbEngine, type Engine } from '../../data/index.ts';
import type { IntListColumn } from '../../data/duckdb-engine.ts';
import { quoteIdent } from '../../data/sql-text.ts';
import { GtmError } from '../../errors/index.ts';
import {
  distinctChannelsOnlySql,
  convertedKindOf,
  distinctChannelsSql,
  pathSummarySql,
  type ConvertedKind,
  type TimeKind,
  type TouchChecks,
  type TouchColumns,
} from './sql/path-summary-sql.ts';
import { clickHouseTouchChecks } from './clickhouse-touch-checks.ts';
import { parquetTouchChecks } from './parquet-touch-checks.ts';

export interface PathColumnsBuild {
  paths: PathColumns;
  channels: string[];
  journeys: number;
  /** milliseconds spent in the engine building paths, and reading them into columns */
  timings: { channels_ms: number; paths_ms: number; decode_ms: number };
  /**
   * Converting journeys whose touches carry two different non-zero values (the largest is kept);
   * counted with a value column (by the path query), else undefined.
   */
  valueConflicts?: number;
}

export interface PathSummaryBuild extends Omit<PathColumnsBuild, 'paths'> {
  paths: PathRecord[];
}

/** Channel codes travel as UTINYINT (DuckDB) and UInt8 (ClickHouse). */
export const MAX_CHANNELS = 200;

/**
 * Builds aggregated paths from raw touchpoints in the engine and reads them as columns: channel
 * codes in one Int32Array with row offsets, counts in Float64Arrays. Only one row per distinct path
 * leaves the engine, and on DuckDB it is read by columns (no object or string per path); ClickHouse
 * returns JSON rows, whose comma-joined codes are read without splitting them into strings.
 * @example const { paths } = await buildPathColumns(engine, `read_parquet('touches.parquet')`, cols)
 */
export async function buildPathColumns(
  engine: Engine,
  relation: string,
  cols: TouchColumns,
  opts: { journeysOnShards?: boolean } = {},
): Promise<PathColumnsBuild> {
  const { channels, sql, channelsMs } = await pathSummaryQuery(engine, relation, cols, opts);
  return readPathColumns(engine, sql, channels, channelsMs);
}

/**
 * The dictionary of channels (read from the engine: their position is the code) and the SQL of
 * the path summaries over them.
 */
export async function pathSummaryQuery(
  engine: Engine,
  relation: string,
  cols: TouchColumns,
  opts: { journeysOnShards?: boolean } = {},
): Promise<{
  channels: string[];
  sql: string;
  channelsMs: number;
  checks?: TouchChecks;
  /** how the converted column is read (see `convertedNumberSql`) */
  converted: ConvertedKind;
}> {
  const t = performance.now();
  // a Parquet log whose statistics prove every check reads only its channels (a few ms at 10M)
  const proved = await parquetTouchChecks(engine, relation, cols);
  const kinds = await columnKindsOf(engine, relation, cols);
  const rows = await engine.query<{
    channel: string | null;
    touches?: number | bigint;
    no_time?: number | bigint;
    bad_converted?: number | bigint;
    bad_value?: number | bigint;
  }>(
    proved
      ? distinctChannelsOnlySql(relation, cols)
      : distinctChannelsSql(relation, cols, engine.dialect, { converted: kinds.converted }),
  );
  const channels = rows.map((r) => r.channel ?? '(none)');
  let checks: TouchChecks | undefined;
  if (proved) checks = proved;
  else if (engine.dialect === 'clickhouse') {
    checks = await clickHouseTouchChecks(engine, relation, cols);
  } else {
    checks = { touches: 0, noChannel: 0, noTime: 0, badConverted: 0, badValue: 0 };
    for (const r of rows) {
      const n = Number(r.touches ?? 0);
      checks.touches += n;
      if (r.channel === null) checks.noChannel += n;
      else checks.noTime += Number(r.no_time ?? 0);
      checks.badConverted += Number(r.bad_converted ?? 0);
      checks.badValue += Number(r.bad_value ?? 0);
    }
  }
  if (channels.length > MAX_CHANNELS)
    throw new GtmError(
      'INPUT',
      `${channels.length} distinct channels; at most ${MAX_CHANNELS} are supported`,
      {
        where: cols.channel,
        hint: 'group channels (channels.rules in gtm.yaml) or pass a coarser column',
      },
    );
  const channelsMs = performance.now() - t;
  return {
    channels,
    sql: pathSummarySql(relation, cols, channels, engine.dialect, kinds.timeKind, {
      ...opts,
      everyChannelListed: !!proved,
      converted: kinds.converted,
    }),
    channelsMs,
    converted: kinds.converted,
    ...(checks ? { checks } : {}),
  };
}

/** Runs a path-summary query and reads its rows into columns (see `buildPathColumns`). */
export async function readPathColumns(
  engine: Engine,
  sql: string,
  channels: string[],
  channelsMs: number,
): Promise<PathColumnsBuild> {
  let t = performance.now();
  let paths: PathColumns;
  let pathsMs: number;
  let valueConflicts: number | undefined;
  if (isDuckDbEngine(engine) && typeof engine.queryColumns === 'function') {
    // streamed: millions of distinct paths at scale, not held twice (DuckDB's copy and the arrays)
    const { rowCount, columns } = await engine.queryColumns(sql, { stream: true });
    pathsMs = performance.now() - t;
    t = performance.now();
    const path = columns.path as IntListColumn;
    paths = {
      channels,
      rows: rowCount,
      offsets: path.offsets,
      codes: path.values,
      conversions: columns.conversions as Float64Array,
      value: columns.value as Float64Array,
      nulls: columns.nulls as Float64Array,
      // one row per path: the query groups by it
      distinct: true,
    };
    const conflicts = columns.value_conflicts as Float64Array | undefined;
    if (conflicts) {
      valueConflicts = 0;
      for (let r = 0; r < rowCount; r++) valueConflicts += conflicts[r];
    }
  } else if (isClickHouseEngine(engine)) {
    // Tab-separated lines, read as they arrive: hundreds of thousands of paths cost the server
    // several times more as JSON, and would be held whole as one parsed document here.
    const reader = new JoinedCodesReader(channels);
    await engine.queryLines(sql, (line) => reader.line(line));
    pathsMs = performance.now() - t;
    t = performance.now();
    paths = reader.columns();
    valueConflicts = reader.valueConflicts;
  } else {
    const rows = await engine.query<{ path: string; conversions: number; value: number; nulls: number }>(sql);
    pathsMs = performance.now() - t;
    t = performance.now();
    paths = columnsFromJoinedCodes(rows, channels);
  }
  let journeys = 0;
  for (let r = 0; r < paths.rows; r++) journeys += paths.conversions[r] + paths.nulls[r];
  return {
    paths,
    channels,
    journeys,
    timings: { channels_ms: channelsMs, paths_ms: pathsMs, decode_ms: performance.now() - t },
    ...(valueConflicts !== undefined ? { valueConflicts } : {}),
  };
}

/**
 * `buildPathColumns` with the paths as records (one object and string array per path), for callers
 * that want that form.
 * @example const { paths } = await buildPathSummary(engine, `read_parquet('touches.parquet')`, cols)
 */
export async function buildPathSummary(
  engine: Engine,
  relation: string,
  cols: TouchColumns,
): Promise<PathSummaryBuild> {
  const built = await buildPathColumns(engine, relation, cols);
  return { ...built, paths: recordsFromColumns(built.paths) };
}

/** Rows whose path is codes joined by commas ("3,0,7"), read digit by digit into columns. */
function columnsFromJoinedCodes(
  rows: { path: string; conversions: number; value: number; nulls: number }[],
  channels: string[],
): PathColumns {
  const n = rows.length;
  const offsets = new Int32Array(n + 1);
  const conversions = new Float64Array(n);
  const value = new Float64Array(n);
  const nulls = new Float64Array(n);
  let codes = new Int32Array(Math.max(16, n * 4));
  let at = 0;
  for (let r = 0; r < n; r++) {
    const row = rows[r];
    const text = String(row.path ?? '');
    let code = -1;
    for (let i = 0; i <= text.length; i++) {
      const ch = i < text.length ? text.charCodeAt(i) : 44;
      if (ch >= 48 && ch <= 57) {
        code = (code < 0 ? 0 : code * 10) + (ch - 48);
        continue;
      }
      // A touch without a channel (code out of range) is left out, as on DuckDB.
      if (code >= 0 && code < channels.length) {
        if (at === codes.length) {
          const bigger = new Int32Array(codes.length * 2);
          bigger.set(codes);
          codes = bigger;
        }
        codes[at++] = code;
      }
      code = -1;
    }
    offsets[r + 1] = at;
    // Counts come back as numbers or, for 64-bit sums, as strings; NULL sums count as 0.
    conversions[r] = Number(row.conversions ?? 0);
    value[r] = Number(row.value ?? 0);
    nulls[r] = Number(row.nulls ?? 0);
  }
  return { channels, rows: n, offsets, codes: codes.subarray(0, at), conversions, value, nulls };
}

/** Entries per chunk of the reader's growing columns (a chunk is filled, then the next is made). */
const CHUNK = 1 << 20;

/**
 * Builds path columns from `path<TAB>conversions<TAB>value<TAB>nulls[<TAB>value_conflicts]` lines
 * (the path as codes joined by commas), one line at a time (value_conflicts only summed). What a
 * line adds goes into fixed-size chunks — a code as one byte (codes are below `MAX_CHANNELS`),
 * counts and value as they come — and `columns()`
 * copies the chunks once into arrays of the exact size the model reads. So holding the paths costs
 * 1 byte per code, while they stream and after (the models read 1-byte codes), never the doubled
 * and copied arrays of a growing buffer. Models whose result is a sum over paths do not hold them
 * at all (`PathLineStream`); this form is for those that need every path.
 */
export class JoinedCodesReader {
  private rows = 0;
  private at = 0;
  /** codes, one byte each */
  private codeChunks: Uint8Array[] = [];
  private codeChunk: Uint8Array;
  private codeFill = 0;
  /** per row: its code count, conversions, value, nulls */
  private rowChunks: {
    len: Int32Array;
    conversions: Float64Array;
    value: Float64Array;
    nulls: Float64Array;
  }[] = [];
  private rowChunk: ReturnType<typeof JoinedCodesReader.newRowChunk>;
  private rowFill = 0;
  /** whether a touch without a channel was left out (two lines may then hold the same path) */
  private dropped = false;
  /** the lines' value_conflicts summed, when they have that field */
  valueConflicts: number | undefined;

  /** `chunk`: entries per chunk (smaller in tests, to cross chunk boundaries) */
  constructor(
    private readonly channels: string[],
    private readonly chunk = CHUNK,
  ) {
    this.codeChunk = new Uint8Array(chunk);
    this.rowChunk = JoinedCodesReader.newRowChunk(chunk);
  }

  private static newRowChunk(size: number) {
    return {
      len: new Int32Array(size),
      conversions: new Float64Array(size),
      value: new Float64Array(size),
      nulls: new Float64Array(size),
    };
  }

  line(text: string): void {
    const [t1, t2, t3, t4] = pathLineTabs(text);
    if (t4 >= 0) this.valueConflicts = (this.valueConflicts ?? 0) + numberField(text.slice(t4 + 1));
    const before = this.at;
    let code = -1;
    for (let i = 0; i <= t1; i++) {
      const ch = i < t1 ? text.charCodeAt(i) : 44;
      if (ch >= 48 && ch <= 57) {
        code = (code < 0 ? 0 : code * 10) + (ch - 48);
        continue;
      }
      // A touch without a channel (code out of range) is left out, as on DuckDB.
      if (code >= 0 && code < this.channels.length) {
        if (this.codeFill === this.chunk) {
          this.codeChunks.push(this.codeChunk);
          this.codeChunk = new Uint8Array(this.chunk);
          this.codeFill = 0;
        }
        this.codeChunk[this.codeFill++] = code;
        this.at++;
      } else if (code >= 0) this.dropped = true;
      code = -1;
    }
    if (this.rowFill === this.chunk) {
      this.rowChunks.push(this.rowChunk);
      this.rowChunk = JoinedCodesReader.newRowChunk(this.chunk);
      this.rowFill = 0;
    }
    const r = this.rowFill++;
    this.rowChunk.len[r] = this.at - before;
    this.rowChunk.conversions[r] = numberField(text.slice(t1 + 1, t2));
    this.rowChunk.value[r] = numberField(text.slice(t2 + 1, t3));
    this.rowChunk.nulls[r] = numberField(t4 < 0 ? text.slice(t3 + 1) : text.slice(t3 + 1, t4));
    this.rows++;
  }

  columns(): PathColumns {
    const n = this.rows;
    // codes first, one byte each as they came (codes are below MAX_CHANNELS), dropping each chunk
    // once copied
    const codes = new Uint8Array(this.at);
    let k = 0;
    const codeChunks = [...this.codeChunks, this.codeChunk.subarray(0, this.codeFill)];
    this.codeChunks = [];
    this.codeChunk = new Uint8Array(0);
    for (let c = 0; c < codeChunks.length; c++) {
      codes.set(codeChunks[c], k);
      k += codeChunks[c].length;
      codeChunks[c] = new Uint8Array(0);
    }
    const offsets = new Int32Array(n + 1);
    const conversions = new Float64Array(n);
    const value = new Float64Array(n);
    const nulls = new Float64Array(n);
    const rowChunks = [...this.rowChunks, this.rowChunk];
    this.rowChunks = [];
    let r = 0;
    for (let c = 0; c < rowChunks.length; c++) {
      const chunk = rowChunks[c];
      const m = c === rowChunks.length - 1 ? this.rowFill : this.chunk;
      conversions.set(chunk.conversions.subarray(0, m), r);
      value.set(chunk.value.subarray(0, m), r);
      nulls.set(chunk.nulls.subarray(0, m), r);
      for (let i = 0; i < m; i++, r++) offsets[r + 1] = offsets[r] + chunk.len[i];
    }
    this.rowChunk = JoinedCodesReader.newRowChunk(0);
    return {
      channels: this.channels,
      rows: n,
      offsets,
      codes,
      conversions,
      value,
      nulls,
      // the query groups by the path text: distinct paths unless a code was left out above, so
      // preparing them shares these arrays instead of indexing every path to find repeats
      distinct: !this.dropped,
    };
  }
}

/** A path summary's sum field: NULL sums (\\N) count as 0. */
export const numberField = (text: string): number => (text === '\\N' ? 0 : Number(text));

/**
 * The positions of a path summary line's tabs (path, conversions, value, nulls, and with a value
 * column value_conflicts): the fourth is -1 without that last field.
 */
export function pathLineTabs(text: string): [number, number, number, number] {
  const t1 = text.indexOf('\t');
  const t2 = text.indexOf('\t', t1 + 1);
  const t3 = text.indexOf('\t', t2 + 1);
  const t4 = t3 < 0 ? -1 : text.indexOf('\t', t3 + 1);
  if (t1 < 0 || t2 < 0 || t3 < 0 || (t4 >= 0 && text.indexOf('\t', t4 + 1) >= 0))
    throw new GtmError('INTERNAL', `a path summary line has ${text.split('\t').length} fields, not 4 or 5`);
  return [t1, t2, t3, t4];
}

/**
 * How the time column sorts (a time or a number) and how `converted` is read (`convertedKindOf`),
 * from the first row's types.
 */
async function columnKindsOf(
  engine: Engine,
  relation: string,
  cols: TouchColumns,
): Promise<{ timeKind: TimeKind; converted: ConvertedKind }> {
  const ch = engine.dialect === 'clickhouse';
  const type = (c: string) =>
    ch ? `toTypeName(${quoteIdent(c, 'clickhouse')})` : `typeof(${quoteIdent(c)})`;
  const rows = await engine.query<{ t: string; c: string }>(
    `SELECT ${type(cols.time)} AS t, ${type(cols.converted)} AS c FROM ${relation} LIMIT 1`,
  );
  const t = rows[0]?.t ?? '';
  // A whole-number column sorts as integers; any other number (FLOAT, DOUBLE, DECIMAL) may hold a
  // fraction of a second, which an integer key would round away (`fraction`).
  const whole = ch
    ? /^(Nullable\()?U?Int(8|16|32|64|128|256)\b/.test(t)
    : /^U?(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT)$/.test(t);
  let timeKind: TimeKind = /time|date/i.test(t) ? 'timestamp' : whole ? 'number' : 'fraction';
  // A text column: ISO times unless its first value is a number (epoch seconds or ms, with or
  // without a fraction).
  if (ch ? /^(Nullable\()?(String|FixedString)/.test(t) : t === 'VARCHAR') {
    const c = quoteIdent(cols.time, ch ? 'clickhouse' : undefined);
    const number = ch
      ? `match(toString(${c}), '^[[:space:]]*[-+]?[0-9]+([.][0-9]*)?([eE][-+]?[0-9]+)?[[:space:]]*$')`
      : `TRY_CAST(${c} AS DOUBLE) IS NOT NULL`;
    const [first] = await engine.query<{ n: boolean | number }>(
      `SELECT ${number} AS n FROM ${relation} WHERE ${c} IS NOT NULL LIMIT 1`,
    );
    if (first && !Number(first.n)) timeKind = 'text';
  }
  return { timeKind, converted: convertedKindOf(rows[0]?.c) };
}
