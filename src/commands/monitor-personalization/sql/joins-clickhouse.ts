import type { SqlDialect } from './dialect-sql.ts';
import { exactSum, exactSumProduct } from '../../shared/exact-sum.ts';
import type { Scope } from './scope-sql.ts';

/**
 * The joins of monitor-personalization in ClickHouse 18.16's form (the DuckDB forms sit next to
 * their callers). 18.16 joins two relations with `ALL [LEFT|INNER] JOIN … USING` reliably; table
 * aliases with qualified columns in `ON` and `WHERE` fail there ("Size of filter doesn't match size
 * of column"). So each side is a subquery whose columns are unique but for the join keys, and a
 * condition between the sides goes in the `WHERE` of the joined rows. Unmatched rows of a LEFT
 * JOIN get the type's default (0, '') where DuckDB has NULL: the callers' DuckDB forms `COALESCE`
 * those to 0, and these read a `c_present` flag where DuckDB tests `IS NULL`. Every table is the
 * run's own (`mp_…`, on the server gtm talks to): no distributed join.
 */

/** `mp_rule_perf`: each user and rule with its outcomes from its first decision to `attributionDays` later. */
export function rulePerformanceCh(s: Scope): string {
  const t = (n: string) => s.q.table(n);
  const outcomes = `SELECT user_key, rule_id, max(o_engaged) AS engaged, max(o_converted) AS converted,
      ${exactSum('ifNull(o_value, 0)', 'clickhouse')} AS revenue
    FROM (SELECT user_key, occurred_at AS o_at, engaged AS o_engaged, converted AS o_converted, value AS o_value
          FROM ${t('mp_outcomes')} WHERE occurred_at < ${s.q.ts(s.end)})
    ALL INNER JOIN (SELECT user_key, rule_id, first_at AS r_first FROM ${t('mp_rule_users')}) USING user_key
    WHERE o_at >= r_first AND o_at < ${s.q.addDays('r_first', Math.round(s.attributionDays))}
    GROUP BY user_key, rule_id`;
  return `SELECT user_key, rule_id, first_at, variant, holdout, matched, profile, channel, cohort,
      engaged, converted, revenue
    FROM ${t('mp_rule_users')} ALL LEFT JOIN (${outcomes}) USING user_key, rule_id`;
}

/** The daily KPIs (see `dailyKpiSql`): users with a decision that day and their outcomes that day. */
export function dailyKpiCh(s: Scope, sampleEvery: number): string {
  const t = (n: string) => s.q.table(n);
  return `SELECT day, count() AS users, sum(o_engaged) AS engaged, sum(o_converted) AS converters,
      ${exactSum('o_revenue', 'clickhouse')} AS revenue,
      ${exactSumProduct('o_revenue', 'o_revenue', 'clickhouse')} AS revenue_sum_squares
    FROM (SELECT ${s.q.day('decided_at')} AS day, user_key FROM ${t('mp_decisions')} WHERE in_sample = 1
          GROUP BY day, user_key)
    ALL LEFT JOIN (SELECT ${s.q.day('occurred_at')} AS day, user_key, max(engaged) AS o_engaged,
          max(converted) AS o_converted, ${exactSum('ifNull(value, 0)', 'clickhouse')} AS o_revenue FROM ${t('mp_outcomes')}
          WHERE occurred_at >= ${s.q.ts(s.historyStart)} AND occurred_at < ${s.q.ts(s.end)}
            AND ${s.q.sample('user_key', sampleEvery)}
          GROUP BY day, user_key) USING day, user_key
    GROUP BY day ORDER BY day`;
}

/** `mp_consent_suspects` (see `consentSuspectsTableSql`); `perUser` has one row per user with consent records. */
export function consentSuspectsCh(s: Scope, perUser: string, purposes: number): string {
  return `SELECT user_key FROM (SELECT user_key, first_at AS u_first FROM ${s.q.table('mp_users')})
    ALL LEFT JOIN (SELECT user_key, 1 AS c_present, last_first_grant, withdrawals, granted FROM (${perUser}))
      USING user_key
    WHERE c_present = 0 OR withdrawals > 0 OR granted < ${purposes} OR last_first_grant > u_first`;
}

