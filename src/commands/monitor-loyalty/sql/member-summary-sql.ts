import { literal } from '../../../data/index.ts';

/** What the member summary needs to know besides the canonical tables. */
export interface MemberSummaryParams {
  /** Window [start, end) and the window before it, ISO instants. */
  start: string;
  end: string;
  prevStart: string;
  /** Tier names (lower-cased) in rank order, lowest first: the tier index of a member. */
  tiers: readonly string[];
  /** Qualification period of the tier rules: calendar blocks from January 1 or from enrolment. */
  qualification: { period: 'calendar' | 'anniversary'; months: number; measure: 'spend' | 'points' };
  /** First day of the current calendar qualification period (calendar periods only). */
  calendarStart: string;
  /** RFM frequency and monetary look back this many days from the end. */
  rfmDays: number;
}

/** A timestamp literal for an ISO instant. */
export const ts = (iso: string): string => literal(new Date(iso));

/** 0-based tier index of a tier name (−1 when unknown; callers list every tier). */
export function tierIndexSql(column: string, tiers: readonly string[]): string {
  if (!tiers.length) return '-1';
  const whens = tiers.map((t, i) => `WHEN ${literal(t)} THEN ${i}`).join(' ');
  return `CASE lower(trim(${column})) ${whens} ELSE -1 END`;
}

/** The member's cohort: the configured label, else the quarter of enrolment (2025-Q3). */
export const COHORT_SQL = `COALESCE(NULLIF(trim(m.cohort), ''), CAST(year(m.enrolled_at) AS VARCHAR) || '-Q' || CAST(quarter(m.enrolled_at) AS VARCHAR))`;

/** Start of the member's current qualification period (a DATE). */
function periodStartSql(p: MemberSummaryParams): string {
  if (p.qualification.period === 'calendar') return `DATE ${literal(p.calendarStart)}`;
  const m = p.qualification.months;
  const asOf = `CAST(${ts(p.end)} - INTERVAL 1 DAY AS DATE)`;
  const k = `CAST(floor(date_diff('month', CAST(m.enrolled_at AS DATE), ${asOf}) / ${m}) AS INTEGER) * ${m}`;
  const start = `CAST(CAST(m.enrolled_at AS DATE) + to_months(${k}) AS DATE)`;
  return `(CASE WHEN ${start} > ${asOf} THEN CAST(CAST(m.enrolled_at AS DATE) + to_months(${k} - ${m}) AS DATE) ELSE ${start} END)`;
}

/**
 * One row per member (table `lm_members`; `mi` numbers the members 0, 1, … in member-id order, and
 * readers that need that order sort by it): tier index and dimension values; the purchase history the models read (distinct purchase
 * days of the member's customer id, all orders before the end: x, t_x and T in whole weeks, mean
 * spend of the repeat days, and the same up to the window start for the holdout check); RFM
 * inputs; the member's orders, points and rewards in the window and the one before it; balances;
 * and the qualifying value and days left of the current qualification period.
 *
 * The ledger and the orders are read once each, into slim tables keyed by the member number
 * (`lm_ledger`, `lm_orders`, see `ledgerAndOrdersSql`); every later statement of the command reads
 * those instead of joining the canonical tables on member ids again.
 */
