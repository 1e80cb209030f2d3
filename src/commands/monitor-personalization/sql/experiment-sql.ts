import { inList, type SqlDialect } from './dialect-sql.ts';
import { exactSum, exactSumProduct } from '../../shared/exact-sum.ts';
import { unitsCh } from './joins-clickhouse.ts';
import type { Scope } from './scope-sql.ts';

/** One experiment as the queries need it: the rule that serves it, its variants and its window. */
export interface ExperimentScope {
  /** Index of the experiment in the run (table names). */
  index: number;
  rule: string;
  variants: string[];
  /** [start, stop): the experiment's start to its end or the window's end, whichever is first. */
  start: string;
  stop: string;
  /** Per-user metric columns, in order: name and how a user's value is computed. */
  metrics: { name: string; type: 'proportion' | 'mean'; column: string }[];
}

/** Experiment definitions: one row per experiment and variant. */
export const experimentsSql = (q: SqlDialect): string =>
  `SELECT experiment_id, name, variant, weight, is_control, ${q.isoTime('start_at')} AS start_at,
     ${q.isoTime('end_at')} AS end_at, primary_metric, guardrail_metrics, method, status, subject, initiative
   FROM ${q.source('experiments')} ORDER BY experiment_id, variant`;

/**
 * Outcome rows in the experiment's window [start, stop), where its metrics count them: with none,
 * every arm's 0 is no evidence (nothing could have been seen), so there is nothing to read out.
 */
export const experimentOutcomesSql = (s: Scope, e: ExperimentScope): string =>
  `SELECT count(*) AS n FROM ${s.q.table('mp_outcomes')}
   WHERE occurred_at >= ${s.q.ts(e.start)} AND occurred_at < ${s.q.ts(e.stop)}`;

const exposedTable = (e: ExperimentScope) => `mp_exp_exposed_${e.index}`;
/** The per-unit table of an experiment: one row per singly exposed user with its metric values. */
export const unitsTable = (e: ExperimentScope): string => `mp_exp_units_${e.index}`;

const exposuresWhere = (s: Scope, e: ExperimentScope) =>
  `rule_id = ${s.q.lit(e.rule)} AND decided_at >= ${s.q.ts(e.start)} AND decided_at < ${s.q.ts(e.stop)}
   AND ${inList(s.q, 'variant', e.variants)}`;

/**
 * Users exposed to the experiment's rule in its window: first exposure, variant, number of variants
 * seen — on DuckDB 1 or 2 for "several" (`min` = `max` of the variant: 10M decisions, 0.21–0.26 s
 * CPU with `count(DISTINCT variant)` → 0.13–0.16 s; the queries only ask 1 or more).
 */
export const exposedTableSql = (s: Scope, e: ExperimentScope): string =>
  s.q.createTable(
    exposedTable(e),
    s.q.selectAs(
      [
        ['user_key', 'user_key'],
        ['min(decided_at)', 'first_at'],
        [`min(${s.q.text('variant')})`, 'variant'],
        [
          s.q.name === 'duckdb'
            ? 'CASE WHEN min(variant) = max(variant) THEN 1 ELSE 2 END'
            : 'count(DISTINCT variant)',
          'variants',
        ],
      ],
      `FROM ${s.q.table('mp_decisions')} WHERE ${exposuresWhere(s, e)} GROUP BY user_key`,
    ),
  );

/** How a metric name becomes a per-user value from outcomes after first exposure. */
export function metricColumn(
  s: Scope,
  name: string,
  x = 'x.',
): { type: 'proportion' | 'mean'; expr: string } {
  if (name === 'conversion_rate') return { type: 'proportion', expr: `max(${x}converted)` };
  if (name === 'engagement_rate') return { type: 'proportion', expr: `max(${x}engaged)` };
  if (name === 'revenue_per_user')
    return { type: 'mean', expr: exactSum(`COALESCE(${x}value, 0)`, s.q.name) };
  return { type: 'proportion', expr: `max(CASE WHEN ${x}event = ${s.q.lit(name)} THEN 1 ELSE 0 END)` };
}

/**
 * The per-unit table: each singly exposed user, its variant and one column per metric, from its
 * outcomes between first exposure and the experiment's stop. Users exposed to several variants
 * are left out (and counted by `multipleExposureSql`). Every first exposure is at or after the
 * experiment's start, so the outcomes before it are left out before the join too (the same rows).
 */
