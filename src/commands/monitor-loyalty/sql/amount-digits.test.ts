/**
 * Order amounts below 1e11 are summed as DECIMAL(18, 6) (64-bit) in the purchase days and the
 * member orders (`amountDigits`): the same rounding to 6 decimals and the same DECIMAL(38, 6) sums
 * as DECIMAL(38, 6) gives, for less CPU (lm_purchases at 10M ledger rows: 6.2 → 5.4 s). A larger
 * amount keeps the 128-bit decimals.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDuckDb, type Engine } from '../../../data/index.ts';
import { ENTITIES } from '../../../data/entities/registry.ts';
import { amountDigitsOf, memberSummarySql, type MemberSummaryParams } from './member-summary-sql.ts';

let engine: Engine;
const params: MemberSummaryParams = {
  start: '2026-02-01T00:00:00.000Z',
  end: '2026-03-01T00:00:00.000Z',
  prevStart: '2026-01-01T00:00:00.000Z',
  tiers: ['member', 'gold'],
  qualification: { period: 'calendar', months: 12, measure: 'spend' },
  calendarStart: '2026-01-01',
  rfmDays: 365,
  expireMonths: 12,
  pendingDays: 90,
};

// amounts halfway between two 6-decimal values, tiny and large ones, several orders a day
const AMOUNTS = [12.3456785, 0.1, 0.2, 99999999999.999, 1e-7, 7.0000005, 1234.5678915, 0.3];

beforeAll(async () => {
  engine = await openDuckDb();
  for (const e of ['members', 'ledger', 'orders', 'rewards'] as const)
    await engine.exec(`CREATE TABLE ${e} AS SELECT * FROM (${ENTITIES[e].emptySelect()}) WHERE false`);
  await engine.exec(
    `INSERT INTO members (member_id, enrolled_at, tier) VALUES ('ann', TIMESTAMP '2025-06-01', 'gold'), ('bob', TIMESTAMP '2025-07-01', NULL)`,
  );
  const orders = AMOUNTS.map(
    (a, i) =>
      `('o${i}', '${i % 2 ? 'bob' : 'ann'}', ${a}, TIMESTAMP '2026-0${1 + (i % 2)}-0${1 + (i % 3)} 09:00:00', true)`,
  );
  await engine.exec(
    `INSERT INTO orders (order_id, customer_id, amount, ordered_at, is_member) VALUES ${orders.join(', ')}`,
  );
});
afterAll(() => engine.close());

/** The purchase days and the member orders with amounts summed at `digits` digits. */
async function summaries(digits: 18 | 38): Promise<unknown[]> {
  const sql = memberSummarySql({ ...params, amountDigits: digits }, []);
  const upTo = sql.findIndex((s) => s.includes('TABLE lm_member_orders'));
  for (const s of sql.slice(0, upTo + 1)) await engine.exec(s);
  return [
    await engine.query('SELECT * FROM lm_purchases ORDER BY mi'),
    await engine.query('SELECT * FROM lm_member_orders ORDER BY mi'),
  ];
}

describe('order amounts summed as 64-bit decimals', () => {
  it('casts the amounts to DECIMAL(18, 6) when every one is below 1e11', () => {
    const sql = memberSummarySql({ ...params, amountDigits: 18 }, []).join('\n');
    expect(sql).toContain('CAST(o.amount AS DECIMAL(18, 6))');
    expect(sql).toContain('CAST(amount AS DECIMAL(18, 6))');
    expect(sql).not.toMatch(/CAST\(o?\.?amount AS DECIMAL\(38, 6\)\)/);
  });

  it('gives the purchase days and member orders the 128-bit decimals give', async () => {
    const wide = await summaries(38);
    const narrow = await summaries(18);
    expect(narrow).toEqual(wide);
    // ann: 12.3456785 + 0.2 + 1e-7 + 1234.5678915; bob: 0.1 + 99999999999.999 + 7.0000005 + 0.3
    const totals = (wide[0] as { spend_total: number }[]).map((r) => r.spend_total);
    expect(totals[0]).toBeCloseTo(1247.113571, 5);
    expect(totals[1]).toBeCloseTo(100000000007.399, 2);
  });

  it('keeps DECIMAL(38, 6) when an amount reaches 1e11', async () => {
    await engine.exec(
      'CREATE OR REPLACE TABLE lm_orders AS SELECT CAST(amount AS DOUBLE) AS amount FROM (VALUES (99999999999.9), (-3.5)) t(amount)',
    );
    expect(await amountDigitsOf(engine)).toBe(18);
    await engine.exec('INSERT INTO lm_orders VALUES (CAST(-1e11 AS DOUBLE))');
    expect(await amountDigitsOf(engine)).toBe(38);
    await engine.exec('DELETE FROM lm_orders');
    expect(await amountDigitsOf(engine)).toBe(18);
  });
});
