import { KIND, ts } from './member-summary-sql.ts';

/** Month index of a timestamp (year × 12 + month − 1): cohorts and ages as integers. */
const monthOf = (col: string) => `(CAST(year(${col}) AS INTEGER) * 12 + CAST(month(${col}) AS INTEGER) - 1)`;

/** `YYYY-MM` of a month index (`monthOf`). */
export const monthLabel = (m: number): string =>
  `${String(Math.floor(m / 12)).padStart(4, '0')}-${String((m % 12) + 1).padStart(2, '0')}`;

/** Consumption kinds by ledger code. */
export const CONSUMPTION_KIND: Record<number, 'redeem' | 'expire' | 'adjust'> = {
  [KIND.redeem]: 'redeem',
  [KIND.expire]: 'expire',
  [KIND.adjust]: 'adjust',
};

/**
 * Points lots and their first-in-first-out consumption (tables `lm_lots` and `lm_cons`). Every earn
 * (and positive adjustment) is a lot; redemptions, expiries and negative adjustments consume the
 * member's oldest points first (rows at the same time in the order of a hash of their entry ids:
 * deterministic, and an integer sort key). A running sum over the member's lots in time order
 * gives the interval lot k covers of the member's earned points, [E_{k−1}, E_k) (`lot_end` = E_k),
 * and one over the consumptions the interval consumption j covers of the consumed ones,
 * [C_{j−1}, C_j) (`c_end` = C_j): the two sums are independent, so lots and consumptions are
 * sorted apart (two smaller sorts, and narrower tables, than one window over both). The points of
 * lot k taken by consumption j are the overlap of the two intervals (`FIFO_PIECES_SQL`), and what is
 * left of lot k is the part of its interval beyond all the member consumed (the last C_j).
 *
 * DuckDB form (window sums); the ClickHouse form builds the same cumulative sums with
 * `groupArray` + `arrayCumSum` per member.
 */
export function pointsLotsSql(opts: { end: string }): string[] {
  const { earn, redeem, expire, adjust } = KIND;
  const rows = `lm_ledger WHERE mi IS NOT NULL AND occurred_at < ${ts(opts.end)}`;
  const w =
    'WINDOW w AS (PARTITION BY mi ORDER BY occurred_at, seq ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)';
  return [
    `CREATE OR REPLACE TABLE lm_lots AS
     SELECT mi, occurred_at, pts, expires_at, sum(pts) OVER w AS lot_end
     FROM (SELECT mi, occurred_at, seq, abs(points) AS pts, expires_at
           FROM ${rows} AND (k = ${earn} OR (k = ${adjust} AND points > 0))) t
     ${w}`,
    `CREATE OR REPLACE TABLE lm_cons AS
     SELECT mi, occurred_at, k, pts, sum(pts) OVER w AS c_end
     FROM (SELECT mi, occurred_at, seq, k, abs(points) AS pts
           FROM ${rows} AND (k IN (${redeem}, ${expire}) OR (k = ${adjust} AND points < 0))) t
     ${w}`,
  ];
}

/**
 * Every (lot, consumption) piece of points: the lot's issue time and month, the consumption's time,
 * month and kind code, and the points (the overlap of the two cumulative intervals).
 */
export const FIFO_PIECES_SQL = `SELECT l.mi, l.occurred_at AS issued_at, ${monthOf('l.occurred_at')} AS issued_month, c.occurred_at AS consumed_at,
       ${monthOf('c.occurred_at')} AS consumed_month, c.k,
       least(l.lot_end, c.c_end) - greatest(l.lot_end - l.pts, c.c_end - c.pts) AS pts
     FROM lm_lots l JOIN lm_cons c
       ON c.mi = l.mi AND c.c_end - c.pts < l.lot_end AND c.c_end > l.lot_end - l.pts`;

/**
 * Redemption triangle: points of each issuance month (`cohort_month`, see `monthLabel`) consumed occurred_at
 * each age (months), by kind code, in total and before the window start and before the valuation
 * date (the last month end: the chain ladder develops complete months only).
 */
