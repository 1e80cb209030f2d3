/**
 * New customers and the referred ones among them (`newCustomersSql`) on ClickHouse 18.16 against
 * DuckDB: the same counts. A won-back friend (w1: a referred customer of the range whose first
 * purchase was before it, so not in `ref_new_customers` for it) is not a referred new customer;
 * neither is a second claim's conversion nor a friend converted in the other range. Runs on a
 * throwaway server; skipped without one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { literal, openClickHouse, openDuckDb, type Engine } from '../../../data/index.ts';
import {
  findClickHouseServer,
  startClickHouse,
  type ClickHouseServer,
} from '../../../../test/helpers/clickhouse-server.ts';
import { newCustomersSql, type DayRange } from './funnel-sql.ts';

const available = findClickHouseServer() !== null;

// customer, days before the window end of the first purchase, its net amount
const NEW: [string, number, number][] = [
  ['f1', 3, 100],
  ['n1', 5, 60],
  ['f2', 40, 80],
  ['f3', 35, 20],
];
// friend (NULL: none), earlier claims, days before the end of the qualifying purchase (NULL: none),
// its conversion (a referral without a friend_id is its conversion's customer's)
const REF: [string | null, number, number | null, string | null][] = [
  ['f1', 0, 3, 'o-f1'],
  ['w1', 0, 4, 'o-w1'],
  ['f2', 0, 40, 'o-f2'],
  ['f3', 1, 35, 'o-f3a'],
  ['f3', 0, 2, 'o-f3b'],
  [null, 0, 6, 'o-z9'],
  [null, 0, 5, 'o-n1'],
];
// conversion → customer
const CONV: [string, string][] = [
  ['o-z9', 'z9'],
  ['o-n1', 'n1'],
];
const RANGES: DayRange[] = [
  { lo: 0, hi: 30, end: '2026-11-16T00:00:00.000Z' },
  { lo: 30, hi: 60, end: '2026-10-17T00:00:00.000Z' },
];

const numbers = (row: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(row).map(([k, v]) => [k, Number(v)]));

describe.skipIf(!available)('referred new customers on ClickHouse equal DuckDB', () => {
  let server: ClickHouseServer;
  let ch: Engine;
  beforeAll(async () => {
    server = await startClickHouse();
    ch = await openClickHouse({ url: server.url });
    await ch.exec(
      'CREATE TABLE ref_new_customers (customer_id Nullable(String), d Nullable(Int32), net_amount Float64) ENGINE = Memory',
    );
    await ch.exec(
      'CREATE TABLE ref_ref (friend_id Nullable(String), prior_claims UInt64, d_converted Nullable(Int32), conversion_id Nullable(String)) ENGINE = Memory',
    );
    await ch.exec(
      'CREATE TABLE ref_conversions (conversion_id Nullable(String), customer_id Nullable(String)) ENGINE = Memory',
    );
    const values = (rows: (string | number | null)[][]) =>
      rows
        .map((r) => `(${r.map((v) => (v === null ? 'NULL' : literal(v, 'clickhouse'))).join(', ')})`)
        .join(', ');
    await ch.exec(`INSERT INTO ref_new_customers VALUES ${values(NEW)}`);
    await ch.exec(`INSERT INTO ref_ref VALUES ${values(REF)}`);
    await ch.exec(`INSERT INTO ref_conversions VALUES ${values(CONV)}`);
  }, 120_000);
  afterAll(async () => {
    await ch?.close();
    await server?.stop();
  });

  it('counts per range', async () => {
    const duck = await openDuckDb();
    try {
      await duck.exec('CREATE TABLE ref_new_customers (customer_id VARCHAR, d INTEGER, net_amount DOUBLE)');
      await duck.exec(
        'CREATE TABLE ref_ref (friend_id VARCHAR, prior_claims BIGINT, d_converted INTEGER, conversion_id VARCHAR)',
      );
      await duck.exec('CREATE TABLE ref_conversions (conversion_id VARCHAR, customer_id VARCHAR)');
      await duck.append('ref_new_customers', NEW);
      await duck.append('ref_ref', REF);
      await duck.append('ref_conversions', CONV);
      const d = numbers((await duck.query(newCustomersSql(RANGES)))[0]);
      const c = numbers((await ch.query(`${newCustomersSql(RANGES)}\nSETTINGS join_use_nulls = 1`))[0]);
      expect(c).toEqual(d);
      expect(d).toEqual({
        customers_0: 2, // f1, n1
        customers_1: 2, // f2, f3
        revenue_0: 160,
        revenue_1: 100,
        // f1, and n1 through the referral without a friend_id that its conversion names; w1 is no new
        // customer, z9 neither, f3 converted on its first claim in range 0 but was new in range 1
        referred_0: 2,
        referred_1: 1, // f2; f3's conversion in range 1 is of a second claim
        referred_revenue_0: 160, // f1's first purchase 100, n1's 60
        referred_revenue_1: 80, // f2's
      });
    } finally {
      await duck.close();
    }
  }, 120_000);
});
