import { literal, quoteIdent } from '../../../data/index.ts';
import { exactSum, exactSumIf, type SumDialect } from '../../shared/exact-sum.ts';
import {
  aggIf,
  chLit,
  dayCh,
  KIND,
  MEMBER_ORDER_CH,
  MEMBER_ORDER_SQL,
  msCh,
  ts,
  type RelationOf,
} from './member-summary-sql.ts';

/** Column of `lm_members` (`lm_member_window`, `lm_member_base`) holding each dimension's value (the tier at the end of the window). */
export const DIMENSION_COLUMN = {
  tier: 'tier_idx',
  cohort: 'cohort',
  region: 'region',
  channel: 'channel',
} as const;

/** The member aggregates of one window, as KPI numerators and denominators. */
const WINDOW_SUMS = [
  'orders',
  'revenue',
  'earning_orders',
  'rewards_used',
  'earned',
  'redeemed',
  'expired',
  'rewards_issued',
  'reward_cost',
  'costed_points',
  'active',
] as const;

/** The window sums of amounts (fractional: summed exactly, `exactSum`); the others are counts and points. */
const AMOUNT_SUMS: ReadonlySet<string> = new Set(['revenue', 'reward_cost']);

/** `sum(column)` on `d`, exact for the amount columns (`AMOUNT_SUMS` with their `_w`/`_pw` suffix). */
function windowSum(c: (typeof WINDOW_SUMS)[number], column: string, d: SumDialect): string {
  return AMOUNT_SUMS.has(c) ? exactSum(column, d) : `sum(${column})`;
}

type Dimension = keyof typeof DIMENSION_COLUMN;

/**
 * The grouping columns of `dims` as GROUPING SETS (overall first) with `dim` (the dimension of the
 * row, 'all' for the overall row) and `key` (its value as text), so one pass aggregates every
 * dimension. `prefix` qualifies the columns; `extra` is grouped in every set.
 */
function groupingSql(dims: readonly Dimension[], prefix: string, extra: string[] = []) {
  const col = (d: Dimension) => `${prefix}${quoteIdent(DIMENSION_COLUMN[d])}`;
  const dim = dims.length
    ? `CASE ${dims.map((d) => `WHEN GROUPING(${col(d)}) = 0 THEN ${literal(d)}`).join(' ')} ELSE 'all' END`
    : `'all'`;
  const key = dims.length ? `COALESCE(${dims.map((d) => `CAST(${col(d)} AS VARCHAR)`).join(', ')})` : 'NULL';
  const sets = [extra, ...dims.map((d) => [col(d), ...extra])].map((s) => `(${s.join(', ')})`);
  return { select: `${dim} AS dim, ${key} AS key`, groupBy: `GROUP BY GROUPING SETS (${sets.join(', ')})` };
}

/**
 * KPI aggregates of members overall and per value of each dimension (one pass, GROUPING SETS),
 * for the window (`_w`) and the one before it (`_pw`): members at each end, enrolments, purchasing
 * members, and the sums of `WINDOW_SUMS`. Balances are at the end of the window: the points the
 * members can still redeem (FIFO, none past expiry, as the liability counts them) and the pending
 * ones. Rows come by dimension, then key as text.
 */
export function memberKpiSql(
  dims: readonly Dimension[],
  w: { start: string; end: string; prevStart: string },
): string {
  const S = ts(w.start);
  const E = ts(w.end);
  const PS = ts(w.prevStart);
  const sums = WINDOW_SUMS.flatMap((c) => [
    `${windowSum(c, `${c}_w`, 'duckdb')} AS ${c}_w`,
    `${windowSum(c, `${c}_pw`, 'duckdb')} AS ${c}_pw`,
  ]);
  const g = groupingSql(dims, '');
  return `SELECT ${g.select},
       count(*) AS members_w, ${aggIf('count', '*', `enrolled_at < ${S}`)} AS members_pw,
       ${aggIf('count', '*', `enrolled_at >= ${S} AND enrolled_at < ${E}`)} AS enrolled_w,
       ${aggIf('count', '*', `enrolled_at >= ${PS} AND enrolled_at < ${S}`)} AS enrolled_pw,
       ${aggIf('count', '*', 'orders_w > 0')} AS customers_w, ${aggIf('count', '*', 'orders_pw > 0')} AS customers_pw,
       ${sums.join(', ')},
       sum(active) AS active, sum(pending) AS pending
     FROM lm_member_window ${g.groupBy} ORDER BY 1, 2`;
}

