import { decodeValue, type DecisionsFrom } from './aggregate-sql.ts';
import { inList, type SqlDialect } from './dialect-sql.ts';
import { consentFactsCh, consentRowsCh, consentSuspectsCh } from './joins-clickhouse.ts';
import type { Scope } from './scope-sql.ts';

/**
 * The governance queries: evaluations per rule and raw reason, when each rule served each variant
 * (both sums over `mp_decision_facts`), the change log of the initiative's rules, and the consent
 * check of personalized decisions (the slim `mp_decisions` against `mp_consent`, the consent
 * records read once with the user as the same 64-bit key).
 */

/** Evaluations in the window per rule, raw reason and error code (the rule-health input). */
export const ruleEvaluationsSql = (s: Scope): string =>
  `SELECT ${s.q.text('rule_id')} AS rule, ${s.q.text('reason')} AS reason, ${s.q.text('error_code')} AS "errorCode",
     sum(n) AS evaluations
   FROM ${s.q.table('mp_decision_facts')} WHERE in_scope = 1 AND in_window = 1 GROUP BY rule_id, reason, error_code`;

/** When each rule served each variant (all time to the window's end), and how often after the facts' cutoff. */
export const ruleActivitySql = (s: Scope): string =>
  `SELECT ${s.q.text('rule_id')} AS rule, ${s.q.text('variant')} AS variant, ${s.q.isoTime('min(first_at)')} AS "firstTs",
     ${s.q.isoTime('max(last_at)')} AS "lastTs", sum(CASE WHEN after_cutoff = 1 THEN n ELSE 0 END) AS evaluations
   FROM ${s.q.table('mp_decision_facts')} WHERE in_scope = 1 AND before_end = 1 GROUP BY rule_id, variant`;

/** Changes to the given rules that went live before the window's end, aliased for the analyses. */
export const ruleChangesSql = (s: Scope, rules: readonly string[] | null): string =>
  `SELECT change_id AS "changeId", rule_id AS rule, ${s.q.isoTime('changed_at')} AS ts, author, change,
     approved_by AS "approvedBy", ${s.q.isoTime('approved_at')} AS "approvalTs"
   FROM ${s.q.source('rule_changes')} WHERE changed_at < ${s.q.ts(s.end)}${rules ? ` AND ${inList(s.q, 'rule_id', rules)}` : ''}
   ORDER BY changed_at, rule_id`;

/**
 * The consent records, read once: the user as the decisions' 64-bit key (and as text, for listing).
 * From normalize's narrow table (`from`: purpose and status coded, the user hashed and as text), a
 * view over it.
 */
export const slimConsentSql = (s: Scope, from?: DecisionsFrom): string[] =>
  from
    ? [
        `CREATE OR REPLACE TEMP VIEW mp_consent AS SELECT ${from.userKey} AS user_key, user_id,
           ${decodeValue(from, 'purpose', 'purpose')} AS purpose, ${decodeValue(from, 'status', 'status')} AS status,
           recorded_at, _source
         FROM ${from.table}`,
      ]
    : s.q.createLargeTable(
        'mp_consent',
        `SELECT ${s.q.hashKey('user_id')} AS user_key, user_id, purpose, status, recorded_at, _source
         FROM ${s.q.source('consent_records')}`,
      );

/** What the consent check needs from settings. */
export interface ConsentScope {
  /** Purpose a decision needs: per rule where configured, else the default. */
  purpose: string;
  rulePurposes: Record<string, string>;
  /** Variant spellings (as the data has them) that need no consent. */
  exemptVariants: string[];
  /** Raw reasons (as logged, no error code) whose canonical reason needs consent. */
  needingReasons: string[];
  /** Whether a decision with no reason, or with an error code, needs consent. */
  nullReasonNeeds: boolean;
  errorNeeds: boolean;
}

function purposeSql(q: SqlDialect, c: ConsentScope, rule = 'rule_id'): string {
  const entries = Object.entries(c.rulePurposes);
  if (!entries.length) return q.lit(c.purpose);
  return `CASE ${entries.map(([r, p]) => `WHEN ${rule} = ${q.lit(r)} THEN ${q.lit(p)}`).join(' ')} ELSE ${q.lit(c.purpose)} END`;
}

/** Every purpose a decision of the run may need. */
const purposes = (c: ConsentScope) => [...new Set([c.purpose, ...Object.values(c.rulePurposes)])];

/**
 * Decisions that needed consent: not an exempt variant, and a reason whose canonical form is not
 * exempt. Built from exact spellings (the raw reasons were classified once, in TypeScript), so the
 * engine compares dictionary codes rather than normalizing every reason string.
 */
