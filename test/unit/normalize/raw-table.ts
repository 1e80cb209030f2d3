/** Test helpers: raw source tables in an in-memory DuckDB, as the readers leave them (all text). */
import type { Engine } from '../../../src/data/index.ts';
import { literal, quoteIdent } from '../../../src/data/index.ts';

/** Creates `table` with VARCHAR `columns` plus `source_file` and `source_row` (1-based, +1 for a header). */
export async function createRawTable(
  engine: Engine,
  table: string,
  columns: string[],
  rows: (string | null)[][],
  file = 'data/x.csv',
): Promise<void> {
  const defs = [
    ...columns.map((c) => `${quoteIdent(c)} VARCHAR`),
    'source_file VARCHAR',
    'source_row BIGINT',
  ].join(', ');
  await engine.exec(`CREATE OR REPLACE TABLE ${quoteIdent(table)} (${defs})`);
  if (!rows.length) return;
  const values = rows.map(
    (r, i) =>
      `(${[...r.map((v) => (v === null ? 'NULL' : literal(v))), literal(file), String(i + 2)].join(', ')})`,
  );
  await engine.exec(`INSERT INTO ${quoteIdent(table)} VALUES ${values.join(', ')}`);
}

/** Mapping canonical → same-named column, for the columns a raw table has. */
export const identity = (columns: string[]): Record<string, string | undefined> =>
  Object.fromEntries(columns.map((c) => [c, c]));
