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
  /** Points expire this many months after they are earned when the ledger row has no expiry (0: never). */
  expireMonths: number;
  /**
   * Normalize's narrow table of the ledger (`LEDGER_NARROW`), read instead of the canonical view
   * when it was written (DuckDB).
   */
  ledgerTable?: string;
}

/**
 * The ledger columns the command reads, written by normalize's check pass (`NarrowSpec`): ids as
 * their 64-bit hashes (the member join on an integer; the entry id's hash is the FIFO tie-break).
 */
export const LEDGER_NARROW = {
  table: 'lm_ledger_in',
  columns: ['occurred_at', 'type', 'points', 'order_id', 'expires_at'],
  hashes: ['member_id', 'entry_id', 'reward_id'],
} as const;

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

/** Ledger types as the small integer code `k` of `lm_ledger`. */
export const KIND = { earn: 0, redeem: 1, expire: 2, adjust: 3, pending: 4 } as const;

/** Start of the member's current qualification period (a DATE), from `enrolled`. */
function periodStartSql(p: MemberSummaryParams, enrolled: string): string {
  if (p.qualification.period === 'calendar') return `DATE ${literal(p.calendarStart)}`;
  const m = p.qualification.months;
  const asOf = `CAST(${ts(p.end)} - INTERVAL 1 DAY AS DATE)`;
  const k = `CAST(floor(date_diff('month', CAST(${enrolled} AS DATE), ${asOf}) / ${m}) AS INTEGER) * ${m}`;
  const start = `CAST(CAST(${enrolled} AS DATE) + to_months(${k}) AS DATE)`;
  return `(CASE WHEN ${start} > ${asOf} THEN CAST(CAST(${enrolled} AS DATE) + to_months(${k} - ${m}) AS DATE) ELSE ${start} END)`;
}

/**
 * The data pull, as statements: every canonical table read once, into narrow tables keyed by the
 * member number `mi` (0, 1, … in member-id order over the members enrolled before the end):
 *
 * - `lm_member_base`: one row per member (also those enrolled later, with `mi` NULL): tier index,
 *   the tier at the window start for the migration matrix, dimension values, qualification period;
 * - `lm_ledger`, `lm_orders`: the ledger and the orders with the columns the command uses (the
 *   ledger type as a small integer, the reward cost of redemptions, the expiry of lots);
 * - `lm_pending`: pending points whose order has no earn row yet;
 * - `lm_purchases`: per member with an order, the purchase history the models read (distinct
 *   purchase days of the member's customer id, all orders before the end: x, t_x and T in whole
 *   weeks, mean spend of the repeat days, and the same up to the window start for the holdout
 *   check), RFM inputs, and the member orders of the window and the one before it (an order is a
 *   member order when flagged so, else when placed after enrolment) with the qualifying spend;
 * - `lm_member_points`: per member, points earned, redeemed, expired and adjusted, the flows of both
 *   windows, reward cost, activity and qualifying points.
 *
 * `lm_members` (a view) joins them into one row per member, zeros for members without orders or
 * points.
 */
export function memberSummarySql(p: MemberSummaryParams): string[] {
  return [
    memberBaseSql(p),
    ...ledgerAndOrdersSql(p),
    pendingSql(p),
    purchasesSql(p),
    memberOrdersSql(p),
    pointsSummarySql(p),
    flowsSql(p),
    ...membersViewSql(p),
  ];
}

function memberBaseSql(p: MemberSummaryParams): string {
  const E = ts(p.end);
  const S = ts(p.start);
  const tier = `CASE WHEN NULLIF(trim(m.tier), '') IS NULL THEN 0 ELSE ${tierIndexSql('m.tier', p.tiers)} END`;
  const previous = tierIndexSql('m.previous_tier', p.tiers);
  // the tier index at the window start, +1 (0 = not yet a member): the previous tier of members who
  // changed tier inside the window
  const startIdx = `CASE WHEN m.enrolled_at >= ${S} THEN 0
         WHEN m.tier_since >= ${S} AND m.tier_since < ${E} AND ${previous} >= 0 THEN ${previous} + 1
         ELSE ${tier} + 1 END`;
  return `CREATE OR REPLACE TABLE lm_member_base AS
     SELECT m.member_id,
            n.mi,
            m.enrolled_at,
            CAST(${tier} AS INTEGER) AS tier_idx, CAST(${startIdx} AS INTEGER) AS start_idx,
            COALESCE(NULLIF(trim(m.region), ''), '(none)') AS region,
            COALESCE(NULLIF(trim(m.channel), ''), '(none)') AS channel,
            ${COHORT_SQL} AS cohort,
            ${periodStartSql(p, 'm.enrolled_at')} AS period_start
     FROM members m
     -- the member numbers from a window over the ids alone (a window carrying every column costs
     -- four times as much); member ids are unique (the entity's dedupe key)
     JOIN (SELECT member_id,
                  CAST(CASE WHEN enrolled_at < ${E} THEN row_number() OVER (ORDER BY enrolled_at >= ${E}, member_id) - 1 END AS INTEGER) AS mi
           FROM members) n ON n.member_id = m.member_id`;
}

