import { checkCounts } from './check-counts.ts';
import { ratio } from './ratio.ts';

/**
 * Funnel counts of one window and one segment (or the whole program), from one GROUP BY over the
 * referral events (DuckDB shown; `dimension` is channel, persona, partner_tier or region):
 * ```sql
 * SELECT $dimension AS value,
 *   count(DISTINCT advocate_id) FILTER (eligible)                           AS "eligibleAdvocates",
 *   count(DISTINCT advocate_id) FILTER (event = 'share')                    AS "participatingAdvocates",
 *   count(*) FILTER (event = 'share')                                       AS shares,
 *   count(*) FILTER (event = 'invite')                                      AS invites,
 *   count(*) FILTER (event = 'click')                                       AS clicks,
 *   count(DISTINCT friend_id) FILTER (event = 'signup')                     AS signups,
 *   count(DISTINCT friend_id) FILTER (event = 'conversion')                 AS conversions,
 *   count(DISTINCT friend_id) FILTER (event = 'conversion' AND shared_after) AS "friendsWhoShared",
 *   sum(amount) FILTER (event = 'conversion')                               AS "referredRevenue", …
 * FROM referral_events WHERE ts >= $start AND ts < $end GROUP BY ALL
 * ```
 * Counts are period counts (events in the window), not cohorts: a sign-up in the window whose
 * friend converts after it counts in the next window. Costs are optional; without them the cost
 * metrics are null.
 */
export interface FunnelCounts {
  /** Customers who could refer in the window. */
  readonly eligibleAdvocates: number;
  /** Eligible advocates with at least one share in the window. */
  readonly participatingAdvocates: number;
  /** Referral links shared (any channel). */
  readonly shares: number;
  /** Invitations addressed to one person; the k-factor uses shares when absent. */
  readonly invites?: number;
  readonly clicks: number;
  /** Referred friends who signed up. */
  readonly signups: number;
  /** Referred friends who became customers (first qualifying purchase). */
  readonly conversions: number;
  /** Converted friends who went on to share their own link. */
  readonly friendsWhoShared?: number;
  /** New customers from every source in the window. */
  readonly newCustomers?: number;
  /**
   * Referred customers who are new customers (a referred friend who was already a customer is
   * not); the share of new customers counts these, `conversions` when absent.
   */
  readonly referredNewCustomers?: number;
  /** Revenue of referred customers and of all new customers in the window. */
  readonly referredRevenue?: number;
  readonly newCustomerRevenue?: number;
  /**
   * The new-customer revenue of the referred new customers (their part of `newCustomerRevenue`,
   * taken the same way); the share of new-customer revenue counts it, `referredRevenue` when absent.
   */
  readonly referredNewCustomerRevenue?: number;
  /** Rewards paid or owed, other incentives (friend discounts), platform/network fees, and refunded rewards clawed back. */
  readonly rewards?: number;
  readonly incentives?: number;
  readonly fees?: number;
  readonly clawbacks?: number;
}

/** Every metric is null when its denominator is 0 or its inputs are absent. */
export interface ReferralMetrics {
  /** participatingAdvocates / eligibleAdvocates */
  readonly participationRate: number | null;
  /** shares / participatingAdvocates */
  readonly shareRate: number | null;
  /** clicks / shares */
  readonly clicksPerShare: number | null;
  /** signups / clicks */
  readonly signupRate: number | null;
  /** conversions / signups */
  readonly conversionRate: number | null;
  /** friendsWhoShared / conversions */
  readonly friendsTurnedAdvocates: number | null;
  /** referredNewCustomers (else conversions) / newCustomers */
  readonly shareOfNewCustomers: number | null;
  /** referredNewCustomerRevenue (else referredRevenue) / newCustomerRevenue */
  readonly shareOfNewRevenue: number | null;
  /** i = invites / eligibleAdvocates (invites default to shares) */
  readonly invitesPerAdvocate: number | null;
  /** c = conversions / invites */
  readonly inviteConversionRate: number | null;
  /** k = i × c = conversions / eligibleAdvocates (0 when nobody invited) */
  readonly kFactor: number | null;
  /** rewards + incentives + fees − clawbacks (null without any cost field) */
  readonly programCost: number | null;
  /** programCost / conversions */
  readonly costPerReferredCustomer: number | null;
  /** (referredRevenue − programCost) / programCost (null when the cost is not positive) */
  readonly payoutRoi: number | null;
}

