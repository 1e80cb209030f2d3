import { inList } from './dialect-sql.ts';
import { convertedExpr, decisionsIn, engagedExpr, initiativeWhere, type Scope } from './scope-sql.ts';

/**
 * The aggregation queries: users and their outcomes after exposure, performance by segment and
 * variant, daily KPI and volume series, source freshness. Heavy work stays here; what comes back
 * is one row per segment × variant, per day, or per source.
 */

/** Raw evaluation reasons of the window (to classify once, in TypeScript). */
export const windowReasonsSql = (s: Scope): string =>
  `SELECT reason, count(*) AS n FROM decisions WHERE ${decisionsIn(s, s.start, s.end)} GROUP BY reason`;

/** Initiatives present in the decisions, with their row counts and time span. */
export const initiativesSql = (): string =>
  `SELECT initiative, count(*) AS decisions, min(decided_at) AS first_at, max(decided_at) AS last_at
   FROM decisions GROUP BY initiative ORDER BY decisions DESC`;

/**
 * One row per user with a decision in the window: the first decision's time and segments, and the
 * user's arm: `holdout` when any decision served a holdout variant, `personalized` when one served a
 * variant for a matched reason (`matchedReasons`: the raw reasons that map to matched), else
 * `default` (only defaults, fallbacks or errors were served).
 */
export function usersTableSql(
  s: Scope,
  holdouts: readonly string[],
  matchedReasons: readonly string[],
): string {
  const at = 'decided_at';
  return s.q.createTable(
    'mp_users',
    `SELECT user_id, min(${at}) AS first_at,
       CASE WHEN max(CASE WHEN ${inList(s.q, 'variant', holdouts)} THEN 1 ELSE 0 END) = 1 THEN 'holdout'
            WHEN max(CASE WHEN error_code IS NULL AND ${inList(s.q, 'reason', matchedReasons)} THEN 1 ELSE 0 END) = 1 THEN 'personalized'
            ELSE 'default' END AS variant,
       ${s.q.argMin('profile', at)} AS profile, ${s.q.argMin('channel', at)} AS channel,
       ${s.q.argMin('cohort', at)} AS cohort
     FROM decisions WHERE ${decisionsIn(s, s.start, s.end)} GROUP BY user_id`,
  );
}

/** One row per user and rule: the variant of the user's first decision of that rule in the window. */
export function ruleUsersTableSql(s: Scope): string {
  const at = 'decided_at';
  return s.q.createTable(
    'mp_rule_users',
    `SELECT user_id, rule_id, min(${at}) AS first_at, ${s.q.argMin('variant', at)} AS variant
     FROM decisions WHERE ${decisionsIn(s, s.start, s.end)} GROUP BY user_id, rule_id`,
  );
}

/** Per (user, key) outcomes between `first_at` and `attributionDays` later, within the window. */
function outcomesAfter(s: Scope, table: string, keys: string): string {
  return `SELECT ${keys
    .split(', ')
    .map((k) => `y.${k} AS ${k}`)
    .join(', ')}, max(${engagedExpr(s, 'x.')}) AS engaged,
      max(${convertedExpr(s, 'x.')}) AS converted, sum(COALESCE(x.value, 0)) AS revenue
    FROM outcomes x JOIN ${table} y ON x.user_id = y.user_id
    WHERE x.occurred_at >= y.first_at AND x.occurred_at < y.first_at + INTERVAL ${Math.round(s.attributionDays)} DAY
      AND x.occurred_at < ${s.q.ts(s.end)}
    GROUP BY ${keys
      .split(', ')
      .map((k) => `y.${k}`)
      .join(', ')}`;
}

/**
 * Each exposed user's outcomes from the first decision to `attributionDays` later (and before the
 * window ends): engaged (0/1), converted (0/1), revenue (sum of values, reporting currency) — per
 * user (`mp_user_perf`, the arms) and per user and rule (`mp_rule_perf`, the rules' variants).
 */
export function userPerformanceTableSql(s: Scope): string {
  return s.q.createTable(
    'mp_user_perf',
    `SELECT u.user_id AS user_id, u.variant AS variant, u.profile AS profile, u.channel AS channel,
       u.cohort AS cohort, COALESCE(o.engaged, 0) AS engaged, COALESCE(o.converted, 0) AS converted,
       COALESCE(o.revenue, 0) AS revenue
     FROM mp_users u LEFT JOIN (${outcomesAfter(s, 'mp_users', 'user_id')}) o ON o.user_id = u.user_id`,
  );
}

/** See `userPerformanceTableSql`: the same per user and rule. */
export function rulePerformanceTableSql(s: Scope): string {
  return s.q.createTable(
    'mp_rule_perf',
    `SELECT u.user_id AS user_id, u.rule_id AS rule_id, u.variant AS variant,
       COALESCE(o.engaged, 0) AS engaged, COALESCE(o.converted, 0) AS converted, COALESCE(o.revenue, 0) AS revenue
     FROM mp_rule_users u LEFT JOIN (${outcomesAfter(s, 'mp_rule_users', 'user_id, rule_id')}) o
       ON o.user_id = u.user_id AND o.rule_id = u.rule_id`,
  );
}