export function triangleSql(start: string, valuation: string): string {
  return `SELECT issued_month AS cohort_month, greatest(0, consumed_month - issued_month) AS age, k,
            sum(pts) AS pts, COALESCE(sum(pts) FILTER (WHERE consumed_at < ${ts(start)}), 0) AS pts_before_start,
            COALESCE(sum(pts) FILTER (WHERE consumed_at < ${ts(valuation)}), 0) AS pts_before_valuation
     FROM (${FIFO_PIECES_SQL}) p GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`;
}

/**
 * Points issued per month (`cohort_month`); points and revenue of the orders that earned them (IFRS
 * 15 allocation). Lots are read from the ledger (their order does not matter here).
 */
export function cohortIssuanceSql(start: string, end: string): string {
  const { earn, adjust } = KIND;
  const lots = `SELECT occurred_at, abs(points) AS pts, order_id FROM lm_ledger
                WHERE mi IS NOT NULL AND occurred_at < ${ts(end)} AND (k = ${earn} OR (k = ${adjust} AND points > 0))`;
  return `SELECT i.cohort_month, i.issued, i.issued_before_start, i.linked_points, COALESCE(r.linked_revenue, 0) AS linked_revenue
     FROM (SELECT ${monthOf('occurred_at')} AS cohort_month, sum(pts) AS issued,
                  COALESCE(sum(pts) FILTER (WHERE occurred_at < ${ts(start)}), 0) AS issued_before_start,
                  COALESCE(sum(pts) FILTER (WHERE order_id IS NOT NULL), 0) AS linked_points
           FROM (${lots}) l GROUP BY 1) i
     LEFT JOIN (SELECT c.cohort_month, sum(o.amount) AS linked_revenue
                FROM (SELECT DISTINCT order_id, ${monthOf('occurred_at')} AS cohort_month FROM (${lots}) l WHERE order_id IS NOT NULL) c
                JOIN lm_orders o ON o.order_id = c.order_id GROUP BY 1) r ON r.cohort_month = i.cohort_month
     ORDER BY 1`;
}

/**
 * Per member: points expiring within the horizon, days to the next expiry, FIFO balance, overdue
 * points; from what is left of each lot (its interval beyond all the member consumed).
 */
export function memberExpirySql(end: string, horizonDays: number): string {
  const E = ts(end);
  return `CREATE OR REPLACE TABLE lm_member_expiry AS
     SELECT mi,
            COALESCE(sum(remaining) FILTER (WHERE expires_at >= ${E} AND expires_at < ${E} + INTERVAL ${horizonDays} DAY), 0) AS expiring_points,
            min(date_diff('day', ${E}, expires_at)) FILTER (WHERE expires_at >= ${E}) AS days_to_expiry,
            sum(remaining) AS fifo_balance,
            COALESCE(sum(remaining) FILTER (WHERE expires_at < ${E}), 0) AS overdue_points
     FROM (SELECT l.mi, l.expires_at, greatest(0, least(l.pts, l.lot_end - COALESCE(c.c_total, 0))) AS remaining
           FROM lm_lots l LEFT JOIN (SELECT mi, max(c_end) AS c_total FROM lm_cons GROUP BY mi) c ON c.mi = l.mi) t
     WHERE remaining > 1e-9 GROUP BY mi`;
}

/** Totals the merge gate reconciles: ledger balance, FIFO balance, consumption (matched or not), pending, overdue. */
export const BALANCE_CHECK_SQL = `SELECT
    (SELECT COALESCE(sum(earned - redeemed - expired + adjusted), 0) FROM lm_member_points) AS ledger_balance,
    (SELECT COALESCE(sum(fifo_balance), 0) FROM lm_member_expiry) AS fifo_balance,
    (SELECT COALESCE(sum(pts), 0) FROM lm_cons) AS consumed,
    (SELECT COALESCE(sum(pending), 0) FROM lm_member_points) AS pending,
    (SELECT COALESCE(sum(overdue_points), 0) FROM lm_member_expiry) AS overdue`;