/**
 * The ledger and the orders, each read once (one join on the member id): the member number `mi`
 * (NULL for ids that are no member enrolled before the end); for the ledger the type code `k`,
 * `seq` (a hash of the entry id: the order of rows at the same time, an integer sort key)
 * (`KIND`), the order of earn and pending rows, the reward cost of redemptions (`rcost`, NULL when
 * the reward is not in the catalogue or has no points price) and the expiry of lots (earn rows and
 * positive adjustments: the row's expiry, else `expireMonths` after it); for orders the customer's
 * enrolment time when the customer is a member at all (`member_enrolled_at`).
 */
export function ledgerAndOrdersSql(p: Pick<MemberSummaryParams, 'expireMonths' | 'ledgerTable'>): string[] {
  const expiry =
    p.expireMonths > 0
      ? `COALESCE(l.expires_at, l.occurred_at + to_months(${p.expireMonths}))`
      : 'l.expires_at';
  const kind = Object.entries(KIND)
    .map(([t, k]) => `WHEN ${literal(t)} THEN ${k}`)
    .join(' ');
  return [
    `CREATE OR REPLACE TABLE lm_ledger AS
     SELECT b.mi, l.occurred_at, CAST(CASE l.type ${kind} END AS TINYINT) AS k, l.points,
            ${p.ledgerTable ? 'l.entry_id_hash' : 'hash(l.entry_id)'} AS seq,
            CASE WHEN l.type IN ('earn', 'pending') THEN l.order_id END AS order_id,
            CASE WHEN l.type = 'redeem' THEN r.cost * abs(l.points) / NULLIF(r.points, 0) END AS rcost,
            CASE WHEN l.type = 'earn' OR (l.type = 'adjust' AND l.points > 0) THEN ${expiry} END AS expires_at
     FROM ${
       p.ledgerTable
         ? // normalize's narrow table: member and reward ids as their hashes (LEDGER_NARROW)
           `${p.ledgerTable} l LEFT JOIN (SELECT hash(member_id) AS h, mi FROM lm_member_base) b ON b.h = l.member_id_hash
     LEFT JOIN (SELECT hash(reward_id) AS h, cost, points FROM rewards) r ON r.h = l.reward_id_hash`
         : `ledger l LEFT JOIN lm_member_base b ON b.member_id = l.member_id
     LEFT JOIN rewards r ON r.reward_id = l.reward_id`
     }`,
    `CREATE OR REPLACE TABLE lm_orders AS
     SELECT b.mi, o.order_id, o.customer_id, o.amount, o.ordered_at, o.is_member, o.reward_id IS NOT NULL AS rewarded,
            b.enrolled_at AS member_enrolled_at
     FROM orders o LEFT JOIN lm_member_base b ON b.member_id = o.customer_id`,
  ];
}

/** An order placed as a member: flagged so, else placed after the customer's enrolment. */
export const MEMBER_ORDER_SQL = 'COALESCE(o.is_member, o.member_enrolled_at <= o.ordered_at, false)';

/**
 * Points still pending at the end (table `lm_pending`): pending rows of members whose order has no
 * earn row yet. Only the orders of pending rows are looked up among the earn rows, so the check
 * costs a scan of the ledger, not a join of all its orders.
 */
function pendingSql(p: MemberSummaryParams): string {
  const E = ts(p.end);
  return `CREATE OR REPLACE TABLE lm_pending AS
     SELECT l.mi, l.occurred_at, abs(l.points) AS points
     FROM lm_ledger l
     WHERE l.mi IS NOT NULL AND l.k = ${KIND.pending} AND l.occurred_at < ${E} AND (l.order_id IS NULL OR l.order_id NOT IN (
       SELECT order_id FROM lm_ledger WHERE k = ${KIND.earn} AND occurred_at < ${E}
         AND order_id IN (SELECT order_id FROM lm_ledger WHERE k = ${KIND.pending} AND order_id IS NOT NULL)))`;
}

