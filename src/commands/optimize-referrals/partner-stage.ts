import {
  partnerHealth,
  type PartnerAggregate,
  type PartnerHealthReport,
} from '../../analyses/referrals/index.ts';
import { daysBefore, dec, tsLit } from './sql/sql-fns.ts';
import type { Dialect, Engine, Row } from '../../data/index.ts';
import type { ReferralsConfig } from '../../workspace/index.ts';
import { num } from './query-numbers.ts';

/** Partner health with display names, referral counts and NPS answers. */
export interface PartnerReport extends PartnerHealthReport {
  names: Record<string, string>;
  referrals: Record<string, number>;
  /** Rewards held on the partner's referrals banded review or reject. */
  held: Record<string, number>;
  nps_responses: Record<string, number>;
  /** Weeks of the engagement trend (weekly shares, ending at as-of). */
  trend_weeks: number;
}

const window = (col: string, days: number) => `${col} >= 0 AND ${col} < ${days}`;

function totalsSql(days: number): string {
  return `SELECT a.advocate_id AS partner, a.name, a.tier,
            COALESCE(s.shares, 0) AS shares, COALESCE(k.clicks, 0) AS clicks,
            COALESCE(r.conversions, 0) AS conversions, COALESCE(r.revenue, 0) AS revenue,
            COALESCE(r.refunded, 0) AS refunded, COALESCE(r.referrals, 0) AS referrals,
            COALESCE(r.code_conversions, 0) AS code_conversions,
            COALESCE(f.flagged, 0) AS flagged, COALESCE(f.held, 0) AS held
          FROM ref_advocates a
          LEFT JOIN (SELECT advocate_id, sum(shares) AS shares FROM ref_share_agg WHERE ${window('d', days)}
                     GROUP BY advocate_id) s ON s.advocate_id = a.advocate_id
          LEFT JOIN (SELECT advocate_id, sum(clicks) AS clicks FROM ref_click_agg WHERE ${window('d', days)}
                     GROUP BY advocate_id) k ON k.advocate_id = a.advocate_id
          LEFT JOIN (SELECT advocate_id,
                       sum(CASE WHEN ${window('d_converted', days)} AND prior_claims = 0 THEN 1 ELSE 0 END) AS conversions,
                       sum(CASE WHEN ${window('d_converted', days)} AND prior_claims = 0 THEN net_amount ELSE 0 END) AS revenue,
                       sum(CASE WHEN ${window('d_converted', days)} AND prior_claims = 0 AND refunded_at IS NOT NULL THEN 1 ELSE 0 END) AS refunded,
                       sum(CASE WHEN ${window('d_converted', days)} AND prior_claims = 0 AND clicked_at IS NULL THEN 1 ELSE 0 END) AS code_conversions,
                       sum(CASE WHEN ${window('d_signup', days)} THEN 1 ELSE 0 END) AS referrals
                     FROM ref_ref GROUP BY advocate_id) r ON r.advocate_id = a.advocate_id
          LEFT JOIN (SELECT r.advocate_id, count(*) AS flagged, sum(${dec('v.held')}) AS held FROM ref_verdicts v
                     JOIN ref_ref r ON r.referral_id = v.referral_id GROUP BY r.advocate_id) f ON f.advocate_id = a.advocate_id
          WHERE a.kind = 'partner' ORDER BY a.advocate_id`;
}

