import type { CupedArm } from './types.ts';

/**
 * The CUPED coefficient θ = cov(post, pre) / var(pre), pooled over both arms — the OLS slope of
 * the outcome on the pre-period covariate in the combined sample, (Σxy − ΣxΣy/n)/(Σx² − (Σx)²/n),
 * as current gbstats computes it (`compute_theta`; binary covariates included, with Σx² = Σx).
 * One θ for both arms keeps the adjusted difference unbiased, because the covariate has the same
 * expectation in every randomised arm. Returns 0 when either period has no variance, which turns
 * the adjustment off.
 *
 * @example
 * const theta = cupedTheta(controlArm, treatmentArm); // e.g. 0.61
 */
export function cupedTheta(control: CupedArm, treatment: CupedArm): number {
  const n = control.post.n + treatment.post.n;
  if (n <= 1) return 0;
  const preSum = control.preSum + treatment.preSum;
  const postSum = control.post.sum + treatment.post.sum;
  const preSumSquares =
    (control.preSumSquares ?? control.preSum) + (treatment.preSumSquares ?? treatment.preSum);
  const preScatter = preSumSquares - preSum ** 2 / n;
  const postScatter = postSumSquares(control) + postSumSquares(treatment) - postSum ** 2 / n;
  if (!(preScatter > 0) || !(postScatter > 0)) return 0;
  const coScatter = control.postPreSumProduct + treatment.postPreSumProduct - (postSum * preSum) / n;
  return coScatter / preScatter;
}

function postSumSquares(arm: CupedArm): number {
  // A binary outcome's sum of squares is its sum.
  return arm.post.kind === 'proportion' ? arm.post.sum : arm.post.sumSquares;
}
