/**
 * KPI formulas on hand-computed fixtures; the holdout interval against scipy:
 * scipy.stats.ttest_ind_from_stats(125, 90, 9000, 110, 85, 1000, equal_var=False) → t 5.262348115842175,
 * p 1.669929464343952e-07; Welch–Satterthwaite df 1261.21480252715 and t.ppf(0.975, df) give the
 * 95% interval [9.407876507257928, 20.592123492742072] (scipy 1.17.1, run offline). The arms are
 * passed as sums: Σx = n·mean, Σx² = (n−1)·sd² + n·mean².
 */
import { describe, expect, it } from 'vitest';
import { analyzeExperiment } from '../experiments/index.ts';
import {
  activeMemberRate,
  averageOrderValue,
  breakageRate,
  costPerPoint,
  csat,
  enrollmentRate,
  incrementalRevenueVsHoldout,
  LoyaltyInputError,
  memberVsNonMemberRevenue,
  orderEarningRate,
  purchaseFrequency,
  redemptionRate,
  rewardUsage,
  tierMigrationMatrix,
  tierMix,
} from './index.ts';

describe('rate KPIs', () => {
  it('each is its numerator over its denominator, null when the denominator is 0', () => {
    expect(enrollmentRate({ enrolled: 120, eligible: 1_000 })).toBeCloseTo(0.12, 15);
    expect(activeMemberRate({ activeMembers: 450, members: 1_500 })).toBeCloseTo(0.3, 15);
    expect(orderEarningRate({ earningOrders: 880, memberOrders: 1_000 })).toBeCloseTo(0.88, 15);
    expect(redemptionRate({ pointsRedeemed: 60_000, pointsEarned: 100_000 })).toBeCloseTo(0.6, 15);
    expect(rewardUsage({ rewardsUsed: 300, rewardsIssued: 400 })).toBeCloseTo(0.75, 15);
    expect(breakageRate({ pointsExpired: 15_000, pointsEarned: 100_000 })).toBeCloseTo(0.15, 15);
    expect(costPerPoint({ rewardCost: 540, pointsRedeemed: 60_000 })).toBeCloseTo(0.009, 15);
    expect(averageOrderValue({ revenue: 52_000, orders: 800 })).toBe(65);
    expect(purchaseFrequency({ orders: 800, customers: 500 })).toBeCloseTo(1.6, 15);
    expect(enrollmentRate({ enrolled: 0, eligible: 0 })).toBeNull();
    expect(averageOrderValue({ revenue: 10, orders: 0 })).toBeNull();
  });

  it('redemption rate is a flow ratio and may exceed 1', () => {
    expect(redemptionRate({ pointsRedeemed: 150, pointsEarned: 100 })).toBe(1.5);
  });

  it('tier mix shares sum to 1', () => {
    const mix = tierMix({ Base: 700, Silver: 250, Gold: 50 });
    expect(mix).toEqual([
      { tier: 'Base', members: 700, share: 0.7 },
      { tier: 'Silver', members: 250, share: 0.25 },
      { tier: 'Gold', members: 50, share: 0.05 },
    ]);
  });

  it('member vs non-member revenue per customer: 150 vs 100, +50, ×1.5', () => {
    expect(
      memberVsNonMemberRevenue({
        memberRevenue: 90_000,
        members: 600,
        nonMemberRevenue: 40_000,
        nonMembers: 400,
      }),
    ).toEqual({
      memberRevenuePerCustomer: 150,
      nonMemberRevenuePerCustomer: 100,
      difference: 50,
      ratio: 1.5,
    });
    expect(
      memberVsNonMemberRevenue({ memberRevenue: 1, members: 1, nonMemberRevenue: 0, nonMembers: 0 }),
    ).toMatchObject({ difference: null, ratio: null });
  });

  it('CSAT: (40 + 40) / 100 = 0.8 satisfied, mean (5 + 10 + 30 + 160 + 200) / 100 = 4.05', () => {
    expect(csat([5, 5, 10, 40, 40])).toEqual({ csat: 0.8, meanScore: 4.05, responses: 100 });
    expect(csat([1, 1, 1, 1, 1, 1, 1, 1, 1, 1], 9).csat).toBeCloseTo(0.2, 15); // 9–10 on 1–10
    expect(csat([0, 0, 0, 0, 0]).csat).toBeNull();
  });
});

describe('tierMigrationMatrix', () => {
  it('from distinct (start, end) pairs with counts', () => {
    const m = tierMigrationMatrix(
      ['Base', 'Silver', 'Gold'],
      [0, 0, 1, 2, 1],
      [1, 0, 1, 1, 2],
      [10, 5, 3, 2, 4],
    );
    expect(m.counts).toEqual([
      [5, 10, 0],
      [0, 3, 4],
      [0, 2, 0],
    ]);
    expect(m.shares[0]).toEqual([5 / 15, 10 / 15, 0]);
    expect(m.shares[2]).toEqual([0, 1, 0]);
    expect(m).toMatchObject({ upgraded: 14, retained: 8, downgraded: 2, members: 24 });
  });

  it('per-member pairs (typed arrays) and index checks', () => {
    const m = tierMigrationMatrix(['A', 'B'], Int32Array.of(0, 1, 1), Int32Array.of(1, 1, 0));
    expect(m.counts).toEqual([
      [0, 1],
      [1, 1],
    ]);
    expect(() => tierMigrationMatrix(['A', 'B'], [0], [2])).toThrow(LoyaltyInputError);
  });
});