/** `totalsSql` on ClickHouse 18.16: one LEFT JOIN per step on a renamed key. */
function totalsSqlCh(days: number): string {
  const w = (col: string) => window(col, days);
  const first = `${w('d_converted')} AND prior_claims = 0`;
  const steps = [
    `SELECT advocate_id, sum(shares) AS s_shares FROM ref_share_agg WHERE ${w('d')} GROUP BY advocate_id`,
    `SELECT advocate_id, sum(clicks) AS k_clicks FROM ref_click_agg WHERE ${w('d')} AND advocate_id IS NOT NULL
     GROUP BY advocate_id`,
    `SELECT advocate_id, sum(CASE WHEN ${first} THEN 1 ELSE 0 END) AS r_conversions,
       sum(CASE WHEN ${first} THEN net_amount ELSE ${dec('0', 'clickhouse')} END) AS r_revenue,
       sum(CASE WHEN ${first} AND refunded_at IS NOT NULL THEN 1 ELSE 0 END) AS r_refunded,
       sum(CASE WHEN ${first} AND clicked_at IS NULL THEN 1 ELSE 0 END) AS r_code,
       sum(CASE WHEN ${w('d_signup')} THEN 1 ELSE 0 END) AS r_referrals
     FROM ref_ref GROUP BY advocate_id`,
    `SELECT advocate_id, count() AS f_flagged, sum(${dec('v_held', 'clickhouse')}) AS f_held FROM
       (SELECT referral_id, held AS v_held FROM ref_verdicts)
       ALL INNER JOIN (SELECT referral_id, advocate_id FROM ref_ref) USING referral_id
     GROUP BY advocate_id`,
  ];
  const joined = steps.reduce(
    (from, right) => `SELECT * FROM (${from}) ALL LEFT JOIN (${right}) USING advocate_id`,
    `SELECT advocate_id, name AS a_name, tier AS a_tier FROM ref_advocates WHERE kind = 'partner'`,
  );
  return `SELECT advocate_id AS partner, a_name AS name, a_tier AS tier, coalesce(s_shares, 0) AS shares,
       coalesce(k_clicks, 0) AS clicks, coalesce(r_conversions, 0) AS conversions, coalesce(r_revenue, 0) AS revenue,
       coalesce(r_refunded, 0) AS refunded, coalesce(r_referrals, 0) AS referrals, coalesce(r_code, 0) AS code_conversions,
       coalesce(f_flagged, 0) AS flagged,
       coalesce(f_held, 0) AS held
     FROM (${joined}) ORDER BY partner`;
}

/**
 * Per partner, its clicks of the window (the clicks its referral code counts, `ref_click_agg`)
 * that led to a referred customer: a sign-up names the click and is its friend's first claim, with
 * a qualifying conversion by the window end. Each click once (two friends from one click are one
 * click), so never more than the partner's clicks.
 */
function clickCustomersSql(days: number, end: string, d: Dialect): string {
  const inWindow = (col: string) => window(daysBefore(col, end, d), days);
  if (d === 'clickhouse')
    return `SELECT partner, uniqExact(_source, _row) AS click_customers FROM (
        SELECT code_h, _source, _row FROM
          (SELECT click_id, code_h, _source, _row FROM ref_click_facts WHERE ${inWindow('clicked_at')})
          ALL INNER JOIN (SELECT DISTINCT click_id FROM ref_ref
                          WHERE click_id IS NOT NULL AND prior_claims = 0 AND conversion_id IS NOT NULL) USING click_id)
        ALL INNER JOIN (SELECT code_h, advocate_id AS partner FROM ref_codes) USING code_h
      GROUP BY partner`;
  return `SELECT partner, count(*) AS click_customers FROM (
      SELECT DISTINCT c.advocate_id AS partner, f._source, f._row FROM ref_click_facts f
      JOIN ref_codes c ON c.code_h = f.code_h
      JOIN ref_referrals q ON q.rowid = f.rid
      JOIN ref_ref r ON r.referral_id = q.referral_id
      WHERE ${inWindow('f.clicked_at')} AND r.prior_claims = 0 AND r.conversion_id IS NOT NULL) t
    GROUP BY partner`;
}

const weeklySql = (weeks: number) =>
  `SELECT advocate_id, CAST(floor(d / 7) AS INTEGER) AS week, sum(shares) AS shares FROM ref_share_agg
   WHERE kind = 'partner' AND d >= 0 AND d < ${weeks * 7} GROUP BY advocate_id, CAST(floor(d / 7) AS INTEGER)`;

