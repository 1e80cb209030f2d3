/**
 * Within a source of several files, both engines keep the copies of the file that sorts first, for
 * every record, whatever the copies' row numbers (before, the row number came before the file: a
 * correction file won the records it held low in the file and lost the others).
 */
import { describe, expect, it } from 'vitest';
import { skipClickHouse, useClickHouseEngine } from '../../../test/helpers/clickhouse-parity.ts';
import { literal } from '../sql-text.ts';
import { dedupeClickHouse } from './normalize-clickhouse.ts';

describe.skipIf(skipClickHouse)('ClickHouse dedupe within a source of several files', () => {
  const click = useClickHouseEngine();

  it('keeps the first file’s copy of each record; the dropped rows name it', async () => {
    // (entry, source, file, row): E1 sits lower in b.csv, E2 lower in a.csv; E3 twice in one file
    const rows: [string, string, string, number][] = [
      ['E1', 'ledger', 'a.csv', 9],
      ['E1', 'ledger', 'b.csv', 2],
      ['E2', 'ledger', 'a.csv', 3],
      ['E2', 'ledger', 'b.csv', 7],
      ['E3', 'ledger', 'b.csv', 5],
      ['E3', 'ledger', 'b.csv', 4],
    ];
    const q = (s: string) => literal(s, 'clickhouse');
    const valid = `(${rows
      .map(
        ([e, src, f, row]) =>
          `SELECT ${q(e)} AS entry_id, toInt64(1) AS _priority, ${q(src)} AS _source, ${q(f)} AS _file, toInt64(${row}) AS _row`,
      )
      .join(' UNION ALL ')})`;
    const dups = await click().query<{ _file: string; _row: number; _kept_file: string; _kept_row: number }>(
      `SELECT _file, _row, _kept_file, _kept_row FROM (${dedupeClickHouse(valid, ['entry_id'], {})}) ORDER BY _file, _row`,
    );
    expect(dups.map((d) => [d._file, Number(d._row), d._kept_file, Number(d._kept_row)])).toEqual([
      ['b.csv', 2, 'a.csv', 9],
      ['b.csv', 5, 'b.csv', 4],
      ['b.csv', 7, 'a.csv', 3],
    ]);
  });
});