/**
 * Orders of the window and the one before it (`win` = 'w' or 'pw') split by member status at order
 * time (the order's member flag, else enrolment before the order), and enrolment eligibility:
 * purchasers of the window who were not members at its start, and those of them who enrolled in it.
 */
export function customerKpiSql(w: { start: string; end: string; prevStart: string }): string {
  const S = ts(w.start);
  const E = ts(w.end);
  const PS = ts(w.prevStart);
  return `SELECT win,
       count(DISTINCT CASE WHEN NOT mo THEN customer_id END) AS nonmember_customers,
       ${aggIf('count', '*', 'NOT mo')} AS nonmember_orders,
       COALESCE(${exactSumIf('amount', 'NOT mo')}, 0) AS nonmember_revenue,
       count(DISTINCT CASE WHEN enrolled_at IS NULL OR enrolled_at >= ws THEN customer_id END) AS eligible,
       count(DISTINCT CASE WHEN enrolled_at >= ws AND enrolled_at < we THEN customer_id END) AS eligible_enrolled
     FROM (SELECT CASE WHEN o.ordered_at >= ${S} THEN 'w' ELSE 'pw' END AS win,
                  CASE WHEN o.ordered_at >= ${S} THEN ${S} ELSE ${PS} END AS ws,
                  CASE WHEN o.ordered_at >= ${S} THEN ${E} ELSE ${S} END AS we,
                  o.customer_id, o.amount, o.member_enrolled_at AS enrolled_at, ${MEMBER_ORDER_SQL} AS mo
           FROM lm_orders o WHERE o.ordered_at >= ${PS} AND o.ordered_at < ${E}) t
     GROUP BY 1`;
}

/**
 * CSAT responses of the window by score, overall (every respondent) and per dimension value of the
 * responding member (members only: rows of other respondents come with a NULL key and are dropped
 * by the reader).
 */
export function csatSql(dims: readonly Dimension[], w: { start: string; end: string }): string {
  const g = groupingSql(dims, 'm.', ['c.score']);
  return `SELECT ${g.select}, c.score, count(*) AS responses
     FROM csat_responses c
     LEFT JOIN (SELECT member_id, ${dims.map((d) => quoteIdent(DIMENSION_COLUMN[d])).join(', ') || 'mi'}
                FROM lm_member_base WHERE mi IS NOT NULL) m ON m.member_id = c.customer_id
     WHERE c.responded_at >= ${ts(w.start)} AND c.responded_at < ${ts(w.end)}
     ${g.groupBy} ORDER BY 1, 2, 3`;
}

/**
 * Tier at the start of the window × tier at its end (index 0 = not yet a member; tier k at k + 1;
 * `start_idx` of `lm_member_base`: the previous tier of members who changed tier inside the window).
 */
export const TIER_MIGRATION_SQL = `SELECT start_idx, tier_idx + 1 AS end_idx, count(*) AS members
     FROM lm_member_base WHERE mi IS NOT NULL AND tier_idx >= 0
     GROUP BY 1, 2 ORDER BY 1, 2`;

/**
 * Weekly series over the `weeks` weeks ending at the end of the window (week 0 = the last seven
 * days): points earned, redeemed and expired, active members; member and non-member orders and
 * revenue; enrolments.
 */
export function weeklyTrendSql(end: string, weeks: number): string[] {
  const E = ts(end);
  const from = `${E} - INTERVAL ${weeks * 7} DAY`;
  const week = (c: string) => `CAST(floor((date_diff('day', ${c}, ${E}) - 1) / 7) AS INTEGER)`;
  const { earn, redeem, expire, pending } = KIND;
  return [
    // still-pending points are earned points, but not activity: active as the KPI (an earn or redeem row)
    `SELECT ${week('occurred_at')} AS week,
       COALESCE(${aggIf('sum', 'abs(points)', `k IN (${earn}, ${pending})`)}, 0) AS earned,
       COALESCE(${aggIf('sum', 'abs(points)', `k = ${redeem}`)}, 0) AS redeemed,
       COALESCE(${aggIf('sum', 'abs(points)', `k = ${expire}`)}, 0) AS expired,
       count(DISTINCT CASE WHEN k IN (${earn}, ${redeem}) THEN mi END) AS active_members
     FROM (SELECT k, points, mi, occurred_at FROM lm_ledger WHERE k <> ${pending} AND occurred_at >= ${from} AND occurred_at < ${E}
           UNION ALL SELECT ${pending}, points, mi, occurred_at FROM lm_pending WHERE occurred_at >= ${from}) l
     GROUP BY 1 ORDER BY 1`,
    `SELECT ${week('o.ordered_at')} AS week,
       -- member revenue as the KPIs': member orders of a member (a member-flagged order of an id that is
       -- no member is a non-member order)
       COALESCE(${exactSumIf('o.amount', MEMBER_ORDER_SQL)}, 0) AS member_revenue,
       COALESCE(${exactSumIf('o.amount', `NOT ${MEMBER_ORDER_SQL}`)}, 0) AS nonmember_revenue,
       count(*) AS orders
     FROM lm_orders o
     WHERE o.ordered_at >= ${from} AND o.ordered_at < ${E} GROUP BY 1 ORDER BY 1`,
    `SELECT ${week('enrolled_at')} AS week, count(*) AS enrolled
     FROM lm_member_base WHERE enrolled_at >= ${from} AND enrolled_at < ${E} GROUP BY 1 ORDER BY 1`,
  ];
}

