import { tCdf, tQuantile } from './distributions.ts';
import type { Alternative, EffectMoments, TestResult } from './types.ts';

/**
 * Welch's unequal-variance t-test on the effect, with Welch–Satterthwaite degrees of freedom and
 * a symmetric interval (gbstats' TwoSidedTTest / OneSidedTreatmentGreaterTTest /
 * OneSidedTreatmentLesserTTest conventions). One-sided tests give a one-sided interval whose
 * other end is ±Infinity, and a p-value that is half the two-sided one in the tested direction.
 *
 * @example
 * welchTTest(moments, { alpha: 0.05 });                          // two-sided
 * welchTTest(moments, { alpha: 0.05, alternative: 'greater' });  // H1: treatment > control
 */
export function welchTTest(
  moments: EffectMoments,
  options: { alpha: number; alternative?: Alternative },
): TestResult {
  const { estimate, se, dof } = moments;
  const alternative = options.alternative ?? 'two-sided';
  const t = estimate / se;
  if (alternative === 'two-sided') {
    const half = tQuantile(1 - options.alpha / 2, dof) * se;
    // 2·F(−|t|) rather than 2·(1 − F(|t|)): keeps tiny p-values instead of rounding them to 0.
    return {
      estimate,
      se,
      ci: [estimate - half, estimate + half],
      pValue: Math.min(1, 2 * tCdf(-Math.abs(t), dof)),
    };
  }
  const half = tQuantile(1 - options.alpha, dof) * se;
  if (alternative === 'greater') {
    return { estimate, se, ci: [estimate - half, Infinity], pValue: tCdf(-t, dof) };
  }
  return { estimate, se, ci: [-Infinity, estimate + half], pValue: tCdf(t, dof) };
}
