import { literal, quoteIdent, type Engine, type NarrowSpec } from '../../../data/index.ts';
import { narrowHashSql, type NarrowResult } from '../../../data/entities/index.ts';
import { trimCh } from '../../../data/normalize/parse-clickhouse.ts';
import { dec6, exactSum, exactSumIf } from '../../shared/exact-sum.ts';
import {
  FIRST_NOT_COUNTED,
  ORDER_KIND_CH,
  orderKindSql,
  orderNetSql,
  orderRefundSql,
} from './order-status-sql.ts';

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
  /** Pending rows older than this many days at the end are stale (0: never; `lm_pending_stale`). */
  pendingDays: number;
  /**
   * Normalize's narrow table of the ledger (`LEDGER_NARROW`), read instead of the canonical view
   * when it was written (on ClickHouse a view of the run, the entry id hashed with `cityHash64`).
   */
  ledgerTable?: string;
  /**
   * What normalize wrote of that table (DuckDB): the entry ids it rekeyed after a hash collision,
   * read through `narrowHashSql` when the canonical ledger is read instead.
   */
  ledgerNarrow?: NarrowResult;
  /**
   * Set when normalize wrote `lm_ledger` and `lm_orders` themselves (`narrowTablesSpec`, DuckDB):
   * `lm_member_num` exists then, and the two tables are not written again.
   */
  narrowTables?: boolean;
  /**
   * 18 when every order amount is below `AMOUNT64_BELOW` (`amountDigitsOf`): the orders' amounts
   * are summed as DECIMAL(18, 6), 64-bit, else (and by default) as DECIMAL(38, 6). The same sums.
   */
  amountDigits?: 18 | 38;
}

/**
 * Order amounts below this fit a DECIMAL(18, 6) with room to spare (its limit is 1e12): such an
 * amount rounds to 6 decimals as it does into DECIMAL(38, 6), and the sum of DECIMAL(18, 6) values
 * is the same DECIMAL(38, 6), but the cast from a double and the additions run on 64-bit integers
 * instead of 128-bit ones (the purchase days at 10M ledger rows: about 0.7 s CPU of 6).
 */
const AMOUNT64_BELOW = 1e11;

/** 18 when every amount of `lm_orders` is below `AMOUNT64_BELOW` (or there is none), else 38 (`amountDigits`). */
export async function amountDigitsOf(engine: Engine): Promise<18 | 38> {
  const [{ m }] = await engine.query<{ m: number | null }>('SELECT max(abs(amount)) AS m FROM lm_orders');
  return m === null || Number(m) < AMOUNT64_BELOW ? 18 : 38;
}

/** An order amount as an exact decimal with 6 decimals (`dec6`), 64-bit when `amountDigits` is 18. */
const amount6 = (p: Pick<MemberSummaryParams, 'amountDigits'>, expr: string): string =>
  p.amountDigits === 18 ? `CAST(${expr} AS DECIMAL(18, 6))` : dec6(expr);

/**
 * The ledger columns the command reads, written by normalize's check pass (`NarrowSpec`): the
 * member and reward ids as text (joined as text: exact, and cheaper in normalize than hashes, whose
 * exactness check reads the member ids once more), the entry id as its 64-bit hash (the FIFO
 * tie-break: an integer sort key; only ever compared with itself).
 */
export const LEDGER_NARROW = {
  table: 'lm_ledger_in',
  columns: ['occurred_at', 'type', 'points', 'order_id', 'expires_at', 'member_id', 'reward_id'],
  hashes: ['entry_id'],
  // on a collision of two entry ids' hashes the kit gives them keys of their own (DuckDB; ClickHouse
  // stops), and `narrowHashSql` reads them: the canonical fallback sorts by the same keys
  rekey: true,
} as const;

/**
 * The member numbers (table `lm_member_num`: every member's id and enrolment, and `mi`): 0, 1, … in
 * member-id order over the members enrolled before the end, NULL for the others (member ids are
 * unique: the entity's dedupe key). A window over the ids alone (one carrying every member column
 * costs four times as much).
 */
export function memberNumbersSql(end: string): string {
  const E = ts(end);
  return `CREATE OR REPLACE TABLE lm_member_num AS
     SELECT member_id, enrolled_at,
            CAST(CASE WHEN enrolled_at < ${E} THEN row_number() OVER (ORDER BY enrolled_at >= ${E}, member_id) - 1 END AS INTEGER) AS mi
     FROM members WHERE member_id IS NOT NULL`;
}

/** `lm_ledger`'s columns from a ledger row `l` and its reward `r` (`ledgerAndOrdersSql`, `ledgerNarrowSpec`). */
function ledgerColumns(l: string, r: string, expireMonths: number): Record<string, string> {
  const kind = LEDGER_TYPES.map((t) => `WHEN ${literal(t)} THEN ${KIND[t]}`).join(' ');
  const expiry =
    expireMonths > 0
      ? `COALESCE(${l}.expires_at, ${l}.occurred_at + to_months(${expireMonths}))`
      : `${l}.expires_at`;
  // an earn of negative points is a reversal (a returned order's points taken back): a code of its
  // own, consumed like a negative adjustment (its points taken back first in first out, not added
  // as earned), but told apart from one: it nets the qualifying points and its cohort's issued points
  const reversal = `(${l}."type" = 'earn' AND ${l}.points < 0)`;
  return {
    k: `CAST(CASE WHEN ${reversal} THEN ${KIND.reversal} ELSE CASE ${l}."type" ${kind} END END AS TINYINT)`,
    order_id: `CASE WHEN ${l}."type" IN ('earn', 'pending') AND NOT ${reversal} THEN ${l}.order_id END`,
    rcost: `CASE WHEN ${l}."type" = 'redeem' THEN ${r}.cost * abs(${l}.points) / NULLIF(${r}.points, 0) END`,
    expires_at: `CASE WHEN (${l}."type" = 'earn' AND NOT ${reversal}) OR (${l}."type" = 'adjust' AND ${l}.points > 0) THEN ${expiry} END`,
  };
}

/**
 * `lm_ledger.orphan_id`: the ledger row's member id when no member has it (`m`: the row's
 * `lm_member_num` match), NULL otherwise: what the id-case check reads of the orphans' ids.
 */
const ORPHAN_ID = (m: string, l: string) => `CASE WHEN ${m}.member_id IS NULL THEN ${l}.member_id END`;