export function needsConsentWhere(q: SqlDialect, c: ConsentScope): string {
  const reasons = [
    c.needingReasons.length ? `(error_code IS NULL AND ${inList(q, 'reason', c.needingReasons)})` : null,
    c.nullReasonNeeds ? '(error_code IS NULL AND reason IS NULL)' : null,
    c.errorNeeds ? '(error_code IS NOT NULL)' : null,
  ].filter((x) => x !== null);
  const variant = c.exemptVariants.length ? `NOT ${inList(q, 'variant', c.exemptVariants)}` : '1 = 1';
  return `${variant} AND (${reasons.length ? reasons.join(' OR ') : '1 = 0'})`;
}

/**
 * Users with a decision in the window (`mp_users`) whose consent is not plainly in order: no record,
 * a withdrawal, a purpose never granted, or a first grant after their first decision. Everyone else
 * was granted every purpose before any decision and never withdrew, so their decisions need no
 * per-decision check: only these users' decisions are joined to the consent records.
 *
 * On DuckDB as joins, without an aggregate per user: a user is in order when, for every purpose, a
 * grant was recorded at or before their first decision (so the first grant was), and they have no
 * withdrawal of any of the purposes; the suspects are the users without such a grant of some purpose
 * (an anti-join per purpose) and those with a withdrawal (a semi-join). At 50M decisions / 5M
 * consent records, alternating at load 8–11: 3.37/3.76/4.53 s CPU (an aggregate of 5M records into
 * 5M users, joined to the users) → 0.77/1.70/0.88 s; the same users.
 */
export function consentSuspectsTableSql(s: Scope, c: ConsentScope): string {
  if (s.q.name === 'clickhouse')
    return s.q.createTable(
      'mp_consent_suspects',
      consentSuspectsCh(s, consentPerUserSql(s, c), purposes(c).length),
    );
  const users = s.q.table('mp_users');
  const records = (status: string, purpose: readonly string[]) =>
    `SELECT user_key, recorded_at FROM ${s.q.table('mp_consent')} WHERE ${inList(s.q, 'purpose', purpose)} AND status = ${s.q.lit(status)}`;
  return s.q.createTable(
    'mp_consent_suspects',
    [
      ...purposes(c).map(
        (p) => `SELECT u.user_key AS user_key FROM ${users} u ANTI JOIN (${records('granted', [p])}) g
          ON g.user_key = u.user_key AND g.recorded_at <= u.first_at`,
      ),
      `SELECT u.user_key AS user_key FROM ${users} u SEMI JOIN (${records('withdrawn', purposes(c))}) w
        ON w.user_key = u.user_key`,
    ].join('\nUNION\n'),
  );
}

/** Per user: the latest first grant over the purposes, withdrawals, and how many purposes were ever granted. */
function consentPerUserSql(s: Scope, c: ConsentScope): string {
  const p = purposes(c);
  const firstGrant = `min(CASE WHEN status = 'granted' THEN recorded_at END)`;
  const withdrawals = `sum(CASE WHEN status = 'withdrawn' THEN 1 ELSE 0 END)`;
  // one purpose (the usual case): one GROUP BY per user; several: per user and purpose, then per user
  const perUser =
    p.length === 1
      ? `SELECT user_key, ${firstGrant} AS last_first_grant, ${withdrawals} AS withdrawals,
           CASE WHEN ${firstGrant} IS NULL THEN 0 ELSE 1 END AS granted
         FROM ${s.q.table('mp_consent')} WHERE ${inList(s.q, 'purpose', p)} GROUP BY user_key`
      : `SELECT user_key, max(first_grant) AS last_first_grant, sum(withdrawals) AS withdrawals,
           sum(CASE WHEN first_grant IS NULL THEN 0 ELSE 1 END) AS granted
         FROM (SELECT user_key, purpose, ${firstGrant} AS first_grant, ${withdrawals} AS withdrawals
               FROM ${s.q.table('mp_consent')} WHERE ${inList(s.q, 'purpose', p)} GROUP BY user_key, purpose) x
         GROUP BY user_key`;
  return perUser;
}

/**
 * The suspects' decisions that needed consent, each with the consent facts at decision time: last
 * grant and last withdrawal at or before it, first grant after it.
 */
