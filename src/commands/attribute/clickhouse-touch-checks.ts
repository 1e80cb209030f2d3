import type { Engine } from '../../data/index.ts';
import type { TouchChecks, TouchColumns } from './sql/path-summary-sql.ts';
import { touchChecksClickHouseSql, type ColumnTypes } from './sql/touch-checks-clickhouse-sql.ts';

/** A ClickHouse relation's column types by lower-cased name. */
export async function clickHouseColumnTypes(engine: Engine, relation: string): Promise<ColumnTypes> {
  const described = await engine.query<{ name: string; type: string }>(`DESCRIBE TABLE ${relation}`);
  return new Map(described.map((c) => [String(c.name).toLowerCase(), String(c.type)]));
}

/**
 * The touch checks of a ClickHouse touch table, counted by one aggregate query before any path is
 * built (see `touchChecksClickHouseSql`): the counts DuckDB's scan makes.
 */
export async function clickHouseTouchChecks(
  engine: Engine,
  relation: string,
  cols: TouchColumns,
): Promise<TouchChecks> {
  const types = await clickHouseColumnTypes(engine, relation);
  const [r] = await engine.query<Record<string, number | bigint | string | null>>(
    touchChecksClickHouseSql(relation, cols, types),
  );
  const n = (k: string) => Number(r?.[k] ?? 0);
  return {
    touches: n('touches'),
    noChannel: n('no_channel'),
    noTime: n('no_time'),
    badConverted: n('bad_converted'),
    badValue: n('bad_value'),
  };
}
