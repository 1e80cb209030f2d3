/**
 * The command's tables on ClickHouse. Its SQL names the canonical entities (`referrals`, …) and its
 * own derived tables (`ref_…`) by their plain names, as on DuckDB, where they live in the run's
 * in-memory database. On a ClickHouse server those names would collide with the loaded sources'
 * tables and with other runs, so there the engine is wrapped: a derived table becomes a table of
 * this run (`_gtm_<run>_ref_…`, MergeTree on the server gtm talks to, dropped when the engine
 * closes, with the normalize views), an entity its canonical view, the clicks' narrow table the
 * narrow relation; every statement runs with `join_use_nulls = 1` (a LEFT JOIN's missing side is
 * NULL, as in SQL, not the type's default).
 */
import type { Engine, Row } from '../../../data/index.ts';
import { canonicalRelation, runView } from '../../../data/entities/normalize-clickhouse.ts';
import { GtmError } from '../../../errors/index.ts';

/** The entities the command's SQL reads by name. */
const ENTITIES = [
  'advocates',
  'shares',
  'clicks',
  'referrals',
  'conversions',
  'payouts',
  'nps_responses',
  'experiments',
  'assignments',
];

const WRAPPED = new WeakMap<Engine, Engine>();
const TABLES = new WeakMap<Engine, Map<string, string>>();

/**
 * The engine the command runs its SQL through: the engine itself on DuckDB; on ClickHouse, the
 * same engine with the names mapped (one wrapper per engine, so every stage sees the tables the
 * refresh made).
 */
export function commandEngine(engine: Engine): Engine {
  if (engine.dialect === 'duckdb') return engine;
  let w = WRAPPED.get(engine);
  if (!w) {
    w = wrapClickHouse(engine);
    WRAPPED.set(engine, w);
  }
  return w;
}

/** Registers a relation of this run under a plain name (the clicks' narrow table, for one). */
export function nameRelation(engine: Engine, name: string, relation: string): void {
  const tables = TABLES.get(engine) ?? new Map<string, string>();
  tables.set(name, relation);
  TABLES.set(engine, tables);
}

const CREATE = /^\s*CREATE TABLE (ref_\w+) ENGINE = MergeTree ORDER BY tuple\(\) AS ([\s\S]*)$/;
const DROP = /^\s*DROP TABLE IF EXISTS (ref_\w+)\s*$/;
const NAME = /\b(FROM|JOIN|INTO)(\s+)([a-z_][a-z0-9_]*)\b/g;

function wrapClickHouse(engine: Engine): Engine {
  const tables = TABLES.get(engine) ?? new Map<string, string>();
  TABLES.set(engine, tables);
  const rename = (sql: string) =>
    sql.replace(NAME, (m: string, kw: string, sp: string, name: string) => {
      const rel = tables.get(name) ?? (ENTITIES.includes(name) ? canonicalRelation(engine, name) : undefined);
      if (rel === undefined && name.startsWith('ref_'))
        throw new GtmError('INTERNAL', `table ${name} read before the refresh made it on ClickHouse`);
      return rel === undefined ? m : `${kw}${sp}${rel}`;
    });
  const settings = (sql: string) =>
    /\bSETTINGS\b[^)]*$/.test(sql) ? sql : `${sql.trim().replace(/;+\s*$/, '')}\nSETTINGS join_use_nulls = 1`;
  return {
    dialect: engine.dialect,
    async exec(sql: string) {
      const create = CREATE.exec(sql);
      if (create) {
        tables.set(
          create[1],
          await runView(engine, create[1], settings(rename(create[2])), { materialize: true }),
        );
        return;
      }
      const drop = DROP.exec(sql);
      if (drop) {
        const rel = tables.get(drop[1]);
        if (rel !== undefined) await engine.exec(`DROP TABLE IF EXISTS ${rel}`);
        return;
      }
      await engine.exec(rename(sql));
    },
    query: <T extends Row = Row>(sql: string) => engine.query<T>(settings(rename(sql))),
    describe: (relation: string) => engine.describe(tables.get(relation) ?? relation),
    close: () => engine.close(),
  };
}