/** Day numbers: days since 2000-01-01 (purchase days as integers). */
const DAY0 = "DATE '2000-01-01'";
const dayNumber = (d: string) => `date_diff('day', ${DAY0}, ${d})`;
/**
 * A member's purchase day as one integer key: member number × 2²⁰ + day number + 2¹⁹ (days within
 * ±1,400 years of 2000), so the 5M-order GROUP BY runs on one BIGINT instead of (member, day).
 */
const DAY_BITS = 1_048_576;
const DAY_SHIFT = 524_288;

/**
 * Per member with an order before the end (table `lm_purchases`): purchase days (one GROUP BY over
 * member and day, on one integer key, then one over member), the model and RFM inputs and the
 * qualifying spend. Days are day numbers (`dayNumber`).
 */
function purchasesSql(p: MemberSummaryParams): string {
  const E = ts(p.end);
  const endDay = dayNumber(`CAST(${E} AS DATE)`);
  const startDay = dayNumber(`CAST(${ts(p.start)} AS DATE)`);
  const period =
    p.qualification.period === 'calendar'
      ? dayNumber(`DATE ${literal(p.calendarStart)}`)
      : dayNumber('b.period_start');
  const join = p.qualification.period === 'calendar' ? '' : 'JOIN lm_member_base b ON b.mi = d.mi';
  const weeks = (days: string) => `CAST(floor((${days}) / 7) AS INTEGER)`;
  const key = `CAST(o.mi AS BIGINT) * ${DAY_BITS} + ${dayNumber('CAST(o.ordered_at AS DATE)')} + ${DAY_SHIFT}`;
  return `CREATE OR REPLACE TABLE lm_purchases AS
     SELECT mi, CAST(days - 1 AS INTEGER) AS x,
            ${weeks('last_day - first_day')} AS tx,
            ${weeks(`${endDay} - first_day`)} AS t_age,
            CASE WHEN days > 1 THEN (spend_total - first_spend) / (days - 1) ELSE 0 END AS zbar,
            spend_total,
            CASE WHEN days_cal > 0 THEN 1 ELSE 0 END AS has_cal, CAST(greatest(days_cal - 1, 0) AS INTEGER) AS x_cal,
            ${weeks('COALESCE(last_day_cal - first_day, 0)')} AS tx_cal,
            ${weeks(`${startDay} - first_day`)} AS t_cal,
            days_window, ${endDay} - last_day AS recency_days, rfm_orders, rfm_spend, qualifying_spend
     FROM (
       SELECT d.mi, count(*) AS days, min(d.day) AS first_day, max(d.day) AS last_day, sum(d.spend) AS spend_total,
              arg_min(d.spend, d.day) AS first_spend,
              count(*) FILTER (WHERE d.day < ${startDay}) AS days_cal,
              max(d.day) FILTER (WHERE d.day < ${startDay}) AS last_day_cal,
              count(*) FILTER (WHERE d.day >= ${startDay}) AS days_window,
              COALESCE(sum(d.orders) FILTER (WHERE d.day >= ${endDay} - ${p.rfmDays}), 0) AS rfm_orders,
              COALESCE(sum(d.spend) FILTER (WHERE d.day >= ${endDay} - ${p.rfmDays}), 0) AS rfm_spend,
              COALESCE(sum(d.member_spend) FILTER (WHERE d.day >= ${period}), 0) AS qualifying_spend
       FROM (
         SELECT CAST(md // ${DAY_BITS} AS INTEGER) AS mi, CAST(md % ${DAY_BITS} - ${DAY_SHIFT} AS INTEGER) AS day,
                spend, orders, member_spend
         FROM (
           SELECT ${key} AS md, sum(o.amount) AS spend, count(*) AS orders,
                  sum(CASE WHEN ${MEMBER_ORDER_SQL} THEN o.amount END) AS member_spend
           FROM lm_orders o WHERE o.mi IS NOT NULL AND o.ordered_at < ${E}
           GROUP BY 1) k) d ${join}
       GROUP BY d.mi) t`;
}

/**
 * Per member with a member order in the window or the one before it (table `lm_member_orders`):
 * orders, revenue, orders that earned points, orders that used a reward; only those two windows'
 * orders are read.
 */
