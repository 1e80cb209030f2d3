import { literal } from '../../../data/index.ts';
import { exactSum } from '../../shared/exact-sum.ts';
import {
  addMonthsMs,
  aggIf,
  dateCh,
  dayCh,
  KIND,
  msCh,
  ts,
  type ChStep,
  type RelationOf,
} from './member-summary-sql.ts';

/** Month index of a timestamp (year × 12 + month − 1): cohorts and ages as integers. */
const monthOf = (col: string) => `(CAST(year(${col}) AS INTEGER) * 12 + CAST(month(${col}) AS INTEGER) - 1)`;

/** `YYYY-MM` of a month index (`monthOf`). */
export const monthLabel = (m: number): string =>
  `${String(Math.floor(m / 12)).padStart(4, '0')}-${String((m % 12) + 1).padStart(2, '0')}`;

/** Consumption kinds by ledger code. */
export const CONSUMPTION_KIND: Record<number, 'redeem' | 'expire' | 'adjust' | 'reverse'> = {
  [KIND.redeem]: 'redeem',
  [KIND.expire]: 'expire',
  [KIND.adjust]: 'adjust',
  [KIND.reversal]: 'reverse',
};

/** The last month end at or before the end of the window: the chain ladder's valuation date. */
export function valuationOf(end: string): { valuation: string; lastMonth: string } {
  const e = new Date(end);
  const v = new Date(Date.UTC(e.getUTCFullYear(), e.getUTCMonth(), 1));
  return {
    valuation: v.toISOString(),
    lastMonth: new Date(v.getTime() - 86_400_000).toISOString().slice(0, 7),
  };
}

/** What the FIFO lots and the per-member point totals need to know besides `lm_ledger` and `lm_pending`. */
export interface PointsLotsParams {
  /** Window [start, end) and the chain ladder's valuation date (the last month end), ISO instants. */
  start: string;
  end: string;
  valuation: string;
  /** Points expiring within this many days of the end count as expiring. */
  horizonDays: number;
  /**
   * Earn rows from this day on (YYYY-MM-DD) count as qualifying points; null for anniversary
   * periods: from each member's own period start (`lm_member_base.period_start`).
   */
  qualifyingFrom: string | null;
  /**
   * Expiry after this many months of inactivity (`loyalty.points_expiry.policy: inactivity`): a
   * lot with no `expires_at` of its own expires at its member's deadline (`inactivityDeadlineSql`).
   * Absent (or 0) under the lot-age policy: no extra statement runs.
   */
  inactivityMonths?: number;
}

/**
 * The ledger rows that are a member's activity for expiry after inactivity: earn rows (not the
 * earn reversals, a code of their own), redeem rows and positive adjustments (points credited to
 * the member: a goodwill credit or an imported balance, which the apps show as points earned).
 * Pending rows (not points yet: their earn row is the activity), negative adjustments (clawbacks),
 * earn reversals (a refund is no activity of the member) and expire rows are not.
 */
const activityKinds = `k IN (${KIND.earn}, ${KIND.redeem}) OR (k = ${KIND.adjust} AND points > 0)`;

/**
 * Per member (`a_mi`), the inactivity deadline (`deadline`): their last activity (`activityKinds`)
 * before the end plus `months`. Every lot's member has one (a lot is an earn or a positive adjustment).
 */
export function inactivityDeadlineSql(end: string, months: number): string {
  return `SELECT mi AS a_mi, max(occurred_at) + to_months(${months}) AS deadline
     FROM lm_ledger WHERE mi IS NOT NULL AND occurred_at < ${ts(end)} AND (${activityKinds}) GROUP BY mi`;
}

