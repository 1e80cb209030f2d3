/** Segments to act on, on hand-built member summaries; expected sizes and money computed by hand. */
import { describe, expect, it } from 'vitest';
import {
  downgradeRisk,
  expiringPoints,
  LoyaltyInputError,
  neverRedeemed,
  upgradeOpportunities,
  winBack,
} from './index.ts';

const tiers = [
  { name: 'Base', qualify: 0 },
  { name: 'Silver', qualify: 500, retain: 400 },
  { name: 'Gold', qualify: 2_000, retain: 1_500 },
];

describe('upgradeOpportunities', () => {
  const members = {
    tier: [0, 0, 0, 1, 1, 2, 0],
    qualifyingValue: [460, 455, 200, 1_850, 1_700, 5_000, 499],
    daysLeft: [30, 30, 30, 30, 30, 30, 0],
    count: [3, 1, 1, 2, 1, 1, 4],
  };

  it('within 10% of the next threshold, with time left: gaps 40 ×3, 45, 150 ×2 → 6 members, 465', () => {
    const s = upgradeOpportunities(members, tiers);
    // Base→Silver (500, 10% = 50): row 0 gap 40 ×3, row 1 gap 45, row 2 gap 300 ✗. Silver→Gold
    // (2,000, 10% = 200): row 3 gap 150 ×2, row 4 gap 300 ✗. Row 5 is in the top tier; row 6 has
    // no days left. Size 3 + 1 + 2 = 6; value 120 + 45 + 300 = 465.
    expect(s.size).toBe(6);
    expect(s.valueAtStake).toBe(465);
    expect(Array.from(s.rows)).toEqual([1, 1, 0, 1, 0, 0, 0]);
    expect(s.thresholds).toMatchObject({ withinShare: 0.1, withinAmount: 0 });
  });

  it('an absolute gap widens it; points thresholds convert to money', () => {
    const s = upgradeOpportunities(members, tiers, { withinShare: 0, withinAmount: 300, moneyPerUnit: 0.5 });
    // Gaps ≤ 300 with time: 40 ×3, 45, 300 (row 2), 150 ×2, 300 (row 4) → 8 members,
    // (120 + 45 + 300 + 300 + 300) × 0.5 = 532.5.
    expect(s.size).toBe(8);
    expect(s.valueAtStake).toBe(532.5);
  });
});

describe('downgradeRisk', () => {
  it('below the retain threshold with ≤ 60 days left: shortfalls 50 and 300 ×2', () => {
    const s = downgradeRisk(
      {
        tier: [1, 1, 2, 2, 0, 1],
        qualifyingValue: [350, 350, 1_200, 1_600, 0, 100],
        daysLeft: [20, 90, 45, 10, 5, 60],
        count: [1, 1, 2, 1, 1, 1],
      },
      tiers,
    );
    // Row 0: 400 − 350 = 50 ✓; row 1: 90 days ✗; row 2: 1,500 − 1,200 = 300 ×2 ✓; row 3 above retain;
    // row 4 lowest tier; row 5: 400 − 100 = 300 at exactly 60 days ✓. Size 1 + 2 + 1 = 4; 50 + 600 + 300.
    expect(s.size).toBe(4);
    expect(s.valueAtStake).toBe(950);
    expect(Array.from(s.rows)).toEqual([1, 0, 1, 0, 0, 1]);
  });

  it('retain defaults to the qualifying threshold', () => {
    const s = downgradeRisk({ tier: [1], qualifyingValue: [450], daysLeft: 10 }, [
      { name: 'A', qualify: 0 },
      { name: 'B', qualify: 500 },
    ]);
    expect(s.valueAtStake).toBe(50);
  });
});

describe('winBack', () => {
  it('value ≥ threshold and P(alive) < 0.3; value at stake Σ value × (1 − P(alive))', () => {
    const s = winBack(
      {
        historicalValue: [900, 1_200, 50, 800],
        probabilityAlive: [0.1, 0.5, 0.05, 0.25],
        count: [2, 1, 10, 1],
      },
      { minHistoricalValue: 500 },
    );
    // Rows 0 (900 × 0.9 × 2 = 1,620) and 3 (800 × 0.75 = 600).
    expect(s.size).toBe(3);
    expect(s.valueAtStake).toBeCloseTo(2_220, 9);
  });

  it('default value threshold is the weighted 80th percentile', () => {
    // Values 1..10, one member each: 80% of the weight is reached at 8 → members 8, 9, 10 qualify.
    const s = winBack({
      historicalValue: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
      probabilityAlive: new Array(10).fill(0),
    });
    expect(s.thresholds.minHistoricalValue).toBe(8);
    expect(s.size).toBe(3);
    expect(s.valueAtStake).toBe(27);
    expect(() => winBack({ historicalValue: [1], probabilityAlive: [1.5] })).toThrow(LoyaltyInputError);
  });
});

describe('expiringPoints and neverRedeemed', () => {
  it('points expiring within 30 days × value per point', () => {
    const s = expiringPoints(
      {
        daysToExpiry: [10, 90, 30, Number.POSITIVE_INFINITY, 0],
        expiringPoints: [500, 800, 200, 0, 100],
        count: [2, 1, 1, 5, 1],
      },
      { valuePerPoint: 0.01 },
    );
    // Rows 0 (500 × 2), 2 (200 at day 30), 4 (100 today): 1,300 points → 13.
    expect(s.size).toBe(4);
    expect(s.valueAtStake).toBeCloseTo(13, 12);
    expect(
      expiringPoints({ daysToExpiry: [40], expiringPoints: [10] }, { valuePerPoint: 1, horizonDays: 45 })
        .size,
    ).toBe(1);
  });

  it('never redeemed with a balance ≥ minBalance × value per point', () => {
    const s = neverRedeemed(
      { redeemedPoints: [0, 0, 300, 0], balance: [2_000, 0, 900, 400], count: [3, 4, 1, 1] },
      { valuePerPoint: 0.01, minBalance: 500 },
    );
    // Only row 0: 3 members × 2,000 points × 0.01 = 60.
    expect(s.size).toBe(3);
    expect(s.valueAtStake).toBeCloseTo(60, 12);
    expect(s.play).toMatch(/first-redemption/);
    expect(() => neverRedeemed({ redeemedPoints: [0], balance: [1] }, { valuePerPoint: Number.NaN })).toThrow(
      /valuePerPoint/,
    );
  });
});
