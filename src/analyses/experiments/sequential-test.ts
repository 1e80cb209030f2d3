import { sequentialHalfwidth, sequentialHalfwidthOneSided, sequentialRho } from './confidence-sequence.ts';
import type { Alternative, EffectMoments, TestResult } from './types.ts';

/** Default N*: the total sample size (both arms) at which the sequence is tightest. */
export const DEFAULT_SEQUENTIAL_TUNING = 5000;

/**
 * Always-valid test of the effect: the interval is a confidence sequence and the p-value its
 * inverse, so both stay valid however often the results are looked at (gbstats'
 * SequentialTwoSidedTTest and its one-sided variants).
 *
 * Two-sided p-value: 1 / e-value with e = exp(ρ²·n·(d/se)² / (2(nρ²+1))) / √(nρ²+1)
 * (eq. 155 of arXiv:2103.06476v7), capped at 1; it is below α exactly when the interval
 * excludes zero.
 *
 * One-sided p-value: the smallest α' at which the one-sided sequence excludes zero, holding ρ at
 * the configured α (as gbstats does). gbstats finds α' by bisection inside (1e-5, 0.4999) and
 * reports the bound when the root is outside; this solves the same equation in closed form,
 * α' = √(nρ²+1) / (2·(exp(d²/(se²·K)) − 1)) with K = 2(nρ²+1)/(nρ²), and reports min(1, α'),
 * or 1 when the estimate points away from the alternative.
 *
 * @example
 * sequentialTest(moments, { alpha: 0.05, tuning: 5000 });
 */
export function sequentialTest(
  moments: EffectMoments,
  options: { alpha: number; tuning?: number; alternative?: Alternative },
): TestResult {
  const { estimate, se, n } = moments;
  const tuning = options.tuning ?? DEFAULT_SEQUENTIAL_TUNING;
  const alternative = options.alternative ?? 'two-sided';
  const { alpha } = options;

  if (alternative === 'two-sided') {
    const rho = sequentialRho(alpha, tuning, true);
    const half = sequentialHalfwidth(se, n, alpha, rho);
    const nr2 = n * rho ** 2;
    const logE = (rho ** 2 * n * (estimate / se) ** 2) / (2 * (nr2 + 1)) - 0.5 * Math.log(nr2 + 1);
    return { estimate, se, ci: [estimate - half, estimate + half], pValue: Math.min(1, Math.exp(-logE)) };
  }

  const rho = sequentialRho(alpha, tuning, false);
  const half = sequentialHalfwidthOneSided(se, n, alpha, rho);
  const ci: [number, number] =
    alternative === 'greater' ? [estimate - half, Infinity] : [-Infinity, estimate + half];
  const towards = alternative === 'greater' ? estimate > 0 : estimate < 0;
  if (!towards) return { estimate, se, ci, pValue: 1 };
  const nr2 = n * rho ** 2;
  const k = (2 * (nr2 + 1)) / (n * rho ** 2);
  const alphaStar = Math.sqrt(nr2 + 1) / (2 * Math.expm1((estimate / se) ** 2 / k));
  return { estimate, se, ci, pValue: Math.min(1, alphaStar) };
}