/**
 * Points lots and their first-in-first-out consumption (tables `lm_lots` and `lm_cons`). Every earn
 * (and positive adjustment) is a lot; redemptions, expiries, negative adjustments and earn reversals consume the
 * member's oldest points first (rows at the same time in the order of a hash of their entry ids:
 * deterministic, and an integer sort key). A running sum over the member's lots in time order
 * gives the interval lot k covers of the member's earned points, [E_{k−1}, E_k) (`lot_end` = E_k),
 * and one over the consumptions the interval consumption j covers of the consumed ones,
 * [C_{j−1}, C_j) (`c_end` = C_j): the two sums are independent, so lots and consumptions are
 * sorted apart (two smaller sorts, and narrower tables, than one window over both). The points of
 * lot k taken by consumption j are the overlap of the two intervals (`FIFO_PIECES_SQL`), and what is
 * left of lot k is the part of its interval beyond all the member consumed (the last C_j).
 *
 * What the triangle groups by is computed once per row here, not once per piece: the issue month
 * of a lot (`im`, see `monthOf`), and of a consumption its month (`cm`) and `kc`, the kind code × 4
 * + 1 when before the window start + 2 when before the valuation date.
 *
 * DuckDB form (window sums); the ClickHouse form builds the same cumulative sums with
 * `groupArray` + `arrayCumSum` per member.
 */
export function pointsLotsSql(
  opts: Pick<PointsLotsParams, 'start' | 'end' | 'valuation' | 'inactivityMonths'>,
): string[] {
  const { earn, redeem, expire, adjust, reversal } = KIND;
  const rows = `lm_ledger WHERE mi IS NOT NULL AND occurred_at < ${ts(opts.end)}`;
  // under expiry after inactivity, a lot without its own expiry takes its member's deadline
  const inactive = opts.inactivityMonths ? opts.inactivityMonths : 0;
  const lotRows = inactive
    ? `lm_ledger LEFT JOIN (${inactivityDeadlineSql(opts.end, inactive)}) a ON a.a_mi = lm_ledger.mi
           WHERE mi IS NOT NULL AND occurred_at < ${ts(opts.end)}`
    : rows;
  const lotExpiry = inactive ? 'COALESCE(expires_at, deadline) AS expires_at' : 'expires_at';
  const w =
    'WINDOW w AS (PARTITION BY mi ORDER BY occurred_at, seq ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)';
  const phase = `CASE WHEN occurred_at < ${ts(opts.start)} THEN 1 ELSE 0 END + CASE WHEN occurred_at < ${ts(opts.valuation)} THEN 2 ELSE 0 END`;
  return [
    `CREATE OR REPLACE TABLE lm_lots AS
     SELECT mi, occurred_at, im, earn, linked, pts, expires_at, sum(pts) OVER w AS lot_end
     FROM (SELECT mi, occurred_at, seq, ${monthOf('occurred_at')} AS im, k = ${earn} AS earn, order_id IS NOT NULL AS linked,
                  abs(points) AS pts, ${lotExpiry}
           FROM ${lotRows} AND (k = ${earn} OR (k = ${adjust} AND points > 0))) t
     ${w}`,
    // rd: the day of an earn reversal (NULL for the other rows), which nets the qualifying points
    `CREATE OR REPLACE TABLE lm_cons AS
     SELECT mi, cm, kc, pts, rd, sum(pts) OVER w AS c_end
     FROM (SELECT mi, occurred_at, seq, ${monthOf('occurred_at')} AS cm, CAST(k * 4 + ${phase} AS UTINYINT) AS kc, abs(points) AS pts,
                  CASE WHEN k = ${reversal} THEN CAST(occurred_at AS DATE) END AS rd
           FROM ${rows} AND (k IN (${redeem}, ${expire}, ${reversal}) OR (k = ${adjust} AND points < 0))) t
     ${w}`,
  ];
}

/**
 * Every (lot, consumption) piece of points: the lot's issue time and month, the consumption's
 * month, code (`kc`) and place in the member's consumption (`c_end`), and the points (the overlap
 * of the two cumulative intervals).
 */
export const FIFO_PIECES_SQL = `SELECT l.mi, l.occurred_at AS issued_at, l.im AS issued_month, c.cm AS consumed_month, c.kc, c.c_end,
       least(l.lot_end, c.c_end) - greatest(l.lot_end - l.pts, c.c_end - c.pts) AS pts
     FROM lm_lots l JOIN lm_cons c
       ON c.mi = l.mi AND c.c_end - c.pts < l.lot_end AND c.c_end > l.lot_end - l.pts`;

