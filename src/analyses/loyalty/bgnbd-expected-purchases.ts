import { purchaseBracket } from './bgnbd-purchase-series.ts';
import type { BgNbdParams } from './types.ts';

/**
 * Unconditional expected purchases E[X(t)] of a randomly chosen new member in (0, t], FHL (2005)
 * eq. (9): (a+b−1)/(a−1) · [1 − (α/(α+t))^r ₂F₁(r, b; a+b−1; t/(α+t))]. Used to plot the
 * expected cumulative repeat purchases of a cohort against the actual ones. O(terms).
 *
 * @example
 * bgnbdExpectedPurchases(cdnowFit, 78); // ≈ 1.858 (Hardie's spreadsheet, lifetimes' test)
 */
export function bgnbdExpectedPurchases(params: BgNbdParams, t: number): number {
  const { r, alpha, a, b } = params;
  return (a + b - 1) * purchaseBracket(r, alpha, a, b, 0, 0, t);
}
