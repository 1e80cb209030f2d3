/**
 * Gamma-Gamma spend model and CLV against published and independently computed values.
 *
 * lifetimes docs = CamDavidsonPilon/lifetimes docs/Quickstart.md (HEAD 4f2833f4), on the 946 repeat
 *   buyers of cdnow_customers_summary_with_transactions.csv: fit printed as "p: 6.25, q: 3.74,
 *   v: 15.45"; Pearson correlation of frequency and monetary value 0.113884; conditional expected
 *   average profit of customers 1–10 (24.658619, 18.911489, 35.170981 ×3, 71.462843, 18.911489,
 *   35.170981, 27.282408, 35.170981) and its mean over all 2,357 customers, 35.2529588256;
 *   customer_lifetime_value(time=12, discount_rate=0.01, default freq 'D' i.e. 30 periods per
 *   month) of customers 1–10: 140.096211, 18.943467, 38.180574 ×3, 1003.868107, 28.109683,
 *   38.180574, 167.418216, 38.180574.
 * FHL "RFM and CLV" (2005) / Hardie's note 025 report p = 6.25, q = 3.74, γ = 15.44 on unrounded
 *   spend; the file's z̄ is rounded to cents, which moves v to 15.4477 (lifetimes prints 15.45).
 * scipy = the likelihood of lifetimes' GammaGammaFitter written with scipy.special.gammaln, run
 *   offline (Python 3, scipy 1.17.1): minimize(Nelder–Mead, xatol = fatol = 1e-12, then BFGS,
 *   gtol 1e-10) over log-parameters from zeros → p 6.248803137454335, q 3.7445883943368363,
 *   v 15.447746296427946, LL −4055.9232435028584; np.corrcoef → 0.11388391048600437. The ridge
 *   between q and v is flat: optimizers agree to ~1e-6 relative, not further.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { referencePath } from '../../../test/helpers/reference-data.ts';
import {
  bgnbdConditionalExpectedPurchases,
  customerLifetimeValue,
  customerLifetimeValues,
  fitBgnbd,
  fitGammaGamma,
  gammaGammaExpectedSpend,
  gammaGammaLogLikelihood,
  LoyaltyInputError,
  PERIODS_PER_MONTH,
  spendFrequencyCorrelation,
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
const SCIPY = { p: 6.248803137454335, q: 3.7445883943368363, v: 15.447746296427946 };
const fit = fitGammaGamma(data);

function relative(a: number, b: number): number {
  return Math.abs(a - b) / Math.abs(b);
}

describe('fitGammaGamma on the CDNOW repeat buyers', () => {
  it('uses the 946 repeat buyers and prints as lifetimes: p 6.25, q 3.74, v 15.45', () => {
    expect(fit.converged).toBe(true);
    expect(fit.rows).toBe(946);
    expect(fit.params.p.toFixed(2)).toBe('6.25');
    expect(fit.params.q.toFixed(2)).toBe('3.74');
    expect(fit.params.v.toFixed(2)).toBe('15.45');
  });

  it('raw values and log-likelihood as scipy (params 1e-6 relative, LL 1e-8)', () => {
    for (const k of ['p', 'q', 'v'] as const) expect(relative(fit.params[k], SCIPY[k])).toBeLessThan(1e-6);
    expect(Math.abs(fit.logLikelihood - -4055.9232435028584)).toBeLessThan(1e-8);
    expect(Math.abs(gammaGammaLogLikelihood(SCIPY, data) - -4055.9232435028584)).toBeLessThan(1e-8);
  });

  it('distinct (x, z̄) with counts gives the same fit; money in cents only rescales v', () => {
    const counts = new Map<string, number>();
    for (let i = 0; i < data.x.length; i++) {
      if (data.x[i] === 0) continue;
      const key = `${data.x[i]},${data.zbar[i]}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    const keys = [...counts.keys()].map((k) => k.split(',').map(Number));
    const weighted = fitGammaGamma({
      x: keys.map((k) => k[0]),
      zbar: keys.map((k) => k[1]),
      weight: [...counts.values()],
    });
    expect(weighted.members).toBe(946);
    for (const k of ['p', 'q', 'v'] as const)
      expect(relative(weighted.params[k], SCIPY[k])).toBeLessThan(1e-6);
    const cents = fitGammaGamma({ x: data.x, zbar: data.zbar.map((z) => z * 100) });
    expect(relative(cents.params.v, fit.params.v * 100)).toBeLessThan(1e-6);
    expect(relative(cents.params.p, fit.params.p)).toBeLessThan(1e-6);
  });

  it('above 50,000 rows (warm start on a subsample): 60 copies fit as the original', () => {
    const copies = 60;
    const big = fitGammaGamma({
      x: Array.from({ length: copies }, () => data.x).flat(),
      zbar: Array.from({ length: copies }, () => data.zbar).flat(),
    });
    expect(big.rows).toBe(946 * copies);
    expect(big.converged).toBe(true);
    for (const k of ['p', 'q', 'v'] as const) expect(relative(big.params[k], SCIPY[k])).toBeLessThan(1e-6);
  });

  it('frequency–spend correlation 0.113884 (lifetimes docs) = 0.11388391048600437 (numpy) to 1e-14', () => {
    const rho = spendFrequencyCorrelation(data);
    expect(rho).toBeCloseTo(0.113884, 6);
    expect(Math.abs(rho - 0.11388391048600437)).toBeLessThan(1e-14);
    expect(spendFrequencyCorrelation({ x: [1, 2, 3], zbar: [5, 5, 5] })).toBeNaN();
  });

  // lifetimes stopped at another point of the flat q–v ridge (its population mean 35.170981 vs
  // 35.171002 here and in scipy): agreement is to ~1e-6 relative, which is what is checked.
  it('expected spend of customers 1–10 and its mean as lifetimes docs (1e-6 relative)', () => {
    const docs = [
      24.658619, 18.911489, 35.170981, 35.170981, 35.170981, 71.462843, 18.911489, 35.170981, 27.282408,
      35.170981,
    ];
    docs.forEach((value, i) => {
      expect(relative(gammaGammaExpectedSpend(fit.params, data.x[i], data.zbar[i]), value)).toBeLessThan(
        1e-6,
      );
    });
    let sum = 0;
    for (let i = 0; i < data.x.length; i++)
      sum += gammaGammaExpectedSpend(fit.params, data.x[i], data.zbar[i]);
    expect(relative(sum / data.x.length, 35.2529588256)).toBeLessThan(1e-6);
  });

  it('expected spend is the credibility-weighted mean of population and member means', () => {
    const { p, q, v } = SCIPY;
    const population = (p * v) / (q - 1);
    const weight = (p * 3) / (p * 3 + q - 1);
    expect(gammaGammaExpectedSpend(SCIPY, 3, 40)).toBeCloseTo((1 - weight) * population + weight * 40, 12);
    expect(gammaGammaExpectedSpend({ p: 1, q: 0.9, v: 1 }, 0, 0)).toBeNaN();
  });

  it('rejects zero spend for a repeat buyer', () => {
    expect(() => fitGammaGamma({ x: [1, 2], zbar: [10, 0] })).toThrow(LoyaltyInputError);
  });
});

describe('customerLifetimeValue (lifetimes convention)', () => {
  const bg = fitBgnbd(data).params;
  it('customers 1–10 as lifetimes docs (12 months, 1%/month, 30 periods a month) to 2e-7 relative', () => {
    const docs = [
      140.096211, 18.943467, 38.180574, 38.180574, 38.180574, 1003.868107, 28.109683, 38.180574, 167.418216,
      38.180574,
    ];
    const values = customerLifetimeValues(
      bg,
      fit.params,
      {
        x: data.x.slice(0, 10),
        tx: data.tx.slice(0, 10),
        T: data.T.slice(0, 10),
        zbar: data.zbar.slice(0, 10),
      },
      { periodsPerMonth: 30 },
    );
    docs.forEach((value, i) => expect(relative(values[i], value)).toBeLessThan(2e-7));
  });

  it('weekly data with PERIODS_PER_MONTH.week as scipy (same formula, scipy optimum) to 1e-10', () => {
    const scipyBg = {
      r: 0.24259289362790748,
      alpha: 4.413531515004253,
      a: 0.7928860827156742,
      b: 2.425753555288405,
    };
    const clv = customerLifetimeValue(
      scipyBg,
      SCIPY,
      { x: 2, tx: 30.43, T: 38.86, zbar: 22.35 },
      {
        periodsPerMonth: PERIODS_PER_MONTH.week,
      },
    );
    expect(relative(clv, 36.278498014820116)).toBeLessThan(1e-10);
  });

  it('with no discount, one month is spend × purchases expected in the month; 0 months is 0; needs the unit', () => {
    const member = { x: 2, tx: 30.43, T: 38.86, zbar: 22.35 };
    const one = customerLifetimeValue(bg, fit.params, member, {
      periodsPerMonth: 4.345,
      months: 1,
      monthlyDiscountRate: 0,
    });
    const spend = gammaGammaExpectedSpend(fit.params, 2, 22.35);
    expect(relative(one, spend * bgnbdConditionalExpectedPurchases(bg, 4.345, 2, 30.43, 38.86))).toBeLessThan(
      1e-12,
    );
    expect(customerLifetimeValue(bg, fit.params, member, { periodsPerMonth: 4.345, months: 0 })).toBe(0);
    expect(() => customerLifetimeValue(bg, fit.params, member, { periodsPerMonth: Number.NaN })).toThrow(
      /periodsPerMonth/,
    );
  });
});
