/**
 * The ClickHouse twins of the normalization expressions give DuckDB's values on the same text:
 * both engines evaluate the same tricky inputs (padding with Unicode spaces and tabs, offsets,
 * US dates, impossible days, epochs, currency symbols) and the answers are compared value by value.
 * The dedupe's clusters are checked against rows whose answer is worked out by hand.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  findClickHouseServer,
  startClickHouse,
  type ClickHouseServer,
} from '../../../test/helpers/clickhouse-server.ts';
import { openClickHouse, type ClickHouseEngine } from '../clickhouse-engine.ts';
import { openDuckDb } from '../duckdb-api.ts';
import type { Engine } from '../engine.ts';
import { dedupeClickHouse } from '../entities/normalize-clickhouse.ts';
import { literal } from '../sql-text.ts';
import { AMOUNT_CASES, HINT_CASES, TIMESTAMP_CASES } from './parse-cases.fixture.ts';
import { amountHintSql, parseAmountSql, parseTimestampSql, timestampHintSql } from './parse-sql.ts';
import { cleanTextSql, valueMapSql } from './value-map-sql.ts';
import { trimmedSql } from './trim-sql.ts';
import {
  amountHintCh,
  cleanTextCh,
  parseAmountTextCh,
  parseTimestampTextCh,
  rateCh,
  textCh,
  timestampHintCh,
  tokenCh,
  valueMapCh,
} from './parse-clickhouse.ts';
import { tokenSql } from '../entities/source-columns.ts';

const TIMES = [
  '2026-09-21T23:02:15.130Z',
  '2026-09-21T23:02:15Z',
  '2026-09-21 23:02:15',
  '2026-09-21 23:02',
  '2026-09-21',
  '2026-9-1',
  '  2026-09-21T10:00:00+02:00 ',
  '2026-09-21T10:00:00-05:30',
  '2026-09-21T10:00:00+02',
  '2024-02-29T12:00:00Z',
  '2026-02-29',
  '2026-02-30 10:00:00',
  '2026-13-01',
  '1969-07-20T20:17:40Z',
  '09/21/2026 23:02',
  '9/1/2026 1:02',
  '09/21/2026 23:02:59',
  '09/21/2026',
  '02/30/2026',
  '1790000000123',
  '1790000000',
  '179000000',
  'not-a-date',
  '',
  '   ',
];
const TEXTS = [
  'Ana',
  '  Ana  ',
  '\u00a0Ana\u3000',
  '\tAna\t',
  'M100009\r',
  '\u200bu042\ufeff',
  '\u2060 Ana\u000b',
  '\u0001Ana\u007f',
  '',
  '   ',
  'ÉLODIE Müller',
  'Deal Registration',
  ' video--view ',
  'co marketing',
];
const AMOUNTS = ['1,234.50', '$ 99', '€1 000', 'USD 12.5', 'eur12', '12,5', 'abc', '', '1e3', '-4'];
const TIMES_BOTH_ORDERS = TIMESTAMP_CASES.map(([v]) => v);

/** One value per input from each engine, in input order. */
async function values(
  engine: Engine,
  inputs: readonly string[],
  expr: (x: string) => string,
): Promise<unknown[]> {
  const dialect = engine.dialect;
  const rows = inputs.map((v, i) =>
    dialect === 'clickhouse'
      ? `SELECT ${i} AS i, ${expr(`toNullable(${literal(v, 'clickhouse')})`)} AS v`
      : `SELECT ${i} AS i, ${expr(`CAST(${literal(v)} AS VARCHAR)`)} AS v`,
  );
  // in queries of 30 inputs: ClickHouse caps a query's text at 256 KiB (an amount's parse holds
  // the ISO 4217 codes)
  const out: { i: number; v: unknown }[] = [];
  for (let k = 0; k < rows.length; k += 30)
    out.push(
      ...(await engine.query<{ i: number; v: unknown }>(
        `SELECT i, v FROM (${rows.slice(k, k + 30).join(' UNION ALL ')}) ORDER BY i`,
      )),
    );
  return out.map((r) => (r.v === null ? null : typeof r.v === 'bigint' ? Number(r.v) : r.v));
}