function memberOrdersSql(p: MemberSummaryParams): string {
  const E = ts(p.end);
  const S = ts(p.start);
  const PS = ts(p.prevStart);
  const sums = (w: string, s: string) =>
    `count(*) FILTER (WHERE ${w}) AS orders${s}, sum(amount) FILTER (WHERE ${w}) AS revenue${s},
     count(*) FILTER (WHERE ${w} AND earning) AS earning_orders${s},
     count(*) FILTER (WHERE ${w} AND rewarded) AS rewards_used${s}`;
  return `CREATE OR REPLACE TABLE lm_member_orders AS
     SELECT mi, ${sums('in_w', '_w')}, ${sums('NOT in_w', '_pw')}
     FROM (SELECT o.mi, o.amount, o.rewarded, o.ordered_at >= ${S} AS in_w, e.order_id IS NOT NULL AS earning
           FROM lm_orders o
           -- earn rows come at or after their order: the two windows' orders need only the ledger from PS on
           LEFT JOIN (SELECT DISTINCT order_id FROM lm_ledger
                      WHERE k IN (${KIND.earn}, ${KIND.pending}) AND order_id IS NOT NULL AND occurred_at >= ${PS} AND occurred_at < ${E}) e
             ON e.order_id = o.order_id
           WHERE o.mi IS NOT NULL AND o.ordered_at >= ${PS} AND o.ordered_at < ${E} AND ${MEMBER_ORDER_SQL}) t
     GROUP BY mi`;
}

/** Points per member (table `lm_member_points`): balances, pending and qualifying points. */
function pointsSummarySql(p: MemberSummaryParams): string {
  const E = ts(p.end);
  const { earn, redeem, expire, adjust, pending } = KIND;
  const sumOf = (v: string, cond: string) => `COALESCE(sum(CASE WHEN ${cond} THEN ${v} END), 0)`;
  const period =
    p.qualification.period === 'calendar' ? `DATE ${literal(p.calendarStart)}` : 'b.period_start';
  const join = p.qualification.period === 'calendar' ? '' : 'JOIN lm_member_base b ON b.mi = l.mi';
  return `CREATE OR REPLACE TABLE lm_member_points AS
     SELECT l.mi,
            ${sumOf('l.pts', `l.k = ${earn}`)} AS earned, ${sumOf('l.pts', `l.k = ${redeem}`)} AS redeemed,
            ${sumOf('l.pts', `l.k = ${expire}`)} AS expired, ${sumOf('l.points', `l.k = ${adjust}`)} AS adjusted,
            ${sumOf('l.pts', `l.k = ${pending}`)} AS pending,
            ${sumOf('l.pts', `l.k = ${earn} AND CAST(l.occurred_at AS DATE) >= ${period}`)} AS qualifying_points
     FROM (SELECT mi, occurred_at, k, points, abs(points) AS pts FROM lm_ledger WHERE mi IS NOT NULL AND occurred_at < ${E} AND k <> ${pending}
           UNION ALL SELECT mi, occurred_at, ${pending}, points, points FROM lm_pending) l ${join}
     GROUP BY l.mi`;
}

/**
 * Points flows per member in the window (`_w`) and the one before it (`_pw`), table
 * `lm_member_flows`: earned (with the still-pending points), redeemed, expired, rewards issued,
 * their cost and the points costed, activity (an earn or redeem event); only those windows' rows
 * are read.
 */
function flowsSql(p: MemberSummaryParams): string {
  const E = ts(p.end);
  const S = ts(p.start);
  const PS = ts(p.prevStart);
  const { earn, redeem, expire, pending } = KIND;
  const sumOf = (v: string, cond: string) => `COALESCE(sum(${v}) FILTER (WHERE ${cond}), 0)`;
  const flows = (w: string, s: string) =>
    [
      `${sumOf('pts', `k IN (${earn}, ${pending}) AND ${w}`)} AS earned${s}`,
      `${sumOf('pts', `k = ${redeem} AND ${w}`)} AS redeemed${s}`,
      `${sumOf('pts', `k = ${expire} AND ${w}`)} AS expired${s}`,
      `count(*) FILTER (WHERE k = ${redeem} AND ${w}) AS rewards_issued${s}`,
      `${sumOf('rcost', `k = ${redeem} AND ${w}`)} AS reward_cost${s}`,
      `${sumOf('pts', `k = ${redeem} AND ${w} AND rcost IS NOT NULL`)} AS costed_points${s}`,
      `CASE WHEN count(*) FILTER (WHERE k IN (${earn}, ${redeem}) AND ${w}) > 0 THEN 1 ELSE 0 END AS active${s}`,
    ].join(', ');
  return `CREATE OR REPLACE TABLE lm_member_flows AS
     SELECT mi, ${flows('in_w', '_w')}, ${flows('NOT in_w', '_pw')}
     FROM (SELECT mi, k, abs(points) AS pts, rcost, occurred_at >= ${S} AS in_w FROM lm_ledger
           WHERE mi IS NOT NULL AND occurred_at >= ${PS} AND occurred_at < ${E} AND k <> ${pending}
           UNION ALL SELECT mi, ${pending}, points, NULL, occurred_at >= ${S} FROM lm_pending WHERE occurred_at >= ${PS}) l
     GROUP BY mi`;
}

