import type { ArmData, CupedArm, MeanArm, ProportionArm } from './types.ts';

/** Mean and per-unit variance of one arm; the variance of the arm's mean is `variance / n`. */
export interface ArmSummary {
  readonly n: number;
  /** CUPED-adjusted mean when θ is given, else the plain mean (ratio of sums for ratios). */
  readonly mean: number;
  /** The mean a reader recognises: never CUPED-adjusted. */
  readonly unadjustedMean: number;
  /** Per-unit variance (delta-method variance for ratios; adjusted variance for CUPED). */
  readonly variance: number;
}

/**
 * Summarises one arm's sufficient statistics. Conventions follow GrowthBook's gbstats so that its
 * published test values reproduce: sample variance with n−1 for means, p(1−p) for proportions,
 * the delta method for a ratio of means, and for CUPED var(Y − θX) = var Y + θ² var X − 2θ cov.
 *
 * @example
 * summarizeArm({ kind: 'proportion', n: 100, sum: 49 }); // { n: 100, mean: 0.49, variance: 0.2499, ... }
 */
export function summarizeArm(arm: ArmData, theta = 0): ArmSummary {
  switch (arm.kind) {
    case 'proportion':
    case 'mean': {
      const mean = meanOf(arm);
      return { n: arm.n, mean, unadjustedMean: mean, variance: varianceOf(arm) };
    }
    case 'ratio': {
      const { n } = arm;
      const mean = arm.denSum === 0 ? 0 : arm.numSum / arm.denSum;
      const meanNum = n === 0 ? 0 : arm.numSum / n;
      const meanDen = n === 0 ? 0 : arm.denSum / n;
      if (meanDen === 0 || n <= 1) return { n, mean, unadjustedMean: mean, variance: 0 };
      const varNum = sampleVariance(n, arm.numSum, arm.numSumSquares);
      const varDen = sampleVariance(n, arm.denSum, arm.denSumSquares);
      const cov = sampleCovariance(n, arm.numSum, arm.denSum, arm.numDenSumProduct);
      // Delta method for M/D: ∇ = (1/μD, −μM/μD²).
      const variance =
        varNum / meanDen ** 2 + (varDen * meanNum ** 2) / meanDen ** 4 - (2 * cov * meanNum) / meanDen ** 3;
      return { n, mean, unadjustedMean: mean, variance };
    }
    case 'cuped': {
      const { n } = arm.post;
      const postMean = meanOf(arm.post);
      const preMean = n === 0 ? 0 : arm.preSum / n;
      if (n <= 1) return { n, mean: postMean - theta * preMean, unadjustedMean: postMean, variance: 0 };
      const variance =
        varianceOf(arm.post) + theta ** 2 * cupedPreVariance(arm) - 2 * theta * cupedCovariance(arm);
      return { n, mean: postMean - theta * preMean, unadjustedMean: postMean, variance };
    }
  }
}

/** Variance of the pre-period covariate of a CUPED arm (binary when no sum of squares given). */
export function cupedPreVariance(arm: CupedArm): number {
  const { n } = arm.post;
  if (arm.preSumSquares === undefined) {
    const p = n === 0 ? 0 : arm.preSum / n;
    return p * (1 - p);
  }
  return sampleVariance(n, arm.preSum, arm.preSumSquares);
}

/** Covariance of post and pre within a CUPED arm (gbstats: /n when both are binary, else /(n−1)). */
export function cupedCovariance(arm: CupedArm): number {
  const { n, sum } = arm.post;
  if (n <= 1) return 0;
  if (arm.post.kind === 'proportion' && arm.preSumSquares === undefined) {
    return arm.postPreSumProduct / n - (sum * arm.preSum) / n ** 2;
  }
  return sampleCovariance(n, sum, arm.preSum, arm.postPreSumProduct);
}

function meanOf(arm: ProportionArm | MeanArm): number {
  return arm.n === 0 ? 0 : arm.sum / arm.n;
}

function varianceOf(arm: ProportionArm | MeanArm): number {
  if (arm.kind === 'proportion') {
    const p = meanOf(arm);
    return p * (1 - p);
  }
  return sampleVariance(arm.n, arm.sum, arm.sumSquares);
}

function sampleVariance(n: number, sum: number, sumSquares: number): number {
  if (n <= 1) return 0;
  return (sumSquares - sum ** 2 / n) / (n - 1);
}

function sampleCovariance(n: number, sumX: number, sumY: number, sumXY: number): number {
  if (n <= 1) return 0;
  return (sumXY - (sumX * sumY) / n) / (n - 1);
}