/**
 * Redemption triangle: points of each issuance month (`cohort_month`, see `monthLabel`) consumed at
 * each age (months), by kind code, in total and before the window start and before the valuation
 * date (the last month end: the chain ladder develops complete months only), as `pointsLotsSql`
 * coded them. The pieces are summed by (month, age, code) first: the code's phases are summed apart.
 */
export const TRIANGLE_SQL = `SELECT cohort_month, age, kc // 4 AS k, sum(pts) AS pts,
       COALESCE(${aggIf('sum', 'pts', 'kc & 1 = 1')}, 0) AS pts_before_start,
       COALESCE(${aggIf('sum', 'pts', 'kc & 2 = 2')}, 0) AS pts_before_valuation
     FROM (SELECT issued_month AS cohort_month, greatest(0, consumed_month - issued_month) AS age, kc, sum(pts) AS pts
           FROM (${FIFO_PIECES_SQL}) p GROUP BY 1, 2, 3) t
     GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`;

/**
 * Points issued per month (`cohort_month`); points and revenue of the orders that earned them (IFRS
 * 15 allocation). The issued points are the lots' (`lm_lots`: issue month, whether the row names an
 * order); the orders' revenue is read once per (order, month) of the earn rows naming one.
 */
export function cohortIssuanceSql(start: string, end: string): string {
  return `SELECT i.cohort_month, i.issued, i.issued_before_start, i.linked_points, COALESCE(r.linked_revenue, 0) AS linked_revenue
     FROM (SELECT im AS cohort_month, sum(pts) AS issued,
                  COALESCE(${aggIf('sum', 'pts', `occurred_at < ${ts(start)}`)}, 0) AS issued_before_start,
                  COALESCE(${aggIf('sum', 'pts', 'linked')}, 0) AS linked_points
           FROM lm_lots GROUP BY 1) i
     LEFT JOIN (SELECT c.cohort_month, ${exactSum('o.amount')} AS linked_revenue
                FROM (SELECT DISTINCT order_id, ${monthOf('occurred_at')} AS cohort_month FROM lm_ledger
                      -- only earn rows keep their order id among the lots (lm_ledger)
                      WHERE mi IS NOT NULL AND occurred_at < ${ts(end)} AND k = ${KIND.earn} AND order_id IS NOT NULL) c
                JOIN lm_orders o ON o.order_id = c.order_id GROUP BY 1) r ON r.cohort_month = i.cohort_month
     ORDER BY 1`;
}

/**
 * Per-member totals from the lots and consumptions, one GROUP BY over each instead of another pass
 * over the ledger (tables `lm_cons_totals`, `lm_lot_totals`, `lm_member_points`; view
 * `lm_member_expiry`):
 *
 * - of the consumptions: all the member consumed (the last C_j), points redeemed, expired and
 *   clawed back by negative adjustments and earn reversals;
 * - of the lots: points expiring within the horizon, days to the next expiry, FIFO balance and
 *   overdue points from what is left of each lot (its interval beyond all the member consumed; the
 *   view `lm_member_expiry` keeps the members with some left, as before), points earned, positive
 *   adjustments and qualifying points (earn rows from the period start on; `lm_member_points`
 *   nets them of the earn reversals posted from the period start on, never below 0: a reversal
 *   takes back points that qualified, a negative adjustment — goodwill correction, clawback — does
 *   not touch qualification);
 * - `lm_member_points`: per member, earned, redeemed, expired, adjusted (positive less negative
 *   adjustments), pending (`lm_pending`) and qualifying points — what one GROUP BY of the ledger's
 *   rows before the end gave (the same rows: lots and consumptions are every row but pending ones
 *   and adjustments of zero points, which add nothing) — and `active`, the points the member can
 *   still redeem: the FIFO balance less the overdue points, as the liability counts them.
 */
