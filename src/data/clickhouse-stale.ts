/**
 * A run on ClickHouse keeps its intermediate relations as views and tables of the run on the
 * server (`_gtm_<run>_<name>`, see `runView`), dropped when it ends; a run that is killed leaves
 * them behind. The next run (and `gtm engine load --replace`) drops the stale ones: only objects
 * named as gtm names them (`_gtm_` + 8 hex digits + `_`), and only runs whose every object was
 * created more than `STALE_AFTER_SECONDS` before this run began — a run that is still going (even
 * one that began before this one) keeps creating objects, so its newest one is recent and none of
 * its objects is touched.
 */
import type { Engine } from './engine.ts';
import { quoteIdent, quoteString } from './sql-text.ts';

/** The name of a run's object: `_gtm_<8 hex digits>_<name>`; the prefix names the run. */
export const RUN_OBJECT = /^(_gtm_[0-9a-f]{8}_)/;

/**
 * A run's objects are stale when its newest one is older than this before the current run began:
 * six hours, far above the time between two objects of a live run (a stage creates one or more).
 */
export const STALE_AFTER_SECONDS = 6 * 3600;

export interface StaleDrop {
  /** The database looked in (default: the connection's current database). */
  database?: string;
  /** When the current run began (default: now). */
  before?: Date;
  /** Default `STALE_AFTER_SECONDS`. */
  staleAfterSeconds?: number;
  /** A run prefix never dropped (the current run's own). */
  keep?: string;
}

/**
 * Drops the objects of stale runs (see the module comment) in one database of a ClickHouse
 * server and returns their names, in the order dropped.
 *
 * @example
 * await dropStaleRunObjects(engine, { database: 'gtm' }); // ['_gtm_0a1b2c3d_all_touchpoints', …]
 */
export async function dropStaleRunObjects(engine: Engine, opts: StaleDrop = {}): Promise<string[]> {
  const db = opts.database === undefined ? 'currentDatabase()' : quoteString(opts.database, 'clickhouse');
  const rows = await engine.query<{ database: string; name: string; t: number }>(
    `SELECT database, name, toUInt64(toUnixTimestamp(metadata_modification_time)) AS t
     FROM system.tables WHERE database = ${db} AND startsWith(name, '_gtm_') AND NOT is_temporary`,
  );
  const cutoff =
    Math.floor((opts.before ?? new Date()).getTime() / 1000) -
    (opts.staleAfterSeconds ?? STALE_AFTER_SECONDS);
  const runs = new Map<string, { newest: number; objects: { database: string; name: string }[] }>();
  for (const r of rows) {
    const prefix = RUN_OBJECT.exec(r.name)?.[1];
    if (!prefix || prefix === opts.keep) continue;
    const run = runs.get(prefix) ?? { newest: 0, objects: [] };
    run.newest = Math.max(run.newest, Number(r.t));
    run.objects.push({ database: r.database, name: r.name });
    runs.set(prefix, run);
  }
  const dropped: string[] = [];
  for (const run of runs.values()) {
    if (run.newest >= cutoff) continue;
    for (const o of run.objects) {
      // another process may have dropped it meanwhile
      await engine.exec(
        `DROP TABLE IF EXISTS ${quoteIdent(o.database, 'clickhouse')}.${quoteIdent(o.name, 'clickhouse')}`,
      );
      dropped.push(o.name);
    }
  }
  return dropped;
}
