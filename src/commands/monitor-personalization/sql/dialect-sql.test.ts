/**
 * The ClickHouse spellings of the dialect on a real server (18.16 where the tests install it),
 * against JavaScript's own date arithmetic: instants as epoch-millisecond literals, the UTC day,
 * days added, the ISO text a time comes back as (DuckDB's form, milliseconds padded), the NULL
 * keys of the grouping sets, and the renaming that keeps an output named after a column from
 * being read by the other expressions. Skipped without a clickhouse-server binary (CI has one).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openClickHouse, type Engine } from '../../../data/index.ts';
import { findClickHouseServer, startClickHouse } from '../../../../test/helpers/clickhouse-server.ts';
import { dialectOf } from './dialect-sql.ts';

const q = dialectOf('clickhouse');
const INSTANTS = [
  '2026-11-02T00:00:00.000Z',
  '2026-11-15T23:59:59.999Z',
  '2026-02-28T12:00:00.005Z',
  '2024-02-29T08:30:15.040Z',
  '1999-12-31T23:59:59.000Z',
];

describe.skipIf(!findClickHouseServer() && !process.env.CI)('the ClickHouse dialect on a server', () => {
  let server: Awaited<ReturnType<typeof startClickHouse>>;
  let engine: Engine;
  beforeAll(async () => {
    server = await startClickHouse();
    engine = await openClickHouse({ url: server.url });
  }, 60_000);
  afterAll(async () => {
    await engine?.close();
    await server?.stop();
  });

  it('compares, days, adds days and writes times back as DuckDB does', async () => {
    for (const iso of INSTANTS) {
      const t = q.ts(iso);
      const [row] = await engine.query(
        `SELECT ${q.isoTime(t)} AS iso, toString(${q.day(t)}) AS day, ${q.isoTime(q.addDays(t, 7))} AS later,
           ${t} < ${q.ts(new Date(Date.parse(iso) + 1).toISOString())} AS before`,
      );
      expect(row, iso).toEqual({
        iso,
        day: iso.slice(0, 10),
        later: new Date(Date.parse(iso) + 7 * 86_400_000).toISOString(),
        before: 1,
      });
    }
    const [nulls] = await engine.query(
      `SELECT ${q.isoTime('CAST(NULL AS Nullable(Int64))')} AS iso, ${q.day('CAST(NULL AS Nullable(Int64))')} AS day`,
    );
    expect(nulls).toEqual({ iso: null, day: null });
  });

  it('grouping sets: a key a set does not group by is NULL, not the type default', async () => {
    const inner = `SELECT number % 2 AS a, toString(number % 3) AS b FROM system.numbers LIMIT 12`;
    const rows = await engine.query(
      `SELECT * FROM (${q.groupingSets(inner, ['a', 'b'], 'count() AS n', [['a'], ['b']])}) ORDER BY a, b`,
    );
    expect(rows).toEqual([
      { a: 0, b: null, n: 6 },
      { a: 1, b: null, n: 6 },
      { a: null, b: '0', n: 4 },
      { a: null, b: '1', n: 4 },
      { a: null, b: '2', n: 4 },
    ]);
  });

  it('an output named after an input column leaves the other expressions reading the column', async () => {
    const sql = q.selectAs(
      [
        ['k', 'k'],
        ['argMin(v, t)', 'v'],
        ['max(CASE WHEN v = 3 THEN 1 ELSE 0 END)', 'has3'],
      ],
      `FROM (SELECT number % 2 AS k, number AS v, 10 - number AS t FROM system.numbers LIMIT 6) GROUP BY k ORDER BY k`,
    );
    expect(await engine.query(sql)).toEqual([
      { k: 0, v: 4, has3: 0 },
      { k: 1, v: 5, has3: 1 },
    ]);
  });
});
