import { quoteIdent } from '../../../data/index.ts';
import { tierIndexSql, ts } from './member-summary-sql.ts';

/** Column of `lm_members` holding each dimension's value (the tier at the end of the window). */
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

/**
 * KPI aggregates of members per value of a dimension (or overall when `dimension` is null), for
 * the window (`_w`) and the one before it (`_pw`): members at each end, enrolments, purchasing
 * members, and the sums of `WINDOW_SUMS`. Balances are at the end of the window.
 */
export function memberKpiSql(
  dimension: keyof typeof DIMENSION_COLUMN | null,
  w: { start: string; end: string; prevStart: string },
): string {
  const key = dimension ? `CAST(${quoteIdent(DIMENSION_COLUMN[dimension])} AS VARCHAR)` : `'all'`;
  const S = ts(w.start);
  const E = ts(w.end);
  const PS = ts(w.prevStart);
  const sums = WINDOW_SUMS.flatMap((c) => [`sum(${c}_w) AS ${c}_w`, `sum(${c}_pw) AS ${c}_pw`]);
  return `SELECT ${key} AS key,
       count(*) AS members_w, sum(CASE WHEN enrolled_at < ${S} THEN 1 ELSE 0 END) AS members_pw,
       sum(CASE WHEN enrolled_at >= ${S} AND enrolled_at < ${E} THEN 1 ELSE 0 END) AS enrolled_w,
       sum(CASE WHEN enrolled_at >= ${PS} AND enrolled_at < ${S} THEN 1 ELSE 0 END) AS enrolled_pw,
       sum(CASE WHEN orders_w > 0 THEN 1 ELSE 0 END) AS customers_w, sum(CASE WHEN orders_pw > 0 THEN 1 ELSE 0 END) AS customers_pw,
       ${sums.join(', ')},
       sum(balance) AS balance, sum(pending) AS pending
     FROM lm_members GROUP BY 1 ORDER BY 1`;
}

/**
 * Orders of one window split by member status at order time (the order's member flag, else
 * enrolment before the order), and enrolment eligibility: purchasers of the window who were not
 * members at its start, and those of them who enrolled in it.
 */
export function customerKpiSql(w: { start: string; end: string }): string {
  const S = ts(w.start);
  const E = ts(w.end);
  return `SELECT
       count(DISTINCT CASE WHEN NOT mo THEN customer_id END) AS nonmember_customers,
       sum(CASE WHEN NOT mo THEN 1 ELSE 0 END) AS nonmember_orders,
       COALESCE(sum(CASE WHEN NOT mo THEN amount ELSE 0 END), 0) AS nonmember_revenue,
       count(DISTINCT CASE WHEN enrolled_at IS NULL OR enrolled_at >= ${S} THEN customer_id END) AS eligible,
       count(DISTINCT CASE WHEN enrolled_at >= ${S} AND enrolled_at < ${E} THEN customer_id END) AS eligible_enrolled
     FROM (SELECT o.customer_id, o.amount, o.member_enrolled_at AS enrolled_at,
                  COALESCE(o.is_member, o.member_enrolled_at <= o.ordered_at, false) AS mo
           FROM lm_orders o WHERE o.ordered_at >= ${S} AND o.ordered_at < ${E}) t`;
}

/** CSAT responses of the window by score, per dimension value of the responding member (or overall). */
export function csatSql(
  dimension: keyof typeof DIMENSION_COLUMN | null,
  w: { start: string; end: string },
): string {
  const key = dimension ? `CAST(m.${quoteIdent(DIMENSION_COLUMN[dimension])} AS VARCHAR)` : `'all'`;
  return `SELECT ${key} AS key, c.score, count(*) AS responses
     FROM csat_responses c ${dimension ? 'JOIN' : 'LEFT JOIN'} lm_members m ON m.member_id = c.customer_id
     WHERE c.responded_at >= ${ts(w.start)} AND c.responded_at < ${ts(w.end)}
     GROUP BY 1, 2 ORDER BY 1, 2`;
}

/**
 * Tier at the start of the window × tier at its end (index 0 = not yet a member; tier k at k + 1).
 * The start tier is the previous tier of members who changed tier inside the window.
 */
export function tierMigrationSql(tiers: readonly string[], w: { start: string; end: string }): string {
  const S = ts(w.start);
  const E = ts(w.end);
  const previous = tierIndexSql('previous_tier', tiers);
  return `SELECT start_idx, end_idx, count(*) AS members FROM (
       SELECT CASE WHEN enrolled_at >= ${S} THEN 0
                   WHEN tier_since >= ${S} AND tier_since < ${E} AND ${previous} >= 0 THEN ${previous} + 1
                   ELSE tier_idx + 1 END AS start_idx,
              tier_idx + 1 AS end_idx
       FROM lm_members WHERE tier_idx >= 0) t
     GROUP BY 1, 2 ORDER BY 1, 2`;
}

/**
 * Weekly series over the `weeks` weeks ending at the end of the window (week 0 = the last seven
 * days): points earned, redeemed and expired, active members; member and non-member orders and
 * revenue; enrolments.
 */
export function weeklyTrendSql(end: string, weeks: number): string[] {
  const E = ts(end);
  const from = `${E} - INTERVAL ${weeks * 7} DAY`;
  const week = (c: string) => `CAST(floor((date_diff('day', ${c}, ${E}) - 1) / 7) AS INTEGER)`;
  return [
    `SELECT ${week('occurred_at')} AS week,
       sum(CASE WHEN type = 'earn' THEN abs(points) ELSE 0 END) AS earned,
       sum(CASE WHEN type = 'redeem' THEN abs(points) ELSE 0 END) AS redeemed,
       sum(CASE WHEN type = 'expire' THEN abs(points) ELSE 0 END) AS expired,
       count(DISTINCT CASE WHEN type IN ('earn', 'redeem') THEN member_id END) AS active_members
     FROM (SELECT type, points, member_id, occurred_at FROM lm_ledger WHERE type <> 'pending' AND occurred_at >= ${from} AND occurred_at < ${E}
           UNION ALL SELECT 'earn', points, member_id, occurred_at FROM lm_pending WHERE occurred_at >= ${from}) l
     GROUP BY 1 ORDER BY 1`,
    `SELECT ${week('o.ordered_at')} AS week,
       sum(CASE WHEN COALESCE(o.is_member, o.member_enrolled_at <= o.ordered_at, false) THEN o.amount ELSE 0 END) AS member_revenue,
       sum(CASE WHEN COALESCE(o.is_member, o.member_enrolled_at <= o.ordered_at, false) THEN 0 ELSE o.amount END) AS nonmember_revenue,
       count(*) AS orders
     FROM lm_orders o
     WHERE o.ordered_at >= ${from} AND o.ordered_at < ${E} GROUP BY 1 ORDER BY 1`,
    `SELECT ${week('enrolled_at')} AS week, count(*) AS enrolled
     FROM members WHERE enrolled_at >= ${from} AND enrolled_at < ${E} GROUP BY 1 ORDER BY 1`,
  ];
}
