/**
 * Loyalty-programme KPIs as pure functions of aggregates the command computes in SQL over the
 * window. Each returns null when its denominator is 0 (undefined, not 0%). Shares are in 0..1.
 * O(1) each (O(tiers) / O(scale) for the distributions).
 */

function ratio(numerator: number, denominator: number): number | null {
  return denominator > 0 && Number.isFinite(numerator) ? numerator / denominator : null;
}

/**
 * Enrollment rate = customers who enrolled in the window / customers eligible in the window
 * (purchasers in the window who were not members at its start).
 *
 * @example
 * enrollmentRate({ enrolled: 120, eligible: 1_000 }); // 0.12
 */
export function enrollmentRate(a: { readonly enrolled: number; readonly eligible: number }): number | null {
  return ratio(a.enrolled, a.eligible);
}

/**
 * Active member rate = members with at least one earning or redeeming event in the window /
 * members enrolled at the end of the window.
 *
 * @example
 * activeMemberRate({ activeMembers: 450, members: 1_500 }); // 0.3
 */
export function activeMemberRate(a: {
  readonly activeMembers: number;
  readonly members: number;
}): number | null {
  return ratio(a.activeMembers, a.members);
}

/**
 * Order earning rate = member orders that earned points / member orders (orders placed by
 * identified members); a low value means members are not identified at checkout.
 *
 * @example
 * orderEarningRate({ earningOrders: 880, memberOrders: 1_000 }); // 0.88
 */
export function orderEarningRate(a: {
  readonly earningOrders: number;
  readonly memberOrders: number;
}): number | null {
  return ratio(a.earningOrders, a.memberOrders);
}

/**
 * Redemption rate = points redeemed in the window / points earned in the window (a flow ratio: it
 * can exceed 1 when old balances are spent; the ultimate rate per cohort is `estimateBreakage`'s).
 *
 * @example
 * redemptionRate({ pointsRedeemed: 60_000, pointsEarned: 100_000 }); // 0.6
 */
export function redemptionRate(a: {
  readonly pointsRedeemed: number;
  readonly pointsEarned: number;
}): number | null {
  return ratio(a.pointsRedeemed, a.pointsEarned);
}

/**
 * Reward usage = rewards (vouchers, coupons) used in the window / rewards issued in the window.
 *
 * @example
 * rewardUsage({ rewardsUsed: 300, rewardsIssued: 400 }); // 0.75
 */
export function rewardUsage(a: {
  readonly rewardsUsed: number;
  readonly rewardsIssued: number;
}): number | null {
  return ratio(a.rewardsUsed, a.rewardsIssued);
}

/**
 * Breakage rate (realised) = points expired in the window / points earned in the window. The
 * expected (ultimate) breakage of outstanding points is `estimateBreakage`'s.
 *
 * @example
 * breakageRate({ pointsExpired: 15_000, pointsEarned: 100_000 }); // 0.15
 */
export function breakageRate(a: {
  readonly pointsExpired: number;
  readonly pointsEarned: number;
}): number | null {
  return ratio(a.pointsExpired, a.pointsEarned);
}

/**
 * Cost per point = cost of the rewards fulfilled in the window (product cost, discounts funded,
 * partner fees) / points redeemed in the window.
 *
 * @example
 * costPerPoint({ rewardCost: 540, pointsRedeemed: 60_000 }); // 0.009
 */
export function costPerPoint(a: {
  readonly rewardCost: number;
  readonly pointsRedeemed: number;
}): number | null {
  return ratio(a.rewardCost, a.pointsRedeemed);
}

/**
 * Average order value = revenue / orders.
 *
 * @example
 * averageOrderValue({ revenue: 52_000, orders: 800 }); // 65
 */
export function averageOrderValue(a: { readonly revenue: number; readonly orders: number }): number | null {
  return ratio(a.revenue, a.orders);
}

/**
 * Purchase frequency = orders / distinct purchasing customers, in the window.
 *
 * @example
 * purchaseFrequency({ orders: 800, customers: 500 }); // 1.6
 */
export function purchaseFrequency(a: { readonly orders: number; readonly customers: number }): number | null {
  return ratio(a.orders, a.customers);
}

export interface TierShare {
  readonly tier: string;
  readonly members: number;
  /** members / all members. */
  readonly share: number;
}

/**
 * Tier mix = members in each tier / all members, in the order given (lowest tier first).
 *
 * @example
 * tierMix({ Base: 700, Silver: 250, Gold: 50 }); // [{ tier: 'Base', members: 700, share: 0.7 }, …]
 */
export function tierMix(membersByTier: Readonly<Record<string, number>>): TierShare[] {
  const total = Object.values(membersByTier).reduce((s, v) => s + v, 0);
  return Object.entries(membersByTier).map(([tier, members]) => ({
    tier,
    members,
    share: total > 0 ? members / total : 0,
  }));
}

export interface MemberRevenueComparison {
  /** member revenue / members. */
  readonly memberRevenuePerCustomer: number | null;
  /** non-member revenue / non-member customers. */
  readonly nonMemberRevenuePerCustomer: number | null;
  /** member − non-member (descriptive: members self-select, so this is not the programme's effect). */
  readonly difference: number | null;
  /** member / non-member. */
  readonly ratio: number | null;
}

/**
 * Member vs non-member revenue per customer = revenue / purchasing customers, per group, in the
 * window. Descriptive only (selection bias); the causal estimate needs a holdout
 * (`incrementalRevenueVsHoldout`).
 *
 * @example
 * memberVsNonMemberRevenue({ memberRevenue: 90_000, members: 600, nonMemberRevenue: 40_000, nonMembers: 400 });
 * // { memberRevenuePerCustomer: 150, nonMemberRevenuePerCustomer: 100, difference: 50, ratio: 1.5 }
 */
export function memberVsNonMemberRevenue(a: {
  readonly memberRevenue: number;
  readonly members: number;
  readonly nonMemberRevenue: number;
  readonly nonMembers: number;
}): MemberRevenueComparison {
  const member = ratio(a.memberRevenue, a.members);
  const nonMember = ratio(a.nonMemberRevenue, a.nonMembers);
  return {
    memberRevenuePerCustomer: member,
    nonMemberRevenuePerCustomer: nonMember,
    difference: member !== null && nonMember !== null ? member - nonMember : null,
    ratio: member !== null && nonMember !== null && nonMember > 0 ? member / nonMember : null,
  };
}

export interface CsatResult {
  /** Responses at or above `satisfiedFrom` / all responses (the usual "% satisfied", 4–5 on 1–5). */
  readonly csat: number | null;
  /** Mean score. */
  readonly meanScore: number | null;
  readonly responses: number;
}

/**
 * CSAT = responses scoring satisfiedFrom..max / all responses (default: 4 or 5 on a 1–5 scale),
 * with the mean score beside it. `countsByScore[k]` is the number of responses with score k + 1.
 *
 * @example
 * csat([5, 5, 10, 40, 40]); // { csat: 0.8, meanScore: 4.05, responses: 100 }
 */
export function csat(countsByScore: readonly number[], satisfiedFrom = 4): CsatResult {
  let responses = 0;
  let satisfied = 0;
  let scoreSum = 0;
  countsByScore.forEach((count, k) => {
    responses += count;
    scoreSum += count * (k + 1);
    if (k + 1 >= satisfiedFrom) satisfied += count;
  });
  return { csat: ratio(satisfied, responses), meanScore: ratio(scoreSum, responses), responses };
}
