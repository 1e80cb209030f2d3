import { LoyaltyInputError } from './loyalty-input-error.ts';

export interface OutstandingLiabilityInput {
  /** Points members can spend now. */
  readonly activePoints: number;
  /** Points earned but not yet available (return window, pending orders). */
  readonly pendingPoints: number;
  readonly valuePerPoint: number;
  /** Share of outstanding points expected to be redeemed (e.g. from `estimateBreakage`), 0..1. */
  readonly expectedRedemptionRate: number;
  /** Points redeemed in the period (for the revenue released). Default 0. */
  readonly redeemedPointsInPeriod?: number;
  /**
   * Revenue released per redeemed point. Default `valuePerPoint`; under IFRS 15 it is the amount
   * allocated to the points ÷ the points expected to be redeemed (see `allocateTransactionPrice`).
   */
  readonly revenuePerRedeemedPoint?: number;
  /** The liability reported for the previous period, to compute the change. */
  readonly previousLiability?: number;
}

export interface OutstandingLiability {
  /** active + pending. */
  readonly outstandingPoints: number;
  /** outstanding points × value per point × expected redemption rate. */
  readonly liability: number;
  /** outstanding points × value per point × (1 − expected redemption rate): expected breakage, in money. */
  readonly expectedBreakageValue: number;
  /** Redeemed points × revenue per redeemed point. */
  readonly revenueReleased: number;
  /** liability − previous, or null without a previous figure. */
  readonly change: number | null;
  /** change / previous, or null. */
  readonly changeRate: number | null;
}

/**
 * Points liability at period end (the contract liability for unredeemed points, valued the way
 * IFRS 15 B42 values the material right: value per point × likelihood of redemption):
 *
 *   liability = (active + pending points) × value per point × expected redemption rate,
 *   revenue released = points redeemed in the period × revenue per redeemed point,
 *   change = liability − previous liability.
 *
 * O(1). The ledger balances themselves are summed in SQL.
 *
 * @example
 * outstandingPointsLiability({ activePoints: 1_000_000, pendingPoints: 50_000, valuePerPoint: 0.01,
 *   expectedRedemptionRate: 0.8, previousLiability: 8_000 }).liability; // 8,400
 */
export function outstandingPointsLiability(input: OutstandingLiabilityInput): OutstandingLiability {
  for (const [name, value] of Object.entries(input)) {
    if (value !== undefined && (!Number.isFinite(value) || value < 0)) {
      throw new LoyaltyInputError(`${name} must be a finite number ≥ 0, got ${value}`, { option: name });
    }
  }
  const { activePoints, pendingPoints, valuePerPoint, expectedRedemptionRate } = input;
  if (expectedRedemptionRate > 1) {
    throw new LoyaltyInputError(`expectedRedemptionRate is a share in 0..1, got ${expectedRedemptionRate}`, {
      option: 'expectedRedemptionRate',
    });
  }
  const outstandingPoints = activePoints + pendingPoints;
  const liability = outstandingPoints * valuePerPoint * expectedRedemptionRate;
  const revenueReleased =
    (input.redeemedPointsInPeriod ?? 0) * (input.revenuePerRedeemedPoint ?? valuePerPoint);
  const previous = input.previousLiability;
  const change = previous === undefined ? null : liability - previous;
  return {
    outstandingPoints,
    liability,
    expectedBreakageValue: outstandingPoints * valuePerPoint * (1 - expectedRedemptionRate),
    revenueReleased,
    change,
    changeRate: previous === undefined || previous === 0 || change === null ? null : change / previous,
  };
}
