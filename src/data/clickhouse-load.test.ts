import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chooseColumnTypes, createTableSql, shardKeySql } from './clickhouse-load.ts';
import { openDuckDb, type DuckDbEngine } from './duckdb-api.ts';

let duck: DuckDbEngine;
beforeAll(async () => {
  duck = await openDuckDb();
  // text columns as the CSV reader loads them, and typed ones as Parquet would
  await duck.exec(`CREATE TABLE t AS SELECT * FROM (VALUES
    ('1', '1.5', '007', 'true', '2026-01-02', '2026-01-02T03:04:05Z', '2026-01-02T03:04:05.250Z', 'x', NULL::VARCHAR, 10::BIGINT, 2.5::DOUBLE, TIMESTAMP '2026-01-02 03:04:05', 'NaN'::DOUBLE),
    ('-22', '-3', '12', 'FALSE', '2105-12-31', '2026-01-02 03:04:06', '1969-12-31T23:59:59Z', 'y', NULL, 11, 3.5, TIMESTAMP '2026-01-02 03:04:06', 1.0),
    ('3', '4e2', '5', 'true', '2026-02-03', '2026-01-02T03:04:07+02:00', '2026-01-02T03:04:05Z', NULL, NULL, NULL, 4.5, NULL, 2.0)
  ) AS v(i, f, z, b, d, ts, ms, s, empty, bi, db, tt, nan)`);
});
afterAll(() => duck.close());

describe('chooseColumnTypes', () => {
  it('types text columns by every value, keeps leading zeros as text, and marks missing values Nullable', async () => {
    const cols = await chooseColumnTypes(duck, 't', await duck.describe('t'));
    const types = Object.fromEntries(cols.map((c) => [c.name, c.clickhouseType]));
    expect(types).toEqual({
      i: 'Int64',
      f: 'Float64',
      z: 'String',
      b: 'UInt8',
      d: 'Date',
      ts: 'DateTime',
      // a millisecond and a time before 1970: epoch milliseconds, nothing rounded
      ms: 'Int64',
      s: 'Nullable(String)',
      empty: 'Nullable(String)',
      bi: 'Nullable(Int64)',
      db: 'Float64',
      tt: 'Nullable(DateTime)',
      // NaN has no JSON form: it travels as NULL
      nan: 'Nullable(Float64)',
    });
  });

  it('a source with decimal ",": non-integer text numbers stay text (1.5 could mean 15), integers typed', async () => {
    const cols = await chooseColumnTypes(duck, 't', await duck.describe('t'), { decimal: ',' });
    const types = Object.fromEntries(cols.map((c) => [c.name, c.clickhouseType]));
    expect(types).toMatchObject({ i: 'Int64', f: 'String', db: 'Float64' });
  });

  it('sends the values ClickHouse reads back as the same times and numbers', async () => {
    const cols = await chooseColumnTypes(duck, 't', await duck.describe('t'));
    const select = cols.map((c) => `${c.expr} AS "${c.name}"`).join(', ');
    const rows = await duck.query(`SELECT ${select} FROM t ORDER BY i`);
    const first = rows.find((r) => r.i === 1) as Record<string, unknown>;
    expect(first.ts).toBe(Date.UTC(2026, 0, 2, 3, 4, 5) / 1000);
    expect(first.ms).toBe(Date.UTC(2026, 0, 2, 3, 4, 5, 250));
    expect(first.b).toBe(1);
    expect(first.d).toBe('2026-01-02');
    expect(first.nan).toBeNull();
    const third = rows.find((r) => r.i === 3) as Record<string, unknown>;
    // an offset is honoured: 03:04:07+02:00 is 01:04:07 UTC
    expect(third.ts).toBe(Date.UTC(2026, 0, 2, 1, 4, 7) / 1000);
    expect(third.f).toBe(400);
  });
});

describe('createTableSql', () => {
  const cols = [{ name: 'user id', sourceType: 'VARCHAR', clickhouseType: 'String', expr: '' }];
  it('creates a MergeTree table on one server', () => {
    expect(createTableSql('gtm', 'web', cols, { kind: 'single' })).toEqual([
      'CREATE TABLE "gtm"."web" ("user id" String) ENGINE = MergeTree ORDER BY tuple()',
    ]);
  });

  it('creates a local table and a Distributed table sharded by the key on a cluster', () => {
    const [local, dist] = createTableSql('gtm', 'web', cols, {
      kind: 'sharded',
      cluster: 'c1',
      shardKey: ['user id'],
    });
    expect(local).toBe(
      'CREATE TABLE "gtm"."web_local" ("user id" String) ENGINE = MergeTree ORDER BY tuple()',
    );
    expect(dist).toBe(
      `CREATE TABLE "gtm"."web" AS "gtm"."web_local" ENGINE = Distributed('c1', 'gtm', 'web_local', ` +
        `cityHash64(replaceRegexpAll(lower(ifNull(toString("user id"), '')), '^\\\\s+|\\\\s+$', '')))`,
    );
  });

  it('escapes names for ClickHouse', () => {
    expect(shardKeySql(['a"b', 'c'])).toContain(`ifNull(toString("a\\"b"), ifNull(toString("c"), ''))`);
  });
});
