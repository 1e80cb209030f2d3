/**
 * Loyalty-programme analytics: pure functions over compact per-member summaries computed in SQL
 * (or their DISTINCT combinations with a member count), as typed arrays or plain number arrays.
 *
 * - repeat-purchase model (BG/NBD): `fitBgnbd`, `bgnbdLogLikelihood`, `bgnbdProbabilityAlive`,
 *   `bgnbdConditionalExpectedPurchases`, `bgnbdExpectedPurchases`, `predictBgnbd`;
 * - spend and value: `fitGammaGamma`, `gammaGammaLogLikelihood`, `gammaGammaExpectedSpend`,
 *   `spendFrequencyCorrelation`, `customerLifetimeValue(s)`;
 * - RFM: `quintileScores`, `scoreValue`, `rfmScores`, `rfmSegment`, `rfmSegmentSummary`;
 * - points accounting (IFRS 15 / ASC 606): `allocateTransactionPrice`, `recognizePointsRevenue`,
 *   `estimateBreakage` (chain ladder), `outstandingPointsLiability`;
 * - KPIs: rates, AOV, frequency, tier mix and migration, member vs non-member, holdout lift, CSAT;
 * - segments to act on: `upgradeOpportunities`, `downgradeRisk`, `winBack`, `expiringPoints`,
 *   `neverRedeemed`.
 *
 * Bad input throws `LoyaltyInputError` (column, row, option, hint).
 */
export type {
  BgNbdData,
  BgNbdParams,
  FitResult,
  GammaGammaData,
  GammaGammaParams,
  NumericColumn,
  ScalarOrColumn,
} from './types.ts';
export { LoyaltyInputError } from './loyalty-input-error.ts';

export { fitBgnbd, type FitBgnbdOptions } from './fit-bgnbd.ts';
export { bgnbdLogLikelihood } from './bgnbd-log-likelihood.ts';
export { bgnbdProbabilityAlive } from './bgnbd-probability-alive.ts';
export { bgnbdConditionalExpectedPurchases } from './bgnbd-conditional-expected-purchases.ts';
export { bgnbdExpectedPurchases } from './bgnbd-expected-purchases.ts';
export { predictBgnbd, type BgNbdPrediction } from './predict-bgnbd.ts';
export { bgnbdDiscountedPurchases } from './bgnbd-discounted-purchases.ts';

export { fitGammaGamma, type FitGammaGammaOptions } from './fit-gamma-gamma.ts';
export { gammaGammaLogLikelihood } from './gamma-gamma-log-likelihood.ts';
export { gammaGammaExpectedSpend } from './gamma-gamma-expected-spend.ts';
export { spendFrequencyCorrelation } from './spend-frequency-correlation.ts';
export {
  customerLifetimeValue,
  customerLifetimeValues,
  PERIODS_PER_MONTH,
  type ClvMember,
  type ClvOptions,
} from './customer-lifetime-value.ts';

export { quintileScores, scoreValue, type QuintileOptions, type QuintileTable } from './quintile-scores.ts';
export { rfmScores, type RfmData, type RfmScores } from './rfm-scores.ts';
export {
  RF_GRID_SEGMENTS,
  rfmSegment,
  rfmSegmentSummary,
  type RfmSegmentRule,
  type RfmSegmentSummary,
} from './rfm-segments.ts';

export {
  allocateTransactionPrice,
  type PointsAllocation,
  type PointsAllocationInput,
} from './allocate-transaction-price.ts';
export {
  recognizePointsRevenue,
  type PointsPeriod,
  type PointsRevenuePeriod,
} from './recognize-points-revenue.ts';
export {
  estimateBreakage,
  type BreakageEstimate,
  type BreakageOptions,
  type CohortBreakage,
  type PointsCohort,
} from './estimate-breakage.ts';
export {
  outstandingPointsLiability,
  type OutstandingLiability,
  type OutstandingLiabilityInput,
} from './outstanding-liability.ts';

export {
  activeMemberRate,
  averageOrderValue,
  breakageRate,
  costPerPoint,
  csat,
  enrollmentRate,
  memberVsNonMemberRevenue,
  orderEarningRate,
  purchaseFrequency,
  redemptionRate,
  rewardUsage,
  tierMix,
  type CsatResult,
  type MemberRevenueComparison,
  type TierShare,
} from './kpis.ts';
export { tierMigrationMatrix, type TierMigration } from './tier-migration-matrix.ts';
export {
  incrementalRevenueVsHoldout,
  type IncrementalRevenue,
  type RevenueArm,
} from './incremental-revenue-vs-holdout.ts';

export type { ActionSegment, TierThreshold } from './action-segment.ts';
export { upgradeOpportunities, type TierProgress, type UpgradeOptions } from './upgrade-opportunities.ts';
export { downgradeRisk, type DowngradeOptions } from './downgrade-risk.ts';
export { winBack, type WinBackMembers, type WinBackOptions } from './win-back.ts';
export { expiringPoints, type ExpiringPointsMembers, type ExpiringPointsOptions } from './expiring-points.ts';
export { neverRedeemed, type NeverRedeemedMembers, type NeverRedeemedOptions } from './never-redeemed.ts';
