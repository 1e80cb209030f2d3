/**
 * purchaseBracket with a very large a: a calibration fit on the default demo (3,000 accounts, as of
 * 2026-12-05) gave a = 1.9e7, b = 3.6e8, where the transformed series overflowed and the holdout
 * check said "the model predicted -Infinity purchases". Reference values: mpmath 1.3.0 at 50 digits,
 * [1 − ((α+T)/(α+T+t))^(r+x) · hyp2f1(r+x, b+x, a+b+x−1, t/(α+T+t))] / (a−1), t = 30/7 weeks.
 */
import { describe, expect, it } from 'vitest';
import { purchaseBracket } from './bgnbd-purchase-series.ts';

const t = 30 / 7;

describe('purchaseBracket', () => {
  it('a very large a and b (a near-certain dropout probability): finite and exact', () => {
    const [r, alpha, a, b] = [0.770914092090684, 6.09797787443822, 19002332.92844044, 355725921.3628625];
    for (const [x, T, expected] of [
      [0, 40, 1.9046800909993081148e-10],
      [3, 45, 8.3552054347863802083e-10],
      [10, 52, 2.074358695616187127e-9],
      [60, 80, 7.4751324362164505363e-9],
    ])
      expect(purchaseBracket(r, alpha, a, b, x, T, t) / expected - 1, `x ${x}`).toBeCloseTo(0, 9);
  });

  it("a moderate a (the demo's own fit) is computed as before", () => {
    expect(
      purchaseBracket(0.79, 6.379, 37.922, 737.214, 3, 45, t) / 0.00040286992589458581383 - 1,
    ).toBeCloseTo(0, 12);
  });
});
