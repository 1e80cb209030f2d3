/**
 * Asymptotic confidence sequences of Waudby-Smith, Arnold, Wu, Howard & Ramdas ("Time-uniform
 * central limit theory and asymptotic confidence sequences", arXiv:2103.06476), parameterised as
 * GrowthBook does: the mixing parameter ρ is chosen so the sequence is tightest when the total
 * sample size of the two arms reaches the tuning parameter N*.
 *
 * With n units so far and s² = n·se² (the per-unit variance of the effect estimate), the
 * two-sided half-width is
 *   s · √( 2(nρ²+1)/(n²ρ²) · ln(√(nρ²+1)/α) ),
 * and the one-sided half-width replaces ln(√(nρ²+1)/α) by ln(1 + √(nρ²+1)/(2α)).
 */

/**
 * ρ for a target α and tuning N*. One-sided sequences are tuned at 2α, as in gbstats.
 *
 * @example
 * sequentialRho(0.05, 5000); // ≈ 0.0398
 */
export function sequentialRho(alpha: number, tuning: number, twoSided = true): number {
  const a = twoSided ? alpha : 2 * alpha;
  return Math.sqrt((-2 * Math.log(a) + Math.log(-2 * Math.log(a) + 1)) / tuning);
}

/**
 * Half-width of the two-sided confidence sequence at level α for an estimate with standard error
 * `se` after `n` units (both arms).
 *
 * @example
 * sequentialHalfwidth(0.1, 6000, 0.05, sequentialRho(0.05, 5000)); // wider than 1.96 × 0.1
 */
export function sequentialHalfwidth(se: number, n: number, alpha: number, rho: number): number {
  const nr2 = n * rho ** 2;
  return se * Math.sqrt((2 * (nr2 + 1) * Math.log(Math.sqrt(nr2 + 1) / alpha)) / (n * rho ** 2));
}

/**
 * Half-width of the one-sided confidence sequence at level α (ρ tuned at 2α).
 *
 * @example
 * sequentialHalfwidthOneSided(0.1, 6000, 0.05, sequentialRho(0.05, 5000, false));
 */
export function sequentialHalfwidthOneSided(se: number, n: number, alpha: number, rho: number): number {
  const nr2 = n * rho ** 2;
  return se * Math.sqrt(((2 * (nr2 + 1)) / (n * rho ** 2)) * Math.log(1 + Math.sqrt(nr2 + 1) / (2 * alpha)));
}
