/**
 * Referral program metrics: pure functions over funnel counts and per-partner aggregates that the
 * engine computes by window and dimension (channel, persona, partner-tier, region).
 *
 * - `referralMetrics` / `metricsByDimension`: participation, share rate, clicks per share, sign-up
 *   and conversion rates, friends turned advocates, share of new customers and revenue, k-factor,
 *   cost per referred customer, payout ROI (formulas in the JSDoc);
 * - `medianDuration` (exact from a sorted Float64Array, or interpolated from a histogram),
 *   `medianOfSorted`, `histogramMedian`;
 * - partner health: `partnerHealth` (rates, share of voice, Theil–Sen trend, NPS, concentration,
 *   rankings, status), with `theilSenSlope`, `concentration`, `netPromoterScore`;
 * - backlog sizing: `projectLift` (closing part of the gap to the median, in conversions and revenue).
 */
export { concentration, type Concentration } from './concentration.ts';
export {
  histogramMedian,
  medianDuration,
  medianOfSorted,
  type DurationSource,
  type MedianDuration,
} from './median-duration.ts';
export { netPromoterScore, type NetPromoterScore } from './net-promoter-score.ts';
export {
  DEFAULT_PARTNER_HEALTH_OPTIONS,
  partnerHealth,
  type PartnerAggregate,
  type PartnerHealth,
  type PartnerHealthOptions,
  type PartnerHealthReport,
  type PartnerRanking,
  type PartnerStatus,
} from './partner-health.ts';
export {
  FUNNEL_STAGES,
  projectLift,
  type FunnelStage,
  type LiftOptions,
  type LiftProjection,
} from './project-lift.ts';
export { ReferralInputError } from './referral-input-error.ts';
export {
  metricsByDimension,
  referralMetrics,
  type FunnelCounts,
  type FunnelRow,
  type ReferralMetrics,
  type SegmentMetrics,
} from './referral-metrics.ts';
export { theilSenSlope } from './theil-sen-slope.ts';
