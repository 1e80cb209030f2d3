import { normalQuantile } from './distributions.ts';
import type { Alternative } from './types.ts';

/**
 * The interval that goes with a multiplicity-adjusted p-value, the way GrowthBook widens its
 * intervals for Holm–Bonferroni and Benjamini–Hochberg (`adjustedCI` in its shared experiments
 * code): read the adjusted p-value as a normal test of the estimate, take the standard error that
 * test implies, |d| / Φ⁻¹(1 − p_adj/2), and build the usual z-interval at level α from it. The
 * widened interval therefore excludes zero exactly when p_adj < α. It replaces the raw interval
 * only when it is wider at both ends; an adjusted p-value of 1 gives (−∞, ∞).
 *
 * One-sided intervals are widened on their finite side with Φ⁻¹(1 − p_adj) and Φ⁻¹(1 − α).
 *
 * @example
 * widenedInterval(0.1, [0.02, 0.18], 0.049999999, 0.05); // ≈ [0, 0.2]
 */
export function widenedInterval(
  estimate: number,
  ci: readonly [number, number],
  adjustedPValue: number,
  alpha: number,
  alternative: Alternative = 'two-sided',
): [number, number] {
  if (adjustedPValue > 0.999999) return [-Infinity, Infinity];
  if (estimate === 0) return [ci[0], ci[1]];
  if (alternative === 'two-sided') {
    const impliedSe = Math.abs(estimate) / normalQuantile(1 - adjustedPValue / 2);
    const half = normalQuantile(1 - alpha / 2) * impliedSe;
    const wide: [number, number] = [estimate - half, estimate + half];
    return wide[0] < ci[0] && wide[1] > ci[1] ? wide : [ci[0], ci[1]];
  }
  const zAdjusted = normalQuantile(1 - adjustedPValue);
  if (!(zAdjusted > 0)) return [-Infinity, Infinity];
  const half = (normalQuantile(1 - alpha) * Math.abs(estimate)) / zAdjusted;
  if (alternative === 'greater') {
    const low = estimate - half;
    return low < ci[0] ? [low, Infinity] : [ci[0], ci[1]];
  }
  const high = estimate + half;
  return high > ci[1] ? [-Infinity, high] : [ci[0], ci[1]];
}
