import { literal } from '../../../data/index.ts';
import { ts } from './member-summary-sql.ts';

/**
 * One row per experiment and unit (a member) with the outcomes the review reads, measured from the
 * unit's assignment to the experiment's end (`end_at`, exclusive) or the end of the run, whichever
 * is first: revenue, orders, points earned (earn rows and the still-pending ones of `lm_pending`), the liability those
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
  return [
    `CREATE OR REPLACE TABLE lm_exp_assign AS
     SELECT a.experiment_id, a.unit_id, a.variant, a.assigned_at, a.variants,
            least(${E}, COALESCE(e.end_at, ${E})) AS until
     FROM (SELECT experiment_id, unit_id, min(variant) AS variant, min(assigned_at) AS assigned_at,
                  count(DISTINCT variant) AS variants
           FROM assignments WHERE assigned_at < ${E} GROUP BY 1, 2) a
     LEFT JOIN (SELECT experiment_id, max(end_at) AS end_at FROM experiments GROUP BY 1) e
       ON e.experiment_id = a.experiment_id`,
    `CREATE OR REPLACE TABLE lm_exp_units AS
     SELECT u.experiment_id, u.unit_id, u.variant,
            COALESCE(o.revenue, 0) AS revenue, COALESCE(o.orders, 0) AS orders,
            CASE WHEN COALESCE(o.orders, 0) > 0 THEN 1 ELSE 0 END AS purchased,
            COALESCE(p.points, 0) AS points,
            COALESCE(p.points, 0) * ${vpp} AS points_liability,
            COALESCE(o.revenue, 0) * ${literal(opts.marginRate)} - COALESCE(p.points, 0) * ${vpp} AS margin
     FROM lm_exp_assign u
     LEFT JOIN (SELECT u.experiment_id, u.unit_id, sum(o.amount) AS revenue, count(*) AS orders
                FROM lm_exp_assign u JOIN lm_orders o
                  ON o.customer_id = u.unit_id AND o.ordered_at >= u.assigned_at AND o.ordered_at < u.until
                WHERE u.variants = 1 GROUP BY 1, 2) o
       ON o.experiment_id = u.experiment_id AND o.unit_id = u.unit_id
     LEFT JOIN (SELECT u.experiment_id, u.unit_id, sum(abs(l.points)) AS points
                FROM lm_exp_assign u JOIN (SELECT member_id, occurred_at, points FROM lm_ledger WHERE type = 'earn'
                                           UNION ALL SELECT member_id, occurred_at, points FROM lm_pending) l
                  ON l.member_id = u.unit_id AND l.occurred_at >= u.assigned_at AND l.occurred_at < u.until
                WHERE u.variants = 1
                GROUP BY 1, 2) p
       ON p.experiment_id = u.experiment_id AND p.unit_id = u.unit_id
     WHERE u.variants = 1`,
  ];
}

/**
 * Per experiment: units kept, units assigned to more than one variant (left out), and units that
 * are loyalty members (experiments of other programmes share the entity).
 */
export const EXPOSURE_COUNTS_SQL = `SELECT a.experiment_id, sum(CASE WHEN a.variants = 1 THEN 1 ELSE 0 END) AS units,
       sum(CASE WHEN a.variants > 1 THEN 1 ELSE 0 END) AS multiple,
       sum(CASE WHEN m.member_id IS NOT NULL THEN 1 ELSE 0 END) AS member_units
     FROM lm_exp_assign a LEFT JOIN lm_member_base m ON m.member_id = a.unit_id GROUP BY 1 ORDER BY 1`;

/** Revenue per unit of one experiment split into the holdout variants and the rest (sufficient statistics). */
export function holdoutArmsSql(experimentId: string, holdouts: readonly string[]): string {
  return `SELECT CASE WHEN lower(variant) IN ${literal(holdouts.map((h) => h.toLowerCase()))} THEN 'holdout' ELSE 'treated' END AS arm,
       count(*) AS n, sum(revenue) AS sum, sum(revenue * revenue) AS sum_squares
     FROM lm_exp_units WHERE experiment_id = ${literal(experimentId)} GROUP BY 1`;
}