describe('incrementalRevenueVsHoldout', () => {
  it('Welch difference and interval as scipy; total = lift × treated customers', () => {
    const r = incrementalRevenueVsHoldout(
      { n: 9_000, sum: 1_125_000, sumSquares: 213_516_900 },
      { n: 1_000, sum: 110_000, sumSquares: 19_317_775 },
    );
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.revenuePerCustomerLift).toBeCloseTo(15, 10);
    expect(r.ci![0]).toBeCloseTo(9.407876507257928, 8);
    expect(r.ci![1]).toBeCloseTo(20.592123492742072, 8);
    expect(r.pValue! / 1.669929464343952e-7).toBeCloseTo(1, 6);
    expect(r.incrementalRevenue).toBeCloseTo(135_000, 6);
    expect(r.incrementalRevenueCi![0]).toBeCloseTo(9.407876507257928 * 9_000, 4);
    expect(r).toMatchObject({ deterministic: false, note: null });
    expect(r.relativeLift).toBeCloseTo(15 / 110, 12);
  });

  it('tests an arm without variance against the variance of the other arm (Welch, df = its n − 1), as scipy', () => {
    // treated: ten customers at 10 (variance 0); holdout: mean 5, variance 50/9
    const r = incrementalRevenueVsHoldout(
      { n: 10, sum: 100, sumSquares: 1_000 },
      { n: 10, sum: 50, sumSquares: 300 },
    );
    // scipy: se = sqrt(50/9/10); stats.t.ppf(0.975, 9) = 2.262157162798205;
    // 2 * stats.t.sf(5 / se, 9) = 8.771397134967763e-05
    expect(r).toMatchObject({ ok: true, revenuePerCustomerLift: 5, incrementalRevenue: 50 });
    if (!r.ok) return;
    expect(r.ci![0]).toBeCloseTo(3.3138876027317186, 12);
    expect(r.ci![1]).toBeCloseTo(6.686112397268282, 12);
    expect(r.pValue).toBeCloseTo(8.771397134967763e-5, 15);
    expect(r.deterministic).toBe(false);
  });

  it('both arms constant and different: a deterministic difference, exact, with no p-value or interval and the reason', () => {
    // treated: ten customers at 10; holdout: ten at 4 (both variance 0). A t-test on se = 0 gave
    // p = 0 and the interval [6, 6]: precision no sample supports.
    const r = incrementalRevenueVsHoldout(
      { n: 10, sum: 100, sumSquares: 1_000 },
      { n: 10, sum: 40, sumSquares: 160 },
    );
    expect(r).toEqual({
      ok: true,
      revenuePerCustomerLift: 6,
      ci: null,
      pValue: null,
      incrementalRevenue: 60,
      incrementalRevenueCi: null,
      treatedMean: 10,
      holdoutMean: 4,
      relativeLift: 1.5,
      deterministic: true,
      note: expect.stringMatching(
        /^deterministic difference: every treated customer has revenue 10 and every holdout customer 4 \(no variance in either group\), so the lift is exact, not estimated from a sample: no p-value or interval applies; .*check the data$/,
      ),
    });
    // the same reading as the experiments engine gives the comparison (deterministic, no p-value)
    const engine = analyzeExperiment(
      {
        variants: [{ name: 'holdout' }, { name: 'treated' }],
        metrics: [
          {
            name: 'revenue',
            arms: [
              { kind: 'mean', n: 10, sum: 40, sumSquares: 160 },
              { kind: 'mean', n: 10, sum: 100, sumSquares: 1_000 },
            ],
          },
        ],
      },
      { difference: 'absolute' },
    ).metrics[0].variants[0];
    expect(engine).toMatchObject({ deterministic: true, estimate: 6, pValue: null });
  });

  it('a lower treated constant: the deterministic difference keeps its sign', () => {
    const r = incrementalRevenueVsHoldout({ n: 5, sum: 0, sumSquares: 0 }, { n: 8, sum: 24, sumSquares: 72 });
    expect(r).toMatchObject({
      ok: true,
      deterministic: true,
      revenuePerCustomerLift: -3,
      incrementalRevenue: -15,
      pValue: null,
    });
  });

  it('reports why when both arms have no variance and the same mean', () => {
    const r = incrementalRevenueVsHoldout(
      { n: 10, sum: 100, sumSquares: 1_000 },
      { n: 10, sum: 100, sumSquares: 1_000 },
    );
    expect(r).toMatchObject({ ok: false, reason: expect.stringMatching(/^no evidence either way/) });
  });
});
