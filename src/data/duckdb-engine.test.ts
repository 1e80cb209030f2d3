import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GtmError } from '../errors/index.ts';
import { makeFixtureDir, type FixtureDir } from '../../test/helpers/fixture-dir.ts';
import { openDuckDb, type DuckDbEngine } from './duckdb-api.ts';
import { isoFromEpochNanos } from './duckdb-value.ts';
import { inFlight } from './sql-profile.ts';

describe('openDuckDb', () => {
  let engine: DuckDbEngine;
  beforeAll(async () => {
    engine = await openDuckDb({ threads: 2, memoryLimit: '512MB' });
  });
  afterAll(() => engine.close());

  it('converts integers: safe BIGINT/HUGEINT to number, larger ones to bigint', async () => {
    const [row] = await engine.query(
      `SELECT 42::BIGINT AS a, 9007199254740991::BIGINT AS b, 9007199254740993::BIGINT AS c,
              170141183460469231731687303715884105727::HUGEINT AS d, 7::HUGEINT AS e, -12::BIGINT AS f,
              18446744073709551615::UBIGINT AS g, 3::TINYINT AS h`,
    );
    expect(row).toEqual({
      a: 42,
      b: 9007199254740991,
      c: 9007199254740993n,
      d: 170141183460469231731687303715884105727n,
      e: 7,
      f: -12,
      g: 18446744073709551615n,
      h: 3,
    });
  });

  it('converts DECIMAL to number, DATE to YYYY-MM-DD, timestamps to ISO strings', async () => {
    const [row] = await engine.query(
      `SELECT 12.34::DECIMAL(10,2) AS dec, DATE '2024-02-29' AS d,
              TIMESTAMP '2024-01-02 03:04:05' AS ts0, TIMESTAMP '2024-01-02 03:04:05.123456' AS ts6,
              TIMESTAMPTZ '2024-01-02 03:04:05.5+02' AS tz, TIMESTAMP_NS '2024-01-02 03:04:05.123456789' AS ns,
              TIMESTAMP '1969-12-31 23:59:59.999999' AS before_epoch, 'infinity'::TIMESTAMP AS inf,
              NULL::DATE AS nothing`,
    );
    expect(row).toEqual({
      dec: 12.34,
      d: '2024-02-29',
      ts0: '2024-01-02T03:04:05.000Z',
      ts6: '2024-01-02T03:04:05.123456Z',
      tz: '2024-01-02T01:04:05.500Z',
      ns: '2024-01-02T03:04:05.123456789Z',
      before_epoch: '1969-12-31T23:59:59.999999Z',
      inf: 'infinity',
      nothing: null,
    });
  });

  it('converts lists, nested lists and structs', async () => {
    const [row] = await engine.query(
      `SELECT [1, 2, NULL] AS l, [[DATE '2024-01-01']] AS nested, {'x': 1::BIGINT, 'y': 'z'} AS s, []::INTEGER[] AS empty`,
    );
    expect(row).toEqual({ l: [1, 2, null], nested: [['2024-01-01']], s: { x: 1, y: 'z' }, empty: [] });
  });

  it('describes tables and views', async () => {
    await engine.exec('CREATE TABLE described (id BIGINT, "Deal Amount" DECIMAL(12,2), closed_at TIMESTAMP)');
    await engine.exec('CREATE VIEW described_view AS SELECT id FROM described');
    expect(await engine.describe('described')).toEqual([
      { name: 'id', type: 'BIGINT' },
      { name: 'Deal Amount', type: 'DECIMAL(12,2)' },
      { name: 'closed_at', type: 'TIMESTAMP' },
    ]);
    expect(await engine.describe('described_view')).toEqual([{ name: 'id', type: 'BIGINT' }]);
  });

  it('wraps failures as ENGINE errors carrying the SQL and DuckDB message', async () => {
    const sql = 'SELECT * FROM no_such_table';
    const err = await engine.query(sql).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GtmError);
    const e = err as GtmError;
    expect(e.code).toBe('ENGINE');
    expect(e.sql).toBe(sql);
    expect(e.message).toMatch(/^DuckDB: Catalog Error: Table with name no_such_table does not exist/);
    expect(e.message).not.toContain('\n');
    expect(e.hint).toMatch(/name is wrong/);
    expect(e.retriable).toBe(false);
  });

  it('runs one statement at a time and keeps going after a failure', async () => {
    await engine.exec('CREATE TABLE serial (n INTEGER)');
    const work = Array.from({ length: 20 }, (_, i) =>
      i === 7
        ? engine.exec('INSERT INTO serial VALUES (1/0::INTEGER, oops)')
        : engine.exec(`INSERT INTO serial VALUES (${i})`),
    );
    const results = await Promise.allSettled(work);
    expect(results.filter((r) => r.status === 'rejected')).toHaveLength(1);
    expect(await engine.query('SELECT count(*) AS n FROM serial')).toEqual([{ n: 19 }]);
  });

  it('starts the next statement waiting before the caller of the last one resumes', async () => {
    // a stage that computes after its query must not hold back another stage's statement: the
    // second is under way (its rows being read out of DuckDB overlaps it) when the first's caller runs
    const second = 'SELECT count(*) AS n FROM range(5000000) t(i) WHERE i % 11 = 4';
    let underWay: string[] = [];
    const first = engine
      .query('SELECT count(*) AS n FROM range(20000000) t(i) WHERE i % 7 = 3')
      .then((rows) => {
        underWay = inFlight().map((f) => f.what);
        return rows;
      });
    const later = engine.query(second);
    expect(await Promise.all([first, later])).toEqual([[{ n: 2857143 }], [{ n: 454546 }]]);
    expect(underWay).toEqual([second]);
  });

  it('closes after the statements still waiting', async () => {
    const other = await openDuckDb();
    const work = [
      other.query('SELECT count(*) AS n FROM range(20000000) t(i) WHERE i % 3 = 1'),
      other.query('SELECT 2 AS n'),
      other.exec('SELECT * FROM no_such_table').catch((err: GtmError) => err.code),
      other.query('SELECT 3 AS n'),
    ];
    await other.close();
    expect(await Promise.all(work)).toEqual([[{ n: 6666667 }], [{ n: 2 }], 'ENGINE', [{ n: 3 }]]);
    await expect(other.query('SELECT 1')).rejects.toThrow(/closed/);
  });

  it('appends rows through the appender, casting text to column types', async () => {
    await engine.exec('CREATE TABLE appended (id BIGINT, name VARCHAR, seen_at TIMESTAMP, ok BOOLEAN)');
    await engine.append('appended', [
      ['1', "o'brien", '2024-01-02 03:04:05', 'true'],
      [2, null, null, false],
    ]);
    expect(await engine.query('SELECT * FROM appended ORDER BY id')).toEqual([
      { id: 1, name: "o'brien", seen_at: '2024-01-02T03:04:05.000Z', ok: true },
      { id: 2, name: null, seen_at: null, ok: false },
    ]);
  });

  it('refuses bad thread counts as CONFIG errors', async () => {
    await expect(openDuckDb({ threads: 0 })).rejects.toMatchObject({
      code: 'CONFIG',
      where: 'engine.threads',
    });
  });

  it('reports closed engines', async () => {
    const other = await openDuckDb();
    await other.close();
    await other.close();
    await expect(other.query('SELECT 1')).rejects.toThrow(/closed/);
  });
});