export function memberSummarySql(p: MemberSummaryParams): string[] {
  const E = ts(p.end);
  const S = ts(p.start);
  const PS = ts(p.prevStart);
  const endDay = `CAST(${E} AS DATE)`;
  const startDay = `CAST(${S} AS DATE)`;
  const inW = (col: string) => `(${col} >= ${S} AND ${col} < ${E})`;
  const inPW = (col: string) => `(${col} >= ${PS} AND ${col} < ${S})`;
  const period = periodStartSql(p);
  return [
    `CREATE OR REPLACE TABLE lm_member_base AS
     SELECT m.member_id, CAST(row_number() OVER (ORDER BY m.member_id) - 1 AS INTEGER) AS mi,
            m.enrolled_at, m.tier, m.tier_since, m.previous_tier,
            COALESCE(NULLIF(trim(m.region), ''), '(none)') AS region,
            COALESCE(NULLIF(trim(m.channel), ''), '(none)') AS channel,
            ${COHORT_SQL} AS cohort,
            CASE WHEN NULLIF(trim(m.tier), '') IS NULL THEN 0 ELSE ${tierIndexSql('m.tier', p.tiers)} END AS tier_idx,
            ${period} AS period_start
     FROM members m WHERE m.enrolled_at < ${E} ORDER BY m.member_id`,
    ...ledgerAndOrdersSql(),
    pendingSql(p),
    `CREATE OR REPLACE TABLE lm_days AS
     SELECT o.mi, CAST(o.ordered_at AS DATE) AS day, sum(o.amount) AS spend, count(*) AS orders
     FROM lm_orders o WHERE o.mi IS NOT NULL AND o.ordered_at < ${E} GROUP BY 1, 2`,
    `CREATE OR REPLACE TABLE lm_purchases AS
     SELECT mi, count(*) AS days, min(day) AS first_day, max(day) AS last_day, sum(spend) AS spend_total,
            arg_min(spend, day) AS first_spend,
            sum(CASE WHEN day < ${startDay} THEN 1 ELSE 0 END) AS days_cal,
            max(CASE WHEN day < ${startDay} THEN day END) AS last_day_cal,
            sum(CASE WHEN day >= ${startDay} THEN 1 ELSE 0 END) AS days_window,
            sum(CASE WHEN day >= ${endDay} - INTERVAL ${p.rfmDays} DAY THEN orders ELSE 0 END) AS rfm_orders,
            sum(CASE WHEN day >= ${endDay} - INTERVAL ${p.rfmDays} DAY THEN spend ELSE 0 END) AS rfm_spend
     FROM lm_days GROUP BY mi`,
    'DROP TABLE lm_days',
    `CREATE OR REPLACE TABLE lm_member_orders AS
     SELECT o.mi,
            sum(CASE WHEN ${inW('o.ordered_at')} THEN 1 ELSE 0 END) AS orders_w,
            sum(CASE WHEN ${inW('o.ordered_at')} THEN o.amount ELSE 0 END) AS revenue_w,
            sum(CASE WHEN ${inW('o.ordered_at')} AND e.order_id IS NOT NULL THEN 1 ELSE 0 END) AS earning_orders_w,
            sum(CASE WHEN ${inW('o.ordered_at')} AND o.reward_id IS NOT NULL THEN 1 ELSE 0 END) AS rewards_used_w,
            sum(CASE WHEN ${inPW('o.ordered_at')} THEN 1 ELSE 0 END) AS orders_pw,
            sum(CASE WHEN ${inPW('o.ordered_at')} THEN o.amount ELSE 0 END) AS revenue_pw,
            sum(CASE WHEN ${inPW('o.ordered_at')} AND e.order_id IS NOT NULL THEN 1 ELSE 0 END) AS earning_orders_pw,
            sum(CASE WHEN ${inPW('o.ordered_at')} AND o.reward_id IS NOT NULL THEN 1 ELSE 0 END) AS rewards_used_pw,
            sum(CASE WHEN CAST(o.ordered_at AS DATE) >= m.period_start THEN o.amount ELSE 0 END) AS qualifying_spend
     FROM lm_orders o JOIN lm_member_base m ON m.mi = o.mi
     -- earn rows come at or after their order: the two windows' orders need only the ledger from PS on
     LEFT JOIN (SELECT DISTINCT order_id FROM lm_ledger WHERE type IN ('earn', 'pending') AND order_id IS NOT NULL AND occurred_at >= ${PS} AND occurred_at < ${E}) e
       ON e.order_id = o.order_id
     WHERE o.ordered_at < ${E} AND COALESCE(o.is_member, m.enrolled_at <= o.ordered_at)
     GROUP BY 1`,
    ledgerSummarySql(p, inW, inPW),
    memberTableSql(p),
    // the parts live on in lm_members only (memory: a million members each)
    ...['lm_purchases', 'lm_member_orders', 'lm_member_points'].map((t) => `DROP TABLE ${t}`),
  ];
}

/**
 * The ledger and the orders, each read once: the columns the command uses, with the member number
 * `mi` (NULL for ids that are no member enrolled before the end) and, for orders, the enrolment
 * time of the customer when the customer is a member at all (`member_enrolled_at`).
 */
export function ledgerAndOrdersSql(): string[] {
  return [
    `CREATE OR REPLACE TABLE lm_ledger AS
     SELECT b.mi, l.member_id, l.entry_id, l.occurred_at, l.type, l.points, l.order_id, l.reward_id, l.expires_at
     FROM ledger l LEFT JOIN (SELECT member_id, mi FROM lm_member_base) b ON b.member_id = l.member_id`,
    `CREATE OR REPLACE TABLE lm_orders AS
     SELECT b.mi, o.order_id, o.customer_id, o.amount, o.ordered_at, o.is_member, o.reward_id,
            m.enrolled_at AS member_enrolled_at
     FROM orders o LEFT JOIN (SELECT member_id, enrolled_at FROM members) m ON m.member_id = o.customer_id
     LEFT JOIN (SELECT member_id, mi FROM lm_member_base) b ON b.member_id = o.customer_id`,
  ];
}