// ---------------------------------------------------------------------------------------------
// ClickHouse form: ClickHouse 18.16 has no GROUPING SETS, so one GROUP BY per dimension in a
// UNION ALL (over the member summary, one row per member); FILTER clauses are `…If` aggregates.

/**
 * The KPI aggregates of one group of members (`memberKpiSql`'s columns), over `memberColumnsCh`
 * (the summary's columns renamed `s_…`: a ClickHouse alias is visible in the whole query, so
 * `sum(orders_w) AS orders_w` would turn `countIf(orders_w > 0)` into an aggregate of an aggregate).
 */
function memberAggCh(w: { start: string; end: string; prevStart: string }): string {
  const S = msCh(w.start);
  const E = msCh(w.end);
  const PS = msCh(w.prevStart);
  const sums = WINDOW_SUMS.flatMap((c) => [
    `${windowSum(c, `s_${c}_w`, 'clickhouse')} AS ${c}_w`,
    `${windowSum(c, `s_${c}_pw`, 'clickhouse')} AS ${c}_pw`,
  ]);
  return `count() AS members_w, countIf(s_enrolled_at < ${S}) AS members_pw,
       countIf(s_enrolled_at >= ${S} AND s_enrolled_at < ${E}) AS enrolled_w,
       countIf(s_enrolled_at >= ${PS} AND s_enrolled_at < ${S}) AS enrolled_pw,
       countIf(s_orders_w > 0) AS customers_w, countIf(s_orders_pw > 0) AS customers_pw,
       ${sums.join(', ')}, sum(s_active) AS active, sum(s_pending) AS pending`;
}

/** The member summary's columns the KPI aggregates read, renamed `s_…`, with the dimension columns. */
function memberColumnsCh(rel: RelationOf): string {
  const renamed = ['enrolled_at', 'active', 'pending', ...WINDOW_SUMS.flatMap((c) => [`${c}_w`, `${c}_pw`])];
  const dims = Object.values(DIMENSION_COLUMN).map((c) => quoteIdent(c, 'clickhouse'));
  return `(SELECT ${dims.join(', ')}, ${renamed.map((c) => `${c} AS s_${c}`).join(', ')} FROM ${rel('lm_members')})`;
}

/** `memberKpiSql` on ClickHouse: the overall row and one GROUP BY per dimension, by dimension then key as text. */
export function memberKpiCh(
  dims: readonly Dimension[],
  w: { start: string; end: string; prevStart: string },
  rel: RelationOf,
): string {
  const agg = memberAggCh(w);
  const members = memberColumnsCh(rel);
  const parts = [
    `SELECT 'all' AS dim, CAST(NULL AS Nullable(String)) AS key, ${agg} FROM ${members}`,
    ...dims.map(
      (d) =>
        `SELECT ${chLit(d)} AS dim, toNullable(toString(${quoteIdent(DIMENSION_COLUMN[d], 'clickhouse')})) AS key, ${agg}
       FROM ${members} GROUP BY key`,
    ),
  ];
  return `SELECT * FROM (${parts.join(' UNION ALL ')}) ORDER BY dim, key`;
}