/** `lm_ledger`'s columns computed in normalize's pass under another name (see `narrowTablesSpec`). */
const RENAMED: Record<string, string> = { order_id: 'lm_order_id', expires_at: 'lm_expires_at' };

/**
 * On DuckDB the narrow tables of the ledger and the orders are `lm_ledger` and `lm_orders`
 * themselves, written by normalize's check pass (`NarrowSpec.computed` over `lookups`): the member
 * number from `lm_member_num` (written before the passes, once the members are normalized), the
 * type code, the reward cost of redemptions and the expiry of lots computed as the rows are read,
 * so neither table is read and written a second time. The entry id is hashed as in
 * `LEDGER_NARROW` (`entry_id_hash`, renamed `seq` after normalize by `memberSummarySql`).
 */
export function narrowTablesSpec(p: { end: string; expireMonths: number }): Record<string, NarrowSpec> {
  let numbered = false;
  const prepare = {
    after: ['members'],
    // one numbering for both passes
    run: async (engine: Engine) => {
      if (numbered) return;
      await engine.exec(memberNumbersSql(p.end));
      numbered = true;
    },
  };
  return {
    ledger: {
      table: 'lm_ledger',
      columns: ['occurred_at', 'points'],
      hashes: ['entry_id'],
      rekey: true,
      prepare: { ...prepare, after: ['members', 'rewards'] },
      lookups: [
        { alias: 'm', table: 'lm_member_num', on: { member_id: 'member_id' } },
        { alias: 'r', table: 'rewards', on: { reward_id: 'reward_id' } },
      ],
      // order_id and expires_at are canonical columns too: computed under other names (a computed
      // column named as a canonical one would lose to it), renamed after normalize
      computed: Object.fromEntries(
        Object.entries({
          mi: 'm.mi',
          orphan_id: ORPHAN_ID('m', 's'),
          ...ledgerColumns('s', 'r', p.expireMonths),
        }).map(([c, sql]) => [RENAMED[c] ?? c, sql]),
      ),
    },
    orders: {
      table: 'lm_orders',
      // the amount net of its refund, what the order is (counted or not, ORDER_KIND) and its
      // partial refund: the orders not counted are deleted, and lm_amount renamed amount, once the
      // pass is done (finishNarrowOrders)
      columns: ['order_id', 'customer_id', 'ordered_at', 'is_member'],
      prepare,
      lookups: [{ alias: 'm', table: 'lm_member_num', on: { customer_id: 'member_id' } }],
      computed: {
        mi: 'm.mi',
        lm_amount: orderNetSql('s'),
        lm_kind: orderKindSql('s'),
        lm_refund: orderRefundSql('s'),
        rewarded: 's.reward_id IS NOT NULL',
        member_enrolled_at: 'm.enrolled_at',
      },
    },
  };
}

/** A timestamp literal for an ISO instant. */
export const ts = (iso: string): string => literal(new Date(iso));

/**
 * An aggregate over the rows where `cond` holds, as `fn(CASE WHEN cond THEN arg END)` (`*` counts
 * rows): the same value as `fn(arg) FILTER (WHERE cond)` (NULL when no row qualifies, `count` 0),
 * cheaper in DuckDB, whose FILTER slices the input chunk once per filtered aggregate (flows and
 * lot totals at 10M ledger rows: 5.3 → 4.6 s CPU, four alternating pairs).
 */
export const aggIf = (fn: 'sum' | 'count' | 'min' | 'max', arg: string, cond: string): string =>
  `${fn}(CASE WHEN ${cond} THEN ${arg === '*' ? '1' : arg} END)`;

/** 0-based tier index of a tier name (−1 when unknown; callers list every tier). */
export function tierIndexSql(column: string, tiers: readonly string[]): string {
  if (!tiers.length) return '-1';
  const whens = tiers.map((t, i) => `WHEN ${literal(t)} THEN ${i}`).join(' ');
  return `CASE lower(trim(${column})) ${whens} ELSE -1 END`;
}

/** The member's cohort: the configured label, else the quarter of enrolment (2025-Q3). */
export const COHORT_SQL = `COALESCE(NULLIF(trim(m.cohort), ''), CAST(year(m.enrolled_at) AS VARCHAR) || '-Q' || CAST(quarter(m.enrolled_at) AS VARCHAR))`;

/**
 * Ledger rows as the small integer code `k` of `lm_ledger`: the five ledger types, and `reversal`,
 * an `earn` of negative points (a returned order's points taken back), which no ledger type names.
 */
export const KIND = { earn: 0, redeem: 1, expire: 2, adjust: 3, pending: 4, reversal: 5 } as const;

/** The ledger types (`KIND` but the reversal, which is an earn row's sign, not a type). */
const LEDGER_TYPES = ['earn', 'redeem', 'expire', 'adjust', 'pending'] as const;

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
 * - `lm_member_points` (and the FIFO lots, `lm_lots` and `lm_cons`): the statements `points` given,
 *   `pointsLotsSql` and `pointTotalsSql`: per member, points earned, redeemed, expired, adjusted,
 *   pending and qualifying, and the active points (FIFO, none past expiry);
 * - `lm_member_flows`: per member, the points flows of both windows, reward cost and activity.
 *
 * `lm_members` (a view) joins them into one row per member, zeros for members without orders or
 * points; `lm_member_window` (a view) the same without the purchase history (what the KPIs read);
 * `lm_member_progress` (a view) the tier progress.
 */
export function memberSummarySql(p: MemberSummaryParams, points: readonly string[]): string[] {
  const [ledger, orders] = ledgerAndOrdersSql(p);
  return [
    ...(p.narrowTables
      ? // normalize wrote lm_member_num, lm_ledger and lm_orders (narrowTablesSpec)
        [
          memberBaseSql(p),
          ...Object.entries({
            entry_id_hash: 'seq',
            ...Object.fromEntries(Object.entries(RENAMED).map(([a, b]) => [b, a])),
          }).map(([from, to]) => `ALTER TABLE lm_ledger RENAME COLUMN ${from} TO ${to}`),
        ]
      : [
          memberNumbersSql(p.end),
          memberBaseSql(p),
          ledger,
          // lm_ledger holds all the command reads of the narrow table: its memory goes to the next tables
          ...(p.ledgerTable ? [`DROP TABLE IF EXISTS ${quoteIdent(p.ledgerTable)}`] : []),
          orders,
        ]),
    // the member numbers are in lm_member_base, lm_ledger and lm_orders now
    'DROP TABLE lm_member_num',
    ...pendingSql(p),
    purchasesSql(p),
    memberOrdersSql(p),
    // whether any order names a reward (reward usage is not measured otherwise: kpi-stage), kept
    // before the flag goes
    'CREATE OR REPLACE TABLE lm_orders_rewarded AS SELECT count(*) AS n FROM lm_orders WHERE rewarded',
    ...dropColumns('lm_orders', ['rewarded']),
    // the FIFO lots and consumptions, and from them the point totals per member (`lm_member_points`)
    ...points,
    ...dropColumns('lm_ledger', ['seq', 'expires_at']),
    flowsSql(p),
    ...dropColumns('lm_ledger', ['rcost']),
    ...membersViewSql(p),
  ];
}

