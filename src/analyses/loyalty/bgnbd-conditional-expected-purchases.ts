import { bgnbdProbabilityAlive } from './bgnbd-probability-alive.ts';
import { purchaseBracket } from './bgnbd-purchase-series.ts';
import type { BgNbdParams } from './types.ts';

/**
 * Expected purchases in the next t periods of a member with history (x, tx, T), FHL (2005) eq. (10):
 *
 *   E[Y(t) | x, tx, T] = (a+b+x−1)/(a−1) · [1 − ((α+T)/(α+T+t))^(r+x) ₂F₁(r+x, b+x; a+b+x−1; t/(α+T+t))]
 *                        / (1 + δ(x>0) · a/(b+x−1) · ((α+T)/(α+tx))^(r+x)),
 *
 * i.e. (a+b+x−1) · bracket · P(alive), with the hypergeometric bracket evaluated by a transformed
 * series that is stable for large x and has no singularity at a = 1 (see `purchaseBracket`).
 * t is in the same time unit as the fit. O(terms), typically under 100.
 *
 * @example
 * // FHL (2005) §5 / lifetimes' test "Hardie excel sheet": customer 1 of CDNOW, next 39 weeks
 * bgnbdConditionalExpectedPurchases(fit.params, 39, 2, 30.43, 38.86); // ≈ 1.226
 */
export function bgnbdConditionalExpectedPurchases(
  params: BgNbdParams,
  t: number,
  x: number,
  tx: number,
  T: number,
): number {
  const { r, alpha, a, b } = params;
  return (a + b + x - 1) * purchaseBracket(r, alpha, a, b, x, T, t) * bgnbdProbabilityAlive(params, x, tx, T);
}
