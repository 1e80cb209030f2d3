import { literal } from '../../../data/index.ts';
import { exactSum, exactSumProduct } from '../../shared/exact-sum.ts';
import { STAT_COLUMNS } from '../../shared/experiment-review/index.ts';
import { aggIf, chLit, KIND, msCh, ts, type ChStep, type RelationOf } from './member-summary-sql.ts';

/**
 * One row per experiment and unit (a member) with the outcomes the review reads, measured from the
 * unit's assignment to the experiment's end (`end_at`, exclusive) or the end of the run, whichever
 * is first: revenue, orders, points earned by members (earn rows and the still-pending ones of `lm_pending`), the liability those
 * points create at face value, and the margin after them. Units assigned to more than one variant
 * of an experiment are left out (counted as multiple exposures). Unit, member and customer ids are
 * kept as written and matched exactly, as the command matches orders to members: `M1` and `m1` are
 * two members and a unit finds only the one it names (ids that differ only by case are warned
 * about, `idCase` in members-stage.ts).
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
     LEFT JOIN (SELECT member_id AS unit_id, min(mi) AS mi FROM lm_member_base WHERE mi IS NOT NULL GROUP BY 1) b
       ON b.unit_id = a.unit_id`,
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
     LEFT JOIN (SELECT experiment_id, unit_id, ${exactSum('amount')} AS revenue, count(*) AS orders FROM (
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
export const EXPOSURE_COUNTS_SQL = `SELECT a.experiment_id, ${aggIf('count', '*', 'a.variants = 1')} AS units,
       ${aggIf('count', '*', 'a.variants > 1')} AS multiple, count(a.mi) AS member_units
     FROM lm_exp_assign a GROUP BY 1 ORDER BY 1`;

/** Revenue per unit of one experiment split into the holdout variants and the rest (sufficient statistics). */
export function holdoutArmsSql(experimentId: string, holdouts: readonly string[]): string {
  return `SELECT CASE WHEN lower(variant) IN ${literal(holdouts.map((h) => h.toLowerCase()))} THEN 'holdout' ELSE 'treated' END AS arm,
       count(*) AS n, ${exactSum('revenue')} AS sum, ${exactSumProduct('revenue')} AS sum_squares
     FROM lm_exp_units WHERE experiment_id = ${literal(experimentId)} GROUP BY 1`;
}

// ---------------------------------------------------------------------------------------------
// ClickHouse form (no WITH: the kept units are read from `lm_exp_assign` in each part; one JOIN
// per SELECT; the time ranges in WHERE after an equi-join on the member or customer).

