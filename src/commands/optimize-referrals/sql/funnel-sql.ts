/**
 * Funnel counts by dimension over a range of days before the window end, read from the refresh's
 * derived tables: one small GROUP BY per measure family, merged by value in TypeScript.
 */
import { literal, type Dialect } from '../../../data/index.ts';
import type { DimensionName } from '../inputs.ts';
import { dec, epochSeconds, medianOf, tsLit } from './sql-fns.ts';
import { netAmountSql } from './derive-sql.ts';

/** Days before the window end: `lo` inclusive, `hi` exclusive (current window: 0..N). */
export interface DayRange {
  lo: number;
  hi: number;
  /** The range's end instant (ISO), for "joined before". */
  end: string;
}

export type FunnelDimension = DimensionName | 'program';

/** The column of the derived tables that holds a dimension ('all' for the program). */
export function dimensionColumn(d: FunnelDimension): string {
  switch (d) {
    case 'partner-tier':
      return 'tier';
    case 'program':
      return `'all'`;
    default:
      return d;
  }
}

const inRange = (col: string, r: DayRange) => `${col} >= ${r.lo} AND ${col} < ${r.hi}`;
/** Rows of any of the ranges (the ranges are adjacent: current window, previous window). */
const inAny = (col: string, rs: readonly DayRange[]) =>
  `${col} >= ${Math.min(...rs.map((r) => r.lo))} AND ${col} < ${Math.max(...rs.map((r) => r.hi))}`;
/** One aggregate per range, named `<name>_<range index>`. */
const perRange = (rs: readonly DayRange[], name: string, expr: (r: DayRange) => string) =>
  rs.map((r, i) => `${expr(r)} AS ${name}_${i}`).join(', ');

/**
 * The measure families of the funnel over several day ranges at once (one scan per family, the
 * ranges as columns `_0`, `_1`, …), grouped by the dimension's value. Channel has no advocates of
 * its own: its eligible count is the program's (value `all`).
 */
export function funnelSqls(dim: FunnelDimension, rs: readonly DayRange[], d: Dialect = 'duckdb'): string[] {
  const col = dimensionColumn(dim);
  const eligibleCol = dim === 'channel' ? `'all'` : col;
  const sum = (cond: string, x = '1') => `sum(CASE WHEN ${cond} THEN ${x} ELSE 0 END)`;
  // a friend counts once, on their first claim: `prior_claims = 0`
  const first = (day: string, r: DayRange, extra = '') => `${inRange(day, r)} AND prior_claims = 0${extra}`;
  return [
    `SELECT ${eligibleCol} AS value, ${perRange(rs, 'eligible', (r) => sum(`joined_at < ${tsLit(r.end, d)}`))}
     FROM ref_advocates GROUP BY ${eligibleCol}`,
    `SELECT ${col} AS value,
       ${perRange(rs, 'participating', (r) => `count(DISTINCT CASE WHEN ${inRange('d', r)} THEN advocate_id END)`)},
       ${perRange(rs, 'shares', (r) => sum(inRange('d', r), 'shares'))},
       ${perRange(rs, 'invites', (r) => sum(inRange('d', r), 'invites'))}
     FROM ref_share_agg WHERE ${inAny('d', rs)} GROUP BY ${col}`,
    `SELECT ${col} AS value, ${perRange(rs, 'clicks', (r) => sum(inRange('d', r), 'clicks'))}
     FROM ref_click_agg WHERE ${inAny('d', rs)} GROUP BY ${col}`,
    `SELECT ${col} AS value,
       ${perRange(rs, 'referrals', (r) => sum(inRange('d_signup', r)))},
       ${perRange(rs, 'signups', (r) => sum(first('d_signup', r)))},
       ${perRange(rs, 'conversions', (r) => sum(first('d_converted', r)))},
       ${perRange(rs, 'friends_who_shared', (r) => sum(first('d_converted', r, ' AND friend_shared = 1')))},
       ${perRange(rs, 'referred_revenue', (r) => sum(first('d_converted', r), 'net_amount'))},
       ${perRange(rs, 'refunded', (r) => sum(`${first('d_converted', r)} AND refunded_at IS NOT NULL`))}
     FROM ref_ref WHERE (${inAny('d_signup', rs)}) OR (${inAny('d_converted', rs)}) GROUP BY ${col}`,
    `SELECT ${col} AS value,
       ${perRange(rs, 'rewards', (r) => sum(inRange('d', r), 'rewards'))},
       ${perRange(rs, 'incentives', (r) => sum(inRange('d', r), 'incentives'))},
       ${perRange(rs, 'fees', (r) => sum(inRange('d', r), 'fees'))},
       ${perRange(rs, 'clawbacks', (r) => sum(inRange('d', r), 'clawbacks'))}
     FROM ref_payout_agg WHERE ${inAny('d', rs)} GROUP BY ${col}`,
  ];
}

/**
 * New customers from every source (program level only), per range, with their revenue (first
 * revenue-stage order, net of refunds), and how many of them are referred customers of the range
 * (a friend on their first claim whose qualifying purchase is in it; for a referral without a
 * friend_id, the customer of the conversion naming it) with the same revenue of
 * theirs: a referred friend who was a customer before is a referred customer, not a new one, so
 * the referred new customers and their revenue are parts of the new customers and theirs.
 */
