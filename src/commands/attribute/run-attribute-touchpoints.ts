import {
  pathStreamBlocker,
  resolveModelName,
  type AttributionOptions,
  type ModelName,
} from '../../analyses/attribution/index.ts';
import { isClickHouseEngine } from '../../data/clickhouse-engine.ts';
import type { Engine } from '../../data/index.ts';
import { quoteIdent, quoteString } from '../../data/sql-text.ts';
import { GtmError } from '../../errors/index.ts';
import { attributeRecords, attributeResultOf, type AttributeResult } from './run-attribute.ts';
import type { PathColumnsBuild } from './build-path-summary.ts';
import {
  convertedNumberSql,
  type ConvertedKind,
  type TouchChecks,
  type TouchColumns,
} from './sql/path-summary-sql.ts';

export interface AttributeTouchpointsOptions extends Omit<
  AttributionOptions,
  'seed' | 'bootstrap' | 'perPath'
> {
  /** A touch log: Parquet, CSV or NDJSON/JSON file or glob, one row per touch; with `clickhouse`, a table (`db.table`). */
  touchpoints: string;
  /** ClickHouse HTTP url: build paths on that server (a `Distributed` table spreads the work over the cluster). */
  clickhouse?: string;
  model: string;
  columns?: Partial<TouchColumns>;
  perPath?: boolean;
  bootstrap?: number;
  seed?: number;
  sep?: string;
}

const DEFAULT_COLUMNS: TouchColumns = {
  journey: 'journey_id',
  time: 'ts',
  channel: 'channel',
  converted: 'converted',
  value: 'value',
};

/**
 * Attribution straight from a raw touch log: paths are built in the engine and come back as
 * columns of channel codes (one row per distinct path, no object per path on DuckDB), then the same
 * model step as for path summaries runs.
 * @example await runAttributeTouchpoints({ touchpoints: 'touches.parquet', model: 'markov' })
 */
export async function runAttributeTouchpoints(opts: AttributeTouchpointsOptions): Promise<AttributeResult> {
  let model: ModelName | 'compare';
  try {
    model = resolveModelName(opts.model);
  } catch (err) {
    throw new GtmError('USAGE', (err as Error).message, {
      where: '--model',
      hint: 'e.g. --model markov, or compare',
    });
  }
  const file = opts.touchpoints;
  // The engines load here, not with the module: `gtm attribute --paths` never needs them, and the
  // DuckDB binding alone costs a quarter second to load.
  const [{ readPathColumns, pathSummaryQuery }, source] = await Promise.all([
    import('./build-path-summary.ts'),
    openTouchSource(file, opts.clickhouse),
  ]);
  const { engine } = source;
  try {
    const { cols, present } = await touchColumnsOf(engine, source.relation, file, opts.columns);
    const relation = convertedAsText(source.relation, cols, present);
    const journeysOnShards = engine.dialect === 'clickhouse' && (await journeysColocated(engine, file, cols));
    const inputError = async (err: unknown): Promise<never> => {
      throw engine.dialect === 'clickhouse' ? err : await touchReadError(engine, relation, file, cols, err);
    };
    const query = await pathSummaryQuery(engine, relation, cols, { journeysOnShards }).catch(inputError);
    if (query.checks && (query.checks.badConverted > 0 || query.checks.badValue > 0))
      throw await findBadTouch(engine, relation, file, cols, query.checks.badConverted > 0, query.converted);
    if (isClickHouseEngine(engine) && model !== 'compare') {
      // Models whose result is a sum over paths run on the lines as they arrive: gtm's memory then
      // does not grow with the number of distinct paths.
      const { touchpoints: _t, model: _m, columns: _c, sep, ...options } = opts;
      if (pathStreamBlocker(model, options, query.channels) === null) {
        const { streamPathSummary } = await import('./stream-path-summary.ts');
        const streamed = await streamPathSummary(engine, query.sql, query.channels, model, options);
        const result = attributeResultOf(streamed.result, sourceOf(file, cols, streamed.rows), sep);
        if (query.checks) withTouchChecks(result, query.checks, streamed.counts);
        return result;
      }
    }
    const built = await readPathColumns(engine, query.sql, query.channels, query.channelsMs).catch(
      inputError,
    );
    const { touchpoints: _t, model: _m, columns: _c, ...options } = opts;
    const result = await attributeRecords(
      built.paths,
      sourceOf(file, cols, built.paths.rows),
      model,
      options,
    );
    if (query.checks) withTouchChecks(result, query.checks, journeyCounts(built));
    return result;
  } finally {
    await engine.close();
  }
}

