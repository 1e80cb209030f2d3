import { LoyaltyInputError } from './loyalty-input-error.ts';

/** State of one issuance of points at the end of a reporting period. */
export interface PointsPeriod {
  /** Points of this issuance redeemed since issue, cumulatively. */
  readonly cumulativeRedeemed: number;
  /** Points of this issuance now expected to be redeemed in total (updated each period). */
  readonly expectedRedemptions: number;
}

export interface PointsRevenuePeriod {
  readonly cumulativeRedeemed: number;
  readonly expectedRedemptions: number;
  /** allocated × min(1, cumulativeRedeemed / expectedRedemptions). */
  readonly cumulativeRevenue: number;
  /** Revenue of this period: cumulative revenue minus that of the previous period (catch-up included). */
  readonly revenue: number;
  /** Contract liability at period end: allocated − cumulative revenue. */
  readonly liability: number;
}

/**
 * Revenue recognised for one issuance of points, period by period, as points are redeemed
 * relative to the total redemptions expected (IFRS 15 B40 and Illustrative Example 52; ASC 606
 * breakage, 606-10-55-48): cumulative revenue = allocated × redeemed-to-date / expected total, so a
 * change in the expected total is caught up in the period it happens (cumulative catch-up,
 * IFRS 15 ¶¶87–90), and the liability is what has not been recognised. Breakage is thereby
 * recognised in proportion to redemptions; when the points lapse, pass expectedRedemptions equal
 * to cumulativeRedeemed and the remainder is released. O(periods).
 *
 * @example
 * // IE52: 8,676 allocated; 4,500 of 9,500 redeemed (year 1), 8,500 of 9,700 (year 2)
 * recognizePointsRevenue(8_676, [
 *   { cumulativeRedeemed: 4_500, expectedRedemptions: 9_500 },  // revenue 4,110, liability 4,566
 *   { cumulativeRedeemed: 8_500, expectedRedemptions: 9_700 },  // revenue 3,493, liability 1,073
 * ]);
 */
export function recognizePointsRevenue(
  allocated: number,
  periods: readonly PointsPeriod[],
): PointsRevenuePeriod[] {
  if (!Number.isFinite(allocated) || allocated < 0) {
    throw new LoyaltyInputError(`allocated must be a finite amount ≥ 0, got ${allocated}`, {
      option: 'allocated',
    });
  }
  let previous = 0;
  return periods.map((period, row) => {
    const { cumulativeRedeemed, expectedRedemptions } = period;
    if (!Number.isFinite(cumulativeRedeemed) || cumulativeRedeemed < 0) {
      throw new LoyaltyInputError(`cumulativeRedeemed must be ≥ 0, got ${cumulativeRedeemed}`, {
        column: 'cumulativeRedeemed',
        row,
      });
    }
    if (!Number.isFinite(expectedRedemptions) || expectedRedemptions < 0) {
      throw new LoyaltyInputError(`expectedRedemptions must be ≥ 0, got ${expectedRedemptions}`, {
        column: 'expectedRedemptions',
        row,
      });
    }
    const share = expectedRedemptions > 0 ? Math.min(1, cumulativeRedeemed / expectedRedemptions) : 1;
    const cumulativeRevenue = allocated * share;
    const revenue = cumulativeRevenue - previous;
    previous = cumulativeRevenue;
    return {
      cumulativeRedeemed,
      expectedRedemptions,
      cumulativeRevenue,
      revenue,
      liability: allocated - cumulativeRevenue,
    };
  });
}