export function newCustomersSql(rs: readonly DayRange[]): string {
  const sum = (r: DayRange, x: string, extra = '') =>
    `COALESCE(sum(CASE WHEN ${inRange('d', r)}${extra} THEN ${x} ELSE 0 END), 0)`;
  // the friend, or for a referral without friend_id the customer of the conversion naming it
  const referred = (r: DayRange) =>
    ` AND (customer_id IN (SELECT friend_id FROM ref_ref
       WHERE friend_id IS NOT NULL AND prior_claims = 0 AND ${inRange('d_converted', r)})
      OR customer_id IN (SELECT customer_id FROM ref_conversions WHERE conversion_id IN (SELECT conversion_id FROM ref_ref
       WHERE friend_id IS NULL AND ${inRange('d_converted', r)})))`;
  return `SELECT ${perRange(rs, 'customers', (r) => sum(r, '1'))}, ${perRange(rs, 'revenue', (r) => sum(r, 'net_amount'))},
            ${perRange(rs, 'referred', (r) => sum(r, '1', referred(r)))},
            ${perRange(rs, 'referred_revenue', (r) => sum(r, 'net_amount', referred(r)))}
          FROM ref_new_customers WHERE ${inAny('d', rs)}`;
}

const secs = (a: string, b: string, d: Dialect) => `${epochSeconds(b, d)} - ${epochSeconds(a, d)}`;

/** The median seconds from `a` to `b` and how many pairs, over rows of `from` where `where` and `b` ≥ `a`. */
const medianStep = (name: string, a: string, b: string, from: string, where: string, d: Dialect) =>
  `SELECT ${literal(name)} AS step, ${medianOf(secs(a, b, d), d)} AS median_seconds, count(*) AS pairs
     FROM ${from} WHERE ${where} AND ${b} >= ${a}`;

/**
 * Median seconds from share to click of the clicks in the window, and how many pairs: a pair per
 * click (tens of millions), so over a deterministic hash sample of the clicks (`clickSamplePct` %:
 * the click id's hash modulo 100) when there are more than a million; the exact median of the
 * sample. Read from the clicks' narrow table (`clicks`: `clicked_at`, `share_id_hash`, `click_id_hash`)
 * with each click's share time (none without a share).
 */
export function shareToClickSql(
  start: string,
  end: string,
  clickSamplePct = 100,
  d: Dialect = 'duckdb',
  clicks = 'ref_clicks_in',
): string {
  const sample = clickSamplePct < 100 ? ` AND k.click_id_hash % 100 < ${clickSamplePct}` : '';
  return medianStep(
    'share_to_click',
    's.shared_at',
    'k.clicked_at',
    `${clicks} k LEFT JOIN ref_shares s ON s.share_h = k.share_id_hash`,
    `k.clicked_at >= ${tsLit(start, d)} AND k.clicked_at < ${tsLit(end, d)}${sample}`,
    d,
  );
}

/** Median seconds between the later funnel stages completed in the window, and how many pairs (exact). */
export function stageDurationsSql(start: string, end: string, d: Dialect = 'duckdb'): string {
  const s = tsLit(start, d);
  const e = tsLit(end, d);
  return [
    medianStep(
      'click_to_signup',
      'clicked_at',
      'signed_up_at',
      'ref_ref',
      `signed_up_at >= ${s} AND signed_up_at < ${e}`,
      d,
    ),
    // the referred customers' pairs: a friend's first claim (a later claim's sign-up would pair
    // with the same purchase again)
    medianStep(
      'signup_to_conversion',
      'signed_up_at',
      'converted_at',
      'ref_ref',
      `converted_at >= ${s} AND converted_at < ${e} AND prior_claims = 0`,
      d,
    ),
    medianStep(
      'conversion_to_reward',
      'converted_at',
      'reward_paid_at',
      'ref_ref',
      `reward_paid_at >= ${s} AND reward_paid_at < ${e}`,
      d,
    ),
  ].join('\nUNION ALL\n');
}

/** Pipeline and revenue of referred friends by conversion stage, in the window. */
export function stagesSql(start: string, end: string, d: Dialect = 'duckdb'): string {
  if (d === 'clickhouse') return stagesSqlCh(start, end);
  return `SELECT COALESCE(c.stage, 'purchase') AS stage, count(*) AS conversions, sum(${dec('c.amount', d)}) AS amount,
            sum(${netAmountSql('c.', d)}) AS net_amount,
            sum(CASE WHEN c.refunded_at < ${tsLit(end, d)} THEN 1 ELSE 0 END) AS refunded
          FROM ref_conversions c
          JOIN (SELECT friend_id, min(signed_up_at) AS first_signup FROM ref_ref
                WHERE friend_id IS NOT NULL GROUP BY friend_id) f ON f.friend_id = c.customer_id
          WHERE c.converted_at >= f.first_signup AND c.converted_at >= ${tsLit(start, d)} AND c.converted_at < ${tsLit(end, d)}
          GROUP BY COALESCE(c.stage, 'purchase') ORDER BY amount DESC`;
}