/** What the path query says of the journeys: those left without a touch (and their conversions), value conflicts. */
interface JourneyCounts {
  emptyJourneys: number;
  emptyConversions: number;
  valueConflicts?: number;
}

/** The journey counts of paths read into columns: an empty path is journeys left without a touch. */
function journeyCounts(built: PathColumnsBuild): JourneyCounts {
  const { paths } = built;
  let emptyJourneys = 0;
  let emptyConversions = 0;
  for (let r = 0; r < paths.rows; r++)
    if (paths.offsets[r + 1] === paths.offsets[r]) {
      emptyJourneys += paths.conversions[r] + paths.nulls[r];
      emptyConversions += paths.conversions[r];
    }
  return { emptyJourneys, emptyConversions, valueConflicts: built.valueConflicts };
}

/**
 * Adds to a result what happened to the touch log's rows (`source.touches`) and the warnings: rows
 * left out of their journey's path with the reason, converting journeys whose touches disagree on
 * the value, journeys left without any touch (`counts`: from the paths read, or counted as they
 * streamed past).
 */
function withTouchChecks(result: AttributeResult, checks: TouchChecks, counts: JourneyCounts): void {
  const { emptyJourneys, emptyConversions, valueConflicts } = counts;
  const rejected = checks.noChannel + checks.noTime;
  result.source.touches = {
    rows: checks.touches,
    kept: checks.touches - rejected,
    rejected: { no_channel: checks.noChannel, no_time: checks.noTime },
    ...(valueConflicts !== undefined ? { value_conflicts: valueConflicts } : {}),
    journeys_without_touch: emptyJourneys,
  };
  const warnings: string[] = [];
  const n = (x: number, one: string, many: string) => `${x.toLocaleString('en-US')} ${x === 1 ? one : many}`;
  if (rejected > 0) {
    const why = [
      checks.noChannel > 0 ? `${n(checks.noChannel, 'has', 'have')} no channel` : '',
      checks.noTime > 0 ? `${n(checks.noTime, 'has', 'have')} no time` : '',
    ].filter(Boolean);
    warnings.push(
      `${n(rejected, 'touch row was', 'touch rows were')} left out of the paths (${why.join(', ')}; of ${n(checks.touches, 'row', 'rows')}): fill in ${result.source.columns.channel} and ${result.source.columns.time}, or drop the rows`,
    );
  }
  if (emptyJourneys > 0)
    warnings.push(
      `${n(emptyJourneys, 'journey has', 'journeys have')} no touch left (${n(emptyConversions, 'conversion', 'conversions')}): credited to (unmatched)`,
    );
  if (valueConflicts)
    warnings.push(
      `${n(valueConflicts, 'converting journey has', 'converting journeys have')} touches with different values: the largest value of each journey was used (give the value on every row of the journey, or on its converting row only)`,
    );
  if (warnings.length) result.warnings = warnings;
}

/**
 * The first row of a touch log whose converted is a number other than 0 and 1 (when `converted`),
 * else whose value is negative or not finite, as the user's input problem with its file, line and
 * column (the check scan counted them). A ClickHouse table has no line numbers: its row is named by
 * its journey and time instead (the first by journey, then time), the rest of the error the same.
 */