export function pointTotalsSql(opts: Omit<PointsLotsParams, 'start' | 'valuation'>): string[] {
  const E = ts(opts.end);
  const left = 'remaining > 1e-9';
  const anniversary = opts.qualifyingFrom === null;
  const from = anniversary ? 'period_start' : `DATE ${literal(opts.qualifyingFrom)}`;
  return [
    `CREATE OR REPLACE TABLE lm_cons_totals AS
     SELECT mi, max(c_end) AS c_total,
            COALESCE(${aggIf('sum', 'pts', `kc // 4 = ${KIND.redeem}`)}, 0) AS redeemed,
            COALESCE(${aggIf('sum', 'pts', `kc // 4 = ${KIND.expire}`)}, 0) AS expired,
            COALESCE(${aggIf('sum', 'pts', `kc // 4 IN (${KIND.adjust}, ${KIND.reversal})`)}, 0) AS clawed_back
     FROM lm_cons GROUP BY mi`,
    `CREATE OR REPLACE TABLE lm_lot_totals AS
     SELECT mi,
            COALESCE(${aggIf('sum', 'remaining', `${left} AND expires_at >= ${E} AND expires_at < ${E} + INTERVAL ${opts.horizonDays} DAY`)}, 0) AS expiring_points,
            CAST(${aggIf('min', `date_diff('day', ${E}, expires_at)`, `${left} AND expires_at >= ${E}`)} AS INTEGER) AS days_to_expiry,
            ${aggIf('sum', 'remaining', left)} AS fifo_balance,
            COALESCE(${aggIf('sum', 'remaining', `${left} AND expires_at < ${E}`)}, 0) AS overdue_points,
            COALESCE(${aggIf('sum', 'pts', 'earn')}, 0) AS earned,
            COALESCE(${aggIf('sum', 'pts', 'NOT earn')}, 0) AS added,
            COALESCE(${aggIf('sum', 'pts', `earn AND CAST(occurred_at AS DATE) >= ${from}`)}, 0) AS qualifying_points
     FROM (SELECT l.mi, l.occurred_at, l.earn, l.pts, l.expires_at,
                  greatest(0, least(l.pts, l.lot_end - COALESCE(c.c_total, 0))) AS remaining${anniversary ? ', b.period_start' : ''}
           FROM lm_lots l LEFT JOIN lm_cons_totals c ON c.mi = l.mi${anniversary ? ' JOIN lm_member_base b ON b.mi = l.mi' : ''}) t
     GROUP BY mi`,
    `CREATE OR REPLACE VIEW lm_member_expiry AS
     SELECT mi, expiring_points, days_to_expiry, fifo_balance, overdue_points FROM lm_lot_totals WHERE fifo_balance IS NOT NULL`,
    // the qualifying points net of the earn reversals posted in the period (rd: only reversals have
    // one, so only they are joined to the members' period starts), never below 0
    `CREATE OR REPLACE TABLE lm_member_points AS
     SELECT COALESCE(l.mi, c.mi, p.mi) AS mi, COALESCE(l.earned, 0) AS earned, COALESCE(c.redeemed, 0) AS redeemed,
            COALESCE(c.expired, 0) AS expired, COALESCE(l.added, 0) - COALESCE(c.clawed_back, 0) AS adjusted,
            COALESCE(p.pending, 0) AS pending,
            greatest(0, COALESCE(l.qualifying_points, 0) - COALESCE(r.reversed, 0)) AS qualifying_points,
            COALESCE(l.fifo_balance, 0) - COALESCE(l.overdue_points, 0) AS active
     FROM lm_lot_totals l FULL JOIN lm_cons_totals c ON c.mi = l.mi
     FULL JOIN (SELECT mi, sum(points) AS pending FROM lm_pending GROUP BY mi) p ON p.mi = COALESCE(l.mi, c.mi)
     LEFT JOIN (SELECT r.mi, sum(r.pts) AS reversed
                FROM lm_cons r${anniversary ? ' JOIN lm_member_base b ON b.mi = r.mi' : ''}
                WHERE r.rd IS NOT NULL AND r.rd >= ${from} GROUP BY r.mi) r ON r.mi = COALESCE(l.mi, c.mi)`,
  ];
}

/**
 * Totals the merge gate reconciles: ledger balance, FIFO balance, consumption (matched or not),
 * pending, overdue points (left of lots whose expiry is before the end) and the members holding
 * them, and the stale pending points (`lm_pending_stale`) and their members.
 */
export const BALANCE_CHECK_SQL = `SELECT
    (SELECT COALESCE(sum(earned - redeemed - expired + adjusted), 0) FROM lm_member_points) AS ledger_balance,
    (SELECT COALESCE(sum(fifo_balance), 0) FROM lm_member_expiry) AS fifo_balance,
    (SELECT COALESCE(sum(pts), 0) FROM lm_cons) AS consumed,
    (SELECT COALESCE(sum(pending), 0) FROM lm_member_points) AS pending,
    (SELECT COALESCE(sum(overdue_points), 0) FROM lm_member_expiry) AS overdue,
    (SELECT count(*) FROM lm_member_expiry WHERE overdue_points > 1e-9) AS overdue_members,
    (SELECT COALESCE(sum(points), 0) FROM lm_pending_stale) AS stale_pending,
    (SELECT count(*) FROM lm_pending_stale) AS stale_members`;

/**
 * Overdue points per issuance month (`cohort_month`): what is left of each lot (its interval beyond
 * all its member consumed) whose expiry is before the end of the window, with no expire row.
 */
export function overdueByCohortSql(end: string): string {
  return `SELECT im AS cohort_month, sum(remaining) AS overdue
     FROM (SELECT l.im, l.expires_at, greatest(0, least(l.pts, l.lot_end - COALESCE(c.c_total, 0))) AS remaining
           FROM lm_lots l LEFT JOIN lm_cons_totals c ON c.mi = l.mi) t
     WHERE remaining > 1e-9 AND expires_at < ${ts(end)} GROUP BY 1 ORDER BY 1`;
}

// ---------------------------------------------------------------------------------------------
// ClickHouse form (18.16: no window functions, equality-only JOIN ON). The running sums are
// `arrayCumSum` over each member's rows collected with `groupArray` and sorted with `arraySort` by
// (time, hash of the entry id), then spread back to rows with `arrayJoin`; the pieces join lots
// and consumptions on the member with the overlap condition in WHERE.

/** `monthOf` on ClickHouse, from epoch milliseconds. */
const monthOfCh = (ms: string) => `(toYear(${dateCh(ms)}) * 12 + toMonth(${dateCh(ms)}) - 1)`;

/** A member's rows of one kind with the running sum of their points in (time, seq) order. */
function runningCh(rows: string, fields: string[], endName: string): string {
  // s: the member's rows as tuples (time, seq, …fields, pts) sorted by time then seq
  const tuple = ['occurred_at', 'seq', ...fields, 'pts'];
  const last = tuple.length;
  const picks = tuple.map((f, i) => `tupleElement(r, ${i + 1}) AS ${f}`);
  return `SELECT mi, ${picks.filter((_, i) => i !== 1).join(', ')}, tupleElement(r, ${last + 1}) AS ${endName}
     FROM (SELECT mi, arrayJoin(arrayMap((x, c) -> (${tuple.map((_, i) => `x.${i + 1}`).join(', ')}, c), s,
                                          arrayCumSum(arrayMap(x -> x.${last}, s)))) AS r
           FROM (SELECT mi, arraySort(x -> (x.1, x.2), groupArray((${tuple.join(', ')}))) AS s FROM (${rows}) GROUP BY mi))`;
}

/** `inactivityDeadlineSql` on ClickHouse (columns mi, deadline in epoch milliseconds). */
function inactivityDeadlineCh(end: string, months: number, rel: RelationOf): string {
  return `SELECT mi, ${addMonthsMs('max(occurred_at)', months)} AS deadline
     FROM ${rel('lm_ledger')} WHERE isNotNull(mi) AND occurred_at < ${msCh(end)} AND (${activityKinds}) GROUP BY mi`;
}

/** `pointsLotsSql` on ClickHouse: tables `lm_lots` and `lm_cons`, the same columns. */
export function pointsLotsCh(opts: { end: string; inactivityMonths?: number }): ChStep[] {
  const { earn, redeem, expire, adjust, reversal } = KIND;
  const rows = (rel: RelationOf, kinds: string) =>
    `SELECT mi, occurred_at, seq, k, abs(points) AS pts, expires_at FROM ${rel('lm_ledger')}
     WHERE isNotNull(mi) AND occurred_at < ${msCh(opts.end)} AND (${kinds})`;
  const lotKinds = `k = ${earn} OR (k = ${adjust} AND points > 0)`;
  const inactive = opts.inactivityMonths ? opts.inactivityMonths : 0;
  // under expiry after inactivity, a lot without its own expiry takes its member's deadline (every
  // lot's member has one: a lot is an earn or a positive adjustment)
  const lotRows = (rel: RelationOf) =>
    inactive
      ? `SELECT mi, occurred_at, seq, k, pts, toNullable(ifNull(expires_at, if(d_found = 1, deadline, toInt64(0)))) AS expires_at
         FROM (${rows(rel, lotKinds)})
         ANY LEFT JOIN (SELECT mi, deadline, toUInt8(1) AS d_found FROM (${inactivityDeadlineCh(opts.end, inactive, rel)})) USING mi`
      : rows(rel, lotKinds);
  return [
    {
      name: 'lm_lots',
      select: (rel) => runningCh(lotRows(rel), ['expires_at'], 'lot_end'),
    },
    {
      name: 'lm_cons',
      select: (rel) =>
        runningCh(
          rows(rel, `k IN (${redeem}, ${expire}, ${reversal}) OR (k = ${adjust} AND points < 0)`),
          ['k'],
          'c_end',
        ),
    },
  ];
}

/** `FIFO_PIECES_SQL` on ClickHouse (columns issued_at, issued_month, consumed_at, consumed_month, k, piece). */
const fifoPiecesCh = (rel: RelationOf) =>
  `SELECT issued_at, ${monthOfCh('issued_at')} AS issued_month, consumed_at, ${monthOfCh('consumed_at')} AS consumed_month, k,
       least(lot_end, c_end) - greatest(lot_end - l_pts, c_end - c_pts) AS piece
     FROM (SELECT mi, occurred_at AS issued_at, pts AS l_pts, lot_end FROM ${rel('lm_lots')})
     ALL INNER JOIN (SELECT mi, occurred_at AS consumed_at, k, pts AS c_pts, c_end FROM ${rel('lm_cons')}) USING mi
     WHERE c_end - c_pts < lot_end AND c_end > lot_end - l_pts`;

/** `triangleSql` on ClickHouse. */
export function triangleCh(start: string, valuation: string, rel: RelationOf): string {
  return `SELECT issued_month AS cohort_month, greatest(0, consumed_month - issued_month) AS age, k,
            sum(piece) AS pts, sumIf(piece, consumed_at < ${msCh(start)}) AS pts_before_start,
            sumIf(piece, consumed_at < ${msCh(valuation)}) AS pts_before_valuation
     FROM (${fifoPiecesCh(rel)}) GROUP BY cohort_month, age, k ORDER BY cohort_month, age, k`;
}

/** `cohortIssuanceSql` on ClickHouse. */
export function cohortIssuanceCh(start: string, end: string, rel: RelationOf): string {
  const { earn, adjust } = KIND;
  const lots = `SELECT occurred_at, abs(points) AS lot_pts, order_id FROM ${rel('lm_ledger')}
                WHERE isNotNull(mi) AND occurred_at < ${msCh(end)} AND (k = ${earn} OR (k = ${adjust} AND points > 0))`;
  return `SELECT cohort_month, issued, issued_before_start, linked_points, ifNull(r_revenue, 0) AS linked_revenue
     FROM (SELECT ${monthOfCh('occurred_at')} AS cohort_month, sum(lot_pts) AS issued,
                  sumIf(lot_pts, occurred_at < ${msCh(start)}) AS issued_before_start,
                  sumIf(lot_pts, isNotNull(order_id)) AS linked_points
           FROM (${lots}) GROUP BY cohort_month)
     ANY LEFT JOIN (SELECT cohort_month, ${exactSum('amount', 'clickhouse')} AS r_revenue
                    FROM (SELECT DISTINCT assumeNotNull(order_id) AS order_id, ${monthOfCh('occurred_at')} AS cohort_month
                          FROM (${lots}) WHERE isNotNull(order_id))
                    ALL INNER JOIN (SELECT ifNull(order_id, '') AS order_id, amount FROM ${rel('lm_orders')}) USING order_id
                    GROUP BY cohort_month) USING cohort_month
     ORDER BY cohort_month`;
}

/** `memberExpirySql` on ClickHouse: table `lm_member_expiry`. */
export function memberExpiryCh(end: string, horizonDays: number): ChStep {
  const E = msCh(end);
  const H = `${E} + ${horizonDays * 86_400_000}`;
  return {
    name: 'lm_member_expiry',
    select: (rel) => `SELECT mi,
         sumIf(remaining, ifNull(expires_at >= ${E} AND expires_at < ${H}, 0)) AS expiring_points,
         if(countIf(ifNull(expires_at >= ${E}, 0)) > 0,
            toNullable(minIf(${dayCh('assumeNotNull(expires_at)')} - ${dayCh(E)}, ifNull(expires_at >= ${E}, 0))),
            CAST(NULL AS Nullable(Int64))) AS days_to_expiry,
         sum(remaining) AS fifo_balance,
         sumIf(remaining, ifNull(expires_at < ${E}, 0)) AS overdue_points
       FROM (SELECT mi, expires_at, greatest(0, least(pts, lot_end - if(c_found = 1, c_total, 0))) AS remaining
             FROM (SELECT mi, expires_at, pts, lot_end FROM ${rel('lm_lots')})
             ANY LEFT JOIN (SELECT mi, max(c_end) AS c_total, toUInt8(1) AS c_found FROM ${rel('lm_cons')} GROUP BY mi) USING mi)
       WHERE remaining > 1e-9 GROUP BY mi`,
  };
}

/** `BALANCE_CHECK_SQL` on ClickHouse. */
export const balanceCheckCh = (rel: RelationOf): string => `SELECT
    (SELECT sum(earned - redeemed - expired + adjusted) FROM ${rel('lm_member_points')}) AS ledger_balance,
    (SELECT sum(fifo_balance) FROM ${rel('lm_member_expiry')}) AS fifo_balance,
    (SELECT sum(pts) FROM ${rel('lm_cons')}) AS consumed,
    (SELECT sum(pending) FROM ${rel('lm_member_points')}) AS pending,
    (SELECT sum(overdue_points) FROM ${rel('lm_member_expiry')}) AS overdue,
    (SELECT countIf(overdue_points > 1e-9) FROM ${rel('lm_member_expiry')}) AS overdue_members,
    (SELECT sum(points) FROM ${rel('lm_pending_stale')}) AS stale_pending,
    (SELECT count() FROM ${rel('lm_pending_stale')}) AS stale_members`;

/** `overdueByCohortSql` on ClickHouse (the lots' remaining points as `memberExpiryCh` computes them). */
export function overdueByCohortCh(end: string, rel: RelationOf): string {
  return `SELECT cohort_month, sum(remaining) AS overdue
     FROM (SELECT ${monthOfCh('occurred_at')} AS cohort_month, expires_at,
                  greatest(0, least(pts, lot_end - if(c_found = 1, c_total, 0))) AS remaining
           FROM (SELECT mi, occurred_at, expires_at, pts, lot_end FROM ${rel('lm_lots')})
           ANY LEFT JOIN (SELECT mi, max(c_end) AS c_total, toUInt8(1) AS c_found FROM ${rel('lm_cons')} GROUP BY mi) USING mi)
     WHERE remaining > 1e-9 AND ifNull(expires_at < ${msCh(end)}, 0) GROUP BY cohort_month ORDER BY cohort_month`;
}
