/**
 * Points accounting.
 *
 * IFRS 15 Illustrative Example 52 "Customer loyalty programme" (IE267–IE270): purchases CU100,000
 * earn 10,000 points worth CU1 each; 9,500 expected to be redeemed (stand-alone selling price
 * CU0.95 a point, CU9,500 in all); allocation products CU91,324, points CU8,676. Year 1: 4,500
 * redeemed, still 9,500 expected → revenue CU4,110, contract liability CU4,566. Year 2: 8,500
 * redeemed cumulatively, 9,700 now expected → revenue CU3,493 (cumulative CU7,603), liability
 * CU1,073. (Figures as given in the brief; the standard's text could not be retrieved here. The
 * method is the one KPMG's "Revenue – IFRS 15 handbook" (2019) Example 10A applies when citing
 * IE267–IE270: price allocated to points × points redeemed to date ÷ total expected, less revenue
 * already recognised. Every figure is re-derived by hand below.)
 *
 * The chain ladder is checked on a triangle computed by hand in the comments.
 */
import { describe, expect, it } from 'vitest';
import {
  allocateTransactionPrice,
  estimateBreakage,
  LoyaltyInputError,
  outstandingPointsLiability,
  recognizePointsRevenue,
} from './index.ts';

describe('IFRS 15 Illustrative Example 52', () => {
  const allocation = allocateTransactionPrice({
    transactionPrice: 100_000,
    goodsStandaloneSellingPrice: 100_000,
    pointsIssued: 10_000,
    valuePerPoint: 1,
    expectedRedemptionRate: 0.95,
  });

  it('allocates 91,324 / 8,676 by relative stand-alone selling price', () => {
    // 100,000 × 9,500 / 109,500 = 8,675.799…; 100,000 × 100,000 / 109,500 = 91,324.200…
    expect(allocation.pointsStandaloneSellingPrice).toBeCloseTo(9_500, 9);
    expect(Math.round(allocation.goods)).toBe(91_324);
    expect(Math.round(allocation.points)).toBe(8_676);
    expect(allocation.points).toBeCloseTo((100_000 * 9_500) / 109_500, 9);
    expect(allocation.goods + allocation.points).toBeCloseTo(100_000, 9);
  });

  it('year 1: revenue 4,110, liability 4,566; year 2: revenue 3,493, cumulative 7,603, liability 1,073', () => {
    const periods = [
      { cumulativeRedeemed: 4_500, expectedRedemptions: 9_500 },
      { cumulativeRedeemed: 8_500, expectedRedemptions: 9_700 },
    ];
    // Unrounded allocation: 8,675.80 × 4,500/9,500 = 4,109.59; × 8,500/9,700 = 7,602.52 (catch-up);
    // 7,602.52 − 4,109.59 = 3,492.93; 8,675.80 − 7,602.52 = 1,073.28.
    // The standard rounds the allocation first (8,676): 4,109.68, 7,602.80 → the same whole CU.
    for (const allocated of [allocation.points, 8_676]) {
      const [y1, y2] = recognizePointsRevenue(allocated, periods);
      expect(Math.round(y1.revenue)).toBe(4_110);
      expect(Math.round(y1.liability)).toBe(4_566);
      expect(Math.round(y2.revenue)).toBe(3_493);
      expect(Math.round(y2.cumulativeRevenue)).toBe(7_603);
      expect(Math.round(y2.liability)).toBe(1_073);
    }
  });

  it('lapse releases the rest; a lower expectation catches up upward; redemptions beyond it cap at 100%', () => {
    const [, , y3] = recognizePointsRevenue(8_676, [
      { cumulativeRedeemed: 4_500, expectedRedemptions: 9_500 },
      { cumulativeRedeemed: 8_500, expectedRedemptions: 9_700 },
      { cumulativeRedeemed: 9_000, expectedRedemptions: 9_000 },
    ]);
    expect(y3.cumulativeRevenue).toBeCloseTo(8_676, 9);
    expect(y3.liability).toBeCloseTo(0, 9);
    const [over] = recognizePointsRevenue(1_000, [{ cumulativeRedeemed: 120, expectedRedemptions: 100 }]);
    expect(over.cumulativeRevenue).toBe(1_000);
  });

  it('rejects a redemption rate above 1 and negative amounts', () => {
    expect(() =>
      allocateTransactionPrice({
        transactionPrice: 1,
        goodsStandaloneSellingPrice: 1,
        pointsIssued: 1,
        valuePerPoint: 1,
        expectedRedemptionRate: 95,
      }),
    ).toThrow(LoyaltyInputError);
    expect(() => recognizePointsRevenue(-1, [])).toThrow(/allocated/);
  });
});

