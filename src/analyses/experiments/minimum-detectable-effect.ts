import { normalQuantile } from './distributions.ts';
import { plannedStandardError, type PowerPlan } from './power.ts';

/**
 * The smallest positive effect detected with probability `targetPower` at `nPerArm` units per arm,
 * or null when none exists at this size. Ignores the negligible chance of rejecting in the wrong
 * direction, i.e. solves effect / se(effect) = Φ⁻¹(1 − α/2) − Φ⁻¹(1 − power).
 *
 * Absolute effects: se does not depend on the effect, so MDE = k·se. Relative effects: se
 * depends on the effect through the treatment mean μB, and the equation is the quadratic in μB
 * of GrowthBook's power documentation, (1 − k²σ²/(nμ²))μB² − 2μμB + μ² − k²σ²/n = 0, whose
 * larger root gives MDE = (μB − μ)/μ; it has a positive solution only when n > k²σ²/μ².
 *
 * @example
 * minimumDetectableEffect({ mean: 10, variance: 3910 }, 400000 / 3); // ≈ 0.07027
 */
export function minimumDetectableEffect(plan: PowerPlan, nPerArm: number, targetPower = 0.8): number | null {
  const alpha = plan.alpha ?? 0.05;
  const twoSided = plan.twoSided ?? true;
  const k = normalQuantile(twoSided ? 1 - alpha / 2 : 1 - alpha) - normalQuantile(1 - targetPower);
  if ((plan.difference ?? 'relative') === 'absolute') {
    return k * plannedStandardError(plan, nPerArm, 0);
  }
  const { mean } = plan;
  // Per-unit variance whose fixed-horizon error equals the planned (possibly sequential) one:
  // the inflation does not depend on the effect, so it is read off at effect 0.
  const inflation =
    plannedStandardError(plan, nPerArm, 0) /
    plannedStandardError({ ...plan, sequentialTuning: null }, nPerArm, 0);
  const sigma2 = (plan.variance * inflation ** 2) / nPerArm;
  const a = 1 - (k ** 2 * sigma2) / mean ** 2;
  if (!(a > 0)) return null;
  const b = -2 * mean;
  const c = mean ** 2 - k ** 2 * sigma2;
  const discriminant = b ** 2 - 4 * a * c;
  if (discriminant < 0) return null;
  const treatmentMean = (-b + Math.sqrt(discriminant)) / (2 * a);
  return (treatmentMean - mean) / mean;
}