/**
 * Points still pending at the end (table `lm_pending`): pending rows of members whose order has no
 * earn row yet. Only the orders of pending rows are looked up among the earn rows, so the check
 * costs a scan of the ledger, not a join of all its orders.
 */
function pendingSql(p: MemberSummaryParams): string {
  const E = ts(p.end);
  return `CREATE OR REPLACE TABLE lm_pending AS
     SELECT l.mi, l.member_id, l.occurred_at, abs(l.points) AS points, l.order_id
     FROM lm_ledger l
     WHERE l.mi IS NOT NULL AND l.type = 'pending' AND l.occurred_at < ${E} AND (l.order_id IS NULL OR l.order_id NOT IN (
       SELECT order_id FROM lm_ledger WHERE type = 'earn' AND occurred_at < ${E}
         AND order_id IN (SELECT order_id FROM lm_ledger WHERE type = 'pending' AND order_id IS NOT NULL)))`;
}

/** Points per member: balances, flows in both windows, reward cost, pending and qualifying points. */
function ledgerSummarySql(
  p: MemberSummaryParams,
  inW: (c: string) => string,
  inPW: (c: string) => string,
): string {
  const E = ts(p.end);
  const pts = `abs(l.points)`;
  // A redemption buys points / reward points units of the reward (vouchers: one; pay-with-points: one per point).
  const cost = `r.cost * abs(l.points) / NULLIF(r.points, 0)`;
  // Still-pending points join the earned flows in the member table (lm_pending).
  const flow = (type: string, w: (c: string) => string) =>
    `sum(CASE WHEN l.type = '${type}' AND ${w('l.occurred_at')} THEN ${pts} ELSE 0 END)`;
  const events = (w: (c: string) => string) =>
    `max(CASE WHEN l.type IN ('earn', 'redeem') AND ${w('l.occurred_at')} THEN 1 ELSE 0 END)`;
  return `CREATE OR REPLACE TABLE lm_member_points AS
     SELECT l.mi,
            sum(CASE WHEN l.type = 'earn' THEN ${pts} ELSE 0 END) AS earned,
            sum(CASE WHEN l.type = 'redeem' THEN ${pts} ELSE 0 END) AS redeemed,
            sum(CASE WHEN l.type = 'expire' THEN ${pts} ELSE 0 END) AS expired,
            sum(CASE WHEN l.type = 'adjust' THEN l.points ELSE 0 END) AS adjusted,
            ${flow('earn', inW)} AS earned_w, ${flow('redeem', inW)} AS redeemed_w, ${flow('expire', inW)} AS expired_w,
            ${flow('earn', inPW)} AS earned_pw, ${flow('redeem', inPW)} AS redeemed_pw, ${flow('expire', inPW)} AS expired_pw,
            sum(CASE WHEN l.type = 'redeem' AND ${inW('l.occurred_at')} THEN 1 ELSE 0 END) AS rewards_issued_w,
            sum(CASE WHEN l.type = 'redeem' AND ${inPW('l.occurred_at')} THEN 1 ELSE 0 END) AS rewards_issued_pw,
            sum(CASE WHEN l.type = 'redeem' AND ${inW('l.occurred_at')} AND r.reward_id IS NOT NULL THEN ${cost} ELSE 0 END) AS reward_cost_w,
            sum(CASE WHEN l.type = 'redeem' AND ${inW('l.occurred_at')} AND r.reward_id IS NOT NULL AND r.points > 0 THEN ${pts} ELSE 0 END) AS costed_points_w,
            sum(CASE WHEN l.type = 'redeem' AND ${inPW('l.occurred_at')} AND r.reward_id IS NOT NULL THEN ${cost} ELSE 0 END) AS reward_cost_pw,
            sum(CASE WHEN l.type = 'redeem' AND ${inPW('l.occurred_at')} AND r.reward_id IS NOT NULL AND r.points > 0 THEN ${pts} ELSE 0 END) AS costed_points_pw,
            ${events(inW)} AS active_w, ${events(inPW)} AS active_pw,
            sum(CASE WHEN l.type = 'earn' AND CAST(l.occurred_at AS DATE) >= m.period_start THEN ${pts} ELSE 0 END) AS qualifying_points
     FROM lm_ledger l JOIN lm_member_base m ON m.mi = l.mi
     LEFT JOIN rewards r ON r.reward_id = l.reward_id
     WHERE l.occurred_at < ${E} AND l.type <> 'pending'
     GROUP BY l.mi`;
}

