/**
 * An earn row of negative points (a reversal: a returned order's points taken back) is a negative
 * adjustment: it consumes the member's oldest points (a clawback), carries no order and no expiry,
 * and is not counted as earned — before, its magnitude was added as earned points.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDuckDb, type Engine } from '../../../data/index.ts';
import { ENTITIES } from '../../../data/entities/registry.ts';
import { KIND, ledgerAndOrdersSql } from './member-summary-sql.ts';
import { BALANCE_CHECK_SQL, pointsLotsSql, pointTotalsSql } from './points-lots-sql.ts';

let engine: Engine;
const END = '2026-03-01T00:00:00.000Z';

beforeAll(async () => {
  engine = await openDuckDb();
  await engine.exec(`CREATE TABLE ledger AS SELECT * FROM (${ENTITIES.ledger.emptySelect()}) WHERE false`);
  await engine.exec(
    `INSERT INTO ledger (entry_id, member_id, occurred_at, type, points, order_id, expires_at) VALUES
       ('e1', 'ann', TIMESTAMP '2026-01-05 10:00:00', 'earn', 100, 'o1', NULL),
       ('e2', 'ann', TIMESTAMP '2026-01-20 10:00:00', 'earn', 40, 'o2', NULL),
       ('e3', 'ann', TIMESTAMP '2026-02-02 10:00:00', 'earn', -40, 'o2', NULL),
       ('e4', 'ann', TIMESTAMP '2026-02-03 10:00:00', 'redeem', -30, NULL, NULL)`,
  );
  await engine.exec(`CREATE TABLE rewards AS SELECT * FROM (${ENTITIES.rewards.emptySelect()}) WHERE false`);
  await engine.exec(`CREATE TABLE lm_member_base AS SELECT 'ann' AS member_id, 0 AS mi`);
  await engine.exec(
    `CREATE TABLE lm_member_num AS SELECT member_id, TIMESTAMP '2025-06-01' AS enrolled_at, mi FROM lm_member_base`,
  );
  await engine.exec(ledgerAndOrdersSql({ expireMonths: 12 })[0]);
  await engine.exec(`CREATE TABLE lm_pending (mi INTEGER, occurred_at TIMESTAMP, points DOUBLE)`);
  await engine.exec(`CREATE TABLE lm_pending_stale (mi INTEGER, points DOUBLE)`);
  for (const s of pointsLotsSql({ start: '2026-02-01T00:00:00.000Z', end: END, valuation: END }))
    await engine.exec(s);
  for (const s of pointTotalsSql({ end: END, horizonDays: 30, qualifyingFrom: '2026-01-01' }))
    await engine.exec(s);
});
afterAll(() => engine.close());

describe('an earn of negative points', () => {
  it('is a negative adjustment without order or expiry', async () => {
    const rows = await engine.query<{
      k: number;
      points: number;
      order_id: string | null;
      expires_at: unknown;
    }>(`SELECT k, points, order_id, expires_at FROM lm_ledger ORDER BY occurred_at`);
    expect(rows.map((r) => [r.k, r.points, r.order_id, r.expires_at === null])).toEqual([
      [KIND.earn, 100, 'o1', false],
      [KIND.earn, 40, 'o2', false],
      [KIND.adjust, -40, null, true],
      [KIND.redeem, -30, null, true], // a redemption's sign is the export's: its magnitude is read
    ]);
  });

  it('takes its points back first in first out, and the balances agree', async () => {
    // 140 earned − 40 taken back − 30 redeemed = 70 left (of the first lot)
    const [m] = await engine.query(`SELECT earned, redeemed, adjusted FROM lm_member_points WHERE mi = 0`);
    expect(m).toEqual({ earned: 140, redeemed: 30, adjusted: -40 });
    const [b] = await engine.query(BALANCE_CHECK_SQL);
    expect(b).toMatchObject({ ledger_balance: 70, fifo_balance: 70 });
  });
});
