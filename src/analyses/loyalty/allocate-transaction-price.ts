import { LoyaltyInputError } from './loyalty-input-error.ts';

export interface PointsAllocationInput {
  /** Consideration received for the purchases that earned the points. */
  readonly transactionPrice: number;
  /** Stand-alone selling price of the goods or services sold (without points). */
  readonly goodsStandaloneSellingPrice: number;
  readonly pointsIssued: number;
  /** Discount (or reward value) one point gives when redeemed. */
  readonly valuePerPoint: number;
  /** Share of issued points expected to be redeemed (1 − expected breakage), 0..1. */
  readonly expectedRedemptionRate: number;
}

export interface PointsAllocation {
  /** pointsIssued × valuePerPoint × expectedRedemptionRate. */
  readonly pointsStandaloneSellingPrice: number;
  /** Transaction price allocated to the goods (revenue now). */
  readonly goods: number;
  /** Transaction price allocated to the points (contract liability until redeemed or lapsed). */
  readonly points: number;
  /** points / transactionPrice. */
  readonly pointsShare: number;
}

/**
 * Allocation of a transaction price between goods and loyalty points in proportion to their
 * stand-alone selling prices (IFRS 15 ¶¶73–80 and B39–B43; ASC 606-10-32-28 and 55-41..45). The
 * points are a material right whose stand-alone selling price reflects the likelihood of
 * redemption (IFRS 15 B42): value per point × expected redemption rate × points issued.
 *
 *   SSP_points = N · v · ρ,   points = P · SSP_points / (SSP_goods + SSP_points),   goods = P − points.
 *
 * @example
 * // IFRS 15 Illustrative Example 52 (IE267–IE270): CU100,000 of purchases, 10,000 points worth
 * // CU1 each, 9,500 expected to be redeemed → products 91,324, points 8,676.
 * allocateTransactionPrice({ transactionPrice: 100_000, goodsStandaloneSellingPrice: 100_000,
 *   pointsIssued: 10_000, valuePerPoint: 1, expectedRedemptionRate: 0.95 });
 */
export function allocateTransactionPrice(input: PointsAllocationInput): PointsAllocation {
  const {
    transactionPrice,
    goodsStandaloneSellingPrice,
    pointsIssued,
    valuePerPoint,
    expectedRedemptionRate,
  } = input;
  for (const [name, value] of Object.entries(input)) {
    if (!Number.isFinite(value) || value < 0) {
      throw new LoyaltyInputError(`${name} must be a finite number ≥ 0, got ${value}`, { option: name });
    }
  }
  if (expectedRedemptionRate > 1) {
    throw new LoyaltyInputError(`expectedRedemptionRate is a share in 0..1, got ${expectedRedemptionRate}`, {
      option: 'expectedRedemptionRate',
    });
  }
  const pointsStandaloneSellingPrice = pointsIssued * valuePerPoint * expectedRedemptionRate;
  const totalSsp = goodsStandaloneSellingPrice + pointsStandaloneSellingPrice;
  const points = totalSsp > 0 ? (transactionPrice * pointsStandaloneSellingPrice) / totalSsp : 0;
  return {
    pointsStandaloneSellingPrice,
    goods: transactionPrice - points,
    points,
    pointsShare: transactionPrice > 0 ? points / transactionPrice : 0,
  };
}