export function consentFactsTableSql(s: Scope, c: ConsentScope): string {
  const q = s.q;
  if (q.name === 'clickhouse')
    return q.createTable('mp_consent_facts', consentFactsCh(s, needsConsentWhere(q, c), purposeSql(q, c)));
  const suspects = `SELECT user_key, ${q.text('rule_id')} AS rule_id, ${q.text('variant')} AS variant, decided_at,
      ${q.text('channel')} AS channel, ${q.text('consent_state')} AS consent_state, ${purposeSql(q, c)} AS purpose
    FROM ${q.table('mp_decisions')} WHERE in_window = 1 AND ${needsConsentWhere(q, c)}
      AND user_key IN (SELECT user_key FROM ${q.table('mp_consent_suspects')})`;
  return q.createTable(
    'mp_consent_facts',
    `SELECT x.user_key AS user_key, x.rule_id AS rule_id, x.purpose AS purpose, x.decided_at AS decided_at,
       x.variant AS variant, x.channel AS channel, x.consent_state AS consent_state,
       max(CASE WHEN r.status = 'granted' AND r.recorded_at <= x.decided_at THEN r.recorded_at END) AS last_grant,
       max(CASE WHEN r.status = 'withdrawn' AND r.recorded_at <= x.decided_at THEN r.recorded_at END) AS last_withdrawal,
       min(CASE WHEN r.status = 'granted' AND r.recorded_at > x.decided_at THEN r.recorded_at END) AS next_grant
     FROM (${suspects}) x LEFT JOIN ${q.table('mp_consent')} r ON r.user_key = x.user_key AND r.purpose = x.purpose
     GROUP BY x.user_key, x.rule_id, x.purpose, x.decided_at, x.variant, x.channel, x.consent_state`,
  );
}

/** The kind of violation of a consent-facts row, or NULL when the user had consent. */
const KIND = `CASE
  WHEN last_grant IS NOT NULL AND (last_withdrawal IS NULL OR last_grant >= last_withdrawal) THEN NULL
  WHEN last_withdrawal IS NOT NULL THEN 'withdrawn'
  WHEN next_grant IS NOT NULL THEN 'granted-after-decision'
  ELSE 'never-granted' END`;

/** Violations counted by rule, purpose and kind (with distinct users). */
export const consentCountsSql = (q: SqlDialect): string =>
  `SELECT rule_id AS rule, purpose, kind, count(*) AS decisions, count(DISTINCT user_key) AS users
   FROM (SELECT *, ${KIND} AS kind FROM ${q.table('mp_consent_facts')}) v WHERE kind IS NOT NULL
   GROUP BY rule_id, purpose, kind ORDER BY decisions DESC`;

/**
 * The users of the violating decisions who have no consent record at all: their keys, to name them
 * from the decisions (`userNamesTableSql`).
 */
export function unnamedViolatorsSql(q: SqlDialect): string {
  return `SELECT DISTINCT user_key FROM ${q.table('mp_consent_facts')} WHERE (${KIND}) IS NOT NULL
    AND user_key NOT IN (SELECT user_key FROM ${q.table('mp_consent')})`;
}

/**
 * The names of the violators: from the consent records, and for those without any record from the
 * decisions (read again only in that case: for `extraKeys`, or with `'all'` for every violator
 * without a record, selected in the engine rather than listed in the statement).
 */
export function userNamesTableSql(s: Scope, extraKeys: readonly string[] | 'all'): string {
  const keys = extraKeys === 'all' ? unnamedViolatorsSql(s.q) : extraKeys.join(', ');
  const fromDecisions = extraKeys.length
    ? `UNION ALL SELECT user_key, user_id FROM (SELECT ${s.q.hashKey('user_id')} AS user_key, user_id FROM ${s.q.source('decisions')}) d
       WHERE user_key IN (${keys})`
    : '';
  return s.q.createTable(
    'mp_user_names',
    `SELECT user_key, min(user_id) AS user_id FROM (
       SELECT user_key, user_id FROM ${s.q.table('mp_consent')} WHERE user_key IN (SELECT user_key FROM ${s.q.table('mp_consent_facts')})
       ${fromDecisions}) n GROUP BY user_key`,
  );
}

