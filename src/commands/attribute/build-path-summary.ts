import type { PathRecord } from '../../analyses/attribution/index.ts';
import type { Engine } from '../../data/index.ts';
import { quoteIdent } from '../../data/sql-text.ts';
import { GtmError } from '../../errors/index.ts';
import { distinctChannelsSql, pathSummarySql, type TouchColumns } from './sql/path-summary-sql.ts';

export interface PathSummaryBuild {
  paths: PathRecord[];
  channels: string[];
  journeys: number;
  /** milliseconds spent in the engine building paths, and decoding them in JavaScript */
  timings: { channels_ms: number; paths_ms: number; decode_ms: number };
}

/** Channels are dictionary-encoded to one character each; keep well inside printable code points. */
export const MAX_CHANNELS = 200;

/**
 * Builds aggregated paths from raw touchpoints in the engine, then decodes them into path records
 * for the models. Only one row per distinct path crosses into JavaScript.
 * @example const { paths } = await buildPathSummary(engine, `read_parquet('touches.parquet')`, cols)
 */
export async function buildPathSummary(
  engine: Engine,
  relation: string,
  cols: TouchColumns,
): Promise<PathSummaryBuild> {
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
  t = performance.now();
  const rows = await engine.query<{ path: string; conversions: number; value: number; nulls: number }>(
    pathSummarySql(relation, cols, channels, engine.dialect, timeKind),
  );
  const pathsMs = performance.now() - t;
  t = performance.now();
  const paths: PathRecord[] = new Array(rows.length);
  let journeys = 0;
  const decoded = new Map<string, string[]>();
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i];
    let path = decoded.get(r.path);
    if (!path) {
      if (engine.dialect === 'clickhouse')
        path = r.path === '' ? [] : r.path.split(',').map((c) => channels[Number(c)]);
      else {
        path = new Array(r.path.length);
        for (let k = 0; k < r.path.length; k++) path[k] = channels[r.path.charCodeAt(k) - 48];
      }
      decoded.set(r.path, path);
    }
    const conversions = Number(r.conversions);
    const nulls = Number(r.nulls);
    journeys += conversions + nulls;
    paths[i] = { path, conversions, value: Number(r.value), nulls };
  }
  return {
    paths,
    channels,
    journeys,
    timings: { channels_ms: channelsMs, paths_ms: pathsMs, decode_ms: performance.now() - t },
  };
}

async function timeKindOf(engine: Engine, relation: string, column: string): Promise<'timestamp' | 'number'> {
  const rows = await engine.query<{ t: string }>(
    engine.dialect === 'clickhouse'
      ? `SELECT toTypeName(${quoteIdent(column, 'clickhouse')}) AS t FROM ${relation} LIMIT 1`
      : `SELECT typeof(${quoteIdent(column)}) AS t FROM ${relation} LIMIT 1`,
  );
  return /time|date/i.test(rows[0]?.t ?? '') ? 'timestamp' : 'number';
}