/** `experimentUnitsSql` on ClickHouse: tables `lm_exp_assign` and `lm_exp_units`, the same columns. */
export function experimentUnitsCh(opts: {
  end: string;
  valuePerPoint: number;
  marginRate: number;
}): ChStep[] {
  const E = msCh(opts.end);
  const vpp = chLit(opts.valuePerPoint);
  const { earn } = KIND;
  const range = (t: string) => `${t} >= assigned_at AND ${t} < until`;
  const kept = (rel: RelationOf, cols: string, where = '') =>
    `SELECT ${cols} FROM ${rel('lm_exp_assign')} WHERE variants = 1${where}`;
  const firstAssigned = (rel: RelationOf) =>
    `(SELECT min(assigned_at) FROM ${rel('lm_exp_assign')} WHERE variants = 1)`;
  return [
    {
      name: 'lm_exp_assign',
      select: (
        rel,
      ) => `SELECT experiment_id, unit_id, if(b_found = 1, b_mi, CAST(NULL AS Nullable(Int32))) AS mi, variant,
         assigned_at, variants, until
       FROM (SELECT experiment_id, unit_id, variant, assigned_at, variants,
                    least(${E}, if(e_found = 1, ifNull(e_end, ${E}), ${E})) AS until
             FROM (SELECT experiment_id, unit_id, min(a_variant) AS variant, min(a_at) AS assigned_at,
                          uniqExactIf(assumeNotNull(a_variant), isNotNull(a_variant)) AS variants
                   FROM (SELECT experiment_id, ifNull(unit_id, '') AS unit_id, variant AS a_variant, assumeNotNull(assigned_at) AS a_at
                         FROM ${rel('assignments')} WHERE assigned_at < ${E})
                   GROUP BY experiment_id, unit_id)
             ANY LEFT JOIN (SELECT experiment_id, max(end_at) AS e_end, toUInt8(1) AS e_found FROM ${rel('experiments')}
                            GROUP BY experiment_id) USING experiment_id)
       ANY LEFT JOIN (SELECT ifNull(member_id, '') AS unit_id, min(mi) AS b_mi, toUInt8(1) AS b_found FROM ${rel('lm_member_base')}
                      WHERE isNotNull(mi) GROUP BY unit_id) USING unit_id`,
    },
    {
      name: 'lm_exp_units',
      select: (rel) => {
        const from = firstAssigned(rel);
        // units that are members find their orders and points by member number; other units their
        // orders by customer id (the orders of no member); both only from the first assignment on
        const byMember = `SELECT experiment_id, unit_id, amount
           FROM (${kept(rel, 'experiment_id, unit_id, mi, assigned_at, until', ' AND isNotNull(mi)')})
           ALL INNER JOIN (SELECT mi, amount, ordered_at FROM ${rel('lm_orders')}
                           WHERE isNotNull(mi) AND ordered_at >= ${from} AND ordered_at < ${E}) USING mi
           WHERE ${range('ordered_at')}`;
        const byCustomer = `SELECT experiment_id, unit_id, amount
           FROM (${kept(rel, 'experiment_id, unit_id, unit_id AS customer_id, assigned_at, until', ' AND isNull(mi)')})
           ALL INNER JOIN (SELECT ifNull(customer_id, '') AS customer_id, amount, ordered_at FROM ${rel('lm_orders')}
                           WHERE isNull(mi) AND ordered_at >= ${from} AND ordered_at < ${E}) USING customer_id
           WHERE ${range('ordered_at')}`;
        const points = `SELECT experiment_id, unit_id, sum(abs(l_points)) AS p_points, toUInt8(1) AS p_found
           FROM (${kept(rel, 'experiment_id, unit_id, mi, assigned_at, until', ' AND isNotNull(mi)')})
           ALL INNER JOIN (SELECT mi, occurred_at, points AS l_points FROM ${rel('lm_ledger')}
                             WHERE k = ${earn} AND isNotNull(mi) AND occurred_at >= ${from}
                           UNION ALL SELECT mi, occurred_at, points AS l_points FROM ${rel('lm_pending')}) USING mi
           WHERE ${range('occurred_at')}
           GROUP BY experiment_id, unit_id`;
        const revenue = `SELECT experiment_id, unit_id, ${exactSum('amount', 'clickhouse')} AS o_revenue, count() AS o_orders, toUInt8(1) AS o_found
           FROM (${byMember} UNION ALL ${byCustomer}) GROUP BY experiment_id, unit_id`;
        const rev = 'if(o_found = 1, o_revenue, 0)';
        const pts = 'if(p_found = 1, p_points, 0)';
        return `SELECT experiment_id, unit_id, variant, ${rev} AS revenue, if(o_found = 1, o_orders, 0) AS orders,
           if(if(o_found = 1, o_orders, 0) > 0, 1, 0) AS purchased, ${pts} AS points, ${pts} * ${vpp} AS points_liability,
           ${rev} * ${chLit(opts.marginRate)} - ${pts} * ${vpp} AS margin
         FROM (SELECT experiment_id, unit_id, variant, o_found, o_revenue, o_orders
               FROM (${kept(rel, 'experiment_id, unit_id, variant')})
               ANY LEFT JOIN (${revenue}) USING experiment_id, unit_id)
         ANY LEFT JOIN (${points}) USING experiment_id, unit_id`;
      },
    },
  ];
}

