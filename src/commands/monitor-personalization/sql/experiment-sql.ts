import { inList } from './dialect-sql.ts';
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
export const experimentsSql = (): string =>
  `SELECT experiment_id, name, variant, weight, is_control, start_at, end_at, primary_metric,
     guardrail_metrics, method, status, subject, initiative
   FROM experiments ORDER BY experiment_id, variant`;

const exposedTable = (e: ExperimentScope) => `mp_exp_exposed_${e.index}`;
/** The per-unit table of an experiment: one row per singly exposed user with its metric values. */
export const unitsTable = (e: ExperimentScope): string => `mp_exp_units_${e.index}`;

const exposuresWhere = (s: Scope, e: ExperimentScope) =>
  `rule_id = ${s.q.lit(e.rule)} AND decided_at >= ${s.q.ts(e.start)} AND decided_at < ${s.q.ts(e.stop)}
   AND ${inList(s.q, 'variant', e.variants)}`;

/** Users exposed to the experiment's rule in its window: first exposure, variant, number of variants seen. */
export const exposedTableSql = (s: Scope, e: ExperimentScope): string =>
  s.q.createTable(
    exposedTable(e),
    `SELECT user_key, min(decided_at) AS first_at, min(${s.q.text('variant')}) AS variant,
       count(DISTINCT variant) AS variants
     FROM mp_decisions WHERE ${exposuresWhere(s, e)} GROUP BY user_key`,
  );

/** How a metric name becomes a per-user value from outcomes after first exposure. */
export function metricColumn(s: Scope, name: string): { type: 'proportion' | 'mean'; expr: string } {
  if (name === 'conversion_rate') return { type: 'proportion', expr: 'max(x.converted)' };
  if (name === 'engagement_rate') return { type: 'proportion', expr: 'max(x.engaged)' };
  if (name === 'revenue_per_user') return { type: 'mean', expr: 'sum(COALESCE(x.value, 0))' };
  return { type: 'proportion', expr: `max(CASE WHEN x.event = ${s.q.lit(name)} THEN 1 ELSE 0 END)` };
}

/**
 * The per-unit table: each singly exposed user, its variant and one column per metric, from its
 * outcomes between first exposure and the experiment's stop. Users exposed to several variants
 * are left out (and counted by `multipleExposureSql`).
 */
export function unitsTableSql(s: Scope, e: ExperimentScope): string {
  const cols = e.metrics.map((m) => `${metricColumn(s, m.name).expr} AS ${s.q.ident(m.column)}`);
  const out = e.metrics.map((m) => `COALESCE(o.${s.q.ident(m.column)}, 0) AS ${s.q.ident(m.column)}`);
  return s.q.createTable(
    unitsTable(e),
    `SELECT u.user_key AS user_key, u.variant AS variant, ${out.join(', ')}
     FROM ${exposedTable(e)} u LEFT JOIN (
       SELECT x.user_key AS user_key, ${cols.join(', ')}
       FROM mp_outcomes x JOIN ${exposedTable(e)} y ON x.user_key = y.user_key
       WHERE x.occurred_at >= y.first_at AND x.occurred_at < ${s.q.ts(e.stop)}
       GROUP BY x.user_key) o ON o.user_key = u.user_key
     WHERE u.variants = 1`,
  );
}

/** Users exposed to more than one variant of the experiment. */
export const multipleExposureSql = (e: ExperimentScope): string =>
  `SELECT count(*) AS users FROM ${exposedTable(e)} WHERE variants > 1`;

/** Exposures (decisions) per variant and day in the experiment's window, for variant suppression. */
export const variantDailySql = (s: Scope, e: ExperimentScope): string =>
  `SELECT ${s.q.text('variant')} AS variant, ${s.q.day('decided_at')} AS day, count(*) AS exposures
   FROM mp_decisions WHERE ${exposuresWhere(s, e)} GROUP BY variant, day ORDER BY day, variant`;