/**
 * One row per member (enrolled before the end), zeros for members without orders or points, with
 * the qualifying value (spend or points, as the tier rules measure) and the days left in the
 * qualification period.
 */
function membersViewSql(p: MemberSummaryParams): string[] {
  const qualifying =
    p.qualification.measure === 'points'
      ? 'COALESCE(pt.qualifying_points, 0)'
      : 'COALESCE(pu.qualifying_spend, 0)';
  const periodEnd = `CAST(b.period_start + to_months(${p.qualification.months}) AS DATE)`;
  return [
    `CREATE OR REPLACE VIEW lm_members AS
     SELECT b.mi, b.member_id, b.enrolled_at, b.tier_idx, b.start_idx, b.region, b.channel, b.cohort, b.period_start,
            CASE WHEN pu.mi IS NULL THEN 0 ELSE 1 END AS has_purchase,
            COALESCE(pu.x, 0) AS x, COALESCE(pu.tx, 0) AS tx, COALESCE(pu.t_age, 0) AS t_age, COALESCE(pu.zbar, 0) AS zbar,
            COALESCE(pu.spend_total, 0) AS spend_total, COALESCE(pu.recency_days, 0) AS recency_days,
            COALESCE(pu.rfm_orders, 0) AS rfm_orders, COALESCE(pu.rfm_spend, 0) AS rfm_spend,
            ${['orders', 'revenue', 'earning_orders', 'rewards_used']
              .flatMap((c) => [`COALESCE(mo.${c}_w, 0) AS ${c}_w`, `COALESCE(mo.${c}_pw, 0) AS ${c}_pw`])
              .join(', ')},
            ${['earned', 'redeemed', 'expired', 'adjusted', 'pending']
              .map((c) => `COALESCE(pt.${c}, 0) AS ${c}`)
              .join(', ')},
            COALESCE(pt.earned, 0) - COALESCE(pt.redeemed, 0) - COALESCE(pt.expired, 0) + COALESCE(pt.adjusted, 0) AS balance,
            ${['earned', 'redeemed', 'expired', 'rewards_issued', 'reward_cost', 'costed_points', 'active']
              .flatMap((c) => [`COALESCE(fl.${c}_w, 0) AS ${c}_w`, `COALESCE(fl.${c}_pw, 0) AS ${c}_pw`])
              .join(', ')},
            ${qualifying} AS qualifying,
            date_diff('day', CAST(${ts(p.end)} - INTERVAL 1 DAY AS DATE), ${periodEnd}) AS days_left
     FROM lm_member_base b
     LEFT JOIN lm_purchases pu ON pu.mi = b.mi
     LEFT JOIN lm_member_orders mo ON mo.mi = b.mi
     LEFT JOIN lm_member_points pt ON pt.mi = b.mi
     LEFT JOIN lm_member_flows fl ON fl.mi = b.mi
     WHERE b.mi IS NOT NULL`,
    // the tier progress alone (the segments read it without the window sums)
    `CREATE OR REPLACE VIEW lm_member_progress AS
     SELECT b.mi, ${qualifying} AS qualifying,
            date_diff('day', CAST(${ts(p.end)} - INTERVAL 1 DAY AS DATE), ${periodEnd}) AS days_left,
            COALESCE(pt.redeemed, 0) AS redeemed
     FROM lm_member_base b
     ${p.qualification.measure === 'points' ? '' : 'LEFT JOIN lm_purchases pu ON pu.mi = b.mi'}
     LEFT JOIN lm_member_points pt ON pt.mi = b.mi
     WHERE b.mi IS NOT NULL`,
  ];
}