/**
 * Drops columns no later statement reads, as soon as the last one has (memberSummarySql): the
 * orders' reward flag (the member orders), the ledger's FIFO tie-break `seq` and lot expiry (the
 * lots) and its reward cost (the flows). Their memory (a tenth of the run's peak at 10M ledger rows)
 * goes to the tables and joins that come next instead of fresh pages.
 */
const dropColumns = (table: string, columns: string[]): string[] =>
  columns.map((c) => `ALTER TABLE ${table} DROP COLUMN ${c}`);

function memberBaseSql(p: MemberSummaryParams): string {
  const E = ts(p.end);
  const S = ts(p.start);
  const current = `CASE WHEN NULLIF(trim(m.tier), '') IS NULL THEN 0 ELSE ${tierIndexSql('m.tier', p.tiers)} END`;
  const previous = tierIndexSql('m.previous_tier', p.tiers);
  // the tier at the window end: the previous tier of members whose tier changed after it (a members
  // export newer than as-of)
  const tier = `CASE WHEN m.tier_since >= ${E} AND ${previous} >= 0 THEN ${previous} ELSE ${current} END`;
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
     -- the member numbers (lm_member_num: one row per member id)
     JOIN lm_member_num n ON n.member_id = m.member_id`;
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
export function ledgerAndOrdersSql(
  p: Pick<MemberSummaryParams, 'expireMonths' | 'ledgerTable' | 'ledgerNarrow'>,
): string[] {
  const c = ledgerColumns('l', 'r', p.expireMonths);
  return [
    // normalize's narrow table (LEDGER_NARROW: the entry id as its hash), else the canonical ledger
    `CREATE OR REPLACE TABLE lm_ledger AS
     SELECT b.mi, ${ORPHAN_ID('b', 'l')} AS orphan_id, l.occurred_at, ${c.k} AS k, l.points,
            ${p.ledgerTable ? 'l.entry_id_hash' : narrowHashSql(p.ledgerNarrow, 'entry_id', 'l.entry_id')} AS seq,
            ${c.order_id} AS order_id, ${c.rcost} AS rcost, ${c.expires_at} AS expires_at
     FROM ${p.ledgerTable ? quoteIdent(p.ledgerTable) : 'ledger'} l LEFT JOIN lm_member_num b ON b.member_id = l.member_id
     LEFT JOIN rewards r ON r.reward_id = l.reward_id`,
    // the orders that count, net of their refunds (ORDER_KIND)
    `CREATE OR REPLACE TABLE lm_orders AS
     SELECT b.mi, o.order_id, o.customer_id, ${orderNetSql('o')} AS amount, o.ordered_at, o.is_member, o.reward_id IS NOT NULL AS rewarded,
            b.enrolled_at AS member_enrolled_at
     FROM orders o LEFT JOIN lm_member_num b ON b.member_id = o.customer_id
     WHERE ${orderKindSql('o')} < ${FIRST_NOT_COUNTED}`,
  ];
}

/**
 * An order placed as a member: of a member (enrolled before the end: `mi`) and flagged so, else
 * placed after the customer's enrolment. A flagged order of a customer who is no member is a
 * non-member order (its customer is a purchasing non-member, eligible for enrolment).
 */
export const MEMBER_ORDER_SQL =
  '(o.mi IS NOT NULL AND COALESCE(o.is_member, o.member_enrolled_at <= o.ordered_at, false))';

/**
 * Points still pending at the end (table `lm_pending`): pending rows of members whose order has no
 * earn row yet, written less than `pendingDays` days before the end; the older ones are stale
 * (`lm_pending_stale`: their points per member). Only the orders of pending rows are looked up
 * among the earn rows, so the check costs a scan of the ledger, not a join of all its orders.
 */
function pendingSql(p: MemberSummaryParams): string[] {
  const E = ts(p.end);
  const stale =
    p.pendingDays > 0 ? `l.occurred_at < ${E} - INTERVAL ${Math.trunc(p.pendingDays)} DAY` : 'false';
  return [
    `CREATE OR REPLACE TABLE lm_pending_rows AS
     SELECT l.mi, l.occurred_at, abs(l.points) AS points, ${stale} AS stale
     FROM lm_ledger l
     WHERE l.mi IS NOT NULL AND l.k = ${KIND.pending} AND l.occurred_at < ${E} AND (l.order_id IS NULL OR l.order_id NOT IN (
       SELECT order_id FROM lm_ledger WHERE k = ${KIND.earn} AND occurred_at < ${E}
         AND order_id IN (SELECT order_id FROM lm_ledger WHERE k = ${KIND.pending} AND order_id IS NOT NULL)))`,
    'CREATE OR REPLACE TABLE lm_pending AS SELECT mi, occurred_at, points FROM lm_pending_rows WHERE NOT stale',
    `CREATE OR REPLACE TABLE lm_pending_stale AS
     SELECT mi, sum(points) AS points FROM lm_pending_rows WHERE stale GROUP BY mi`,
    'DROP TABLE lm_pending_rows',
  ];
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
 * qualifying spend. Days are day numbers (`dayNumber`). The model inputs are whole days: `tx` = the last
 * − the first purchase day, `t_age` (T) = the as-of day − the first purchase day (lifetimes' and BTYD's
 * convention: a purchase on the as-of day counts, and T − tx is the RFM recency), `tx_cal`/`t_cal`
 * the same with the day before the window as the as-of day; the fits take them in weeks (÷ 7).
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
  const days = (d: string) => `CAST(${d} AS INTEGER)`;
  const key = `CAST(o.mi AS BIGINT) * ${DAY_BITS} + ${dayNumber('CAST(o.ordered_at AS DATE)')} + ${DAY_SHIFT}`;
  return `CREATE OR REPLACE TABLE lm_purchases AS
     SELECT mi, CAST(days - 1 AS INTEGER) AS x,
            ${days('last_day - first_day')} AS tx,
            ${days(`${endDay} - 1 - first_day`)} AS t_age,
            CASE WHEN days > 1 THEN (spend_total - first_spend) / (days - 1) ELSE 0 END AS zbar,
            spend_total,
            CASE WHEN days_cal > 0 THEN 1 ELSE 0 END AS has_cal, CAST(greatest(days_cal - 1, 0) AS INTEGER) AS x_cal,
            ${days('COALESCE(last_day_cal - first_day, 0)')} AS tx_cal,
            ${days(`${startDay} - 1 - first_day`)} AS t_cal,
            -- recency_days: days from the last purchase day to the as-of day (the day before the end;
            -- a purchase on it is 0), as RFM counts it; T and t_x run to the end of the as-of day.
            -- INTEGER, not BIGINT or HUGEINT (a sum of counts): the columnar reader takes 32-bit and
            -- float vectors as they are, 64-bit and 128-bit ones value by value
            CAST(days - days_cal AS INTEGER) AS days_window, CAST(${endDay} - 1 - last_day AS INTEGER) AS recency_days,
            CAST(rfm_orders AS INTEGER) AS rfm_orders, rfm_spend, qualifying_spend
     FROM (
       SELECT d.mi, count(*) AS days, min(d.day) AS first_day, max(d.day) AS last_day, ${exactSum('d.spend')} AS spend_total,
              arg_min(d.spend, d.day) AS first_spend,
              ${aggIf('count', '*', `d.day < ${startDay}`)} AS days_cal,
              ${aggIf('max', 'd.day', `d.day < ${startDay}`)} AS last_day_cal,
              -- days_window: the days from the window start on, days − days_cal (every day is one or the other)
              COALESCE(${aggIf('sum', 'd.orders', `d.day >= ${endDay} - ${p.rfmDays}`)}, 0) AS rfm_orders,
              COALESCE(${exactSumIf('d.spend', `d.day >= ${endDay} - ${p.rfmDays}`)}, 0) AS rfm_spend,
              COALESCE(${exactSumIf('d.member_spend', `d.day >= ${period}`)}, 0) AS qualifying_spend
       FROM (
         SELECT CAST(md // ${DAY_BITS} AS INTEGER) AS mi, CAST(md % ${DAY_BITS} - ${DAY_SHIFT} AS INTEGER) AS day,
                spend, orders, member_spend
         FROM (
           -- the day's sums stay decimals (exact) for the sums above, which would cast them back
           SELECT ${key} AS md, sum(${amount6(p, 'o.amount')}) AS spend, count(*) AS orders,
                  sum(CASE WHEN ${MEMBER_ORDER_SQL} THEN ${amount6(p, 'o.amount')} END) AS member_spend
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
    `${aggIf('count', '*', w)} AS orders${s}, CAST(sum(CASE WHEN ${w} THEN ${amount6(p, 'amount')} END) AS DOUBLE) AS revenue${s},
     ${aggIf('count', '*', `${w} AND earning`)} AS earning_orders${s},
     ${aggIf('count', '*', `${w} AND rewarded`)} AS rewards_used${s}`;
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
  const sumOf = (v: string, cond: string) => `COALESCE(${aggIf('sum', v, cond)}, 0)`;
  const flows = (w: string, s: string) =>
    [
      `${sumOf('pts', `k IN (${earn}, ${pending}) AND ${w}`)} AS earned${s}`,
      `${sumOf('pts', `k = ${redeem} AND ${w}`)} AS redeemed${s}`,
      `${sumOf('pts', `k = ${expire} AND ${w}`)} AS expired${s}`,
      `${aggIf('count', '*', `k = ${redeem} AND ${w}`)} AS rewards_issued${s}`,
      `COALESCE(${exactSumIf('rcost', `k = ${redeem} AND ${w}`)}, 0) AS reward_cost${s}`,
      `${sumOf('pts', `k = ${redeem} AND ${w} AND rcost IS NOT NULL`)} AS costed_points${s}`,
      `CASE WHEN ${aggIf('count', '*', `k IN (${earn}, ${redeem}) AND ${w}`)} > 0 THEN 1 ELSE 0 END AS active${s}`,
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
  const windowColumns = [
    ...['orders', 'revenue', 'earning_orders', 'rewards_used'].flatMap((c) => [
      `COALESCE(mo.${c}_w, 0) AS ${c}_w`,
      `COALESCE(mo.${c}_pw, 0) AS ${c}_pw`,
    ]),
    ...['earned', 'redeemed', 'expired', 'adjusted', 'pending'].map((c) => `COALESCE(pt.${c}, 0) AS ${c}`),
    'COALESCE(pt.earned, 0) - COALESCE(pt.redeemed, 0) - COALESCE(pt.expired, 0) + COALESCE(pt.adjusted, 0) AS balance',
    // the points the member can still redeem (FIFO, none past expiry): the liability's active points
    'COALESCE(pt.active, 0) AS active',
    ...['earned', 'redeemed', 'expired', 'rewards_issued', 'reward_cost', 'costed_points', 'active'].flatMap(
      (c) => [`COALESCE(fl.${c}_w, 0) AS ${c}_w`, `COALESCE(fl.${c}_pw, 0) AS ${c}_pw`],
    ),
  ].join(', ');
  const windowJoins = `LEFT JOIN lm_member_orders mo ON mo.mi = b.mi
     LEFT JOIN lm_member_points pt ON pt.mi = b.mi
     LEFT JOIN lm_member_flows fl ON fl.mi = b.mi`;
  return [
    `CREATE OR REPLACE VIEW lm_members AS
     SELECT b.mi, b.member_id, b.enrolled_at, b.tier_idx, b.start_idx, b.region, b.channel, b.cohort, b.period_start,
            CASE WHEN pu.mi IS NULL THEN 0 ELSE 1 END AS has_purchase,
            COALESCE(pu.x, 0) AS x, COALESCE(pu.tx, 0) AS tx, COALESCE(pu.t_age, 0) AS t_age, COALESCE(pu.zbar, 0) AS zbar,
            COALESCE(pu.spend_total, 0) AS spend_total, COALESCE(pu.recency_days, 0) AS recency_days,
            COALESCE(pu.rfm_orders, 0) AS rfm_orders, COALESCE(pu.rfm_spend, 0) AS rfm_spend,
            ${windowColumns},
            ${qualifying} AS qualifying,
            CAST(date_diff('day', CAST(${ts(p.end)} - INTERVAL 1 DAY AS DATE), ${periodEnd}) AS INTEGER) AS days_left
     FROM lm_member_base b
     LEFT JOIN lm_purchases pu ON pu.mi = b.mi
     ${windowJoins}
     WHERE b.mi IS NOT NULL`,
    // what the KPIs read: the members' orders, points and flows without the purchase history (a
    // LEFT JOIN whose columns a query does not read is still made)
    `CREATE OR REPLACE VIEW lm_member_window AS
     SELECT b.mi, b.enrolled_at, b.tier_idx, b.region, b.channel, b.cohort, ${windowColumns}
     FROM lm_member_base b
     ${windowJoins}
     WHERE b.mi IS NOT NULL`,
    // the tier progress alone (the segments read it without the window sums)
    `CREATE OR REPLACE VIEW lm_member_progress AS
     SELECT b.mi, ${qualifying} AS qualifying,
            CAST(date_diff('day', CAST(${ts(p.end)} - INTERVAL 1 DAY AS DATE), ${periodEnd}) AS INTEGER) AS days_left,
            COALESCE(pt.redeemed, 0) AS redeemed
     FROM lm_member_base b
     ${p.qualification.measure === 'points' ? '' : 'LEFT JOIN lm_purchases pu ON pu.mi = b.mi'}
     LEFT JOIN lm_member_points pt ON pt.mi = b.mi
     WHERE b.mi IS NOT NULL`,
  ];
}

// ---------------------------------------------------------------------------------------------
// ClickHouse form (18.16 and later): the same tables from the canonical entities normalized on the
// server, times as epoch milliseconds, one JOIN per SELECT, no window functions, values escaped for
// ClickHouse. Each step is a SELECT the caller writes to a table of the run (`makeTable`).

/** A value as a ClickHouse literal. */
export const chLit = (v: string | number): string => literal(v, 'clickhouse');
/** An ISO instant as epoch milliseconds (the canonical times on ClickHouse). */
export const msCh = (iso: string): string => `toInt64(${Date.parse(iso)})`;
/** Epoch day of a time in epoch milliseconds (UTC): DuckDB's `CAST(ts AS DATE)` as a day number. */
export const dayCh = (ms: string): string => `toInt64(floor(${ms} / 86400000))`;
/** The UTC date of a time in epoch milliseconds. */
export const dateCh = (ms: string): string => `toDate(${dayCh(ms)})`;
/** DuckDB's `trim` (the Unicode space separators) on ClickHouse. */
const trimText = (expr: string) => trimCh(expr);

/** `tierIndexSql` on ClickHouse: the 0-based index of the lower-cased, trimmed tier name, −1 when unknown. */
export function tierIndexCh(column: string, tiers: readonly string[]): string {
  if (!tiers.length) return 'toInt32(-1)';
  return `toInt32(indexOf([${tiers.map((t) => chLit(t)).join(', ')}], lowerUTF8(${trimText(`ifNull(${column}, '')`)})) - 1)`;
}

/** `COHORT_SQL` on ClickHouse. */
const cohortCh = `ifNull(nullIf(${trimText('cohort')}, ''), concat(toString(toYear(${dateCh('enrolled_at')})), '-Q', toString(toQuarter(${dateCh('enrolled_at')}))))`;

/** Ledger type → `KIND` code (−1 for a type the entity does not know: it validates the type). */
const kindCh = (column: string, points: string) =>
  `if(ifNull(${column}, '') = 'earn' AND ifNull(${points} < 0, 0), toInt8(${KIND.reversal}), toInt8(indexOf([${LEDGER_TYPES.map(
    (k) => chLit(k),
  ).join(', ')}], ifNull(${column}, '')) - 1))`;

/** `MEMBER_ORDER_SQL` on ClickHouse (1 or 0). */
export const MEMBER_ORDER_CH =
  'toUInt8(isNotNull(mi) AND ifNull(is_member, ifNull(toUInt8(member_enrolled_at <= ordered_at), toUInt8(0))))';

/** A time in epoch milliseconds plus `months` calendar months (day clamped to the month's end, as DuckDB's interval). */
export function addMonthsMs(ms: string, months: number): string {
  return `(toInt64(toUInt32(addMonths(toDateTime(intDiv(${ms}, 1000), 'UTC'), ${months}))) * 1000 + ${ms} % 1000)`;
}

/** `periodStartSql` on ClickHouse (a Date), from `enrolled_at` in epoch milliseconds. */
function periodStartCh(p: MemberSummaryParams): string {
  if (p.qualification.period === 'calendar') return `toDate(${chLit(p.calendarStart)})`;
  const m = p.qualification.months;
  const asOf = `toDate(${dayCh(msCh(p.end))} - 1)`;
  const enrolled = dateCh('enrolled_at');
  const k = `toInt32(floor((toRelativeMonthNum(${asOf}) - toRelativeMonthNum(${enrolled})) / ${m})) * ${m}`;
  const start = `addMonths(${enrolled}, ${k})`;
  return `if(${start} > ${asOf}, addMonths(${enrolled}, ${k} - ${m}), ${start})`;
}

/** The relations the ClickHouse steps read: canonical entities and the tables of earlier steps. */
export type RelationOf = (name: string) => string;

/** One table of the run: its name and its SELECT (given the relations made before it). */
export interface ChStep {
  name: string;
  select: (rel: RelationOf) => string;
}

/**
 * `memberSummarySql` on ClickHouse: the same tables (`lm_members` and `lm_member_progress` are one
 * table here, the member summary), as SELECTs to write in order; `points` are the FIFO lots and the
 * expiry per member (`pointsLotsCh`, `memberExpiryCh`), written before `lm_members` reads them.
 */
export function memberSummaryCh(p: MemberSummaryParams, points: readonly ChStep[]): ChStep[] {
  const b = chBounds(p);
  return [
    { name: 'lm_member_base', select: (rel) => memberBaseCh(p, b, rel) },
    { name: 'lm_ledger', select: (rel) => ledgerCh(p, rel) },
    { name: 'lm_orders', select: (rel) => ordersCh(rel) },
    { name: 'lm_pending_rows', select: (rel) => pendingCh(p, b, rel) },
    {
      name: 'lm_pending',
      select: (rel) => `SELECT mi, occurred_at, points FROM ${rel('lm_pending_rows')} WHERE stale = 0`,
    },
    {
      name: 'lm_pending_stale',
      select: (rel) =>
        `SELECT mi, sum(points) AS points FROM ${rel('lm_pending_rows')} WHERE stale = 1 GROUP BY mi`,
    },
    { name: 'lm_purchases', select: (rel) => purchasesCh(p, b, rel) },
    { name: 'lm_member_orders', select: (rel) => memberOrdersCh(b, rel) },
    { name: 'lm_member_points', select: (rel) => memberPointsCh(b, rel) },
    { name: 'lm_member_flows', select: (rel) => memberFlowsCh(b, rel) },
    // the FIFO lots and the expiry per member (`pointsLotsCh`, `memberExpiryCh`): the active points
    ...points,
    { name: 'lm_members', select: (rel) => membersCh(p, rel) },
  ];
}

/** What the ClickHouse steps of the member summary share: the window's bounds and the qualification period. */
function chBounds(p: MemberSummaryParams) {
  const E = msCh(p.end);
  const anniversary = p.qualification.period !== 'calendar';
  return {
    E,
    S: msCh(p.start),
    PS: msCh(p.prevStart),
    endDay: dayCh(E),
    startDay: dayCh(msCh(p.start)),
    periodDay: anniversary ? 'toInt64(period_start)' : `toInt64(toDate(${chLit(p.calendarStart)}))`,
    withPeriod: (rel: RelationOf) =>
      anniversary
        ? `ANY INNER JOIN (SELECT mi, period_start FROM ${rel('lm_member_base')} WHERE isNotNull(mi)) USING mi`
        : '',
  };
}
type ChBounds = ReturnType<typeof chBounds>;

function memberBaseCh(p: MemberSummaryParams, b: ChBounds, rel: RelationOf): string {
  const { E, S } = b;
  const tier = `if(isNull(nullIf(${trimText('tier')}, '')), toInt32(0), ${tierIndexCh('tier', p.tiers)})`;
  const previous = tierIndexCh('previous_tier', p.tiers);
  return `SELECT member_id, if(n_found = 1, n_mi, CAST(NULL AS Nullable(Int32))) AS mi, enrolled_at,
         tier_idx, toInt32(multiIf(enrolled_at >= ${S}, 0,
           ifNull(tier_since >= ${S} AND tier_since < ${E}, 0) AND prev_idx >= 0, prev_idx + 1, tier_idx + 1)) AS start_idx,
         region, channel, cohort, period_start
       FROM (SELECT ifNull(member_id, '') AS member_id, assumeNotNull(enrolled_at) AS enrolled_at, tier_since,
                    -- the tier at the window end: the previous tier when the tier changed after it
                    toInt32(if(ifNull(tier_since >= ${E}, 0) AND ${previous} >= 0, ${previous}, ${tier})) AS tier_idx,
                    ${previous} AS prev_idx,
                    ifNull(nullIf(${trimText('region')}, ''), '(none)') AS region,
                    ifNull(nullIf(${trimText('channel')}, ''), '(none)') AS channel,
                    ${cohortCh} AS cohort, ${periodStartCh(p)} AS period_start
             FROM ${rel('members')})
       ANY LEFT JOIN (
         -- the member numbers: members enrolled before the end in member-id order (ids are unique)
         SELECT tupleElement(q, 1) AS member_id, tupleElement(q, 2) AS n_mi, toUInt8(1) AS n_found
         FROM (SELECT arrayJoin(arrayMap((id, i) -> (id, toInt32(i - 1)), s, arrayEnumerate(s))) AS q
               FROM (SELECT arraySort(groupArray(ifNull(member_id, ''))) AS s FROM ${rel('members')} WHERE enrolled_at < ${E})))
       USING member_id`;
}

function ledgerCh(p: MemberSummaryParams, rel: RelationOf): string {
  const { earn, redeem, adjust, pending } = KIND;
  const expiry =
    p.expireMonths > 0 ? `ifNull(expires_at, ${addMonthsMs('occurred_at', p.expireMonths)})` : 'expires_at';
  // normalize's narrow view of the ledger (the entry id as its cityHash64), else the canonical
  // ledger with the ids hashed here; member and reward ids are hashed here either way
  const ledger = p.ledgerTable
    ? `SELECT cityHash64(ifNull(member_id, '')) AS mh, member_id AS lid, assumeNotNull(occurred_at) AS occurred_at, ${kindCh('type', 'points')} AS k,
                    assumeNotNull(points) AS points, ifNull(entry_id_hash, toUInt64(0)) AS seq, order_id,
                    if(isNull(reward_id), toUInt64(0), cityHash64(assumeNotNull(reward_id))) AS rh, expires_at
             FROM ${quoteIdent(p.ledgerTable, 'clickhouse')}`
    : `SELECT cityHash64(ifNull(member_id, '')) AS mh, member_id AS lid, assumeNotNull(occurred_at) AS occurred_at, ${kindCh('type', 'points')} AS k,
                    assumeNotNull(points) AS points, cityHash64(ifNull(entry_id, '')) AS seq, order_id,
                    if(isNull(reward_id), toUInt64(0), cityHash64(assumeNotNull(reward_id))) AS rh, expires_at
             FROM ${rel('ledger')}`;
  return `SELECT mi, orphan_id, occurred_at, k, points, seq, order_id,
         if(k = ${redeem} AND r_found = 1 AND r_points != 0, r_cost * abs(points) / r_points, CAST(NULL AS Nullable(Float64))) AS rcost,
         expires_at
       FROM (SELECT if(b_found = 1, b_mi, CAST(NULL AS Nullable(Int32))) AS mi,
                    if(b_found = 1, CAST(NULL AS Nullable(String)), toNullable(lid)) AS orphan_id, occurred_at, k, points, seq, rh,
                    if(k IN (${earn}, ${pending}), order_id, CAST(NULL AS Nullable(String))) AS order_id,
                    if(k = ${earn} OR (k = ${adjust} AND points > 0), ${expiry}, CAST(NULL AS Nullable(Int64))) AS expires_at
             FROM (${ledger})
             ANY LEFT JOIN (SELECT cityHash64(member_id) AS mh, mi AS b_mi, toUInt8(1) AS b_found FROM ${rel('lm_member_base')}) USING mh)
       ANY LEFT JOIN (SELECT cityHash64(assumeNotNull(reward_id)) AS rh, cost AS r_cost, points AS r_points, toUInt8(1) AS r_found
                      FROM ${rel('rewards')} WHERE isNotNull(reward_id)) USING rh`;
}

function ordersCh(rel: RelationOf): string {
  return `SELECT if(b_found = 1, b_mi, CAST(NULL AS Nullable(Int32))) AS mi, order_id, customer_id, amount, ordered_at,
         is_member, rewarded, if(b_found = 1, b_enrolled, CAST(NULL AS Nullable(Int64))) AS member_enrolled_at
       FROM (SELECT order_id, ifNull(customer_id, '') AS customer_id, net_amount AS amount, ordered_at, is_member, rewarded
             -- the orders that count, net of their refunds (ORDER_KIND); the net amount named
             -- apart from amount, which the filter reads (a ClickHouse alias is query-wide)
             FROM (SELECT order_id, customer_id, assumeNotNull(amount) - ifNull(refunded_amount, 0) AS net_amount,
                          assumeNotNull(ordered_at) AS ordered_at, is_member, toUInt8(isNotNull(reward_id)) AS rewarded
                   FROM ${rel('orders')}
                   WHERE ${ORDER_KIND_CH} < ${FIRST_NOT_COUNTED}))
       ANY LEFT JOIN (SELECT member_id AS customer_id, mi AS b_mi, toNullable(enrolled_at) AS b_enrolled, toUInt8(1) AS b_found
                      FROM ${rel('lm_member_base')}) USING customer_id`;
}

function pendingCh(p: MemberSummaryParams, b: ChBounds, rel: RelationOf): string {
  const { E } = b;
  const { earn, pending } = KIND;
  const stale = p.pendingDays > 0 ? `occurred_at < ${E} - ${Math.trunc(p.pendingDays) * 86_400_000}` : '0';
  return `SELECT mi, occurred_at, abs(points) AS points, toUInt8(${stale}) AS stale FROM ${rel('lm_ledger')}
       WHERE isNotNull(mi) AND k = ${pending} AND occurred_at < ${E} AND (isNull(order_id) OR assumeNotNull(order_id) NOT IN (
         SELECT assumeNotNull(order_id) FROM ${rel('lm_ledger')} WHERE k = ${earn} AND occurred_at < ${E} AND isNotNull(order_id)
           AND assumeNotNull(order_id) IN (SELECT assumeNotNull(order_id) FROM ${rel('lm_ledger')} WHERE k = ${pending} AND isNotNull(order_id))))`;
}

function purchasesCh(p: MemberSummaryParams, b: ChBounds, rel: RelationOf): string {
  const { E, endDay, startDay, periodDay, withPeriod } = b;
  const mo = MEMBER_ORDER_CH;
  const days = (d: string) => `toInt32(${d})`;
  return `SELECT mi, toInt32(days - 1) AS x, ${days('last_day - first_day')} AS tx, ${days(`${endDay} - 1 - first_day`)} AS t_age,
         if(days > 1, (spend_total - first_spend) / (days - 1), 0) AS zbar, spend_total,
         toInt32(if(days_cal > 0, 1, 0)) AS has_cal, toInt32(greatest(toInt64(days_cal) - 1, 0)) AS x_cal,
         ${days('if(days_cal > 0, last_day_cal - first_day, 0)')} AS tx_cal, ${days(`${startDay} - 1 - first_day`)} AS t_cal,
         days_window, ${endDay} - 1 - last_day AS recency_days, rfm_orders, rfm_spend, qualifying_spend
       FROM (
         SELECT mi, count() AS days, min(day) AS first_day, max(day) AS last_day, ${exactSum('spend', 'clickhouse')} AS spend_total,
                argMin(spend, day) AS first_spend, countIf(day < ${startDay}) AS days_cal,
                maxIf(day, day < ${startDay}) AS last_day_cal, countIf(day >= ${startDay}) AS days_window,
                sumIf(orders, day >= ${endDay} - ${p.rfmDays}) AS rfm_orders, ${exactSumIf('spend', `day >= ${endDay} - ${p.rfmDays}`, 'clickhouse')} AS rfm_spend,
                ${exactSumIf('member_spend', `day >= ${periodDay}`, 'clickhouse')} AS qualifying_spend
         FROM (SELECT mi, ${dayCh('ordered_at')} AS day, ${exactSum('amount', 'clickhouse')} AS spend, count() AS orders,
                      ${exactSumIf('amount', mo, 'clickhouse')} AS member_spend
               FROM ${rel('lm_orders')} WHERE isNotNull(mi) AND ordered_at < ${E} GROUP BY mi, day)
         ${withPeriod(rel)}
         GROUP BY mi)`;
}

function memberOrdersCh(b: ChBounds, rel: RelationOf): string {
  const { E, S, PS } = b;
  const { earn, pending } = KIND;
  const mo = MEMBER_ORDER_CH;
  const sums = (w: string, s: string) =>
    `countIf(${w}) AS orders${s}, ${exactSumIf('amount', w, 'clickhouse')} AS revenue${s}, countIf(${w} AND earning) AS earning_orders${s},
           countIf(${w} AND rewarded = 1) AS rewards_used${s}`;
  return `SELECT mi, ${sums('in_w', '_w')}, ${sums('NOT in_w', '_pw')}
       FROM (SELECT mi, amount, rewarded, ordered_at >= ${S} AS in_w,
                    ifNull(order_id IN (SELECT assumeNotNull(order_id) FROM ${rel('lm_ledger')}
                      WHERE k IN (${earn}, ${pending}) AND isNotNull(order_id) AND occurred_at >= ${PS} AND occurred_at < ${E}), 0) AS earning
             FROM ${rel('lm_orders')}
             WHERE isNotNull(mi) AND ordered_at >= ${PS} AND ordered_at < ${E} AND ${mo} = 1)
       GROUP BY mi`;
}

function memberPointsCh(b: ChBounds, rel: RelationOf): string {
  const { E, periodDay, withPeriod } = b;
  const { earn, redeem, expire, adjust, pending, reversal } = KIND;
  const inPeriod = `${dayCh('occurred_at')} >= ${periodDay}`;
  // qualifying points: earned in the period net of the earn reversals posted in it (not of other
  // negative adjustments), never below 0 (pointTotalsSql)
  return `SELECT mi, sumIf(pts, k = ${earn}) AS earned, sumIf(pts, k = ${redeem}) AS redeemed,
         sumIf(pts, k = ${expire}) AS expired, sumIf(points, k IN (${adjust}, ${reversal})) AS adjusted, sumIf(pts, k = ${pending}) AS pending,
         greatest(0, sumIf(pts, k = ${earn} AND ${inPeriod}) - sumIf(pts, k = ${reversal} AND ${inPeriod})) AS qualifying_points
       FROM (SELECT mi, occurred_at, k, points, abs(points) AS pts FROM ${rel('lm_ledger')}
             WHERE isNotNull(mi) AND occurred_at < ${E} AND k != ${pending}
             UNION ALL SELECT mi, occurred_at, toInt8(${pending}) AS k, points, points AS pts FROM ${rel('lm_pending')})
       ${withPeriod(rel)}
       GROUP BY mi`;
}

function memberFlowsCh(b: ChBounds, rel: RelationOf): string {
  const { E, S, PS } = b;
  const { earn, redeem, expire, pending } = KIND;
  const flows = (w: string, s: string) =>
    [
      `sumIf(pts, k IN (${earn}, ${pending}) AND ${w}) AS earned${s}`,
      `sumIf(pts, k = ${redeem} AND ${w}) AS redeemed${s}`,
      `sumIf(pts, k = ${expire} AND ${w}) AS expired${s}`,
      `countIf(k = ${redeem} AND ${w}) AS rewards_issued${s}`,
      `ifNull(${exactSumIf('rcost', `k = ${redeem} AND ${w}`, 'clickhouse')}, 0) AS reward_cost${s}`,
      `sumIf(pts, k = ${redeem} AND ${w} AND isNotNull(rcost)) AS costed_points${s}`,
      `if(countIf(k IN (${earn}, ${redeem}) AND ${w}) > 0, 1, 0) AS active${s}`,
    ].join(', ');
  return `SELECT mi, ${flows('in_w', '_w')}, ${flows('NOT in_w', '_pw')}
       FROM (SELECT mi, k, abs(points) AS pts, rcost, occurred_at >= ${S} AS in_w FROM ${rel('lm_ledger')}
             WHERE isNotNull(mi) AND occurred_at >= ${PS} AND occurred_at < ${E} AND k != ${pending}
             UNION ALL SELECT mi, toInt8(${pending}) AS k, points AS pts, CAST(NULL AS Nullable(Float64)) AS rcost, occurred_at >= ${S} AS in_w
             FROM ${rel('lm_pending')} WHERE occurred_at >= ${PS})
       GROUP BY mi`;
}

/**
 * `lm_members` on ClickHouse: one row per member enrolled before the end, zeros for members
 * without orders or points (four LEFT JOINs, one per SELECT; an unmatched row's flag is 0).
 */
function membersCh(p: MemberSummaryParams, rel: RelationOf): string {
  const joins: [table: string, flag: string, columns: string[]][] = [
    [
      'lm_purchases',
      'pu',
      [
        'x',
        'tx',
        't_age',
        'zbar',
        'spend_total',
        'recency_days',
        'rfm_orders',
        'rfm_spend',
        'qualifying_spend',
      ],
    ],
    [
      'lm_member_orders',
      'mo',
      ['orders', 'revenue', 'earning_orders', 'rewards_used'].flatMap((c) => [`${c}_w`, `${c}_pw`]),
    ],
    ['lm_member_points', 'pt', ['earned', 'redeemed', 'expired', 'adjusted', 'pending', 'qualifying_points']],
    [
      'lm_member_flows',
      'fl',
      ['earned', 'redeemed', 'expired', 'rewards_issued', 'reward_cost', 'costed_points', 'active'].flatMap(
        (c) => [`${c}_w`, `${c}_pw`],
      ),
    ],
    ['lm_member_expiry', 'ex', ['fifo_balance', 'overdue_points']],
  ];
  let carried = [
    'mi',
    'member_id',
    'enrolled_at',
    'tier_idx',
    'start_idx',
    'region',
    'channel',
    'cohort',
    'period_start',
  ];
  let from = `(SELECT ${carried.join(', ')} FROM ${rel('lm_member_base')} WHERE isNotNull(mi))`;
  for (const [table, f, columns] of joins) {
    const renamed = columns.map((c) => `${f}_${c}`);
    from = `(SELECT ${carried.join(', ')}, ${f}_found, ${renamed.join(', ')} FROM ${from}
       ANY LEFT JOIN (SELECT mi, toUInt8(1) AS ${f}_found, ${columns.map((c, i) => `${c} AS ${renamed[i]}`).join(', ')} FROM ${rel(table)}) USING mi)`;
    carried = [...carried, `${f}_found`, ...renamed];
  }
  const z = (c: string) => `ifNull(${c}, 0)`;
  const qualifying =
    p.qualification.measure === 'points' ? z('pt_qualifying_points') : z('pu_qualifying_spend');
  const asOfDay = `(${dayCh(msCh(p.end))} - 1)`;
  const periodEnd = `toInt64(addMonths(period_start, ${p.qualification.months}))`;
  return `SELECT mi, member_id, enrolled_at, tier_idx, start_idx, region, channel, cohort, period_start,
       toInt32(pu_found) AS has_purchase,
       ${['x', 'tx', 't_age', 'zbar', 'spend_total', 'recency_days', 'rfm_orders', 'rfm_spend']
         .map((c) => `${z(`pu_${c}`)} AS ${c}`)
         .join(', ')},
       ${['orders', 'revenue', 'earning_orders', 'rewards_used']
         .flatMap((c) => [`${z(`mo_${c}_w`)} AS ${c}_w`, `${z(`mo_${c}_pw`)} AS ${c}_pw`])
         .join(', ')},
       ${['earned', 'redeemed', 'expired', 'adjusted', 'pending'].map((c) => `${z(`pt_${c}`)} AS ${c}`).join(', ')},
       ${z('pt_earned')} - ${z('pt_redeemed')} - ${z('pt_expired')} + ${z('pt_adjusted')} AS balance,
       ${z('ex_fifo_balance')} - ${z('ex_overdue_points')} AS active,
       ${['earned', 'redeemed', 'expired', 'rewards_issued', 'reward_cost', 'costed_points', 'active']
         .flatMap((c) => [`${z(`fl_${c}_w`)} AS ${c}_w`, `${z(`fl_${c}_pw`)} AS ${c}_pw`])
         .join(', ')},
       ${qualifying} AS qualifying,
       ${periodEnd} - ${asOfDay} AS days_left
     FROM ${from}`;
}
