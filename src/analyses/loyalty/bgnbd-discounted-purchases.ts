import { bgnbdProbabilityAlive } from './bgnbd-probability-alive.ts';
import { BracketMemo, purchaseBracket } from './bgnbd-purchase-series.ts';
import { checkLength, finiteAt } from './check-column.ts';
import type { ClvOptions } from './customer-lifetime-value.ts';
import { LoyaltyInputError } from './loyalty-input-error.ts';
import type { BgNbdParams, NumericColumn } from './types.ts';

/**
 * Discounted expected purchases over a CLV horizon, per row of (x, tx, T): the purchase part of
 * `customerLifetimeValue`, which factors as CLV = E[M | x, z̄] · D(x, tx, T) with
 *
 *   D = Σᵢ₌₁..H (E[Y(i·f) | x, tx, T] − E[Y((i−1)·f) | x, tx, T]) / (1 + d)^i
 *
 * (same monthly steps, horizon H, periods per month f and discount rate d). Computing D once per
 * DISTINCT (x, tx, T) combination and multiplying by each member's expected spend gives every
 * member's CLV at the cost of the distinct combinations. The series part depends on (x, T) only and is
 * summed once per distinct pair (`BracketMemo`): O(rows + distinct (x, T) × months × series terms).
 *
 * @example
 * const d = bgnbdDiscountedPurchases(bg, { x, tx, T }, { periodsPerMonth: PERIODS_PER_MONTH.week });
 * // CLV of a member on row k: gammaGammaExpectedSpend(gg, x[k], zbar) * d[k]
 */
export function bgnbdDiscountedPurchases(
  bg: BgNbdParams,
  data: { readonly x: NumericColumn; readonly tx: NumericColumn; readonly T: NumericColumn },
  options: ClvOptions,
): Float64Array {
  const n = data.x.length;
  checkLength(data.tx, n, 'tx');
  checkLength(data.T, n, 'T');
  const months = options.months ?? 12;
  const d = options.monthlyDiscountRate ?? 0.01;
  const f = options.periodsPerMonth;
  if (!(f > 0) || !Number.isFinite(f) || !Number.isInteger(months) || months < 0 || !(d > -1)) {
    throw new LoyaltyInputError('periodsPerMonth must be > 0, months a whole number ≥ 0, discount > −1', {
      option: 'periodsPerMonth',
      hint: 'use PERIODS_PER_MONTH.week when the summaries are in weeks',
    });
  }
  const out = new Float64Array(n);
  // Σᵢ (bracket(i·f) − bracket((i−1)·f)) / (1 + d)^i depends on (x, T) only: once per distinct pair
  const sum = new BracketMemo((x, T) => {
    let previous = 0;
    let discount = 1;
    let total = 0;
    for (let i = 1; i <= months; i++) {
      const cumulative = purchaseBracket(bg.r, bg.alpha, bg.a, bg.b, x, T, i * f);
      discount /= 1 + d;
      total += (cumulative - previous) * discount;
      previous = cumulative;
    }
    return total;
  });
  for (let k = 0; k < n; k++) {
    const x = finiteAt(data.x, k, 'x', 0);
    const tx = finiteAt(data.tx, k, 'tx', 0);
    const T = finiteAt(data.T, k, 'T', 0);
    out[k] = (bg.a + bg.b + x - 1) * bgnbdProbabilityAlive(bg, x, tx, T) * sum.get(x, T);
  }
  return out;
}