/** Violating decisions as rows for the analyses (all of them, or the latest `limit`). */
export const consentRowsSql = (q: SqlDialect, limit: number | null): string =>
  q.name === 'clickhouse'
    ? consentRowsCh(q, KIND, limit)
    : `SELECT n.user_id AS "user", rule_id AS rule, purpose, ${q.isoTime('decided_at')} AS "decisionTs",
     CASE WHEN last_withdrawal IS NOT NULL AND (last_grant IS NULL OR last_withdrawal > last_grant) THEN 'withdrawn'
          WHEN last_grant IS NOT NULL THEN 'granted' END AS "consentStatus",
     ${q.isoTime(`CASE WHEN last_withdrawal IS NOT NULL AND (last_grant IS NULL OR last_withdrawal > last_grant) THEN last_withdrawal
          ELSE last_grant END`)} AS "consentTs",
     ${q.isoTime('next_grant')} AS "nextGrantTs", consent_state AS "loggedConsent", variant, channel
   FROM ${q.table('mp_consent_facts')} f LEFT JOIN ${q.table('mp_user_names')} n ON n.user_key = f.user_key WHERE (${KIND}) IS NOT NULL
   ORDER BY decided_at DESC, n.user_id, rule_id${limit === null ? '' : ` LIMIT ${Math.floor(limit)}`}`;

/**
 * Every user served a decision without the consent it needed, one row each (the privacy lead's list
 * of affected people): the decisions, their rules, purposes and kinds, the first and last such
 * decision, and the latest withdrawal before one of them. In user-id order, at most `limit` rows.
 */
export function consentUsersSql(q: SqlDialect, limit: number): string {
  const facts = `SELECT user_key, rule_id, purpose, decided_at, last_withdrawal, kind
    FROM (SELECT *, ${KIND} AS kind FROM ${q.table('mp_consent_facts')}) v WHERE kind IS NOT NULL`;
  const names = `SELECT user_key, user_id FROM ${q.table('mp_user_names')}`;
  const from =
    q.name === 'clickhouse'
      ? `(${facts}) ALL LEFT JOIN (${names}) USING user_key`
      : `(${facts}) f LEFT JOIN (${names}) n ON n.user_key = f.user_key`;
  return `SELECT min(user_id) AS "user", count(*) AS decisions, ${q.valueList('rule_id')} AS rules,
      ${q.valueList('purpose')} AS purposes, ${q.valueList('kind')} AS kinds,
      ${q.isoTime('min(decided_at)')} AS "firstDecisionTs", ${q.isoTime('max(decided_at)')} AS "lastDecisionTs",
      ${q.isoTime('max(last_withdrawal)')} AS "withdrawalTs"
    FROM ${from}
    GROUP BY ${q.name === 'clickhouse' ? 'user_key' : 'f.user_key'} ORDER BY "user" LIMIT ${Math.floor(limit)}`;
}

/** Decisions in the window that needed consent (the rate's denominator). */
export const consentDenominatorSql = (s: Scope, c: ConsentScope): string =>
  `SELECT COALESCE(sum(n), 0) AS n FROM ${s.q.table('mp_decision_facts')} WHERE in_scope = 1 AND in_window = 1 AND ${needsConsentWhere(s.q, c)}`;

/**
 * The logged consent states that refuse consent: a withdrawal at decision time, as a consent
 * record's `withdrawn` is (a record's `denied`, `rejected`, `no` read as `withdrawn`; the decisions
 * keep `denied` apart, and it is the same refusal).
 */
const REFUSED = `consent_state IN ('withdrawn', 'denied')`;

/**
 * Without consent records, the violating decisions by the consent state logged on them, as consent
 * facts (`mp_consent_facts`, so they are counted, named and listed as the records' are): a logged
 * `withdrawn` or `denied` is a withdrawal at decision time, any other state not `granted` (unknown,
 * none) no grant at all. On ClickHouse the times are Int64 epoch milliseconds, the missing ones
 * typed NULLs of that type (an untyped NULL column cannot be stored there).
 */
export function loggedConsentFactsTableSql(s: Scope, c: ConsentScope): string {
  const q = s.q;
  const [none, refusedAt] =
    q.name === 'clickhouse'
      ? ['CAST(NULL AS Nullable(Int64))', `CASE WHEN ${REFUSED} THEN toNullable(decided_at) ELSE NULL END`]
      : ['CAST(NULL AS TIMESTAMP)', `CASE WHEN ${REFUSED} THEN decided_at END`];
  return q.createTable(
    'mp_consent_facts',
    `SELECT user_key, ${q.text('rule_id')} AS rule_id, ${purposeSql(q, c)} AS purpose, decided_at,
       ${q.text('variant')} AS variant, ${q.text('channel')} AS channel, ${q.text('consent_state')} AS consent_state,
       ${none} AS last_grant, ${refusedAt} AS last_withdrawal, ${none} AS next_grant
     FROM ${q.table('mp_decisions')} WHERE in_window = 1 AND ${needsConsentWhere(q, c)}
       AND (consent_state IS NULL OR consent_state <> 'granted')`,
  );
}