describe('openDuckDb on a file', () => {
  let fixture: FixtureDir;
  beforeAll(async () => {
    fixture = await makeFixtureDir();
  });
  afterAll(() => fixture.remove());

  it('persists tables across reopen', async () => {
    const path = fixture.path('gtm.duckdb');
    const first = await openDuckDb({ path });
    await first.exec('CREATE TABLE kept AS SELECT 1 AS one');
    await first.close();
    const second = await openDuckDb({ path });
    expect(await second.query('SELECT one FROM kept')).toEqual([{ one: 1 }]);
    await second.close();
  });

  it('fails with ENGINE and the path when the directory does not exist', async () => {
    const path = fixture.path('missing/dir/gtm.duckdb');
    await expect(openDuckDb({ path })).rejects.toMatchObject({ code: 'ENGINE', where: path });
  });
});

describe('isoFromEpochNanos', () => {
  it('keeps only the fraction digits a value has', () => {
    const fallback = () => 'fallback';
    expect(isoFromEpochNanos(0n, fallback)).toBe('1970-01-01T00:00:00.000Z');
    expect(isoFromEpochNanos(1_000n, fallback)).toBe('1970-01-01T00:00:00.000001Z');
    expect(isoFromEpochNanos(1n, fallback)).toBe('1970-01-01T00:00:00.000000001Z');
    expect(isoFromEpochNanos(-1_000n, fallback)).toBe('1969-12-31T23:59:59.999999Z');
    expect(isoFromEpochNanos(10n ** 30n, fallback)).toBe('fallback');
  });
});

