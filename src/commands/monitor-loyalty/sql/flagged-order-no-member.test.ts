/**
 * An order flagged as a member's whose customer is no member (not in the members table, or enrolled
 * after the end) is a non-member order: the customer purchased and was not a member, as the
 * enrolment rate's eligible customers say. Before, it was in neither revenue (not member revenue,
 * as no member's; not non-member revenue, as flagged) while its customer counted as eligible, so
 * the buckets did not add up to the orders (on a hand-built workspace, 30d to 2028-02-29: eligible
 * customers 3 → 4 with the order of 500 added, both revenues unchanged).
 *
 * Hand-worked, window 2026-11-01 to 2026-12-01: A (a member since January) buys 100, flagged; N
 * (no member) buys 40, not flagged; G (no member) buys 500, flagged. Non-member orders: N's and
 * G's, 2 customers, 540; eligible customers: N and G (2), none enrolled. In the week to the end:
 * member revenue 100, non-member revenue 540. The same on DuckDB and ClickHouse.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { skipClickHouse, useClickHouseEngine } from '../../../../test/helpers/clickhouse-parity.ts';
import { openDuckDb, type Engine } from '../../../data/index.ts';
import { customerKpiCh, customerKpiSql, weeklyTrendCh, weeklyTrendSql } from './kpi-sql.ts';

const W = {
  prevStart: '2026-10-02T00:00:00.000Z',
  start: '2026-11-01T00:00:00.000Z',
  end: '2026-12-01T00:00:00.000Z',
};
// mi, order_id, customer_id, amount, ordered_at, is_member, member_enrolled_at
const ORDERS: [number | null, string, string, number, string, boolean | null, string | null][] = [
  [0, 'O1', 'A', 100, '2026-11-27 10:00:00', true, '2026-01-05 00:00:00'],
  [null, 'O2', 'N', 40, '2026-11-28 10:00:00', false, null],
  [null, 'O3', 'G', 500, '2026-11-29 10:00:00', true, null],
];
const EXPECTED = {
  win: 'w',
  nonmember_customers: 2,
  nonmember_orders: 2,
  nonmember_revenue: 540,
  eligible: 2,
  eligible_enrolled: 0,
};
const LAST_WEEK = { week: 0, member_revenue: 100, nonmember_revenue: 540, orders: 3 };

const num = (r: Record<string, unknown>) =>
  Object.fromEntries(
    Object.entries(r).map(([k, v]) => [k, typeof v === 'string' && k !== 'win' ? Number(v) : v]),
  );

describe('a member-flagged order of a customer who is no member (DuckDB)', () => {
  let engine: Engine;
  beforeAll(async () => {
    engine = await openDuckDb();
    const q = (v: unknown) => (v === null ? 'NULL' : typeof v === 'string' ? `'${v}'` : String(v));
    await engine.exec(
      `CREATE TABLE lm_orders AS SELECT * FROM (VALUES ${ORDERS.map(
        ([mi, id, c, a, at, f, e]) =>
          `(${q(mi)}::INTEGER, '${id}', '${c}', ${a}::DOUBLE, TIMESTAMP '${at}', ${q(f)}::BOOLEAN, ${e ? `TIMESTAMP '${e}'` : 'NULL::TIMESTAMP'})`,
      ).join(', ')}) t(mi, order_id, customer_id, amount, ordered_at, is_member, member_enrolled_at)`,
    );
  });
  afterAll(() => engine.close());

  it('is a non-member order, of an eligible customer', async () => {
    const rows = await engine.query<Record<string, unknown>>(customerKpiSql(W));
    expect(rows.map(num)).toEqual([EXPECTED]);
  });

  it('is non-member revenue in the weekly trend', async () => {
    const rows = await engine.query<Record<string, unknown>>(weeklyTrendSql(W.end, 4)[1]);
    expect(rows.map(num)).toEqual([LAST_WEEK]);
  });
});

describe.skipIf(skipClickHouse)('a member-flagged order of a customer who is no member (ClickHouse)', () => {
  const click = useClickHouseEngine();
  const rel = (name: string) => name;
  const ms = (t: string) => Date.parse(`${t.replace(' ', 'T')}Z`);

  async function load() {
    await click().exec('DROP TABLE IF EXISTS lm_orders');
    await click().exec(
      `CREATE TABLE lm_orders (mi Nullable(Int32), order_id String, customer_id String, amount Float64,
         ordered_at Int64, is_member Nullable(UInt8), member_enrolled_at Nullable(Int64)) ENGINE = Memory`,
    );
    const q = (v: unknown) => (v === null ? 'NULL' : typeof v === 'boolean' ? (v ? '1' : '0') : String(v));
    await click().exec(
      `INSERT INTO lm_orders VALUES ${ORDERS.map(
        ([mi, id, c, a, at, f, e]) =>
          `(${q(mi)}, '${id}', '${c}', ${a}, ${ms(at)}, ${q(f)}, ${e ? ms(e) : 'NULL'})`,
      ).join(', ')}`,
    );
  }

  it('is a non-member order, of an eligible customer, and non-member revenue in the week', async () => {
    await load();
    const rows = await click().query<Record<string, unknown>>(customerKpiCh(W, rel));
    expect(rows.map(num)).toEqual([EXPECTED]);
    const weeks = await click().query<Record<string, unknown>>(weeklyTrendCh(W.end, 4, rel)[1]);
    expect(weeks.map(num)).toEqual([LAST_WEEK]);
  }, 120_000);
});