describe('estimateBreakage (chain ladder on cumulative redemptions by age)', () => {
  const triangle = [
    { cohort: 'A', pointsIssued: 1_000, cumulativeRedeemed: [200, 500, 600] },
    { cohort: 'B', pointsIssued: 2_000, cumulativeRedeemed: [300, 800] },
    { cohort: 'C', pointsIssued: 1_500, cumulativeRedeemed: [400] },
  ];

  it('hand triangle: f₀ = (500+800)/(200+300) = 2.6, f₁ = 600/500 = 1.2; ultimates 600, 960, 1,248', () => {
    const e = estimateBreakage(triangle);
    expect(e.developmentFactors[0]).toBeCloseTo(2.6, 12);
    expect(e.developmentFactors[1]).toBeCloseTo(1.2, 12);
    expect(e.factorCohorts).toEqual([2, 1]);
    expect(e.cumulativeFactors[0]).toBeCloseTo(3.12, 12);
    expect(e.cohorts.map((c) => c.ultimateRedeemed)).toEqual([600, 960, expect.closeTo(1_248, 9)]);
    expect(e.cohorts.map((c) => c.ultimateRedemptionRate)).toEqual([0.6, 0.48, expect.closeTo(0.832, 12)]);
    // (600 + 960 + 1,248) / 4,500 = 0.624 → breakage 0.376.
    expect(e.expectedRedemptionRate).toBeCloseTo(0.624, 12);
    expect(e.expectedBreakageRate).toBeCloseTo(0.376, 12);
  });

  it('Bornhuetter–Ferguson with a prior of 60%: A 600, B 1,000, C 1,011.54 (computed by hand)', () => {
    // ultimate = C + issued × 0.6 × (1 − 1/CDF): A 600 + 0 (CDF 1); B 800 + 2,000 × 0.6 × (1 − 1/1.2)
    // = 1,000; C 400 + 1,500 × 0.6 × (1 − 1/3.12) = 400 + 900 × 0.6794872 = 1,011.5385.
    const e = estimateBreakage(triangle, { method: 'bornhuetter-ferguson', priorRedemptionRate: 0.6 });
    expect(e.method).toBe('bornhuetter-ferguson');
    expect(e.cohorts[0].ultimateRedeemed).toBeCloseTo(600, 9);
    expect(e.cohorts[1].ultimateRedeemed).toBeCloseTo(1_000, 9);
    expect(e.cohorts[2].ultimateRedeemed).toBeCloseTo(400 + 900 * (1 - 1 / 3.12), 9);
    expect(e.expectedRedemptionRate).toBeCloseTo((600 + 1_000 + 400 + 900 * (1 - 1 / 3.12)) / 4_500, 12);
    // default prior without matured cohorts: the chain-ladder rate 0.624
    expect(estimateBreakage(triangle, { method: 'bornhuetter-ferguson' }).priorRedemptionRate).toBeCloseTo(
      0.624,
      12,
    );
    // with A matured at age 2 the prior is A's actual 60%
    expect(
      estimateBreakage(triangle, { method: 'bornhuetter-ferguson', maturityAge: 2 }).priorRedemptionRate,
    ).toBe(0.6);
    expect(() =>
      estimateBreakage(triangle, { method: 'bornhuetter-ferguson', priorRedemptionRate: 1.5 }),
    ).toThrow(LoyaltyInputError);
  });

  it('tail factor 1.05 and maturity at age 2 (A uses its actual 60%)', () => {
    const e = estimateBreakage(triangle, { tailFactor: 1.05, maturityAge: 2 });
    // A 600 (matured); B 800 × 1.2 × 1.05 = 1,008; C 400 × 2.6 × 1.2 × 1.05 = 1,310.4.
    expect(e.cohorts[0]).toMatchObject({ matured: true, ultimateRedeemed: 600 });
    expect(e.cohorts[1].ultimateRedeemed).toBeCloseTo(1_008, 9);
    expect(e.cohorts[2].ultimateRedeemed).toBeCloseTo(1_310.4, 9);
    expect(e.expectedRedemptionRate).toBeCloseTo(2_918.4 / 4_500, 12);
  });

  it('expired points cap the projection; a cohort with nothing outstanding is matured', () => {
    const e = estimateBreakage([
      ...triangle,
      // 300 × 3.12 = 936 projected, but only 500 − 150 = 350 can still be redeemed.
      { cohort: 'D', pointsIssued: 500, cumulativeRedeemed: [300], cumulativeExpired: [150] },
      { cohort: 'E', pointsIssued: 100, cumulativeRedeemed: [60, 70], cumulativeExpired: [0, 30] },
    ]);
    expect(e.cohorts[3]).toMatchObject({
      ultimateRedeemed: 350,
      ultimateRedemptionRate: 0.7,
      expiredToDate: 150,
    });
    expect(e.cohorts[4]).toMatchObject({
      matured: true,
      ultimateRedeemed: 70,
      breakageRate: expect.closeTo(0.3, 12),
    });
    // E adds to f₀: (500 + 800 + 70) / (200 + 300 + 60).
    expect(e.developmentFactors[0]).toBeCloseTo(1_370 / 560, 12);
  });

  it('no cohort redeemed in its issue month: f₀ is infinite, so BF expects the age-0 cohort to redeem the whole prior', () => {
    // Points redeemable from the month after issue: every cohort has 0 at age 0. By hand:
    // f₀ = (400 + 300) / (0 + 0) = ∞, f₁ = 500 / 400 = 1.25; CDF = [∞, 1.25, 1].
    // BF at a prior of 50 %: A 500 + 0 = 500; B 300 + 1,000 × 0.5 × (1 − 1/1.25) = 400;
    // C 0 + 2,000 × 0.5 × (1 − 1/∞) = 1,000 (f₀ taken as 1 gave C 2,000 × 0.5 × 0.2 = 200, a
    // cohort that has redeemed nothing yet called 80 % developed); D 50 + 500 × 0.5 = 300.
    const young = [
      { cohort: 'A', pointsIssued: 1_000, cumulativeRedeemed: [0, 400, 500] },
      { cohort: 'B', pointsIssued: 1_000, cumulativeRedeemed: [0, 300] },
      { cohort: 'C', pointsIssued: 2_000, cumulativeRedeemed: [0] },
      { cohort: 'D', pointsIssued: 500, cumulativeRedeemed: [50] },
    ];
    const bf = estimateBreakage(young, { method: 'bornhuetter-ferguson', priorRedemptionRate: 0.5 });
    expect(bf.developmentFactors).toEqual([Infinity, 1.25]);
    expect(bf.cumulativeFactors).toEqual([Infinity, 1.25, 1]);
    expect(bf.cohorts.map((c) => c.ultimateRedeemed)).toEqual([500, expect.closeTo(400, 9), 1_000, 300]);
    expect(bf.expectedRedemptionRate).toBeCloseTo(2_200 / 4_500, 12);
    // The chain ladder cannot project across the infinite f₀ and takes it as 1: A 500,
    // B 300 × 1.25 = 375, C 0 × 1.25 = 0 (not NaN), D 50 × 1.25 = 62.5 (not its cap of 500).
    const cl = estimateBreakage(young);
    expect(cl.cumulativeFactors).toEqual([Infinity, 1.25, 1]);
    expect(cl.cohorts.map((c) => c.ultimateRedeemed)).toEqual([500, 375, 0, 62.5]);
    expect(cl.expectedRedemptionRate).toBeCloseTo(937.5 / 4_500, 12);
    // No redemption by age 1 either: f₀ = 0/0 is 1 (no information), f₁ infinite.
    const late = estimateBreakage([
      { cohort: 'A', pointsIssued: 100, cumulativeRedeemed: [0, 0, 40] },
      { cohort: 'B', pointsIssued: 100, cumulativeRedeemed: [0, 0] },
    ]);
    expect(late.developmentFactors).toEqual([1, Infinity]);
  });

  it('rejects non-cumulative series and redemptions above issuance', () => {
    expect(() =>
      estimateBreakage([{ cohort: 'X', pointsIssued: 100, cumulativeRedeemed: [50, 40] }]),
    ).toThrow(/cumulative/);
    expect(() => estimateBreakage([{ cohort: 'X', pointsIssued: 100, cumulativeRedeemed: [150] }])).toThrow(
      /exceeds/,
    );
  });
});