async function findBadTouch(
  engine: Engine,
  relation: string,
  file: string,
  cols: TouchColumns,
  converted: boolean,
  kind: ConvertedKind,
): Promise<GtmError> {
  const column = converted ? cols.converted : (cols.value ?? cols.converted);
  let value: string;
  let row: string;
  let where: string;
  if (engine.dialect === 'clickhouse') {
    const [{ clickHouseColumnTypes }, { firstBadTouchClickHouseSql }] = await Promise.all([
      import('./clickhouse-touch-checks.ts'),
      import('./sql/touch-checks-clickhouse-sql.ts'),
    ]);
    const types = await clickHouseColumnTypes(engine, relation);
    const [hit] = await engine.query<{ v: string | null; j: string | null; t: string | null }>(
      firstBadTouchClickHouseSql(relation, cols, types, converted),
    );
    value = String(hit?.v ?? '');
    row = `${cols.journey} ${clip(String(hit?.j ?? ''))}, ${cols.time} ${hit?.t ?? '(empty)'}`;
    where = `${file}:${column}`;
  } else {
    const c = quoteIdent(column);
    const test = converted ? 'd NOT IN (0, 1)' : '(d < 0 OR NOT isfinite(d))';
    // converted as the checks read it (true/false in a text column); a JSON string shown without quotes
    const d = converted ? convertedNumberSql(cols, 'duckdb', kind) : `TRY_CAST(${c} AS DOUBLE)`;
    const text = converted && kind === 'json' ? `json_extract_string(${c}, '$')` : `CAST(${c} AS VARCHAR)`;
    await engine.exec('SET threads = 1').catch(() => undefined);
    const [hit] = await engine.query<{ n: number | bigint; v: string }>(
      `SELECT n, v FROM (SELECT row_number() OVER () AS n, ${text} AS v, ${d} AS d FROM ${relation}) ` +
        `WHERE ${test} ORDER BY n LIMIT 1`,
    );
    const n = Number(hit?.n ?? 0);
    value = String(hit?.v ?? '');
    row = `data row ${n}`;
    where = `${file}:${/\.(csv|tsv)(\.gz)?$/i.test(file) ? n + 1 : n}:${column}`;
  }
  const shown = clip(value);
  return converted
    ? new GtmError('INPUT', `"${shown}" is not 0 or 1 (column ${column}, ${row})`, {
        where,
        hint: `${column} says whether the journey converted: 0 or 1 (or true/false) on each touch, empty for 0; a journey that converted twice is two journeys (give each conversion its own journey id)`,
      })
    : new GtmError(
        'INPUT',
        `"${shown}" is ${Number(value) < 0 ? 'negative' : 'not a finite number'} (column ${column}, ${row})`,
        {
          where,
          hint: 'a conversion value is an amount ≥ 0: net refunds out of it before loading, or leave it empty',
        },
      );
}

/** A value for an error line: at most 40 characters. */
const clip = (text: string) => (text.length > 40 ? `${text.slice(0, 40)}…` : text);

const sourceOf = (file: string, cols: TouchColumns, records: number): AttributeResult['source'] => ({
  file,
  format: 'touchpoints',
  columns: Object.fromEntries(Object.entries(cols).filter(([, v]) => v)) as Record<string, string>,
  records,
});

/**
 * Whether a ClickHouse touch table keeps every journey on one shard: a Distributed table sharded
 * by an expression of the journey column alone (as `gtm engine load` shards touchpoints), or a
 * plain table. Then each shard builds its journeys' paths to the end.
 */
async function journeysColocated(engine: Engine, table: string, cols: TouchColumns): Promise<boolean> {
  const { colocated, distributedTable } = await import('../../data/clickhouse-distributed.ts');
  const parts = table.split('.');
  const dist = await distributedTable(
    engine,
    parts[parts.length - 1],
    parts.length > 1 ? parts[0] : undefined,
  );
  return dist !== null && colocated(dist, [cols.journey]);
}

/** The engine and relation of a touch log: a ClickHouse table, or a file (or glob) read by DuckDB. */
async function openTouchSource(
  file: string,
  clickhouse: string | undefined,
): Promise<{ engine: Engine; relation: string }> {
  const { fileRelationSql, openClickHouse, openDuckDb } = await import('../../data/index.ts');
  if (clickhouse) {
    if (!/^[A-Za-z_][\w]*(\.[A-Za-z_][\w]*)?$/.test(file))
      throw new GtmError('USAGE', `"${file}" is not a ClickHouse table name`, {
        where: '--touchpoints',
        hint: 'with --clickhouse, give a table: touches or analytics.touches',
      });
    const relation = file
      .split('.')
      .map((p) => quoteIdent(p, 'clickhouse'))
      .join('.');
    return { engine: await openClickHouse({ url: clickhouse, origin: '--clickhouse' }), relation };
  }
  const relation = fileRelationSql(file, '--touchpoints');
  return { engine: await openDuckDb(), relation };
}

/**
 * A CSV touch log's converted column read as text: DuckDB types a column from a sample of rows
 * (20,480), so 0/1 there and `true` further down stopped the read (a conversion error naming no
 * row of ours); read as text, both are flags (`convertedNumberSql`). `present`: the header's names.
 */