describe('queryColumns reads typed arrays directly, and as getItem would', () => {
  let engine: DuckDbEngine;
  beforeAll(async () => {
    engine = await openDuckDb({ threads: 2 });
  });
  afterAll(() => engine.close());

  it('gives the values and NULLs the row reader gives, for every numeric type, over many chunks', async () => {
    // NULLs in some chunks only (so some vectors carry a validity mask and others none), list items
    // of several integer types, and empty and NULL lists
    const sql = `SELECT
        CASE WHEN i % 997 = 5 THEN NULL ELSE i * 0.5 END::DOUBLE AS dbl,
        CASE WHEN i BETWEEN 3000 AND 3100 AND i % 7 = 0 THEN NULL ELSE i % 100 END::TINYINT AS ti,
        (i * 37) % 60000 - 30000 AS int32,
        ((i * 13) % 250)::UTINYINT AS uti,
        ((i * 7) % 65000)::USMALLINT AS usi,
        i::UINTEGER AS ui,
        (i / 3.0)::FLOAT AS fl,
        i::BIGINT AS bi,
        (i % 2 = 0) AS flag,
        CASE WHEN i % 11 = 0 THEN NULL ELSE list_transform(range(i % 6), x -> CAST((x * i) % 200 AS UTINYINT)) END AS codes,
        list_transform(range(i % 4), x -> CAST(x - 1 AS SMALLINT)) AS small
      FROM range(9000) t(i) ORDER BY i`;
    const cols = await engine.queryColumns(sql);
    const rows = await engine.query<Record<string, unknown>>(sql);
    expect(cols.rowCount).toBe(rows.length);
    for (const name of ['dbl', 'ti', 'int32', 'uti', 'usi', 'ui', 'fl', 'bi', 'flag']) {
      const got = Array.from(cols.columns[name] as Float64Array);
      const want = rows.map((r) => (r[name] === null ? NaN : Number(r[name])));
      expect(got, name).toEqual(want);
    }
    for (const name of ['codes', 'small']) {
      const l = cols.columns[name] as { offsets: Int32Array; values: Int32Array };
      const got = rows.map((_, i) => Array.from(l.values.subarray(l.offsets[i], l.offsets[i + 1])));
      expect(got, name).toEqual(rows.map((r) => (r[name] === null ? [] : (r[name] as number[]))));
    }
  });

  it('still stops at a NULL inside a list, wherever the mask puts it', async () => {
    for (const at of [0, 63, 64, 2047, 2048, 5000])
      await expect(
        engine.queryColumns(
          `SELECT CASE WHEN i = ${at} THEN [1, NULL, 3] ELSE [1, 2, 3] END::INTEGER[] AS l FROM range(6000) t(i) ORDER BY i`,
        ),
      ).rejects.toThrow(/NULL inside list/);
  });
});
