import { sequentialHalfwidth, sequentialHalfwidthOneSided, sequentialRho } from './confidence-sequence.ts';
import { normalCdf, normalQuantile } from './distributions.ts';
import type { DifferenceType } from './types.ts';

/** Planning inputs shared by power, minimum detectable effect and sample size. */
export interface PowerPlan {
  /** Baseline (control) mean; the conversion rate for a proportion. */
  readonly mean: number;
  /** Per-unit variance, assumed equal in both arms; p(1−p) for a proportion. */
  readonly variance: number;
  /** Significance level (default 0.05). */
  readonly alpha?: number;
  /** Default true. */
  readonly twoSided?: boolean;
  /** Effects are relative lifts (default, as in GrowthBook) or absolute differences. */
  readonly difference?: DifferenceType;
  /** N* of the confidence sequence; null or 0 for a fixed-horizon test. */
  readonly sequentialTuning?: number | null;
}

/**
 * Standard error of the effect estimate at `nPerArm` units per arm for a true effect `effect`.
 * Relative effects use the delta method with the treatment mean μ(1 + effect), so the error
 * depends on the effect itself (GrowthBook's power module). A sequential analysis is planned
 * with the standard error that makes a z-interval as wide as the confidence sequence at the
 * total sample size 2·nPerArm — a lower bound on power, since it assumes a single look.
 */
export function plannedStandardError(plan: PowerPlan, nPerArm: number, effect: number): number {
  const { mean, variance } = plan;
  const se =
    (plan.difference ?? 'relative') === 'relative'
      ? Math.sqrt(
          variance / (mean ** 2 * nPerArm) + (variance * (mean * (1 + effect)) ** 2) / (mean ** 4 * nPerArm),
        )
      : Math.sqrt((2 * variance) / nPerArm);
  return plan.sequentialTuning ? sequentialInflation(plan, 2 * nPerArm) * se : se;
}

/**
 * Probability that the test rejects at level α when the true effect is `effect`:
 * 1 − Φ(z − effect/se) (+ Φ(−z − effect/se) when two-sided), z = Φ⁻¹(1 − α/2) or Φ⁻¹(1 − α).
 *
 * @example
 * power({ mean: 10, variance: 3910, alpha: 0.05 }, 400000 / 3, 0.05); // ≈ 0.52144
 */
export function power(plan: PowerPlan, nPerArm: number, effect: number): number {
  const alpha = plan.alpha ?? 0.05;
  const twoSided = plan.twoSided ?? true;
  const z = normalQuantile(twoSided ? 1 - alpha / 2 : 1 - alpha);
  const standardized = effect / plannedStandardError(plan, nPerArm, effect);
  const upper = normalCdf(standardized - z);
  return twoSided ? upper + normalCdf(-z - standardized) : upper;
}

/** Ratio of the confidence-sequence half-width to the fixed-horizon z half-width at total size n. */
function sequentialInflation(plan: PowerPlan, n: number): number {
  const alpha = plan.alpha ?? 0.05;
  const tuning = plan.sequentialTuning ?? 0;
  if (plan.twoSided ?? true) {
    return (
      sequentialHalfwidth(1, n, alpha, sequentialRho(alpha, tuning, true)) / normalQuantile(1 - alpha / 2)
    );
  }
  return (
    sequentialHalfwidthOneSided(1, n, alpha, sequentialRho(alpha, tuning, false)) / normalQuantile(1 - alpha)
  );
}
