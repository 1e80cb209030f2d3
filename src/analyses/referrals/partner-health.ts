import { checkCounts } from './check-counts.ts';
import { ReferralInputError } from './referral-input-error.ts';
import { ratio } from './ratio.ts';
import { concentration, type Concentration } from './concentration.ts';
import { netPromoterScore } from './net-promoter-score.ts';
import { theilSenSlope } from './theil-sen-slope.ts';
import { percentText } from '../text/index.ts';

/**
 * One partner's (or advocate segment's) totals in the window, from a GROUP BY partner over the
 * referral events joined to the fraud verdicts; `weeklyActivity` from
 * `SELECT partner, date_trunc('week', ts) AS week, count(*) … GROUP BY ALL ORDER BY week`
 * zero-filled over the window's weeks; `npsCounts` from `SELECT partner, score, count(*) GROUP BY ALL`.
 */
export interface PartnerAggregate {
  readonly partner: string;
  readonly tier?: string | null;
  readonly shares: number;
  readonly clicks: number;
  readonly conversions: number;
  /**
   * The partner's clicks of the window that led to a referred customer (each click once), at most
   * `clicks`: the conversion rate's numerator. Without it, `conversions`, which may come without a
   * click (a coupon, a pasted code) and then must not exceed the clicks.
   */
  readonly clickConversions?: number;
  /** Conversions whose sign-up came without a click (coupon or pasted code), reported beside the rate. */
  readonly codeConversions?: number;
  readonly revenue: number;
  /** This partner's referrals banded review or reject by `scoreReferrals`. */
  readonly flaggedReferrals?: number;
  /**
   * The referrals (sign-ups) those verdicts were drawn from. When given, the fraud rate is
   * flagged / referrals; without it, flagged / conversions (which can pass 100% when flagged
   * sign-ups never convert).
   */
  readonly referrals?: number;
  /** Conversions refunded or cancelled. */
  readonly refundedConversions?: number;
  /** Shares (or clicks) per week, oldest first, zero-filled. */
  readonly weeklyActivity?: ArrayLike<number>;
  /** NPS answers per score 0..10. */
  readonly npsCounts?: ArrayLike<number>;
}

export type PartnerStatus = 'needs-review' | 'needs-enablement' | 'grow' | 'healthy';

export interface PartnerHealthOptions {
  /** needs-review at a fraud rate (flagged / conversions) of at least this; default 0.10 … */
  readonly reviewFraudRate?: number;
  /** … or a refund rate (refunded / conversions) of at least this; default 0.20 … */
  readonly reviewRefundRate?: number;
  /** … counted only from this many flagged (refunded) conversions; default 3. */
  readonly minFlagged?: number;
  /** needs-enablement below this fraction of the median partner's shares; default 0.5 … */
  readonly lowActivityRatio?: number;
  /** … or when the weekly trend loses at least this fraction of its median week per week; default 0.10. */
  readonly decliningTrend?: number;
  /** grow at a conversion rate of at least this multiple of the median partner's; default 1.2. */
  readonly growConversionRatio?: number;
  /** Conversion rates are judged (and ranked) from this many clicks; default 30. */
  readonly minClicks?: number;
  /** Fraud rates are ranked from this many conversions; default 10. */
  readonly minConversions?: number;
  /** Size of the top / bottom lists and of the top-N concentration share; default 5. */
  readonly topN?: number;
}

export const DEFAULT_PARTNER_HEALTH_OPTIONS: Required<PartnerHealthOptions> = {
  reviewFraudRate: 0.1,
  reviewRefundRate: 0.2,
  minFlagged: 3,
  lowActivityRatio: 0.5,
  decliningTrend: 0.1,
  growConversionRatio: 1.2,
  minClicks: 30,
  minConversions: 10,
  topN: 5,
};

