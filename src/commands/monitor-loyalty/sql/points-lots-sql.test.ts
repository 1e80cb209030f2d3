/**
 * The FIFO lots SQL on an in-memory DuckDB fixture, against consumption worked out by hand: two
 * members, lots of 100 and 50 points, a redemption that spans both lots, an expiry, a clawback,
 * and a member who consumes more than she earned.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDuckDb, type Engine } from '../../../data/index.ts';
import { ENTITIES } from '../../../data/entities/registry.ts';
import { ledgerAndOrdersSql, narrowTablesSpec } from './member-summary-sql.ts';
import {
  BALANCE_CHECK_SQL,
  CONSUMPTION_KIND,
  FIFO_PIECES_SQL,
  monthLabel,
  pointsLotsSql,
  pointTotalsSql,
  TRIANGLE_SQL,
} from './points-lots-sql.ts';

let engine: Engine;
const END = '2026-03-01T00:00:00.000Z';

beforeAll(async () => {
  engine = await openDuckDb();
  await engine.exec(`CREATE TABLE ledger AS SELECT * FROM (${ENTITIES.ledger.emptySelect()}) WHERE false`);
  const rows: [string, string, string, string, number, string | null][] = [
    ['e1', 'ann', '2026-01-05 10:00:00', 'earn', 100, '2026-03-10'],
    ['e2', 'ann', '2026-01-20 10:00:00', 'earn', 50, '2026-03-20'],
    ['e3', 'ann', '2026-02-02 10:00:00', 'redeem', 120, null], // 100 of e1 (Jan cohort) + 20 of e2
    ['e4', 'ann', '2026-02-10 10:00:00', 'adjust', -10, null], // 10 more of e2
    ['e5', 'bob', '2026-01-10 10:00:00', 'earn', 30, '2026-02-15'],
    ['e6', 'bob', '2026-02-15 00:00:00', 'expire', 30, null],
    ['e7', 'bob', '2026-02-20 10:00:00', 'redeem', 5, null], // nothing left: unmatched
    ['e8', 'ann', '2026-03-05 10:00:00', 'earn', 999, null], // after the end: ignored
  ];
  await engine.exec(
    `INSERT INTO ledger (entry_id, member_id, occurred_at, type, points, expires_at) VALUES ${rows
      .map(
        ([id, m, at, type, pts, exp]) =>
          `('${id}', '${m}', TIMESTAMP '${at}', '${type}', ${pts}, ${exp ? `TIMESTAMP '${exp}'` : 'NULL'})`,
      )
      .join(', ')}`,
  );
  await engine.exec(`CREATE TABLE rewards AS SELECT * FROM (${ENTITIES.rewards.emptySelect()}) WHERE false`);
  await engine.exec(
    `CREATE TABLE lm_member_base AS SELECT 'ann' AS member_id, 0 AS mi UNION ALL SELECT 'bob', 1`,
  );
  await engine.exec(
    `CREATE TABLE lm_member_num AS SELECT member_id, TIMESTAMP '2025-06-01' AS enrolled_at, mi FROM lm_member_base`,
  );
  await engine.exec(ledgerAndOrdersSql({ expireMonths: 12 })[0]);
  // a third member with pending points only
  await engine.exec(
    `CREATE TABLE lm_pending AS SELECT 2 AS mi, TIMESTAMP '2026-02-25 10:00:00' AS occurred_at, 7.0 AS points`,
  );
  await engine.exec(`CREATE TABLE lm_pending_stale (mi INTEGER, points DOUBLE)`);
  // the window from February 1, valued at February 15 (the triangle's phases)
  const start = '2026-02-01T00:00:00.000Z';
  for (const statement of pointsLotsSql({ start, end: END, valuation: '2026-02-15T00:00:00.000Z' }))
    await engine.exec(statement);
  for (const statement of pointTotalsSql({ end: END, horizonDays: 30, qualifyingFrom: '2026-01-15' }))
    await engine.exec(statement);
});
afterAll(() => engine.close());

describe('points lots, first in first out', () => {
  it('splits a redemption across the oldest lots', async () => {
    const pieces = await engine.query<{ member_id: string; issued: string; k: number; pts: number }>(
      `SELECT b.member_id, strftime(f.issued_at, '%Y-%m-%d %H:%M') AS issued, f.kc // 4 AS k, f.pts
       FROM (${FIFO_PIECES_SQL}) f JOIN lm_member_base b ON b.mi = f.mi
       ORDER BY b.member_id, f.c_end, f.issued_at`,
    );
    const lot: Record<string, string> = {
      '2026-01-05 10:00': 'e1',
      '2026-01-20 10:00': 'e2',
      '2026-01-10 10:00': 'e5',
    };
    expect(
      pieces.map((p) => ({
        member_id: p.member_id,
        lot_id: lot[p.issued],
        kind: CONSUMPTION_KIND[p.k],
        pts: p.pts,
      })),
    ).toEqual([
      { member_id: 'ann', lot_id: 'e1', kind: 'redeem', pts: 100 },
      { member_id: 'ann', lot_id: 'e2', kind: 'redeem', pts: 20 },
      { member_id: 'ann', lot_id: 'e2', kind: 'adjust', pts: 10 },
      { member_id: 'bob', lot_id: 'e5', kind: 'expire', pts: 30 },
    ]);
  });

  it('totals each member’s points from the lots and consumptions as the ledger has them', async () => {
    // ann: 150 earned (50 of them from January 15 on) − 120 redeemed − 10 clawed back;
    // bob: 30 − 30 expired − 5 redeemed; the third member: 7 pending. Active: what is left of the
    // lots, none past expiry (ann's 20; bob's redemption of 5 beyond his points is no lot's)
    const rows = await engine.query(`SELECT * FROM lm_member_points ORDER BY mi`);
    expect(rows).toEqual([
      {
        mi: 0,
        earned: 150,
        redeemed: 120,
        expired: 0,
        adjusted: -10,
        pending: 0,
        qualifying_points: 50,
        active: 20,
      },
      {
        mi: 1,
        earned: 30,
        redeemed: 5,
        expired: 30,
        adjusted: 0,
        pending: 0,
        qualifying_points: 0,
        active: 0,
      },
      { mi: 2, earned: 0, redeemed: 0, expired: 0, adjusted: 0, pending: 7, qualifying_points: 0, active: 0 },
    ]);
    // bob has nothing left: no expiry row, as before
    expect(await engine.query(`SELECT mi FROM lm_member_expiry ORDER BY mi`)).toEqual([{ mi: 0 }]);
  });

  it('leaves 20 points of ann expiring on 2026-03-20, and counts bob’s 5 unmatched', async () => {
    const [ann] = await engine.query(`SELECT * FROM lm_member_expiry WHERE mi = 0`);
    expect(ann).toMatchObject({
      expiring_points: 20,
      days_to_expiry: 19,
      fifo_balance: 20,
      overdue_points: 0,
    });
    const [b] = await engine.query(BALANCE_CHECK_SQL);
    expect(b).toMatchObject({ ledger_balance: 15, fifo_balance: 20, consumed: 165 });
    // unmatched = consumed − the points of the FIFO pieces: bob's redemption of 5
    const [m] = await engine.query<{ matched: number }>(
      `SELECT sum(pts) AS matched FROM (${FIFO_PIECES_SQL}) f`,
    );
    expect(165 - m.matched).toBe(5);
  });

  it('builds the triangle by issue month and age', async () => {
    const rows = await engine.query<Record<string, number>>(TRIANGLE_SQL);
    const t = rows
      .map((r) => ({
        cohort: monthLabel(r.cohort_month),
        age: r.age,
        kind: CONSUMPTION_KIND[r.k],
        pts: r.pts,
        pts_before_start: r.pts_before_start,
        pts_before_valuation: r.pts_before_valuation,
      }))
      .sort((a, b) => a.kind.localeCompare(b.kind));
    expect(t).toEqual([
      { cohort: '2026-01', age: 1, kind: 'adjust', pts: 10, pts_before_start: 0, pts_before_valuation: 10 },
      { cohort: '2026-01', age: 1, kind: 'expire', pts: 30, pts_before_start: 0, pts_before_valuation: 0 },
      { cohort: '2026-01', age: 1, kind: 'redeem', pts: 120, pts_before_start: 0, pts_before_valuation: 120 },
    ]);
  });
});

describe("the ledger read from normalize's narrow table", () => {
  it('gives the rows the canonical view gives (the entry id as its hash, the same tie-break key)', async () => {
    // the narrow table as normalize writes it (LEDGER_NARROW): the columns as they are, the entry id hashed
    await engine.exec(
      `CREATE TABLE narrow_ledger AS SELECT occurred_at, type, points, order_id, expires_at, member_id, reward_id,
              hash(entry_id) AS entry_id_hash
       FROM ledger`,
    );
    await engine.exec(`CREATE TABLE view_ledger AS SELECT * FROM lm_ledger`);
    await engine.exec(ledgerAndOrdersSql({ expireMonths: 12, ledgerTable: 'narrow_ledger' })[0]);
    const [d] = await engine.query<{ n: number; only_view: number; only_narrow: number }>(
      `SELECT (SELECT count(*) FROM lm_ledger) AS n,
              (SELECT count(*) FROM (SELECT * FROM view_ledger EXCEPT ALL SELECT * FROM lm_ledger)) AS only_view,
              (SELECT count(*) FROM (SELECT * FROM lm_ledger EXCEPT ALL SELECT * FROM view_ledger)) AS only_narrow`,
    );
    expect(d).toEqual({ n: 8, only_view: 0, only_narrow: 0 });
  });

  it('computes in normalize’s pass the columns the canonical read gives (narrowTablesSpec)', async () => {
    // the pass as the kit splices it: the staged row `s`, the lookups LEFT JOINed, the computed
    // columns under their names, renamed as memberSummarySql renames them
    const spec = narrowTablesSpec({ end: END, expireMonths: 12 }).ledger;
    const joins = (spec.lookups ?? [])
      .map(
        (l) =>
          `LEFT JOIN ${l.table} ${l.alias} ON ${Object.entries(l.on)
            .map(([a, b]) => `${l.alias}.${b} = s.${a}`)
            .join(' AND ')}`,
      )
      .join(' ');
    const computed = Object.entries(spec.computed ?? {})
      .map(([c, sql]) => `(${sql}) AS ${c}`)
      .join(', ');
    await engine.exec(
      `CREATE OR REPLACE TABLE pass_ledger AS SELECT s.occurred_at, s.points, hash(s.entry_id) AS entry_id_hash, ${computed}
       FROM ledger s ${joins}`,
    );
    await engine.exec(ledgerAndOrdersSql({ expireMonths: 12 })[0]);
    const cols = 'mi, occurred_at, k, points, order_id, rcost, expires_at';
    const pass = `SELECT mi, occurred_at, k, points, lm_order_id AS order_id, rcost, lm_expires_at AS expires_at, entry_id_hash AS seq FROM pass_ledger`;
    const [d] = await engine.query<{ n: number; a: number; b: number }>(
      `SELECT (SELECT count(*) FROM pass_ledger) AS n,
              (SELECT count(*) FROM (${pass} EXCEPT ALL SELECT ${cols}, seq FROM lm_ledger)) AS a,
              (SELECT count(*) FROM (SELECT ${cols}, seq FROM lm_ledger EXCEPT ALL ${pass})) AS b`,
    );
    expect(d).toEqual({ n: 8, a: 0, b: 0 });
    // the pending rows keep no expiry, the earn rows theirs or twelve months on
    const [e] = await engine.query<{ n: number }>(
      `SELECT count(*) AS n FROM pass_ledger WHERE lm_expires_at IS NOT NULL`,
    );
    expect(Number(e.n)).toBe(4);
  });

  it('sorts by the keys the kit gave entry ids after a collision, on the canonical ledger too', async () => {
    // as if e3's hash had been another entry id's: normalize rekeyed it in the narrow table
    const [{ k }] = await engine.query<{ k: string }>(`SELECT CAST(hash('e3|gtm-key-1') AS VARCHAR) AS k`);
    await engine.exec(
      `CREATE TABLE rekeyed_ledger AS SELECT * REPLACE (CASE WHEN entry_id_hash = hash('e3') THEN CAST('${k}' AS UBIGINT) ELSE entry_id_hash END AS entry_id_hash)
       FROM narrow_ledger`,
    );
    const narrow = { table: 'rekeyed_ledger', rows: 8, rekeyed: { entry_id: [{ value: 'e3', key: k }] } };
    await engine.exec(
      ledgerAndOrdersSql({ expireMonths: 12, ledgerTable: 'rekeyed_ledger', ledgerNarrow: narrow })[0],
    );
    await engine.exec(`CREATE OR REPLACE TABLE narrow_rows AS SELECT * FROM lm_ledger`);
    const differing = async () =>
      Number(
        (
          await engine.query<{ n: number }>(
            `SELECT count(*) AS n FROM (SELECT * FROM narrow_rows EXCEPT ALL SELECT * FROM lm_ledger)`,
          )
        )[0].n,
      );
    // the canonical ledger hashed plainly: e3 sorts by another key
    await engine.exec(ledgerAndOrdersSql({ expireMonths: 12 })[0]);
    expect(await differing()).toBe(1);
    await engine.exec(ledgerAndOrdersSql({ expireMonths: 12, ledgerNarrow: narrow })[0]);
    expect(await differing()).toBe(0);
  });
});