const npsSql = (start: string, end: string, d: Dialect) =>
  d === 'clickhouse'
    ? `SELECT partner, score, count() AS answers FROM (
         SELECT advocate_id AS partner, CAST(n_score AS INTEGER) AS score FROM
           (SELECT respondent_id AS advocate_id, score AS n_score FROM nps_responses
            WHERE responded_at >= ${tsLit(start, d)} AND responded_at < ${tsLit(end, d)})
           ALL INNER JOIN (SELECT advocate_id FROM ref_advocates WHERE kind = 'partner') USING advocate_id)
       GROUP BY partner, score`
    : `SELECT n.respondent_id AS partner, CAST(n.score AS INTEGER) AS score, count(*) AS answers
   FROM nps_responses n JOIN ref_advocates a ON a.advocate_id = n.respondent_id AND a.kind = 'partner'
   WHERE n.responded_at >= ${tsLit(start)} AND n.responded_at < ${tsLit(end)}
   GROUP BY n.respondent_id, CAST(n.score AS INTEGER)`;

/**
 * Partner health over the window: per partner (advocates of kind `partner`) shares, clicks,
 * conversions, revenue, referrals banded review or reject, refunds, weekly shares (the engagement
 * trend) and NPS answers, classified by `partnerHealth` (needs-review, needs-enablement, grow,
 * healthy) with rankings and revenue concentration.
 */
export async function assessPartners(
  engine: Engine,
  o: { days: number; trendWeeks: number; npsStart: string; end: string },
  cfg: ReferralsConfig['partner_health'],
): Promise<PartnerReport> {
  const d = engine.dialect;
  const totals = await engine.query<Row>(d === 'clickhouse' ? totalsSqlCh(o.days) : totalsSql(o.days));
  const clickCustomers = new Map<string, number>();
  for (const r of await engine.query<Row>(clickCustomersSql(o.days, o.end, d)))
    clickCustomers.set(String(r.partner), num(r.click_customers));
  const weekly = new Map<string, number[]>();
  for (const r of await engine.query<Row>(weeklySql(o.trendWeeks))) {
    const series = weekly.get(String(r.advocate_id)) ?? new Array<number>(o.trendWeeks).fill(0);
    // week 0 is the last week: the series runs oldest first
    series[o.trendWeeks - 1 - num(r.week)] = num(r.shares);
    weekly.set(String(r.advocate_id), series);
  }
  const nps = new Map<string, number[]>();
  for (const r of await engine.query<Row>(npsSql(o.npsStart, o.end, d))) {
    const counts = nps.get(String(r.partner)) ?? new Array<number>(11).fill(0);
    if (num(r.score) >= 0 && num(r.score) <= 10) counts[num(r.score)] += num(r.answers);
    nps.set(String(r.partner), counts);
  }
  const rows: PartnerAggregate[] = totals.map((t) => ({
    partner: String(t.partner),
    tier: t.tier == null ? null : String(t.tier),
    shares: num(t.shares),
    clicks: num(t.clicks),
    conversions: num(t.conversions),
    clickConversions: clickCustomers.get(String(t.partner)) ?? 0,
    codeConversions: num(t.code_conversions),
    revenue: num(t.revenue),
    flaggedReferrals: num(t.flagged),
    referrals: num(t.referrals),
    refundedConversions: num(t.refunded),
    weeklyActivity: weekly.get(String(t.partner)) ?? new Array<number>(o.trendWeeks).fill(0),
    npsCounts: nps.get(String(t.partner)),
  }));
  const health = partnerHealth(rows, {
    reviewFraudRate: cfg.review_fraud_rate,
    reviewRefundRate: cfg.review_refund_rate,
    minFlagged: cfg.min_flagged,
    lowActivityRatio: cfg.low_activity_ratio,
    decliningTrend: cfg.declining_trend,
    growConversionRatio: cfg.grow_conversion_ratio,
    minClicks: cfg.min_clicks,
    minConversions: cfg.min_conversions,
    topN: cfg.top_n,
  });
  return {
    ...health,
    names: Object.fromEntries(totals.map((t) => [String(t.partner), String(t.name ?? t.partner)])),
    referrals: Object.fromEntries(totals.map((t) => [String(t.partner), num(t.referrals)])),
    held: Object.fromEntries(totals.map((t) => [String(t.partner), num(t.held)])),
    nps_responses: Object.fromEntries([...nps].map(([p, c]) => [p, c.reduce((s, x) => s + x, 0)])),
    trend_weeks: o.trendWeeks,
  };
}