function convertedAsText(relation: string, cols: TouchColumns, present: string[]): string {
  const m = /^read_csv_auto\(('(?:[^']|'')*')\)$/.exec(relation);
  const name = present.find((p) => p.toLowerCase() === cols.converted.toLowerCase());
  if (!m || !name) return relation;
  return `read_csv_auto(${m[1]}, types = {${quoteString(name)}: 'VARCHAR'})`;
}

/**
 * The touch log's columns by role: the defaults, overridden by the column flags; a missing column
 * is INPUT naming its flag (the value column may be absent unless named: conversions only).
 */
async function touchColumnsOf(
  engine: Engine,
  relation: string,
  file: string,
  given: Partial<TouchColumns> | undefined,
): Promise<{ cols: TouchColumns; present: string[] }> {
  const { fileColumns } = await import('../../data/file-relation.ts');
  const cols: TouchColumns = {
    ...DEFAULT_COLUMNS,
    ...Object.fromEntries(Object.entries(given ?? {}).filter(([, v]) => v !== undefined)),
  };
  const present =
    engine.dialect === 'clickhouse'
      ? (await engine.query<{ name: string }>(`DESCRIBE TABLE ${relation}`)).map((c) => String(c.name))
      : await fileColumns(engine, relation, file);
  const have = new Set(present.map((c) => c.toLowerCase()));
  if (cols.value && !have.has(cols.value.toLowerCase()) && !given?.value) cols.value = undefined;
  const needed: Record<string, string> = {};
  for (const [role, name] of Object.entries(cols) as [keyof TouchColumns, string | undefined][])
    if (name) needed[name] = given?.[role] ? `--${role}-column` : `the default of --${role}-column`;
  if (engine.dialect !== 'clickhouse') await fileColumns(engine, relation, file, needed);
  else
    for (const [name, flag] of Object.entries(needed))
      if (!have.has(name.toLowerCase()))
        throw new GtmError(
          'INPUT',
          `has no column "${name}" (${flag.startsWith('the default of ') ? flag : `named by ${flag}`})`,
          {
            where: file,
            hint: `columns found: ${present.join(', ')}; ${flag.startsWith('the default of ') ? `name yours with ${flag.slice(15)}` : `fix ${flag}`}`,
          },
        );
  return { cols, present };
}

/**
 * Why DuckDB could not build paths from a touch log, as the user's input problem: the first value
 * that is not a number (converted, value) or neither a time nor a number (time), with its file,
 * line and column; else the file read error.
 */
async function touchReadError(
  engine: Engine,
  relation: string,
  file: string,
  cols: TouchColumns,
  err: unknown,
): Promise<unknown> {
  const { fileReadError, findNonNumber } = await import('../../data/file-relation.ts');
  const numeric = [cols.converted, ...(cols.value ? [cols.value] : [])];
  const bad =
    (await findNonTime(engine, relation, file, cols.time)) ??
    (await findNonNumber(engine, relation, file, numeric));
  return bad ?? fileReadError(err, file);
}

async function findNonTime(
  engine: Engine,
  relation: string,
  file: string,
  column: string,
): Promise<GtmError | undefined> {
  const c = quoteIdent(column);
  await engine.exec('SET threads = 1').catch(() => undefined);
  const [hit] = await engine.query<{ n: number | bigint; v: string }>(
    `SELECT n, v FROM (SELECT row_number() OVER () AS n, CAST(${c} AS VARCHAR) AS v FROM ${relation}) ` +
      `WHERE v IS NOT NULL AND TRY_CAST(v AS DOUBLE) IS NULL AND TRY_CAST(v AS TIMESTAMP) IS NULL ORDER BY n LIMIT 1`,
  );
  if (!hit) return undefined;
  const row = Number(hit.n);
  const at = /\.(csv|tsv)(\.gz)?$/i.test(file) ? row + 1 : row;
  const value = hit.v.length > 40 ? `${hit.v.slice(0, 40)}…` : hit.v;
  return new GtmError(
    'INPUT',
    `"${value}" is neither a time nor a number (column ${column}, data row ${row})`,
    {
      where: `${file}:${at}:${column}`,
      hint: 'fix or remove the value; use ISO times (2026-11-15T09:30:00) or epoch numbers, one kind per file',
    },
  );
}