/**
 * `mp_consent_facts` (see `consentFactsTableSql`): the suspects' decisions that needed consent
 * (`needs`), the purpose each needed (`purpose`), and the consent facts at decision time. On
 * ClickHouse `mp_decisions` keeps its text columns as text.
 */
export function consentFactsCh(s: Scope, needs: string, purpose: string): string {
  const t = (n: string) => s.q.table(n);
  const decisions = `SELECT user_key, rule_id, variant, decided_at, channel, consent_state, ${purpose} AS purpose
    FROM ${t('mp_decisions')} WHERE in_window = 1 AND ${needs}
      AND user_key IN (SELECT user_key FROM ${t('mp_consent_suspects')})`;
  return `SELECT user_key, rule_id, purpose, decided_at, variant, channel, consent_state,
      max(CASE WHEN r_status = 'granted' AND r_at <= decided_at THEN r_at END) AS last_grant,
      max(CASE WHEN r_status = 'withdrawn' AND r_at <= decided_at THEN r_at END) AS last_withdrawal,
      min(CASE WHEN r_status = 'granted' AND r_at > decided_at THEN r_at END) AS next_grant
    FROM (${decisions})
    ALL LEFT JOIN (SELECT user_key, purpose, status AS r_status, recorded_at AS r_at
                   FROM ${t('mp_consent')}) USING user_key, purpose
    GROUP BY user_key, rule_id, purpose, decided_at, variant, channel, consent_state`;
}

/** The violating decisions as rows (see `consentRowsSql`); `kind` is the violation's CASE. */
export function consentRowsCh(q: SqlDialect, kind: string, limit: number | null): string {
  const withdrawn = 'last_withdrawal IS NOT NULL AND (last_grant IS NULL OR last_withdrawal > last_grant)';
  return `SELECT user_id AS "user", rule_id AS rule, purpose, ${q.isoTime('decided_at')} AS "decisionTs",
      CASE WHEN ${withdrawn} THEN 'withdrawn' WHEN last_grant IS NOT NULL THEN 'granted' END AS "consentStatus",
      ${q.isoTime(`CASE WHEN ${withdrawn} THEN last_withdrawal ELSE last_grant END`)} AS "consentTs",
      ${q.isoTime('next_grant')} AS "nextGrantTs", consent_state AS "loggedConsent", variant, channel
    FROM (SELECT * FROM ${q.table('mp_consent_facts')} WHERE (${kind}) IS NOT NULL)
    ALL LEFT JOIN (SELECT user_key, user_id FROM ${q.table('mp_user_names')}) USING user_key
    ORDER BY decided_at DESC, user_id, rule_id${limit === null ? '' : ` LIMIT ${Math.floor(limit)}`}`;
}

/**
 * An experiment's per-unit table (see `unitsTableSql`): each singly exposed user of `exposed`, its
 * variant and `metrics` (expression over the outcomes' columns, output column) from its outcomes
 * between first exposure and `stop`.
 */
export function unitsCh(
  s: Scope,
  exposed: string,
  metrics: readonly (readonly [string, string])[],
  stop: string,
): string {
  const t = (n: string) => s.q.table(n);
  const cols = metrics.map(([expr], i) => `${expr} AS _m${i}`);
  const out = metrics.map(([, c], i) => `ifNull(_m${i}, 0) AS ${s.q.ident(c)}`);
  return `SELECT user_key, variant, ${out.join(', ')}
    FROM (SELECT user_key, variant FROM ${t(exposed)} WHERE variants = 1)
    ALL LEFT JOIN (
      SELECT user_key, ${cols.join(', ')}
      FROM (SELECT user_key, occurred_at, engaged, converted, value, event FROM ${t('mp_outcomes')}
            WHERE occurred_at < ${s.q.ts(stop)})
      ALL INNER JOIN (SELECT user_key, first_at AS e_first FROM ${t(exposed)}) USING user_key
      WHERE occurred_at >= e_first
      GROUP BY user_key) USING user_key`;
}