/** `customerKpiSql` on ClickHouse. */
export function customerKpiCh(w: { start: string; end: string; prevStart: string }, rel: RelationOf): string {
  const S = msCh(w.start);
  const E = msCh(w.end);
  const PS = msCh(w.prevStart);
  return `SELECT win,
       uniqExactIf(customer_id, NOT mo) AS nonmember_customers, countIf(NOT mo) AS nonmember_orders,
       ${exactSumIf('amount', 'NOT mo', 'clickhouse')} AS nonmember_revenue,
       uniqExactIf(customer_id, isNull(enrolled_at) OR ifNull(enrolled_at >= ws, 0)) AS eligible,
       uniqExactIf(customer_id, ifNull(enrolled_at >= ws AND enrolled_at < we, 0)) AS eligible_enrolled
     FROM (SELECT if(ordered_at >= ${S}, 'w', 'pw') AS win, if(ordered_at >= ${S}, ${S}, ${PS}) AS ws,
                  if(ordered_at >= ${S}, ${E}, ${S}) AS we, customer_id, amount, member_enrolled_at AS enrolled_at,
                  ${MEMBER_ORDER_CH} AS mo
           FROM ${rel('lm_orders')} WHERE ordered_at >= ${PS} AND ordered_at < ${E})
     GROUP BY win`;
}

/** `csatSql` on ClickHouse: every respondent overall; per dimension value of the responding member (others: NULL key). */
export function csatCh(
  dims: readonly Dimension[],
  w: { start: string; end: string },
  rel: RelationOf,
): string {
  const responses = `SELECT ifNull(customer_id, '') AS customer_id, score FROM ${rel('csat_responses')}
       WHERE responded_at >= ${msCh(w.start)} AND responded_at < ${msCh(w.end)}`;
  const parts = [
    `SELECT 'all' AS dim, CAST(NULL AS Nullable(String)) AS key, score, count() AS responses FROM (${responses}) GROUP BY score`,
    ...dims.map(
      (
        d,
      ) => `SELECT ${chLit(d)} AS dim, if(m_found = 1, toNullable(toString(m_value)), CAST(NULL AS Nullable(String))) AS key,
         score, count() AS responses
       FROM (${responses})
       ANY LEFT JOIN (SELECT member_id AS customer_id, ${quoteIdent(DIMENSION_COLUMN[d], 'clickhouse')} AS m_value, toUInt8(1) AS m_found
                      FROM ${rel('lm_member_base')} WHERE isNotNull(mi)) USING customer_id
       GROUP BY key, score`,
    ),
  ];
  return `SELECT * FROM (${parts.join(' UNION ALL ')}) ORDER BY dim, key, score`;
}

/** `TIER_MIGRATION_SQL` on ClickHouse. */
export const tierMigrationCh = (rel: RelationOf): string =>
  `SELECT start_idx, tier_idx + 1 AS end_idx, count() AS members
     FROM ${rel('lm_member_base')} WHERE isNotNull(mi) AND tier_idx >= 0
     GROUP BY start_idx, end_idx ORDER BY start_idx, end_idx`;

/** `weeklyTrendSql` on ClickHouse. */
export function weeklyTrendCh(end: string, weeks: number, rel: RelationOf): string[] {
  const E = msCh(end);
  const from = `${E} - ${weeks * 7 * 86_400_000}`;
  const week = (c: string) => `toInt32(floor((${dayCh(E)} - ${dayCh(c)} - 1) / 7))`;
  const { earn, redeem, expire, pending } = KIND;
  return [
    // still-pending points are earned points, but not activity: active as the KPI (an earn or redeem row)
    `SELECT ${week('occurred_at')} AS week,
       sumIf(abs(points), k IN (${earn}, ${pending})) AS earned, sumIf(abs(points), k = ${redeem}) AS redeemed,
       sumIf(abs(points), k = ${expire}) AS expired,
       uniqExactIf(assumeNotNull(mi), k IN (${earn}, ${redeem}) AND isNotNull(mi)) AS active_members
     FROM (SELECT k, points, mi, occurred_at FROM ${rel('lm_ledger')} WHERE k != ${pending} AND occurred_at >= ${from} AND occurred_at < ${E}
           UNION ALL SELECT toInt8(${pending}) AS k, points, mi, occurred_at FROM ${rel('lm_pending')} WHERE occurred_at >= ${from})
     GROUP BY week ORDER BY week`,
    `SELECT ${week('ordered_at')} AS week, ${exactSumIf('amount', `${MEMBER_ORDER_CH} = 1`, 'clickhouse')} AS member_revenue,
       ${exactSumIf('amount', `${MEMBER_ORDER_CH} = 0`, 'clickhouse')} AS nonmember_revenue, count() AS orders
     FROM ${rel('lm_orders')} WHERE ordered_at >= ${from} AND ordered_at < ${E} GROUP BY week ORDER BY week`,
    `SELECT ${week('enrolled_at')} AS week, count() AS enrolled
     FROM ${rel('lm_member_base')} WHERE enrolled_at >= ${from} AND enrolled_at < ${E} GROUP BY week ORDER BY week`,
  ];
}
