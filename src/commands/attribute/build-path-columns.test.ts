import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDuckDb, type DuckDbEngine } from '../../data/index.ts';
import type { IntListColumn } from '../../data/duckdb-engine.ts';
import { buildPathColumns, JoinedCodesReader } from './build-path-summary.ts';

const cols = {
  journey: 'journey_id',
  time: 'ts',
  channel: 'channel',
  converted: 'converted',
  value: 'value',
};

/** Paths of the columns as "a>b" strings with their counts, in a stable order. */
const summary = (built: Awaited<ReturnType<typeof buildPathColumns>>) => {
  const { paths } = built;
  const out: [string, number, number, number][] = [];
  for (let r = 0; r < paths.rows; r++) {
    const names: string[] = [];
    for (let k = paths.offsets[r]; k < paths.offsets[r + 1]; k++) names.push(paths.channels[paths.codes[k]]);
    out.push([names.join('>'), paths.conversions[r], paths.value[r], paths.nulls[r]]);
  }
  return out.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
};

describe('buildPathColumns on DuckDB', () => {
  let engine: DuckDbEngine;
  beforeAll(async () => {
    engine = await openDuckDb();
  });
  afterAll(() => engine.close());

  it('orders touches by time (before 1970 too), leaves out touches without time or channel, keeps their journeys', async () => {
    await engine.exec(
      `CREATE TABLE t1 (journey_id INTEGER, ts BIGINT, channel VARCHAR, converted INTEGER, value DOUBLE)`,
    );
    // Journey 1 runs from before the epoch; journey 2 has a touch without a time and one without a
    // channel; journey 3 has only such touches; journey 4 repeats journey 1's path without converting.
    await engine.exec(`INSERT INTO t1 VALUES
      (1, -500, 'search', 1, 40), (1, -900, 'email', 1, 40), (1, 20, 'ads', 1, 40),
      (2, 5, 'email', 0, NULL), (2, NULL, 'ads', 0, NULL), (2, 7, NULL, 0, NULL), (2, 9, 'search', 0, NULL),
      (3, NULL, 'ads', 1, 10), (3, 3, NULL, 1, 10),
      (4, 1, 'email', 0, 0), (4, 2, 'search', 0, 0), (4, 3, 'ads', 0, 0)`);
    const built = await buildPathColumns(engine, 't1', cols);
    expect(built.journeys).toBe(4);
    expect(built.paths.codes).toBeInstanceOf(Int32Array);
    expect(summary(built)).toEqual([
      ['', 1, 10, 0],
      ['email>search', 0, 0, 1],
      ['email>search>ads', 1, 40, 1],
    ]);
  });

  it('reads integer lists and numbers by columns, across many chunks', async () => {
    const res = await engine.queryColumns(
      `SELECT list_transform(range(i % 5), x -> CAST(x + i % 3 AS UTINYINT)) AS l, CAST(i AS BIGINT) AS n,
        CASE WHEN i = 7 THEN NULL ELSE i / 4 END AS d FROM range(10000) t(i) ORDER BY i`,
    );
    expect(res.rowCount).toBe(10_000);
    const l = res.columns.l as IntListColumn;
    const n = res.columns.n as Float64Array;
    for (const i of [0, 1, 7, 2047, 2048, 9999]) {
      expect(Array.from(l.values.subarray(l.offsets[i], l.offsets[i + 1]))).toEqual(
        Array.from({ length: i % 5 }, (_, x) => x + (i % 3)),
      );
      expect(n[i]).toBe(i);
    }
    expect(Number.isNaN((res.columns.d as Float64Array)[7])).toBe(true);
    expect((res.columns.d as Float64Array)[9]).toBe(2.25);
    await expect(engine.queryColumns(`SELECT 'x' AS s`)).rejects.toThrow(/"s" is VARCHAR/);
    await expect(engine.queryColumns(`SELECT [1, NULL]::INTEGER[] AS l`)).rejects.toThrow(/NULL inside list/);
  });
});

describe('JoinedCodesReader (ClickHouse path lines)', () => {
  it('gives the same columns as splitting each line, across chunk boundaries of every size', () => {
    const channels = ['a', 'b', 'c', 'd', 'e'];
    // lines as the server writes them: codes joined by commas (7 is out of range: a touch without
    // a channel), then conversions, value, nulls (\N for a NULL sum)
    const lines: string[] = [];
    let seed = 7;
    const rnd = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    for (let i = 0; i < 200; i++) {
      const len = rnd(6);
      const codes = Array.from({ length: len }, () => (rnd(20) === 0 ? 7 : rnd(5)));
      lines.push(`${codes.join(',')}\t${rnd(3)}\t${i % 9 === 0 ? '\\N' : rnd(1000) / 8}\t${rnd(4)}`);
    }
    // the expected columns, from each line split into fields (no chunks)
    const want = {
      codes: [] as number[],
      offsets: [0],
      conversions: [] as number[],
      value: [] as number[],
      nulls: [] as number[],
    };
    for (const l of lines) {
      const [p, c, v, n] = l.split('\t');
      for (const x of p ? p.split(',').map(Number) : []) if (x < channels.length) want.codes.push(x);
      want.offsets.push(want.codes.length);
      want.conversions.push(Number(c));
      want.value.push(v === '\\N' ? 0 : Number(v));
      want.nulls.push(Number(n));
    }
    for (const chunk of [1, 2, 3, 7, 64, 1 << 20]) {
      const reader = new JoinedCodesReader(channels, chunk);
      for (const l of lines) reader.line(l);
      const got = reader.columns();
      expect(got.rows).toBe(lines.length);
      expect(got.codes).toBeInstanceOf(Uint8Array);
      expect(Array.from(got.codes)).toEqual(want.codes);
      expect(Array.from(got.offsets)).toEqual(want.offsets);
      expect(Array.from(got.conversions)).toEqual(want.conversions);
      expect(Array.from(got.value)).toEqual(want.value);
      expect(Array.from(got.nulls)).toEqual(want.nulls);
      // a code was left out (7): two lines may now hold the same path
      expect(got.distinct).toBe(false);
    }
    const clean = new JoinedCodesReader(channels, 2);
    clean.line('0,1\t1\t5\t0');
    clean.line('\t0\t\\N\t3');
    expect(clean.columns()).toMatchObject({ rows: 2, distinct: true });
    expect(clean.valueConflicts).toBeUndefined();
  });

  it('sums a fifth field, value_conflicts, without taking it for nulls; refuses a sixth', () => {
    const reader = new JoinedCodesReader(['a', 'b'], 2);
    reader.line('0,1\t2\t150\t1\t1');
    reader.line('1\t1\t20\t0\t0');
    reader.line('\t1\t7\t2\t\\N');
    reader.line('0\t3\t90\t4\t2');
    expect(reader.valueConflicts).toBe(3);
    expect(Array.from(reader.columns().nulls)).toEqual([1, 0, 2, 4]);
    expect(() => reader.line('0\t1\t2\t3\t4\t5')).toThrow(/6 fields, not 4 or 5/);
  });
});
