import type { GammaGammaParams } from './types.ts';

/**
 * Expected mean spend per transaction of a member with x repeat purchases of mean value z̄
 * (FHL 2005 "RFM and CLV" eq. (5); lifetimes' `conditional_expected_average_profit`):
 *
 *   E[M | x, z̄] = p (v + x z̄) / (p x + q − 1)
 *              = (q−1)/(px+q−1) · p v/(q−1) + px/(px+q−1) · z̄,
 *
 * a weighted average of the population mean p v/(q−1) and the member's own mean. With x = 0 it is
 * the population mean. Requires q > 1 (otherwise the population mean is infinite: returns NaN). O(1).
 *
 * @example
 * gammaGammaExpectedSpend({ p: 6.2488, q: 3.7446, v: 15.4477 }, 2, 22.35); // ≈ 24.6586
 */
export function gammaGammaExpectedSpend(params: GammaGammaParams, x: number, zbar: number): number {
  const { p, q, v } = params;
  if (!(q > 1)) return Number.NaN;
  if (x === 0) return (p * v) / (q - 1);
  return (p * (v + x * zbar)) / (p * x + q - 1);
}