/** The member table: base, purchases, orders and points joined, with the model inputs in weeks. */
function memberTableSql(p: MemberSummaryParams): string {
  const endDay = `CAST(${ts(p.end)} AS DATE)`;
  const startDay = `CAST(${ts(p.start)} AS DATE)`;
  const z = (c: string) => `COALESCE(${c}, 0)`;
  const qualifying =
    p.qualification.measure === 'points' ? z('pt.qualifying_points') : z('o.qualifying_spend');
  const periodEnd = `CAST(b.period_start + to_months(${p.qualification.months}) AS DATE)`;
  return `CREATE OR REPLACE TABLE lm_members AS
     SELECT b.*, b.tier_idx AS end_idx,
            CASE WHEN pu.days IS NULL THEN 0 ELSE 1 END AS has_purchase,
            ${z('pu.days')} - CASE WHEN pu.days IS NULL THEN 0 ELSE 1 END AS x,
            CAST(floor(${z("date_diff('day', pu.first_day, pu.last_day)")} / 7) AS INTEGER) AS tx,
            CAST(floor(${z(`date_diff('day', pu.first_day, ${endDay})`)} / 7) AS INTEGER) AS t_age,
            CASE WHEN pu.days > 1 THEN (pu.spend_total - pu.first_spend) / (pu.days - 1) ELSE 0 END AS zbar,
            ${z('pu.spend_total')} AS spend_total,
            CASE WHEN pu.days_cal > 0 THEN 1 ELSE 0 END AS has_cal,
            greatest(${z('pu.days_cal')} - 1, 0) AS x_cal,
            CAST(floor(${z("date_diff('day', pu.first_day, pu.last_day_cal)")} / 7) AS INTEGER) AS tx_cal,
            CAST(floor(${z(`date_diff('day', pu.first_day, ${startDay})`)} / 7) AS INTEGER) AS t_cal,
            ${z('pu.days_window')} AS days_window,
            ${z(`date_diff('day', pu.last_day, ${endDay})`)} AS recency_days,
            ${z('pu.rfm_orders')} AS rfm_orders, ${z('pu.rfm_spend')} AS rfm_spend,
            ${z('o.orders_w')} AS orders_w, ${z('o.revenue_w')} AS revenue_w, ${z('o.earning_orders_w')} AS earning_orders_w,
            ${z('o.rewards_used_w')} AS rewards_used_w, ${z('o.orders_pw')} AS orders_pw, ${z('o.revenue_pw')} AS revenue_pw,
            ${z('o.earning_orders_pw')} AS earning_orders_pw, ${z('o.rewards_used_pw')} AS rewards_used_pw,
            ${z('pt.earned')} AS earned, ${z('pt.redeemed')} AS redeemed, ${z('pt.expired')} AS expired,
            ${z('pt.adjusted')} AS adjusted, ${z('pp.pending')} AS pending,
            ${z('pt.earned')} - ${z('pt.redeemed')} - ${z('pt.expired')} + ${z('pt.adjusted')} AS balance,
            ${z('pt.earned_w')} + ${z('pp.pending_w')} AS earned_w, ${z('pt.redeemed_w')} AS redeemed_w, ${z('pt.expired_w')} AS expired_w,
            ${z('pt.earned_pw')} + ${z('pp.pending_pw')} AS earned_pw, ${z('pt.redeemed_pw')} AS redeemed_pw, ${z('pt.expired_pw')} AS expired_pw,
            ${z('pt.rewards_issued_w')} AS rewards_issued_w, ${z('pt.rewards_issued_pw')} AS rewards_issued_pw,
            ${z('pt.reward_cost_w')} AS reward_cost_w, ${z('pt.costed_points_w')} AS costed_points_w,
            ${z('pt.reward_cost_pw')} AS reward_cost_pw, ${z('pt.costed_points_pw')} AS costed_points_pw,
            ${z('pt.active_w')} AS active_w, ${z('pt.active_pw')} AS active_pw,
            ${qualifying} AS qualifying,
            date_diff('day', CAST(${ts(p.end)} - INTERVAL 1 DAY AS DATE), ${periodEnd}) AS days_left
     FROM lm_member_base b
     LEFT JOIN lm_purchases pu ON pu.mi = b.mi
     LEFT JOIN lm_member_orders o ON o.mi = b.mi
     LEFT JOIN lm_member_points pt ON pt.mi = b.mi
     LEFT JOIN (SELECT mi, sum(points) AS pending,
                       sum(CASE WHEN occurred_at >= ${ts(p.start)} THEN points ELSE 0 END) AS pending_w,
                       sum(CASE WHEN occurred_at >= ${ts(p.prevStart)} AND occurred_at < ${ts(p.start)} THEN points ELSE 0 END) AS pending_pw
                FROM lm_pending GROUP BY mi) pp ON pp.mi = b.mi`;
}
