import { literal } from '../../../data/index.ts';
import { KIND, ts } from './member-summary-sql.ts';

/**
 * One row per experiment and unit (a member) with the outcomes the review reads, measured from the
 * unit's assignment to the experiment's end (`end_at`, exclusive) or the end of the run, whichever
 * is first: revenue, orders, points earned by members (earn rows and the still-pending ones of `lm_pending`), the liability those
 * points create at face value, and the margin after them. Units assigned to more than one variant
 * of an experiment are left out (counted as multiple exposures).
 */
export function experimentUnitsSql(opts: {
  end: string;
  valuePerPoint: number;
  marginRate: number;
}): string[] {
  const E = ts(opts.end);
  const vpp = literal(opts.valuePerPoint);
  const { earn } = KIND;
  const range = (t: string) => `${t} >= u.assigned_at AND ${t} < u.until`;
  return [
    `CREATE OR REPLACE TABLE lm_exp_assign AS
     SELECT a.experiment_id, a.unit_id, b.mi, a.variant, a.assigned_at, a.variants,
            least(${E}, COALESCE(e.end_at, ${E})) AS until
     FROM (SELECT experiment_id, unit_id, min(variant) AS variant, min(assigned_at) AS assigned_at,
                  count(DISTINCT variant) AS variants
           FROM assignments WHERE assigned_at < ${E} GROUP BY 1, 2) a
     LEFT JOIN (SELECT experiment_id, max(end_at) AS end_at FROM experiments GROUP BY 1) e
       ON e.experiment_id = a.experiment_id
     LEFT JOIN (SELECT member_id, mi FROM lm_member_base WHERE mi IS NOT NULL) b ON b.member_id = a.unit_id`,
    // units that are members find their orders and points by member number; other units their
    // orders by customer id (the orders of no member); both only from the first assignment on
    `CREATE OR REPLACE TABLE lm_exp_units AS
     WITH u AS (SELECT * FROM lm_exp_assign WHERE variants = 1),
          o AS (SELECT mi, customer_id, amount, ordered_at FROM lm_orders
                WHERE ordered_at >= (SELECT min(assigned_at) FROM u) AND ordered_at < ${E})
     SELECT u.experiment_id, u.unit_id, u.variant,
            COALESCE(o.revenue, 0) AS revenue, COALESCE(o.orders, 0) AS orders,
            CASE WHEN COALESCE(o.orders, 0) > 0 THEN 1 ELSE 0 END AS purchased,
            COALESCE(p.points, 0) AS points,
            COALESCE(p.points, 0) * ${vpp} AS points_liability,
            COALESCE(o.revenue, 0) * ${literal(opts.marginRate)} - COALESCE(p.points, 0) * ${vpp} AS margin
     FROM u
     LEFT JOIN (SELECT experiment_id, unit_id, sum(amount) AS revenue, count(*) AS orders FROM (
                  SELECT u.experiment_id, u.unit_id, o.amount FROM u JOIN o ON o.mi = u.mi WHERE ${range('o.ordered_at')}
                  UNION ALL
                  SELECT u.experiment_id, u.unit_id, o.amount FROM u JOIN o ON o.customer_id = u.unit_id
                  WHERE u.mi IS NULL AND o.mi IS NULL AND ${range('o.ordered_at')}) t
                GROUP BY 1, 2) o
       ON o.experiment_id = u.experiment_id AND o.unit_id = u.unit_id
     LEFT JOIN (SELECT u.experiment_id, u.unit_id, sum(abs(l.points)) AS points
                FROM u JOIN (SELECT mi, occurred_at, points FROM lm_ledger
                             WHERE k = ${earn} AND mi IS NOT NULL AND occurred_at >= (SELECT min(assigned_at) FROM u)
                             UNION ALL SELECT mi, occurred_at, points FROM lm_pending) l
                  ON l.mi = u.mi AND ${range('l.occurred_at')}
                GROUP BY 1, 2) p
       ON p.experiment_id = u.experiment_id AND p.unit_id = u.unit_id`,
  ];
}

/**
 * Per experiment: units kept, units assigned to more than one variant (left out), and units that
 * are loyalty members (experiments of other programmes share the entity).
 */
export const EXPOSURE_COUNTS_SQL = `SELECT a.experiment_id, count(*) FILTER (WHERE a.variants = 1) AS units,
       count(*) FILTER (WHERE a.variants > 1) AS multiple, count(a.mi) AS member_units
     FROM lm_exp_assign a GROUP BY 1 ORDER BY 1`;

/** Revenue per unit of one experiment split into the holdout variants and the rest (sufficient statistics). */
export function holdoutArmsSql(experimentId: string, holdouts: readonly string[]): string {
  return `SELECT CASE WHEN lower(variant) IN ${literal(holdouts.map((h) => h.toLowerCase()))} THEN 'holdout' ELSE 'treated' END AS arm,
       count(*) AS n, sum(revenue) AS sum, sum(revenue * revenue) AS sum_squares
     FROM lm_exp_units WHERE experiment_id = ${literal(experimentId)} GROUP BY 1`;
}
