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
