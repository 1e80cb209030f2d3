import { isDuckDbEngine, literal, type AppendValue, type Engine } from '../../data/index.ts';
import { createTableAs } from './sql/sql-fns.ts';

/** The column types on ClickHouse. */
const CH_TYPES: Record<string, string> = {
  VARCHAR: 'String',
  DOUBLE: 'Float64',
  BOOLEAN: 'UInt8',
  INTEGER: 'Int32',
};

/**
 * (Re)creates a small table of the run from rows computed in TypeScript (list verdicts, flagged
 * advocates, ring members, fraud verdicts), so later queries can join them. DuckDB takes the rows
 * through its appender; other engines get INSERT … VALUES with escaped literals.
 */
export async function insertRows(
  engine: Engine,
  table: string,
  columns: readonly (readonly [name: string, type: 'VARCHAR' | 'DOUBLE' | 'BOOLEAN' | 'INTEGER'])[],
  rows: readonly (readonly AppendValue[])[],
): Promise<void> {
  const type = (t: string) => (engine.dialect === 'duckdb' ? t : `Nullable(${CH_TYPES[t]})`);
  const empty = `SELECT ${columns.map(([n, t]) => `CAST(NULL AS ${type(t)}) AS ${n}`).join(', ')}`;
  await engine.exec(createTableAs(table, `${empty} WHERE 1 = 0`, engine.dialect));
  if (!rows.length) return;
  if (isDuckDbEngine(engine)) return engine.append(table, rows);
  for (let i = 0; i < rows.length; i += 1000) {
    const values = rows
      .slice(i, i + 1000)
      .map(
        (r) =>
          `(${r.map((v) => literal(typeof v === 'bigint' ? Number(v) : typeof v === 'boolean' ? Number(v) : v, engine.dialect)).join(', ')})`,
      );
    await engine.exec(`INSERT INTO ${table} VALUES ${values.join(', ')}`);
  }
}
