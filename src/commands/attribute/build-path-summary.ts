import { recordsFromColumns, type PathColumns, type PathRecord } from '../../analyses/attribution/index.ts';
import { isClickHouseEngine, isDuckDbEngine, type Engine } from '../../data/index.ts';
import type { IntListColumn } from '../../data/duckdb-engine.ts';
import { quoteIdent } from '../../data/sql-text.ts';
import { GtmError } from '../../errors/index.ts';
import { distinctChannelsSql, pathSummarySql, type TouchColumns } from './sql/path-summary-sql.ts';

export interface PathColumnsBuild {
  paths: PathColumns;
  channels: string[];
  journeys: number;
  /** milliseconds spent in the engine building paths, and reading them into columns */
  timings: { channels_ms: number; paths_ms: number; decode_ms: number };
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
  let t = performance.now();
  const channels = (
    await engine.query<{ channel: string | null }>(distinctChannelsSql(relation, cols, engine.dialect))
  ).map((r) => r.channel ?? '(none)');
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
  const timeKind = await timeKindOf(engine, relation, cols.time);
  const sql = pathSummarySql(relation, cols, channels, engine.dialect, timeKind, opts);
  t = performance.now();
  let paths: PathColumns;
  let pathsMs: number;
  if (isDuckDbEngine(engine) && typeof engine.queryColumns === 'function') {
    const { rowCount, columns } = await engine.queryColumns(sql);
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
  } else if (isClickHouseEngine(engine)) {
    // Tab-separated lines, read as they arrive: hundreds of thousands of paths cost the server
    // several times more as JSON, and would be held whole as one parsed document here.
    const reader = new JoinedCodesReader(channels);
    await engine.queryLines(sql, (line) => reader.line(line));
    pathsMs = performance.now() - t;
    t = performance.now();
    paths = reader.columns();
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

/**
 * Builds path columns from `path<TAB>conversions<TAB>value<TAB>nulls` lines (the path as codes
 * joined by commas), one line at a time, growing its arrays by doubling.
 */
class JoinedCodesReader {
  private rows = 0;
  private offsets = new Int32Array(1024);
  private codes = new Int32Array(4096);
  private at = 0;
  private conversions = new Float64Array(1024);
  private value = new Float64Array(1024);
  private nulls = new Float64Array(1024);
  /** whether a touch without a channel was left out (two lines may then hold the same path) */
  private dropped = false;

  constructor(private readonly channels: string[]) {}

  line(text: string): void {
    const t1 = text.indexOf('\t');
    const t2 = text.indexOf('\t', t1 + 1);
    const t3 = text.indexOf('\t', t2 + 1);
    if (t1 < 0 || t2 < 0 || t3 < 0)
      throw new GtmError('INTERNAL', `a path summary line has ${text.split('\t').length} fields, not 4`);
    const r = this.rows;
    if (r + 1 >= this.offsets.length) {
      this.offsets = grow(this.offsets, this.offsets.length * 2);
      this.conversions = grow(this.conversions, this.offsets.length);
      this.value = grow(this.value, this.offsets.length);
      this.nulls = grow(this.nulls, this.offsets.length);
    }
    let code = -1;
    for (let i = 0; i <= t1; i++) {
      const ch = i < t1 ? text.charCodeAt(i) : 44;
      if (ch >= 48 && ch <= 57) {
        code = (code < 0 ? 0 : code * 10) + (ch - 48);
        continue;
      }
      // A touch without a channel (code out of range) is left out, as on DuckDB.
      if (code >= 0 && code < this.channels.length) {
        if (this.at === this.codes.length) this.codes = grow(this.codes, this.codes.length * 2);
        this.codes[this.at++] = code;
      } else if (code >= 0) this.dropped = true;
      code = -1;
    }
    this.offsets[r + 1] = this.at;
    // NULL sums (\N) count as 0
    this.conversions[r] = numberField(text.slice(t1 + 1, t2));
    this.value[r] = numberField(text.slice(t2 + 1, t3));
    this.nulls[r] = numberField(text.slice(t3 + 1));
    this.rows++;
  }

  columns(): PathColumns {
    const n = this.rows;
    return {
      channels: this.channels,
      rows: n,
      offsets: this.offsets.slice(0, n + 1),
      codes: this.codes.slice(0, this.at),
      conversions: this.conversions.slice(0, n),
      value: this.value.slice(0, n),
      nulls: this.nulls.slice(0, n),
      // the query groups by the path text: distinct paths unless a code was left out above, so
      // preparing them shares these arrays instead of indexing every path to find repeats
      distinct: !this.dropped,
    };
  }
}

function grow<T extends Int32Array | Float64Array>(a: T, size: number): T {
  const bigger = new (a.constructor as new (n: number) => T)(size);
  bigger.set(a);
  return bigger;
}

const numberField = (text: string): number => (text === '\\N' ? 0 : Number(text));

async function timeKindOf(engine: Engine, relation: string, column: string): Promise<'timestamp' | 'number'> {
  const rows = await engine.query<{ t: string }>(
    engine.dialect === 'clickhouse'
      ? `SELECT toTypeName(${quoteIdent(column, 'clickhouse')}) AS t FROM ${relation} LIMIT 1`
      : `SELECT typeof(${quoteIdent(column)}) AS t FROM ${relation} LIMIT 1`,
  );
  return /time|date/i.test(rows[0]?.t ?? '') ? 'timestamp' : 'number';
}
