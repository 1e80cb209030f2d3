import { ts } from './member-summary-sql.ts';

/**
 * Points lots and their first-in-first-out consumption. Every earn (and positive adjustment) is a
 * lot; redemptions, expiries and negative adjustments consume the member's oldest points first.
 * With cumulative sums per member (lot k covers [E_{k−1}, E_k) of the member's earned points,
 * consumption j covers [C_{j−1}, C_j) of the consumed ones), the points of lot k taken by
 * consumption j are the overlap of the two intervals, so one equi-join on the member with an
 * interval filter gives every (lot, consumption) piece: about lots + consumptions rows.
 *
 * DuckDB form (window sums); the ClickHouse form builds the same cumulative sums with
 * `groupArray` + `arrayCumSum` per member.
 */
export function pointsLotsSql(opts: { end: string; expireMonths: number }): string[] {
  const E = ts(opts.end);
  const expiry =
    opts.expireMonths > 0
      ? `COALESCE(expires_at, occurred_at + to_months(${opts.expireMonths}))`
      : 'expires_at';
  const order = 'PARTITION BY mi ORDER BY occurred_at, entry_id';
  const cumulative = `sum(points) OVER (${order} ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)`;
  return [
    `CREATE OR REPLACE TABLE lm_lots AS
     SELECT mi, CAST(row_number() OVER (${order}) AS INTEGER) AS lot_no, entry_id, occurred_at AS issued_at,
            ${expiry} AS expires_at, order_id, points, ${cumulative} AS lot_end
     FROM (SELECT mi, entry_id, occurred_at, expires_at,
                  CASE WHEN type = 'earn' THEN order_id END AS order_id,
                  CASE WHEN type = 'earn' THEN abs(points) ELSE points END AS points
           FROM lm_ledger WHERE mi IS NOT NULL AND occurred_at < ${E} AND (type = 'earn' OR (type = 'adjust' AND points > 0)))`,
    `CREATE OR REPLACE TABLE lm_cons AS
     SELECT mi, occurred_at, kind, points, ${cumulative} AS c_end
     FROM (SELECT mi, entry_id, occurred_at, abs(points) AS points,
                  CASE WHEN type = 'adjust' THEN 'adjust' ELSE type END AS kind
           FROM lm_ledger WHERE mi IS NOT NULL AND occurred_at < ${E} AND (type IN ('redeem', 'expire') OR (type = 'adjust' AND points < 0)))`,
    `CREATE OR REPLACE TABLE lm_fifo AS
     SELECT l.mi, l.lot_no, l.issued_at, c.occurred_at AS consumed_at, c.kind,
            least(l.lot_end, c.c_end) - greatest(l.lot_end - l.points, c.c_end - c.points) AS pts
     FROM lm_lots l JOIN lm_cons c
       ON c.mi = l.mi AND c.c_end - c.points < l.lot_end AND c.c_end > l.lot_end - l.points`,
    `CREATE OR REPLACE TABLE lm_lot_left AS
     SELECT l.mi, l.issued_at, l.expires_at, l.points - COALESCE(f.used, 0) AS remaining
     FROM lm_lots l LEFT JOIN (SELECT mi, lot_no, sum(pts) AS used FROM lm_fifo GROUP BY 1, 2) f
       ON f.mi = l.mi AND f.lot_no = l.lot_no`,
  ];
}

const cohortOf = (col: string) => `strftime(date_trunc('month', ${col}), '%Y-%m')`;

/**
 * Redemption triangle: points of each issuance month consumed at each age (months), by kind, in
 * total and before the window start and before the valuation date (the last month end: the
 * chain ladder develops complete months only).
 */
export function triangleSql(start: string, valuation: string): string {
  return `SELECT ${cohortOf('issued_at')} AS cohort,
            greatest(0, date_diff('month', date_trunc('month', issued_at), date_trunc('month', consumed_at))) AS age,
            kind, sum(pts) AS pts, sum(CASE WHEN consumed_at < ${ts(start)} THEN pts ELSE 0 END) AS pts_before_start,
            sum(CASE WHEN consumed_at < ${ts(valuation)} THEN pts ELSE 0 END) AS pts_before_valuation
     FROM lm_fifo GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`;
}

/** Points issued per month; points and revenue of the orders that earned them (IFRS 15 allocation). */
export function cohortIssuanceSql(start: string): string {
  return `SELECT i.cohort, i.issued, i.issued_before_start, i.linked_points, COALESCE(r.linked_revenue, 0) AS linked_revenue
     FROM (SELECT ${cohortOf('issued_at')} AS cohort, sum(points) AS issued,
                  sum(CASE WHEN issued_at < ${ts(start)} THEN points ELSE 0 END) AS issued_before_start,
                  sum(CASE WHEN order_id IS NOT NULL THEN points ELSE 0 END) AS linked_points
           FROM lm_lots GROUP BY 1) i
     LEFT JOIN (SELECT c.cohort, sum(o.amount) AS linked_revenue
                FROM (SELECT DISTINCT order_id, ${cohortOf('issued_at')} AS cohort FROM lm_lots WHERE order_id IS NOT NULL) c
                JOIN lm_orders o ON o.order_id = c.order_id GROUP BY 1) r ON r.cohort = i.cohort
     ORDER BY 1`;
}

/** Per member: points expiring within the horizon, days to the next expiry, FIFO balance, overdue points. */
export function memberExpirySql(end: string, horizonDays: number): string {
  const E = ts(end);
  return `CREATE OR REPLACE TABLE lm_member_expiry AS
     SELECT mi,
            sum(CASE WHEN expires_at >= ${E} AND expires_at < ${E} + INTERVAL ${horizonDays} DAY THEN remaining ELSE 0 END) AS expiring_points,
            min(CASE WHEN expires_at >= ${E} THEN date_diff('day', ${E}, expires_at) END) AS days_to_expiry,
            sum(remaining) AS fifo_balance,
            sum(CASE WHEN expires_at < ${E} THEN remaining ELSE 0 END) AS overdue_points
     FROM lm_lot_left WHERE remaining > 1e-9 GROUP BY mi`;
}

/** Totals the merge gate reconciles: ledger balance, FIFO balance and unmatched consumption. */
export const BALANCE_CHECK_SQL = `SELECT
    (SELECT COALESCE(sum(balance), 0) FROM lm_members) AS ledger_balance,
    (SELECT COALESCE(sum(fifo_balance), 0) FROM lm_member_expiry) AS fifo_balance,
    (SELECT COALESCE(sum(points), 0) FROM lm_cons) - (SELECT COALESCE(sum(pts), 0) FROM lm_fifo) AS unmatched,
    (SELECT COALESCE(sum(pending), 0) FROM lm_members) AS pending,
    (SELECT COALESCE(sum(overdue_points), 0) FROM lm_member_expiry) AS overdue`;
