/**
 * `exactSum` and `exactSumProduct` on DuckDB and ClickHouse 18.16: 1M amounts with cents in 7
 * groups, on several threads, give the sums worked out in integer cents (exact whatever the order),
 * the same on every run; a square past 38 digits stops the query instead of giving a wrong number.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findClickHouseServer, startClickHouse } from '../../../test/helpers/clickhouse-server.ts';
import { openClickHouse, openDuckDb, type Engine } from '../../data/index.ts';
import { exactSum, exactSumIf, exactSumProduct, isExactSumOverflow, type SumDialect } from './exact-sum.ts';

const N = 1_000_000;

/** Per group g: the exact sums from integer cents, and the helpers' sums, over the amounts of `rows`. */
function sumsSql(rows: string, d: SumDialect): string {
  // output names unlike the input columns: a ClickHouse alias is visible in the whole query
  return `SELECT g, sum(cents) AS t_cents, sum(cents * cents) AS t_cents2, sum(if_cents) AS t_if_cents,
       ${exactSum('amount', d)} AS s, ${exactSumProduct('amount', 'amount', d)} AS q,
       ${exactSumIf('amount', 'cents % 2 = 0', d)} AS si
     FROM (${rows}) GROUP BY g ORDER BY g`;
}

/** Amounts 0.01 … 100.07 (i % 10007 + 1 cents) in groups i % 7; `if_cents` the even ones. */
const duckRows = `SELECT i % 7 AS g, CAST(i % 10007 + 1 AS BIGINT) AS cents,
    CASE WHEN (i % 10007 + 1) % 2 = 0 THEN CAST(i % 10007 + 1 AS BIGINT) ELSE 0 END AS if_cents,
    (i % 10007 + 1) / 100.0 AS amount FROM range(${N}) t(i)`;
const chRows = `SELECT number % 7 AS g, toInt64(number % 10007 + 1) AS cents,
    if((number % 10007 + 1) % 2 = 0, toInt64(number % 10007 + 1), 0) AS if_cents,
    (number % 10007 + 1) / 100 AS amount FROM numbers(${N})`;

type SumsRow = {
  g: number;
  t_cents: number;
  t_cents2: number;
  t_if_cents: number;
  s: number;
  q: number;
  si: number;
};

async function checkSums(e: Engine, rows: string, d: SumDialect): Promise<void> {
  const a = await e.query<SumsRow>(sumsSql(rows, d));
  const b = await e.query<SumsRow>(sumsSql(rows, d));
  expect(a).toHaveLength(7);
  for (const r of a) {
    // sums below 2^53 in cents: the integers are exact, and so is one division
    expect(Number(r.s)).toBe(Number(r.t_cents) / 100);
    expect(Number(r.q)).toBe(Number(r.t_cents2) / 10_000);
    expect(Number(r.si)).toBe(Number(r.t_if_cents) / 100);
  }
  expect(b).toEqual(a);
}

describe('exact sums on DuckDB', () => {
  let e: Engine;
  beforeAll(async () => {
    e = await openDuckDb({ threads: 4 });
  });
  afterAll(async () => e?.close());

  it('are the integer-cent sums, the same on every run', async () => {
    await checkSums(e, duckRows, 'duckdb');
  });

  it('a square past 38 digits stops the query', async () => {
    await expect(e.query(`SELECT ${exactSumProduct('x')} AS q FROM (SELECT 1e14 AS x)`)).rejects.toThrow(
      /Overflow in multiplication of DECIMAL/,
    );
  });

  it('a sum past 38 digits stops the query, and each overflow is recognized as one', async () => {
    const big = `SELECT CAST(9e31 AS DOUBLE) + i * 0 AS x FROM range(3) t(i)`;
    const errors = await Promise.all(
      [
        `SELECT ${exactSum('x')} AS s FROM (${big})`,
        `SELECT ${exactSumIf('x', 'x > 0')} AS s FROM (${big})`,
        `SELECT ${exactSumProduct('x')} AS q FROM (SELECT 1e14 AS x)`,
        `SELECT ${exactSum('x')} AS s FROM (SELECT 1e33 AS x)`,
      ].map((q) =>
        e.query(q).then(
          () => null,
          (err: unknown) => err,
        ),
      ),
    );
    for (const err of errors) expect(isExactSumOverflow(err), String(err)).toBe(true);
    expect(isExactSumOverflow(new Error('Catalog Error: Table with name x does not exist'))).toBe(false);
  });
});

const server = findClickHouseServer();

describe.skipIf(!server && !process.env.CI)('exact sums on ClickHouse 18.16', () => {
  let ch: Awaited<ReturnType<typeof startClickHouse>>;
  let e: Engine;
  beforeAll(async () => {
    if (!server) throw new Error('CI needs clickhouse-server (apt-get install clickhouse-server)');
    ch = await startClickHouse();
    e = await openClickHouse({ url: ch.url });
  }, 120_000);
  afterAll(async () => {
    await e?.close();
    await ch?.stop();
  });

  it('are the integer-cent sums, the same on every run', async () => {
    await checkSums(e, chRows, 'clickhouse');
  });

  it('a square past 38 digits stops the query', async () => {
    await expect(
      e.query(`SELECT ${exactSumProduct('x', 'x', 'clickhouse')} AS q FROM (SELECT 1e14 AS x)`),
    ).rejects.toThrow(/overflow/i);
  });

  it('a sum past 38 digits stops the query too (a Decimal128 sum wraps around unchecked)', async () => {
    // 3 squares of 1e13: each fits (1e26), their sum 3e26 does not; Decimal128 gave -4.03e25
    const squares = await e
      .query(`SELECT ${exactSumProduct('x', 'x', 'clickhouse')} AS q FROM (SELECT 1e13 AS x FROM numbers(3))`)
      .then(
        () => null,
        (err: unknown) => err,
      );
    // 3 × 9e31 = 2.7e32, past the 1e32 of scale 6
    const sums = await Promise.all(
      [
        `SELECT ${exactSum('x', 'clickhouse')} AS s FROM (SELECT 9e31 AS x FROM numbers(3))`,
        `SELECT ${exactSumIf('x', 'x > 0', 'clickhouse')} AS s FROM (SELECT 9e31 AS x FROM numbers(3))`,
      ].map((q) =>
        e.query(q).then(
          () => null,
          (err: unknown) => err,
        ),
      ),
    );
    for (const err of [squares, ...sums]) expect(isExactSumOverflow(err), String(err)).toBe(true);
    // below the limits nothing changes: 2 squares of 7e12 = 9.8e25
    const [ok] = await e.query<{ q: number }>(
      `SELECT ${exactSumProduct('x', 'x', 'clickhouse')} AS q FROM (SELECT 7e12 AS x FROM numbers(2))`,
    );
    expect(Number(ok.q)).toBe(9.8e25);
  });
});