export interface PartnerHealth {
  readonly partner: string;
  readonly tier: string | null;
  readonly shares: number;
  readonly clicks: number;
  readonly conversions: number;
  /** Clicks that led to a referred customer, and conversions without a click (null when not given). */
  readonly clickConversions: number | null;
  readonly codeConversions: number | null;
  readonly revenue: number;
  /** clickConversions / clicks (conversions / clicks without them): at most 1 */
  readonly conversionRate: number | null;
  /** flaggedReferrals / referrals (flaggedReferrals / conversions without referrals) */
  readonly fraudRate: number | null;
  /** refundedConversions / conversions */
  readonly refundRate: number | null;
  /** Share of voice: this partner's shares / all shares, clicks / all clicks. */
  readonly shareOfShares: number | null;
  readonly shareOfClicks: number | null;
  /** revenue / all partners' revenue */
  readonly revenueShare: number | null;
  /** Theil–Sen slope of weekly activity (per week), and that slope / the median week. */
  readonly trend: number | null;
  readonly relativeTrend: number | null;
  readonly nps: number | null;
  readonly status: PartnerStatus;
  /** Why, in words the report can show. */
  readonly reasons: readonly string[];
}

export interface PartnerRanking {
  /** Highest first. */
  readonly top: readonly PartnerHealth[];
  /** Lowest first. */
  readonly bottom: readonly PartnerHealth[];
}

export interface PartnerHealthReport {
  readonly options: Required<PartnerHealthOptions>;
  readonly partners: readonly PartnerHealth[];
  /** Revenue concentration across partners (top-N share, HHI 0..10,000). */
  readonly concentration: Concentration;
  /** Medians across partners used by the classification. */
  readonly medianShares: number | null;
  readonly medianConversionRate: number | null;
  readonly byRevenue: PartnerRanking;
  readonly byConversionRate: PartnerRanking;
  readonly byFraudRate: PartnerRanking;
}

/**
 * Partner health: rates, share of voice, engagement trend (Theil–Sen), NPS, revenue concentration,
 * rankings, and a status per partner, decided in this order:
 * 1. needs-review: fraud rate ≥ 10% (from ≥ 3 flagged) or refund rate ≥ 20% (from ≥ 3 refunds);
 * 2. needs-enablement (clean but quiet): shares < 0.5 × the median partner's, or a weekly trend
 *    losing ≥ 10% of its median week per week;
 * 3. grow: conversion rate ≥ 1.2 × the median partner's (both from ≥ 30 clicks) and a trend not
 *    falling by the measure of 2. (losing less than 10% of its median week per week; a slightly
 *    negative Theil–Sen slope over four or five weekly counts is noise, not a fall): proven
 *    quality, volume is the lever;
 * 4. healthy: the rest.
 * Thresholds in `PartnerHealthOptions`. O(p log p + Σ weeks²) for p partners.
 *
 * @example
 * const health = partnerHealth(partnerRows);
 * health.partners.filter((p) => p.status === 'needs-review');
 */
