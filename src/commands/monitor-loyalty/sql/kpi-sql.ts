import { literal, quoteIdent } from '../../../data/index.ts';
import { KIND, MEMBER_ORDER_SQL, ts } from './member-summary-sql.ts';

/** Column of `lm_members` (and `lm_member_base`) holding each dimension's value (the tier at the end of the window). */
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
 * members, and the sums of `WINDOW_SUMS`. Balances are at the end of the window. Rows come by
 * dimension, then key as text.
 */
export function memberKpiSql(
  dims: readonly Dimension[],
  w: { start: string; end: string; prevStart: string },
): string {
  const S = ts(w.start);
  const E = ts(w.end);
  const PS = ts(w.prevStart);
  const sums = WINDOW_SUMS.flatMap((c) => [`sum(${c}_w) AS ${c}_w`, `sum(${c}_pw) AS ${c}_pw`]);
  const g = groupingSql(dims, '');
  return `SELECT ${g.select},
       count(*) AS members_w, count(*) FILTER (WHERE enrolled_at < ${S}) AS members_pw,
       count(*) FILTER (WHERE enrolled_at >= ${S} AND enrolled_at < ${E}) AS enrolled_w,
       count(*) FILTER (WHERE enrolled_at >= ${PS} AND enrolled_at < ${S}) AS enrolled_pw,
       count(*) FILTER (WHERE orders_w > 0) AS customers_w, count(*) FILTER (WHERE orders_pw > 0) AS customers_pw,
       ${sums.join(', ')},
       sum(balance) AS balance, sum(pending) AS pending
     FROM lm_members ${g.groupBy} ORDER BY 1, 2`;
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
       count(*) FILTER (WHERE NOT mo) AS nonmember_orders,
       COALESCE(sum(amount) FILTER (WHERE NOT mo), 0) AS nonmember_revenue,
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
    `SELECT ${week('occurred_at')} AS week,
       COALESCE(sum(abs(points)) FILTER (WHERE k = ${earn}), 0) AS earned,
       COALESCE(sum(abs(points)) FILTER (WHERE k = ${redeem}), 0) AS redeemed,
       COALESCE(sum(abs(points)) FILTER (WHERE k = ${expire}), 0) AS expired,
       count(DISTINCT CASE WHEN k IN (${earn}, ${redeem}) THEN mi END) AS active_members
     FROM (SELECT k, points, mi, occurred_at FROM lm_ledger WHERE k <> ${pending} AND occurred_at >= ${from} AND occurred_at < ${E}
           UNION ALL SELECT ${earn}, points, mi, occurred_at FROM lm_pending WHERE occurred_at >= ${from}) l
     GROUP BY 1 ORDER BY 1`,
    `SELECT ${week('o.ordered_at')} AS week,
       COALESCE(sum(o.amount) FILTER (WHERE ${MEMBER_ORDER_SQL}), 0) AS member_revenue,
       COALESCE(sum(o.amount) FILTER (WHERE NOT ${MEMBER_ORDER_SQL}), 0) AS nonmember_revenue,
       count(*) AS orders
     FROM lm_orders o
     WHERE o.ordered_at >= ${from} AND o.ordered_at < ${E} GROUP BY 1 ORDER BY 1`,
    `SELECT ${week('enrolled_at')} AS week, count(*) AS enrolled
     FROM lm_member_base WHERE enrolled_at >= ${from} AND enrolled_at < ${E} GROUP BY 1 ORDER BY 1`,
  ];
}