/**
 * Users, engaged users, converters and per-user revenue sums: the arms (holdout / personalized /
 * default) overall (`all`) and by each dimension, and each rule's variants (`rule`, segment = rule).
 */
export function performanceSql(s: Scope, dimensions: readonly string[]): string {
  const part = (table: string, dimension: string, segment: string) =>
    `SELECT ${s.q.lit(dimension)} AS dimension, ${segment} AS segment, variant, count(*) AS users,
       sum(engaged) AS "engagedUsers", sum(converted) AS converters, sum(revenue) AS "revenueSum",
       sum(revenue * revenue) AS "revenueSumSquares"
     FROM ${table} GROUP BY dimension, segment, variant`;
  const segment = (d: string) => `COALESCE(${s.q.text(s.q.ident(d))}, '(none)')`;
  return [
    part('mp_user_perf', 'all', `'all'`),
    ...dimensions.map((d) => part('mp_user_perf', d, segment(d))),
    part('mp_rule_perf', 'rule', 'rule_id'),
  ].join('\nUNION ALL\n');
}

/**
 * Daily KPIs of the initiative over history and window: users with a decision that day, and how
 * many of them engaged / converted that same day, and their revenue that day. With `sampleEvery`
 * > 1, on the users whose id hashes to a 1-in-N sample (the same users every day and in both
 * tables), so a 50M-row history costs one filtered scan instead of a 40M-group aggregate; rates
 * are unbiased, counts are 1/N of the total.
 */
export function dailyKpiSql(s: Scope, sampleEvery = 1): string {
  const day = (c: string) => s.q.day(c);
  const sample = s.q.sample('user_id', sampleEvery);
  return `SELECT d.day AS day, count(*) AS users, sum(COALESCE(o.engaged, 0)) AS engaged,
      sum(COALESCE(o.converted, 0)) AS converters, sum(COALESCE(o.revenue, 0)) AS revenue
    FROM (SELECT ${day('decided_at')} AS day, user_id FROM decisions
          WHERE ${decisionsIn(s, s.historyStart, s.end)} AND ${sample} GROUP BY day, user_id) d
    LEFT JOIN (SELECT ${day('occurred_at')} AS day, user_id, max(${engagedExpr(s)}) AS engaged,
          max(${convertedExpr(s)}) AS converted, sum(COALESCE(value, 0)) AS revenue FROM outcomes
          WHERE occurred_at >= ${s.q.ts(s.historyStart)} AND occurred_at < ${s.q.ts(s.end)} AND ${sample}
          GROUP BY day, user_id) o
      ON o.user_id = d.user_id AND o.day = d.day
    GROUP BY d.day ORDER BY d.day`;
}

/** Rows per source and day: the initiative's decisions, and all outcomes. */
export function dailyVolumeSql(s: Scope): string {
  const hist = s.q.ts(s.historyStart);
  const end = s.q.ts(s.end);
  return `SELECT 'decisions' AS entity, _source AS source, ${s.q.day('decided_at')} AS day, count(*) AS n
      FROM decisions WHERE ${decisionsIn(s, s.historyStart, s.end)} GROUP BY entity, source, day
    UNION ALL
    SELECT 'outcomes' AS entity, _source AS source, ${s.q.day('occurred_at')} AS day, count(*) AS n
      FROM outcomes WHERE occurred_at >= ${hist} AND occurred_at < ${end} GROUP BY entity, source, day
    ORDER BY entity, source, day`;
}

/** The latest timestamp of every source of the four entities (freshness), and of each outcome class. */
export function latestSql(s: Scope): string {
  const part = (entity: string, column: string) =>
    `SELECT ${s.q.lit(entity)} AS entity, _source AS source, max(${column}) AS latest, count(*) AS n
     FROM ${entity} GROUP BY entity, source`;
  return [
    part('decisions', 'decided_at'),
    part('outcomes', 'occurred_at'),
    part('consent_records', 'recorded_at'),
    part('rule_changes', 'changed_at'),
  ].join('\nUNION ALL\n');
}

/** The latest engagement, conversion and revenue outcome before the window's end (where each KPI's data stops). */
export function kpiLatestSql(s: Scope): string {
  return `SELECT max(CASE WHEN ${engagedExpr(s)} = 1 THEN occurred_at END) AS engagement,
      max(CASE WHEN ${convertedExpr(s)} = 1 THEN occurred_at END) AS conversion,
      max(CASE WHEN value IS NOT NULL THEN occurred_at END) AS revenue
    FROM outcomes WHERE occurred_at < ${s.q.ts(s.end)}`;
}

/** Decisions and rules of the initiative in the window (users come from `mp_users`). */
export const decisionTotalsSql = (s: Scope): string =>
  `SELECT count(*) AS decisions, count(DISTINCT rule_id) AS rules
   FROM decisions WHERE ${decisionsIn(s, s.start, s.end)}`;

/** Rules that served the initiative at any time (governance looks at their whole history). */
export const initiativeRulesSql = (s: Scope): string =>
  `SELECT rule_id AS rule, count(*) AS n FROM decisions WHERE ${initiativeWhere(s)} GROUP BY rule_id ORDER BY rule_id`;