export function unitsTableSql(s: Scope, e: ExperimentScope): string {
  if (s.q.name === 'clickhouse')
    return s.q.createTable(
      unitsTable(e),
      unitsCh(
        s,
        exposedTable(e),
        e.metrics.map((m) => [metricColumn(s, m.name, '').expr, m.column] as const),
        e.stop,
      ),
    );
  const cols = e.metrics.map((m) => `${metricColumn(s, m.name).expr} AS ${s.q.ident(m.column)}`);
  const out = e.metrics.map((m) => `COALESCE(o.${s.q.ident(m.column)}, 0) AS ${s.q.ident(m.column)}`);
  return s.q.createTable(
    unitsTable(e),
    `SELECT u.user_key AS user_key, u.variant AS variant, ${out.join(', ')}
     FROM ${s.q.table(exposedTable(e))} u LEFT JOIN (
       SELECT x.user_key AS user_key, ${cols.join(', ')}
       FROM ${s.q.table('mp_outcomes')} x JOIN ${s.q.table(exposedTable(e))} y ON x.user_key = y.user_key
       WHERE x.occurred_at >= y.first_at AND x.occurred_at >= ${s.q.ts(e.start)} AND x.occurred_at < ${s.q.ts(e.stop)}
       GROUP BY x.user_key) o ON o.user_key = u.user_key
     WHERE u.variants = 1`,
  );
}

/** Users exposed to more than one variant of the experiment. */
export const multipleExposureSql = (s: Scope, e: ExperimentScope): string =>
  `SELECT count(*) AS users FROM ${s.q.table(exposedTable(e))} WHERE variants > 1`;

/** Exposures (decisions) per variant and day in the experiment's window, for variant suppression. */
export const variantDailySql = (s: Scope, e: ExperimentScope): string =>
  `SELECT ${s.q.text('variant')} AS variant, ${s.q.day('decided_at')} AS day, count(*) AS exposures
   FROM ${s.q.table('mp_decisions')} WHERE ${exposuresWhere(s, e)} GROUP BY variant, day ORDER BY day, variant`;

/**
 * ClickHouse (18.16 has no `WITH`, which `sufficientStatsSql` uses): the per-unit table reduced to
 * one row per variant, `n` and for metric `i` the sum (`s<i>`) and sum of squares (`q<i>`) of its
 * value (a proportion counts a non-zero value as 1); `statsRowsOf` lays them out as the DuckDB
 * query does.
 */
export function unitStatsCh(s: Scope, e: ExperimentScope, types: readonly ('proportion' | 'mean')[]): string {
  const y = (i: number) => {
    const c = s.q.ident(e.metrics[i].column);
    return types[i] === 'proportion' ? `if(${c} != 0, 1., 0.)` : `toFloat64(${c})`;
  };
  // exact sums (`exactSum`): a Float64 sum of a parallel aggregate differs in the last bits between runs
  const stats = e.metrics.map(
    (_, i) =>
      `${exactSum(y(i), 'clickhouse')} AS s${i}, ${exactSumProduct(y(i), y(i), 'clickhouse')} AS q${i}`,
  );
  return `SELECT toString(variant) AS v, count() AS n, ${stats.join(', ')}
    FROM ${s.q.table(unitsTable(e))} GROUP BY v`;
}

/**
 * The rows of `unitStatsCh` in `sufficientStatsSql`'s layout: one row per metric (in order) and
 * variant, the control first, then by variant (byte order); the statistics a proportion or a mean
 * has not are null.
 */
export function statsRowsOf(
  wide: readonly Record<string, unknown>[],
  metrics: readonly { name: string; type: 'proportion' | 'mean' }[],
  control: string,
  statColumns: readonly string[],
): (Record<string, unknown> & { metric: string; type: string; variant: string })[] {
  const order = [...wide].sort((a, b) => {
    const [x, y] = [String(a.v), String(b.v)];
    if ((x === control) !== (y === control)) return x === control ? -1 : 1;
    return Buffer.compare(Buffer.from(x), Buffer.from(y));
  });
  return metrics.flatMap((m, i) =>
    order.map((r) => ({
      metric: m.name,
      type: m.type,
      variant: String(r.v),
      n: Number(r.n),
      ...Object.fromEntries(statColumns.map((c) => [c, null])),
      sum: Number(r[`s${i}`]),
      sum_squares: Number(r[`q${i}`]),
    })),
  );
}