/** `stagesSql` on ClickHouse 18.16: one JOIN on renamed keys, inputs renamed against its alias substitution. */
function stagesSqlCh(start: string, end: string): string {
  const d = 'clickhouse' as const;
  return `SELECT stage, count() AS conversions, sum(amt) AS amount, sum(net) AS net_amount, sum(ref) AS refunded FROM (
      SELECT coalesce(c_stage, 'purchase') AS stage, ${dec('c_amount', d)} AS amt, ${netAmountSql('c_', d)} AS net,
        CASE WHEN c_refunded_at < ${tsLit(end, d)} THEN 1 ELSE 0 END AS ref FROM
        (SELECT customer_id AS cust, stage AS c_stage, amount AS c_amount, refunded_at AS c_refunded_at,
           refund_amount AS c_refund_amount, converted_at AS c_at FROM ref_conversions
         WHERE converted_at >= ${tsLit(start, d)} AND converted_at < ${tsLit(end, d)})
        ALL INNER JOIN (SELECT friend_id AS cust, min(signed_up_at) AS first_signup FROM ref_ref
                        WHERE friend_id IS NOT NULL GROUP BY friend_id) USING cust
        WHERE c_at >= first_signup)
    GROUP BY stage ORDER BY amount DESC`;
}

/** Weekly series (week 0 = the last 7 days) of the funnel's volumes and cost. */
export function trendSql(weeks: number, d: Dialect = 'duckdb'): string {
  const w = (col: string) =>
    d === 'duckdb' ? `CAST(floor(${col} / 7) AS INTEGER)` : `toInt32(floor(${col} / 7))`;
  const zero = 'CAST(0 AS DOUBLE)';
  const zeroAmount = dec('0', d);
  return `SELECT week, sum(shares) AS shares, sum(clicks) AS clicks, sum(signups) AS signups,
            sum(conversions) AS conversions, sum(revenue) AS revenue, sum(cost) AS cost
          FROM (
            SELECT ${w('d')} AS week, CAST(shares AS DOUBLE) AS shares, ${zero} AS clicks, ${zero} AS signups, ${zero} AS conversions, ${zeroAmount} AS revenue, ${zeroAmount} AS cost FROM ref_share_agg
            UNION ALL SELECT ${w('d')}, ${zero}, CAST(clicks AS DOUBLE), ${zero}, ${zero}, ${zeroAmount}, ${zeroAmount} FROM ref_click_agg
            UNION ALL SELECT ${w('d_signup')}, ${zero}, ${zero}, 1, ${zero}, ${zeroAmount}, ${zeroAmount} FROM ref_ref WHERE prior_claims = 0
            UNION ALL SELECT ${w('d_converted')}, ${zero}, ${zero}, ${zero}, 1, ${dec('net_amount', d)}, ${zeroAmount} FROM ref_ref WHERE d_converted IS NOT NULL AND prior_claims = 0
            UNION ALL SELECT ${w('d')}, ${zero}, ${zero}, ${zero}, ${zero}, ${zeroAmount}, ${dec('rewards + incentives + fees - clawbacks', d)} FROM ref_payout_agg
          ) t WHERE week >= 0 AND week < ${weeks} GROUP BY week ORDER BY week`;
}

/** NPS answers by score and dimension value over the trailing NPS range. */
export function npsSql(dim: FunnelDimension, start: string, end: string, d: Dialect = 'duckdb'): string {
  if (d === 'clickhouse') return npsSqlCh(dim, start, end);
  const col = dim === 'channel' ? null : dimensionColumn(dim).replace(/^(\w+)$/, 'a.$1');
  const value = col ? `COALESCE(${col}, 'not an advocate')` : `'all'`;
  return `SELECT ${value} AS value, CAST(n.score AS INTEGER) AS score, count(*) AS answers
          FROM nps_responses n LEFT JOIN ref_advocates a ON a.advocate_id = n.respondent_id
          WHERE n.responded_at >= ${tsLit(start, d)} AND n.responded_at < ${tsLit(end, d)}
          GROUP BY ${value}, CAST(n.score AS INTEGER)`;
}

/** `npsSql` on ClickHouse 18.16 (one JOIN on a renamed key). */
function npsSqlCh(dim: FunnelDimension, start: string, end: string): string {
  const d = 'clickhouse' as const;
  const col = dim === 'channel' ? null : dimensionColumn(dim);
  // the program counts every answer (its column is the constant 'all', NULL on a missing match)
  const value = col && dim !== 'program' ? `coalesce(a_value, 'not an advocate')` : `'all'`;
  return `SELECT value, score, count() AS answers FROM (
      SELECT ${value} AS value, CAST(n_score AS INTEGER) AS score FROM
        (SELECT respondent_id AS advocate_id, score AS n_score FROM nps_responses
         WHERE responded_at >= ${tsLit(start, d)} AND responded_at < ${tsLit(end, d)})
        ALL LEFT JOIN (SELECT advocate_id, ${col ?? `'all'`} AS a_value FROM ref_advocates) USING advocate_id)
    GROUP BY value, score`;
}
