/**
 * The relations monitor-loyalty reads and writes, on either engine. On DuckDB the canonical
 * entities and the command's `lm_…` tables have their own names; on ClickHouse the entities are the
 * views normalize made (`canonicalRelation`) and each `lm_…` table is a MergeTree table of the run
 * on the server gtm talks to (`runView`, dropped when the engine closes), so nothing outlives the run.
 */
import type { Engine } from '../../data/index.ts';
import { canonicalRelation, runView } from '../../data/entities/normalize-clickhouse.ts';
import type { ChStep, RelationOf } from './sql/member-summary-sql.ts';

const TABLES = new WeakMap<Engine, Map<string, string>>();

/** The relation of a table of this command (`lm_…`) or of a canonical entity on `engine`. */
export function relationOf(engine: Engine): RelationOf {
  if (engine.dialect !== 'clickhouse') return (name) => name;
  return (name) => TABLES.get(engine)?.get(name) ?? canonicalRelation(engine, name);
}

/** Writes a table of the run on ClickHouse from its SELECT; returns its (quoted) name. */
export async function makeTable(engine: Engine, name: string, select: string): Promise<string> {
  const made = await runView(engine, name, select, { materialize: true });
  let tables = TABLES.get(engine);
  if (!tables) TABLES.set(engine, (tables = new Map()));
  tables.set(name, made);
  return made;
}

/** Runs the ClickHouse steps in order, each reading the ones before it. */
export async function makeTables(engine: Engine, steps: readonly ChStep[]): Promise<void> {
  const rel = relationOf(engine);
  for (const s of steps) await makeTable(engine, s.name, s.select(rel));
}

/** Drops a table of this command (its rows are no longer read). */
export async function dropTable(engine: Engine, name: string): Promise<void> {
  if (engine.dialect !== 'clickhouse') {
    await engine.exec(`DROP TABLE ${name}`);
    return;
  }
  const made = TABLES.get(engine)?.get(name);
  if (!made) return;
  await engine.exec(`DROP TABLE IF EXISTS ${made}`);
  TABLES.get(engine)?.delete(name);
}