const server = findClickHouseServer();

describe.skipIf(!server && !process.env.CI)('ClickHouse normalization gives DuckDB values', () => {
  let ch: ClickHouseServer;
  let click: ClickHouseEngine;
  let duck: Engine;

  beforeAll(async () => {
    if (!server) throw new Error('CI needs clickhouse-server (apt-get install clickhouse-server)');
    ch = await startClickHouse();
    click = await openClickHouse({ url: ch.url });
    duck = await openDuckDb();
  }, 120_000);
  afterAll(async () => {
    await click?.close();
    await duck?.close();
    await ch?.stop();
  });

  it('timestamps: the same epoch milliseconds, or NULL for the same inputs', async () => {
    const onCh = await values(click, TIMES, (x) => parseTimestampTextCh(x, 't'));
    const onDuck = await values(duck, TIMES, (x) => `epoch_ms(${parseTimestampSql(x)})`);
    expect(onCh).toEqual(onDuck);
    // the corpus holds both outcomes
    expect(onDuck.filter((v) => v === null).length).toBeGreaterThan(3);
    expect(onDuck.filter((v) => v !== null).length).toBeGreaterThan(10);
  });

  it('text, clean text, tokens and value maps', async () => {
    expect(await values(click, TEXTS, textCh)).toEqual(await values(duck, TEXTS, trimmedSql));
    expect(await values(click, TEXTS, cleanTextCh)).toEqual(await values(duck, TEXTS, cleanTextSql));
    expect(await values(click, TEXTS, tokenCh)).toEqual(await values(duck, TEXTS, tokenSql));
    const map = { ana: 'person_a', 'deal registration': 'deal' };
    for (const otherwise of ['keep', 'null'] as const)
      expect(await values(click, TEXTS, (x) => valueMapCh(x, map, otherwise))).toEqual(
        await values(duck, TEXTS, (x) => valueMapSql(x, map, otherwise)),
      );
  });

  it('amounts', async () => {
    expect(await values(click, AMOUNTS, parseAmountTextCh)).toEqual(
      await values(duck, AMOUNTS, parseAmountSql),
    );
  });

  it('amounts with either decimal mark: the numbers worked out by hand, or NULL, on both engines', async () => {
    for (const decimal of ['.', ','] as const) {
      const inputs = AMOUNT_CASES[decimal].map(([v]) => v);
      const want = AMOUNT_CASES[decimal].map(([, w]) => w);
      expect(await values(click, inputs, (x) => parseAmountTextCh(x, decimal))).toEqual(want);
      expect(await values(duck, inputs, (x) => parseAmountSql(x, decimal))).toEqual(want);
    }
  });

  // ~100 inputs in two orders, 30 a query: ClickHouse 18.16 takes ~0.1 s to plan each parse
  it('slash dates in either order: the epoch milliseconds worked out by hand, on both engines', async () => {
    for (const order of ['mdy', 'dmy'] as const) {
      const want = TIMESTAMP_CASES.map(([, w]) => w[order]);
      expect(await values(click, TIMES_BOTH_ORDERS, (x) => parseTimestampTextCh(x, 't', order))).toEqual(
        want,
      );
      expect(
        await values(duck, TIMES_BOTH_ORDERS, (x) => `epoch_ms(${parseTimestampSql(x, order)})`),
      ).toEqual(want);
    }
  }, 180_000);

  it('the hints of unreadable amounts and timestamps are the same text', async () => {
    for (const [v, decimal, hint] of HINT_CASES.amount) {
      expect(await values(click, [v], (x) => amountHintCh(textCh(x), decimal))).toEqual([hint]);
      expect(await values(duck, [v], (x) => amountHintSql(`trim(${x})`, decimal))).toEqual([hint]);
    }
    for (const [v, order, hint] of HINT_CASES.timestamp) {
      expect(await values(click, [v], (x) => timestampHintCh(textCh(x), order))).toEqual([hint]);
      expect(await values(duck, [v], (x) => timestampHintSql(`trim(${x})`, order))).toEqual([hint]);
    }
  });

  it('a timestamp hint worked out only where its condition holds: the same text there, empty elsewhere', async () => {
    // one block of rows (arrayJoin), each value with its condition on and off, as a reject reason
    // sees a column: the hint is computed over the array of the rows where the condition holds
    for (const order of ['mdy', 'dmy'] as const) {
      const cases = HINT_CASES.timestamp.filter(([, o]) => o === order);
      const rows = cases.flatMap(([v]) => [
        `(${literal(v, 'clickhouse')}, 1)`,
        `(${literal(v, 'clickhouse')}, 0)`,
      ]);
      const got = await click.query<{ h: string }>(
        `SELECT ${timestampHintCh('raw', order, 'flag = 1')} AS h FROM (SELECT toNullable(tupleElement(t, 1)) AS raw, tupleElement(t, 2) AS flag FROM (SELECT arrayJoin([${rows.join(', ')}, (CAST(NULL AS Nullable(String)), 1)]) AS t))`,
      );
      expect(got.map((r) => r.h)).toEqual([...cases.flatMap(([, , hint]) => [hint, '']), '']);
    }
  });

  it('the rate in force on a day: the latest not after it, 1 for the reporting currency, NULL without one', async () => {
    const rates = [
      { currency: 'EUR', from: '2026-01-01', rate: 1.1 },
      { currency: 'EUR', from: '2026-06-01', rate: 1.2 },
    ];
    const day = (d: string) => Math.floor(Date.parse(`${d}T00:00:00Z`) / 86_400_000);
    const cases: [string, string, number | null][] = [
      ['EUR', '2025-12-31', null],
      ['EUR', '2026-01-01', 1.1],
      ['EUR', '2026-05-31', 1.1],
      ['EUR', '2026-06-01', 1.2],
      ['USD', '1950-01-01', 1],
      ['CHF', '2026-06-01', null],
    ];
    const rows = await click.query<{ r: number | null }>(
      cases
        .map(
          ([c, d], i) =>
            `SELECT ${i} AS i, ${rateCh(rates, 'USD', literal(c, 'clickhouse'), `toNullable(toInt64(${day(d)}))`)} AS r`,
        )
        .join(' UNION ALL ')
        .replace(/^/, 'SELECT r FROM (')
        .concat(') ORDER BY i'),
    );
    expect(rows.map((r) => r.r)).toEqual(cases.map((c) => c[2]));
  });

  it('dedupe: times chain within the tolerance, the preferred row of each cluster is kept', async () => {
    // person a: 0 s, 100 s, 200 s chain (each gap ≤ 120 s) into one cluster; 400 s starts another.
    // person b: one row. In a's first cluster source "crm" (priority 1) is kept over "web" (2).
    const rows: [string, number, number, string, number][] = [
      ['a', 0, 2, 'web', 1],
      ['a', 100_000, 1, 'crm', 7],
      ['a', 200_000, 2, 'web', 2],
      ['a', 400_000, 2, 'web', 3],
      ['a', 400_000, 2, 'web', 4],
      ['b', 0, 2, 'web', 5],
    ];
    const valid = `(${rows
      .map(
        ([p, t, pr, src, row]) =>
          `SELECT ${literal(p, 'clickhouse')} AS person, toInt64(${t}) AS at, toInt64(${pr}) AS _priority, ${literal(src, 'clickhouse')} AS _source, 'f.csv' AS _file, toInt64(${row}) AS _row`,
      )
      .join(' UNION ALL ')})`;
    const dups = await click.query<{ _source: string; _row: number; _kept_source: string }>(
      `SELECT _source, _row, _kept_source FROM (${dedupeClickHouse(valid, ['person', 'at'], { timeKey: 'at', toleranceSeconds: 120 })}) ORDER BY _row`,
    );
    expect(dups).toEqual([
      { _source: 'web', _row: 1, _kept_source: 'crm' },
      { _source: 'web', _row: 2, _kept_source: 'crm' },
      { _source: 'web', _row: 4, _kept_source: 'web' },
    ]);
  });
});
