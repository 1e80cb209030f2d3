import { ReferralInputError } from './referral-input-error.ts';

/**
 * Theil–Sen slope (Sen 1968): the median of the slopes (yⱼ − yᵢ)/(xⱼ − xᵢ) over all pairs with
 * xᵢ ≠ xⱼ, robust to a few outlying weeks (a launch spike, a holiday) where least squares is not.
 * `x` defaults to 0, 1, 2, … (weeks). Null with fewer than two distinct x. O(n²) time and memory
 * over the pairs: meant for weekly series (two years = 104 points = 5,356 pairs).
 *
 * @example theilSenSlope([10, 12, 11, 15, 40]); // median of the 10 pairwise slopes = (2 + 4)/2 = 3
 */
export function theilSenSlope(y: ArrayLike<number>, x?: ArrayLike<number>): number | null {
  const n = y.length;
  if (x && x.length !== n)
    throw new ReferralInputError(`x has ${x.length} values for ${n} y values`, { field: 'x' });
  for (let i = 0; i < n; i++)
    if (!Number.isFinite(y[i]) || (x && !Number.isFinite(x[i])))
      throw new ReferralInputError(`point ${i} is not finite`, {
        field: x && !Number.isFinite(x[i]) ? 'x' : 'y',
        index: i,
      });
  const slopes = new Float64Array((n * (n - 1)) / 2);
  let k = 0;
  for (let i = 0; i < n; i++) {
    const xi = x ? x[i] : i;
    for (let j = i + 1; j < n; j++) {
      const dx = (x ? x[j] : j) - xi;
      if (dx !== 0) slopes[k++] = (y[j] - y[i]) / dx;
    }
  }
  if (k === 0) return null;
  const sorted = slopes.subarray(0, k).sort();
  const h = k >> 1;
  return k % 2 === 1 ? sorted[h] : (sorted[h - 1] + sorted[h]) / 2;
}
