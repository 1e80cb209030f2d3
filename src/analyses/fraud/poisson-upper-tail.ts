import { logFactorial } from './log-factorial.ts';

/**
 * P(X ≥ k) for X ~ Poisson(mean), accurate in the far tail (1e-30 stays meaningful): for k above
 * the mean the tail is summed upwards from the pmf at k, whose terms shrink geometrically; below
 * it, 1 − P(X < k) has no cancellation to fear. k ≤ 0 gives 1; mean ≤ 0 gives 0 for k ≥ 1.
 * O(k) at worst.
 *
 * @example poissonUpperTail(10, 2); // 4.6498e-5 (scipy.stats.poisson.sf(9, 2))
 */
export function poissonUpperTail(k: number, mean: number): number {
  if (k <= 0) return 1;
  if (!(mean > 0)) return 0;
  const kk = Math.ceil(k);
  if (kk > mean) {
    let term = Math.exp(kk * Math.log(mean) - mean - logFactorial(kk));
    let sum = 0;
    for (let j = kk; term > sum * 1e-17; j++) {
      sum += term;
      term *= mean / (j + 1);
      if (term === 0) break;
    }
    return Math.min(1, sum);
  }
  let term = Math.exp(-mean);
  let below = 0;
  for (let j = 0; j < kk; j++) {
    below += term;
    term *= mean / (j + 1);
  }
  return Math.max(0, 1 - below);
}