export function partnerHealth(
  rows: readonly PartnerAggregate[],
  options: PartnerHealthOptions = {},
): PartnerHealthReport {
  const o: Required<PartnerHealthOptions> = { ...DEFAULT_PARTNER_HEALTH_OPTIONS, ...options };
  let shares = 0;
  let clicks = 0;
  let revenue = 0;
  rows.forEach((r, i) => {
    checkCounts(
      r,
      [
        'shares',
        'clicks',
        'conversions',
        'clickConversions',
        'codeConversions',
        'revenue',
        'flaggedReferrals',
        'referrals',
        'refundedConversions',
      ],
      `rows[${i}]`,
    );
    checkClickConversions(r, i);
    shares += r.shares;
    clicks += r.clicks;
    revenue += r.revenue;
  });
  const medianShares = median(rows.map((r) => r.shares));
  const judged = rows.filter((r) => r.clicks >= o.minClicks);
  const medianConversionRate = median(judged.map((r) => clickConversions(r) / r.clicks));

  const partners = rows.map((r): PartnerHealth => {
    const conversionRate = ratio(clickConversions(r), r.clicks);
    const fraudRate =
      r.flaggedReferrals == null ? null : ratio(r.flaggedReferrals, r.referrals ?? r.conversions);
    const refundRate = r.refundedConversions == null ? null : ratio(r.refundedConversions, r.conversions);
    const weeks = r.weeklyActivity;
    const trend = weeks && weeks.length >= 2 ? theilSenSlope(weeks) : null;
    const typicalWeek = weeks && weeks.length > 0 ? median(Array.from(weeks)) : null;
    const relativeTrend = trend === null || !typicalWeek ? null : trend / typicalWeek;
    const reasons: string[] = [];
    let status: PartnerStatus = 'healthy';
    if (fraudRate !== null && fraudRate >= o.reviewFraudRate && (r.flaggedReferrals ?? 0) >= o.minFlagged)
      reasons.push(`fraud rate ${pct(fraudRate)} ≥ ${pct(o.reviewFraudRate)}`);
    if (
      refundRate !== null &&
      refundRate >= o.reviewRefundRate &&
      (r.refundedConversions ?? 0) >= o.minFlagged
    )
      reasons.push(`refund rate ${pct(refundRate)} ≥ ${pct(o.reviewRefundRate)}`);
    if (reasons.length > 0) status = 'needs-review';
    else {
      if (medianShares !== null && r.shares < o.lowActivityRatio * medianShares)
        reasons.push(`shares ${r.shares} < ${o.lowActivityRatio} × median ${medianShares}`);
      if (relativeTrend !== null && relativeTrend <= -o.decliningTrend)
        reasons.push(`activity falling ${pct(-relativeTrend)} of a typical week per week`);
      if (reasons.length > 0) status = 'needs-enablement';
      else if (
        conversionRate !== null &&
        r.clicks >= o.minClicks &&
        medianConversionRate !== null &&
        conversionRate >= o.growConversionRatio * medianConversionRate &&
        !(relativeTrend !== null && relativeTrend <= -o.decliningTrend)
      ) {
        status = 'grow';
        reasons.push(
          `conversion ${pct(conversionRate)} ≥ ${o.growConversionRatio} × median ${pct(medianConversionRate)}`,
        );
      }
    }
    return {
      partner: r.partner,
      tier: r.tier ?? null,
      shares: r.shares,
      clicks: r.clicks,
      conversions: r.conversions,
      clickConversions: r.clickConversions ?? null,
      codeConversions: r.codeConversions ?? null,
      revenue: r.revenue,
      conversionRate,
      fraudRate,
      refundRate,
      shareOfShares: ratio(r.shares, shares),
      shareOfClicks: ratio(r.clicks, clicks),
      revenueShare: ratio(r.revenue, revenue),
      trend,
      relativeTrend,
      nps: r.npsCounts ? netPromoterScore(r.npsCounts).nps : null,
      status,
      reasons,
    };
  });

  /** `positiveTop`: the top list holds only partners above 0 (a 0% fraud rate is not a top one). */
  const rank = (
    eligible: PartnerHealth[],
    value: (p: PartnerHealth) => number,
    positiveTop = false,
  ): PartnerRanking => {
    const sorted = [...eligible].sort((a, b) => value(b) - value(a) || a.partner.localeCompare(b.partner));
    const ascending = [...eligible].sort((a, b) => value(a) - value(b) || a.partner.localeCompare(b.partner));
    const top = positiveTop ? sorted.filter((p) => value(p) > 0) : sorted;
    return { top: top.slice(0, o.topN), bottom: ascending.slice(0, o.topN) };
  };
  return {
    options: o,
    partners,
    concentration: concentration(
      rows.map((r) => r.revenue),
      o.topN,
    ),
    medianShares,
    medianConversionRate,
    byRevenue: rank(partners, (p) => p.revenue),
    byConversionRate: rank(
      partners.filter((p) => p.clicks >= o.minClicks),
      (p) => p.conversionRate!,
    ),
    byFraudRate: rank(
      partners.filter((p) => p.fraudRate !== null && p.conversions >= o.minConversions),
      (p) => p.fraudRate!,
      true,
    ),
  };
}

/** The conversion rate's numerator: customers from the partner's clicks. */
const clickConversions = (r: PartnerAggregate): number => r.clickConversions ?? r.conversions;

/** A conversion rate is a share of the clicks: its numerator cannot exceed them. */
function checkClickConversions(r: PartnerAggregate, i: number): void {
  if (clickConversions(r) <= r.clicks) return;
  const field = r.clickConversions == null ? 'conversions' : 'clickConversions';
  throw new ReferralInputError(
    `rows[${i}].${field} (${clickConversions(r)}) exceeds rows[${i}].clicks (${r.clicks}): the conversion rate counts the clicks that led to a customer${r.clickConversions == null ? '; give clickConversions (conversions with no click, e.g. by coupon, are not part of it)' : ''}`,
    { field: `rows[${i}].${field}` },
  );
}

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const s = Float64Array.from(values).sort();
  const h = s.length >> 1;
  return s.length % 2 === 1 ? s[h] : (s[h - 1] + s[h]) / 2;
}

const pct = (x: number): string => percentText(x);