describe('outstandingPointsLiability', () => {
  it('(1,000,000 + 50,000) × 0.01 × 0.8 = 8,400; +400 (5%) on 8,000; breakage 2,100', () => {
    const l = outstandingPointsLiability({
      activePoints: 1_000_000,
      pendingPoints: 50_000,
      valuePerPoint: 0.01,
      expectedRedemptionRate: 0.8,
      redeemedPointsInPeriod: 200_000,
      previousLiability: 8_000,
    });
    expect(l.outstandingPoints).toBe(1_050_000);
    expect(l.liability).toBeCloseTo(8_400, 9);
    expect(l.expectedBreakageValue).toBeCloseTo(2_100, 9);
    expect(l.revenueReleased).toBeCloseTo(2_000, 9);
    expect(l.change).toBeCloseTo(400, 9);
    expect(l.changeRate).toBeCloseTo(0.05, 12);
  });

  it('IFRS 15 release per redeemed point = allocated / expected redemptions (IE52: 8,676 / 9,500)', () => {
    const l = outstandingPointsLiability({
      activePoints: 5_500,
      pendingPoints: 0,
      valuePerPoint: 1,
      expectedRedemptionRate: 0.95,
      redeemedPointsInPeriod: 4_500,
      revenuePerRedeemedPoint: 8_676 / 9_500,
    });
    expect(Math.round(l.revenueReleased)).toBe(4_110);
    expect(l.change).toBeNull();
  });
});