/**
 * The referral program metrics of one window and segment. Formulas (the README quotes them):
 * - participation rate = participating advocates / eligible advocates
 * - share rate = shares / participating advocates
 * - clicks per share = clicks / shares
 * - sign-up rate = sign-ups / clicks
 * - referral conversion rate = conversions / sign-ups
 * - friends turned advocates = converted friends who later shared / conversions
 * - referral share of new customers = referred customers who are new customers / new customers
 *   (a referred friend who was a customer before is not a new one: the numerator nests in the
 *   denominator); of new revenue = the referred new customers' new-customer revenue / new-customer
 *   revenue (the same orders, net of refunds, so at most 100%)
 * - k-factor = i × c with i = invites / eligible advocates and c = conversions / invites, i.e.
 *   referred customers per eligible advocate in the window (that quotient too when there are no
 *   invites: a segment reached by pasted codes has customers and no invites). The base is every
 *   eligible advocate, not only those who shared: k is how many new customers each existing
 *   customer brings, and k ≥ 1 would mean self-sustaining growth.
 * - cost = rewards + incentives + fees − clawed-back rewards; cost per referred customer =
 *   cost / conversions; payout ROI = (referred revenue − cost) / cost
 * O(1).
 *
 * @example
 * referralMetrics({ eligibleAdvocates: 1000, participatingAdvocates: 200, shares: 600, clicks: 1800,
 *   signups: 360, conversions: 90 }).kFactor; // 90 / 1000 = 0.09
 */
export function referralMetrics(counts: FunnelCounts, where = 'counts'): ReferralMetrics {
  checkCounts(
    counts,
    [
      'eligibleAdvocates',
      'participatingAdvocates',
      'shares',
      'invites',
      'clicks',
      'signups',
      'conversions',
      'friendsWhoShared',
      'newCustomers',
      'referredNewCustomers',
      'referredRevenue',
      'newCustomerRevenue',
      'referredNewCustomerRevenue',
      'rewards',
      'incentives',
      'fees',
      'clawbacks',
    ],
    where,
  );
  const c = counts;
  const invites = c.invites ?? c.shares;
  const invitesPerAdvocate = ratio(invites, c.eligibleAdvocates);
  const inviteConversionRate = ratio(c.conversions, invites);
  // i × c is referred customers / eligible advocates; without invites (a channel customers reach
  // by a pasted code, with no share of its own) c is undefined but the quotient is not
  const kFactor =
    invitesPerAdvocate === null
      ? null
      : inviteConversionRate === null
        ? ratio(c.conversions, c.eligibleAdvocates)
        : invitesPerAdvocate * inviteConversionRate;
  const hasCost = c.rewards != null || c.incentives != null || c.fees != null || c.clawbacks != null;
  const programCost = hasCost
    ? (c.rewards ?? 0) + (c.incentives ?? 0) + (c.fees ?? 0) - (c.clawbacks ?? 0)
    : null;
  return {
    participationRate: ratio(c.participatingAdvocates, c.eligibleAdvocates),
    shareRate: ratio(c.shares, c.participatingAdvocates),
    clicksPerShare: ratio(c.clicks, c.shares),
    signupRate: ratio(c.signups, c.clicks),
    conversionRate: ratio(c.conversions, c.signups),
    friendsTurnedAdvocates: c.friendsWhoShared == null ? null : ratio(c.friendsWhoShared, c.conversions),
    shareOfNewCustomers:
      c.newCustomers == null ? null : ratio(c.referredNewCustomers ?? c.conversions, c.newCustomers),
    shareOfNewRevenue:
      c.referredRevenue == null || c.newCustomerRevenue == null
        ? null
        : ratio(c.referredNewCustomerRevenue ?? c.referredRevenue, c.newCustomerRevenue),
    invitesPerAdvocate,
    inviteConversionRate,
    kFactor,
    programCost,
    costPerReferredCustomer: programCost === null ? null : ratio(programCost, c.conversions),
    payoutRoi:
      programCost === null || c.referredRevenue == null || !(programCost > 0)
        ? null
        : (c.referredRevenue - programCost) / programCost,
  };
}

/** A segment's counts: `dimension` (channel, persona, partner-tier, region, or 'program') and its value. */
export interface FunnelRow extends FunnelCounts {
  readonly dimension: string;
  readonly value: string;
  /** The window label (e.g. '30d', '2026-W09'), when several windows come in one result. */
  readonly window?: string;
}

export interface SegmentMetrics {
  readonly dimension: string;
  readonly value: string;
  readonly window: string | null;
  readonly counts: FunnelRow;
  readonly metrics: ReferralMetrics;
}

/**
 * `referralMetrics` for every row of a GROUP BY (dimension, value[, window]), in input order.
 * @example metricsByDimension(rows).filter((s) => s.dimension === 'channel');
 */
export function metricsByDimension(rows: readonly FunnelRow[]): SegmentMetrics[] {
  return rows.map((row, i) => ({
    dimension: row.dimension,
    value: row.value,
    window: row.window ?? null,
    counts: row,
    metrics: referralMetrics(row, `rows[${i}]`),
  }));
}
