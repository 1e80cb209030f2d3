/**
 * Discounted expected purchases × Gamma-Gamma expected spend reproduces the CLV lifetimes' docs
 * print for CDNOW customers 1–10 (the published values quoted in gamma-gamma.test.ts: 12 months,
 * 1%/month, lifetimes' default 30 periods a month), and agrees with `customerLifetimeValue`.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { referencePath } from '../../../test/helpers/reference-data.ts';
import {
  bgnbdDiscountedPurchases,
  customerLifetimeValue,
  fitBgnbd,
  fitGammaGamma,
  gammaGammaExpectedSpend,
  LoyaltyInputError,
  predictBgnbd,
} from './index.ts';

const rows = readFileSync(referencePath('loyalty', 'cdnow-customers-summary-with-spend.csv'), 'utf8')
  .trim()
  .split('\n')
  .slice(1)
  .map((line) => line.split(',').map(Number));
const data = {
  x: rows.map((r) => r[1]),
  tx: rows.map((r) => r[2]),
  T: rows.map((r) => r[3]),
  zbar: rows.map((r) => r[4]),
};

describe('bgnbdDiscountedPurchases', () => {
  const bg = fitBgnbd(data).params;
  const gg = fitGammaGamma(data).params;
  it('times the expected spend gives lifetimes docs CLV of customers 1–10 to 2e-7 relative', () => {
    const docs = [
      140.096211, 18.943467, 38.180574, 38.180574, 38.180574, 1003.868107, 28.109683, 38.180574, 167.418216,
      38.180574,
    ];
    const d = bgnbdDiscountedPurchases(
      bg,
      { x: data.x.slice(0, 10), tx: data.tx.slice(0, 10), T: data.T.slice(0, 10) },
      { periodsPerMonth: 30 },
    );
    docs.forEach((value, i) => {
      const clv = gammaGammaExpectedSpend(gg, data.x[i], data.zbar[i]) * d[i];
      expect(Math.abs(clv - value) / value).toBeLessThan(2e-7);
    });
  });

  it('equals customerLifetimeValue / expected spend for other horizons and rates', () => {
    const opts = { periodsPerMonth: 4.345, months: 24, monthlyDiscountRate: 0.02 };
    const d = bgnbdDiscountedPurchases(bg, { x: [0, 3, 12], tx: [0, 20, 35], T: [30, 38, 39] }, opts);
    [
      [0, 0, 30, 10],
      [3, 20, 38, 25],
      [12, 35, 39, 40],
    ].forEach(([x, tx, T, zbar], i) => {
      const clv = customerLifetimeValue(bg, gg, { x, tx, T, zbar }, opts);
      expect(d[i] * gammaGammaExpectedSpend(gg, x, zbar)).toBeCloseTo(clv, 9);
    });
    expect(() => bgnbdDiscountedPurchases(bg, { x: [1], tx: [1], T: [2] }, { periodsPerMonth: 0 })).toThrow(
      LoyaltyInputError,
    );
  });
});

describe('the (x, T) series computed once per pair', () => {
  // rows in a shuffled order, (x, T) pairs repeating with different tx: every row must equal the
  // value computed for it alone (a one-row call cannot reuse another row's series)
  const bg = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };
  const rowsXT: [number, number, number][] = [
    [2, 30.43, 38.86],
    [0, 0, 38.86],
    [2, 10, 38.86],
    [1, 1.71, 38.86],
    [2, 30.43, 20],
    [2, 1, 38.86],
    [0, 0, 20],
    [1, 5, 38.86],
    [2, 3, 20],
  ];
  const cols = {
    x: rowsXT.map((r) => r[0]),
    tx: rowsXT.map((r) => r[1]),
    T: rowsXT.map((r) => r[2]),
  };
  const alone = (fn: (d: typeof cols) => Float64Array) =>
    rowsXT.map(([x, tx, T]) => fn({ x: [x], tx: [tx], T: [T] })[0]);

  it('gives each row its own discounted purchases and predictions', () => {
    const opts = { periodsPerMonth: 4.345, months: 12, monthlyDiscountRate: 0.01 };
    const together = bgnbdDiscountedPurchases(bg, cols, opts);
    expect([...together]).toEqual(alone((d) => bgnbdDiscountedPurchases(bg, d, opts)));
    const pred = predictBgnbd(bg, cols, 13);
    expect([...pred.expectedPurchases]).toEqual(alone((d) => predictBgnbd(bg, d, 13).expectedPurchases));
    expect([...pred.probabilityAlive]).toEqual(alone((d) => predictBgnbd(bg, d, 13).probabilityAlive));
    // the rows with the same (x, T) differ (tx changes P(alive))
    expect(together[0]).not.toBe(together[2]);
  });
});