/** `EXPOSURE_COUNTS_SQL` on ClickHouse. */
export const exposureCountsCh = (rel: RelationOf): string =>
  `SELECT experiment_id, countIf(variants = 1) AS units, countIf(variants > 1) AS multiple, count(mi) AS member_units
     FROM ${rel('lm_exp_assign')} GROUP BY experiment_id ORDER BY experiment_id`;

/** `holdoutArmsSql` on ClickHouse. */
export function holdoutArmsCh(experimentId: string, holdouts: readonly string[], rel: RelationOf): string {
  const list = holdouts.map((h) => chLit(h.toLowerCase())).join(', ');
  return `SELECT arm, n, s_sum AS sum, s_squares AS sum_squares FROM (
       SELECT if(${holdouts.length ? `lowerUTF8(variant) IN (${list})` : '0'}, 'holdout', 'treated') AS arm,
              count() AS n, ${exactSum('revenue', 'clickhouse')} AS s_sum,
              ${exactSumProduct('revenue', 'revenue', 'clickhouse')} AS s_squares
       FROM ${rel('lm_exp_units')} WHERE experiment_id = ${chLit(experimentId)} GROUP BY arm)`;
}

/**
 * `sufficientStatsSql` of the review's four metrics on ClickHouse, over one experiment's units
 * (one row per unit): revenue (mean), purchased (proportion), points liability per revenue
 * (ratio) and margin (mean); the same rows, control first.
 */
export function reviewStatsCh(experimentId: string, control: string, rel: RelationOf): string {
  const units = `SELECT variant, toFloat64(ifNull(revenue, 0)) AS c0, toFloat64(ifNull(purchased, 0)) AS c1,
       toFloat64(ifNull(points_liability, 0)) AS c2, toFloat64(ifNull(margin, 0)) AS c3
     FROM ${rel('lm_exp_units')} WHERE experiment_id = ${chLit(experimentId)}`;
  const part = (order: number, name: string, type: string, exprs: Record<string, string>) =>
    `SELECT ${order} AS metric_order, ${chLit(name)} AS metric, ${chLit(type)} AS type, toString(variant) AS v, count() AS n,
       ${STAT_COLUMNS.map((c) => `${exprs[c] ? `toNullable(toFloat64(${exprs[c]}))` : 'CAST(NULL AS Nullable(Float64))'} AS s_${c}`).join(', ')}
     FROM (${units}) GROUP BY variant`;
  const y1 = 'if(c1 != 0, 1, 0)';
  // amounts exactly (`exactSum`: the same sums on every run); the 0/1 purchase flag sums exactly as it is
  const sum = (c: string) => exactSum(c, 'clickhouse');
  const prod = (a: string, b: string = a) => exactSumProduct(a, b, 'clickhouse');
  const parts = [
    part(0, 'revenue', 'mean', { sum: sum('c0'), sum_squares: prod('c0') }),
    part(1, 'purchased', 'proportion', { sum: `sum(${y1})`, sum_squares: `sum(${y1} * ${y1})` }),
    part(2, 'points_liability', 'ratio', {
      num_sum: sum('c2'),
      num_sum_squares: prod('c2'),
      den_sum: sum('c0'),
      den_sum_squares: prod('c0'),
      num_den_sum_product: prod('c2', 'c0'),
    }),
    part(3, 'margin', 'mean', { sum: sum('c3'), sum_squares: prod('c3') }),
  ];
  return `SELECT metric, type, v AS variant, n, ${STAT_COLUMNS.map((c) => `s_${c} AS ${c}`).join(', ')}
     FROM (${parts.join(' UNION ALL ')})
     ORDER BY metric_order, if(v = ${chLit(control)}, 0, 1), v`;
}
