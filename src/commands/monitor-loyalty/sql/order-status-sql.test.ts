/**
 * The orders monitor-loyalty counts, and at what amount, when normalize did not write `lm_orders`
 * itself (DuckDB from the canonical orders, `ledgerAndOrdersSql`): the same rule as the narrow
 * pass (test/e2e/monitor-loyalty-order-refunds.test.ts) — cancelled, voided, refunded whole and
 * unpaid orders left out, a partial refund netted, a `partially_refunded` order without its refund
 * counted whole — and the counts of `members.orders`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDuckDb, type Engine } from '../../../data/index.ts';
import { ENTITIES } from '../../../data/entities/registry.ts';
import { ledgerAndOrdersSql } from './member-summary-sql.ts';
import { orderStatusOf } from './order-status-sql.ts';

let engine: Engine;

// order, amount, refunded, status, cancelled at → counted net (null: not counted)
const ORDERS: [string, number, number | null, string | null, string | null, number | null][] = [
  ['o1', 100, null, null, null, 100],
  ['o2', 100, 0, 'paid', null, 100],
  ['o3', 100, 25.5, 'partially_refunded', null, 74.5],
  ['o4', 100, 40, 'paid', null, 60],
  ['o5', 100, null, 'partially_refunded', null, 100],
  ['o6', 100, 100, 'partially_refunded', null, null],
  ['o7', 100, null, 'refunded', null, null],
  ['o8', 100, null, 'voided', null, null],
  ['o9', 100, null, 'cancelled', null, null],
  ['o10', 100, null, 'paid', '2026-02-02 00:00:00', null],
  ['o11', 100, null, 'pending', null, null],
  ['o12', 100, null, 'authorized', null, null],
  ['o13', 100, null, 'partially_paid', null, 100],
  ['o14', 0, null, 'paid', null, 0],
];

const sqlText = (v: string | number | null) =>
  v === null ? 'NULL' : typeof v === 'number' ? String(v) : `'${v}'`;

beforeAll(async () => {
  engine = await openDuckDb();
  for (const e of ['ledger', 'orders', 'rewards'] as const)
    await engine.exec(`CREATE TABLE ${e} AS SELECT * FROM (${ENTITIES[e].emptySelect()}) WHERE false`);
  await engine.exec(
    `CREATE TABLE lm_member_num AS SELECT 'm1' AS member_id, TIMESTAMP '2025-01-01' AS enrolled_at, 0 AS mi`,
  );
  const rows = ORDERS.map(
    ([id, amount, refunded, status, cancelled]) =>
      `('${id}', 'm1', ${amount}, ${sqlText(refunded)}, ${sqlText(status)}, ${cancelled ? `TIMESTAMP '${cancelled}'` : 'NULL'}, TIMESTAMP '2026-02-01 10:00:00')`,
  );
  await engine.exec(
    `INSERT INTO orders (order_id, customer_id, amount, refunded_amount, status, cancelled_at, ordered_at) VALUES ${rows.join(', ')}`,
  );
  const [, orders] = ledgerAndOrdersSql({ expireMonths: 12 });
  await engine.exec(orders);
});
afterAll(() => engine.close());

describe('orders counted net of refunds, from the canonical orders', () => {
  it('keeps the orders that count, at their net amount', async () => {
    const rows = await engine.query<{ order_id: string; amount: number }>(
      'SELECT order_id, amount FROM lm_orders ORDER BY order_id',
    );
    const expected = ORDERS.filter((o) => o[5] !== null)
      .map((o) => ({ order_id: o[0], amount: o[5] }))
      .sort((a, b) => (a.order_id < b.order_id ? -1 : 1));
    expect(rows.map((r) => ({ order_id: r.order_id, amount: Number(r.amount) }))).toEqual(expected);
  });

  it('counts the orders by what they are', async () => {
    expect(await orderStatusOf(engine, (n) => n, false)).toEqual({
      counted: 7,
      partially_refunded: 2,
      refund_unknown: 1,
      refunds: 65.5,
      cancelled: 3,
      refunded: 2,
      unpaid: 2,
    });
  });
});
