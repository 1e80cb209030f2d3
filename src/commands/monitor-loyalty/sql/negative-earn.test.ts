/**
 * An earn row of negative points (a reversal: a returned order's points taken back) consumes the
 * member's oldest points (a clawback), carries no order and no expiry, and is not counted as earned
 * — before, its magnitude was added as earned points. It has a code of its own (`KIND.reversal`),
 * told apart from a negative adjustment: it nets the qualifying points of a points-based tier when
 * posted inside the qualification period (a goodwill correction or clawback, a negative `adjust`,
 * does not). Before, it was coded as a negative adjustment and the qualifying points were gross: ann
 * qualified with 140 points instead of 100.
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
       ('e4', 'ann', TIMESTAMP '2026-02-03 10:00:00', 'redeem', -30, NULL, NULL),
       ('e5', 'ann', TIMESTAMP '2026-02-04 10:00:00', 'adjust', -10, NULL, NULL),
       ('e6', 'bob', TIMESTAMP '2025-12-10 10:00:00', 'earn', 50, 'o3', NULL),
       ('e7', 'bob', TIMESTAMP '2026-01-10 10:00:00', 'earn', -50, 'o3', NULL),
       ('e8', 'carol', TIMESTAMP '2025-12-10 10:00:00', 'earn', 80, 'o4', NULL),
       ('e9', 'carol', TIMESTAMP '2025-12-20 10:00:00', 'earn', -20, 'o4', NULL),
       ('e10', 'carol', TIMESTAMP '2026-01-05 10:00:00', 'earn', 30, 'o5', NULL)`,
  );
  await engine.exec(`CREATE TABLE rewards AS SELECT * FROM (${ENTITIES.rewards.emptySelect()}) WHERE false`);
  // period_start: the anniversary periods' starts (read when qualifyingFrom is null)
  await engine.exec(
    `CREATE TABLE lm_member_base AS SELECT * FROM (VALUES
       ('ann', 0, DATE '2026-01-01'), ('bob', 1, DATE '2026-01-01'), ('carol', 2, DATE '2025-12-15'))
       t(member_id, mi, period_start)`,
  );
  await engine.exec(
    `CREATE TABLE lm_member_num AS SELECT member_id, TIMESTAMP '2025-06-01' AS enrolled_at, mi FROM lm_member_base`,
  );
  await engine.exec(ledgerAndOrdersSql({ expireMonths: 12 })[0]);
  await engine.exec(`CREATE TABLE lm_pending (mi INTEGER, occurred_at TIMESTAMP, points DOUBLE)`);
  await engine.exec(`CREATE TABLE lm_pending_stale (mi INTEGER, points DOUBLE)`);
  for (const s of pointsLotsSql({ start: '2026-02-01T00:00:00.000Z', end: END, valuation: END }))
    await engine.exec(s);
});
afterAll(() => engine.close());

/** Per member: earned, redeemed, adjusted and qualifying points, the periods from `from` (null: anniversary). */
async function totals(from: string | null) {
  for (const s of pointTotalsSql({ end: END, horizonDays: 30, qualifyingFrom: from })) await engine.exec(s);
  return engine.query<{
    member_id: string;
    earned: number;
    redeemed: number;
    adjusted: number;
    qualifying: number;
  }>(
    `SELECT b.member_id, p.earned, p.redeemed, p.adjusted, p.qualifying_points AS qualifying
     FROM lm_member_points p JOIN lm_member_base b ON b.mi = p.mi ORDER BY b.mi`,
  );
}

describe('an earn of negative points', () => {
  it('is a reversal, coded apart from negative adjustments, without order or expiry', async () => {
    const rows = await engine.query<{
      k: number;
      points: number;
      order_id: string | null;
      expires_at: unknown;
    }>(`SELECT k, points, order_id, expires_at FROM lm_ledger WHERE mi = 0 ORDER BY occurred_at`);
    expect(rows.map((r) => [r.k, r.points, r.order_id, r.expires_at === null])).toEqual([
      [KIND.earn, 100, 'o1', false],
      [KIND.earn, 40, 'o2', false],
      [KIND.reversal, -40, null, true],
      [KIND.redeem, -30, null, true], // a redemption's sign is the export's: its magnitude is read
      [KIND.adjust, -10, null, true],
    ]);
  });

  it('takes its points back first in first out, and the balances agree', async () => {
    // ann: 140 earned − 40 taken back − 30 redeemed − 10 adjusted = 60 left (of the first lot);
    // bob: 50 − 50 = 0; carol: 110 − 20 = 90
    const m = await totals('2026-01-01');
    expect(
      m.map(({ member_id, earned, redeemed, adjusted }) => ({ member_id, earned, redeemed, adjusted })),
    ).toEqual([
      { member_id: 'ann', earned: 140, redeemed: 30, adjusted: -50 },
      { member_id: 'bob', earned: 50, redeemed: 0, adjusted: -50 },
      { member_id: 'carol', earned: 110, redeemed: 0, adjusted: -20 },
    ]);
    const [b] = await engine.query(BALANCE_CHECK_SQL);
    expect(b).toMatchObject({ ledger_balance: 150, fifo_balance: 150 });
  });

  it('nets the qualifying points of the reversals posted in the period, not of negative adjustments', async () => {
    // calendar period from 2026-01-01, by hand:
    // ann 100 + 40 earned − 40 reversed (the −10 goodwill adjustment does not count) = 100;
    // bob earned 50 in December, reversed 50 in January: 0 − 50, never below 0 = 0;
    // carol earned 30 in January; her December reversal is before the period = 30
    expect((await totals('2026-01-01')).map((r) => [r.member_id, r.qualifying])).toEqual([
      ['ann', 100],
      ['bob', 0],
      ['carol', 30],
    ]);
    // anniversary periods (lm_member_base.period_start): carol's from 2025-12-15 holds her
    // December reversal (20) and her January earn (30), not her December 10 earn: 30 − 20 = 10
    expect((await totals(null)).map((r) => [r.member_id, r.qualifying])).toEqual([
      ['ann', 100],
      ['bob', 0],
      ['carol', 10],
    ]);
  });
});
