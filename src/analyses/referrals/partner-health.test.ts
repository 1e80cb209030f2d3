/**
 * Theil–Sen reference: scipy 1.17.1 `scipy.stats.theilslopes(y, x)` run offline; its slope is the
 * median of the pairwise slopes, as here.
 */
import { describe, expect, it } from 'vitest';
import { concentration } from './concentration.ts';
import { netPromoterScore } from './net-promoter-score.ts';
import { partnerHealth, type PartnerAggregate } from './partner-health.ts';
import { ReferralInputError } from './referral-input-error.ts';
import { theilSenSlope } from './theil-sen-slope.ts';

describe('theilSenSlope', () => {
  it('hand: [10,12,11,15,40] → slopes −1, .5, 1.5, 5/3, 2, 4, 7.5, 28/3, 14.5, 25 → (2 + 4)/2 = 3', () => {
    expect(theilSenSlope([10, 12, 11, 15, 40])).toBe(3);
  });

  it.each([
    [[5, 7, 6, 9, 30, 11, 12, 14, 13, 16, 18, 17], undefined, 1.1666666666666667],
    [[100, 96, 97, 90, 88, 120, 85, 80, 79, 75], undefined, -2.6666666666666665],
    [[3, 1, 4, 1, 5, 9, 2, 6], [0, 1, 1, 2, 3, 5, 8, 13], 0.23076923076923078], // tied x skipped
  ])('scipy theilslopes(%j) slope = %f', (y, x, slope) => {
    expect(theilSenSlope(y, x)).toBeCloseTo(slope, 14);
  });

  it('fewer than two distinct x → null; bad points → error', () => {
    expect(theilSenSlope([4])).toBeNull();
    expect(theilSenSlope([1, 2], [3, 3])).toBeNull();
    expect(() => theilSenSlope([1, Number.NaN])).toThrow(ReferralInputError);
    expect(() => theilSenSlope([1, 2], [1])).toThrow(ReferralInputError);
  });
});

describe('concentration', () => {
  it('50/30/20: top-1 0.5, top-2 0.8, HHI 50² + 30² + 20² = 3800, effective 10000/3800', () => {
    const c = concentration([20, 50, 30], 1);
    expect(c.topNShare).toBe(0.5);
    expect(c.hhi).toBeCloseTo(3800, 9);
    expect(c.effectiveCount).toBeCloseTo(10000 / 3800, 12);
    expect(concentration([20, 50, 30], 2).topNShare).toBeCloseTo(0.8, 15);
  });

  it('one partner = 10000; equal shares of n = 10000/n; nothing = null', () => {
    expect(concentration([7]).hhi).toBeCloseTo(10000, 9);
    expect(concentration([1, 1, 1, 1]).hhi).toBeCloseTo(2500, 9);
    expect(concentration([0, 0])).toMatchObject({ hhi: null, topNShare: null });
    expect(() => concentration([-1])).toThrow(ReferralInputError);
  });
});

describe('netPromoterScore', () => {
  it('50 promoters, 30 passives, 20 detractors of 100 → 30 points', () => {
    expect(netPromoterScore([0, 0, 0, 0, 0, 0, 20, 10, 20, 30, 20])).toEqual({
      nps: 30,
      promoters: 50,
      passives: 30,
      detractors: 20,
      responses: 100,
    });
  });

  it('bands: 6 is a detractor, 7–8 passive, 9 a promoter; no answers → null', () => {
    const at = (score: number) =>
      netPromoterScore(Array.from({ length: 11 }, (_, s) => (s === score ? 1 : 0))).nps;
    expect([at(0), at(6), at(7), at(8), at(9), at(10)]).toEqual([-100, -100, 0, 0, 100, 100]);
    expect(netPromoterScore(new Array(11).fill(0)).nps).toBeNull();
    expect(() => netPromoterScore([1, 2])).toThrow(ReferralInputError);
  });
});

/**
 * Five partners (hand-computed below):
 *   shares 400, 300, 50, 250, 200 → median 250; low activity below 125 → C
 *   conversion rates 50/1000 = .05, 60/600 = .10, 4/100 = .04, 45/500 = .09, 16/400 = .04 → median .05;
 *   grow from 1.2 × .05 = .06
 *   B: fraud 8/60 = .133 ≥ .10 with 8 ≥ 3 flagged → needs-review (it would otherwise be grow)
 *   E: weekly 80,70,60,50,40 → slope −10, median week 60 → −16.7%/week ≤ −10% → needs-enablement
 *   D: weekly 60,62,61,65,66 → slope 1.5 ≥ 0 and .09 ≥ .06 → grow
 *   A: .05 < .06 → healthy
 */
const PARTNERS: PartnerAggregate[] = [
  {
    partner: 'A',
    tier: 'gold',
    shares: 400,
    clicks: 1000,
    conversions: 50,
    revenue: 10000,
    flaggedReferrals: 2,
    refundedConversions: 1,
    weeklyActivity: [90, 95, 100, 105, 110],
    npsCounts: [1, 0, 0, 0, 0, 0, 1, 2, 2, 3, 1],
  },
  {
    partner: 'B',
    shares: 300,
    clicks: 600,
    conversions: 60,
    revenue: 9000,
    flaggedReferrals: 8,
    refundedConversions: 2,
  },
  { partner: 'C', shares: 50, clicks: 100, conversions: 4, revenue: 500, flaggedReferrals: 0 },
  {
    partner: 'D',
    shares: 250,
    clicks: 500,
    conversions: 45,
    revenue: 6000,
    flaggedReferrals: 0,
    weeklyActivity: Float64Array.of(60, 62, 61, 65, 66),
  },
  {
    partner: 'E',
    shares: 200,
    clicks: 400,
    conversions: 16,
    revenue: 2500,
    flaggedReferrals: 1,
    weeklyActivity: [80, 70, 60, 50, 40],
  },
];

describe('partnerHealth', () => {
  const h = partnerHealth(PARTNERS);
  const p = (name: string) => h.partners.find((x) => x.partner === name)!;

  it('classifies: A healthy, B needs-review, C and E needs-enablement, D grow', () => {
    expect(h.partners.map((x) => [x.partner, x.status])).toEqual([
      ['A', 'healthy'],
      ['B', 'needs-review'],
      ['C', 'needs-enablement'],
      ['D', 'grow'],
      ['E', 'needs-enablement'],
    ]);
    expect(h.medianShares).toBe(250);
    expect(h.medianConversionRate).toBeCloseTo(0.05, 15);
    expect(p('B').reasons).toEqual(['fraud rate 13.3% ≥ 10.0%']);
    expect(p('C').reasons).toEqual(['shares 50 < 0.5 × median 250']);
    expect(p('E').reasons).toEqual(['activity falling 16.7% of a typical week per week']);
  });

  it('fraud rate over referrals when they are given (flagged sign-ups need not convert)', () => {
    const withReferrals = partnerHealth([{ ...PARTNERS[1], referrals: 160 }]).partners[0];
    expect(withReferrals.fraudRate).toBeCloseTo(8 / 160, 15); // not 8 / 60 conversions
    expect(withReferrals.status).toBe('healthy'); // 5% < 10%
  });

  it('rates, share of voice, trend and NPS', () => {
    expect(p('B').fraudRate).toBeCloseTo(8 / 60, 15);
    expect(p('A')).toMatchObject({
      conversionRate: 0.05,
      refundRate: 0.02,
      trend: 5,
      relativeTrend: 0.05,
      nps: 20,
    });
    // shares 400 / 1200; clicks 1000 / 2600; revenue 10000 / 28000
    expect(p('A').shareOfShares).toBeCloseTo(1 / 3, 15);
    expect(p('A').shareOfClicks).toBeCloseTo(1000 / 2600, 15);
    expect(p('A').revenueShare).toBeCloseTo(10000 / 28000, 15);
    expect(p('D').trend).toBe(1.5);
    expect(p('E').relativeTrend).toBeCloseTo(-10 / 60, 15);
    expect(p('C')).toMatchObject({ trend: null, nps: null, tier: null });
  });

  it('revenue concentration: top-5 = all; HHI = 10⁴ × (10000² + 9000² + 500² + 6000² + 2500²) / 28000² = 2850.77', () => {
    expect(h.concentration.topNShare).toBe(1);
    expect(h.concentration.hhi).toBeCloseTo((10000 * 223_500_000) / 784_000_000, 9);
    expect(partnerHealth(PARTNERS, { topN: 2 }).concentration.topNShare).toBeCloseTo(19000 / 28000, 15);
  });

  it('rankings: by revenue, by conversion rate, by fraud rate (≥ 10 conversions)', () => {
    const names = (list: readonly { partner: string }[]) => list.map((x) => x.partner);
    expect(names(h.byRevenue.top)).toEqual(['A', 'B', 'D', 'E', 'C']);
    expect(names(h.byRevenue.bottom)).toEqual(['C', 'E', 'D', 'B', 'A']);
    expect(names(h.byConversionRate.top)).toEqual(['B', 'D', 'A', 'C', 'E']); // C and E tie at .04: by name
    // C has 4 conversions (< 10): not ranked on fraud; B .133, E .0625, A .04, D 0 (D is among the
    // cleanest, not a top fraud partner: the top list holds fraud rates above 0 only)
    expect(names(h.byFraudRate.top)).toEqual(['B', 'E', 'A']);
    expect(names(partnerHealth(PARTNERS, { topN: 2 }).byFraudRate.bottom)).toEqual(['D', 'A']);
  });

  it('thresholds are configurable', () => {
    const lenient = partnerHealth(PARTNERS, { reviewFraudRate: 0.2, decliningTrend: 0.5 });
    expect(lenient.partners.map((x) => x.status)).toEqual([
      'healthy',
      'grow',
      'needs-enablement',
      'grow',
      'healthy',
    ]);
    // refunds need minFlagged occurrences: 2 refunds of 60 (3.3%) never trigger
    const refunds = partnerHealth([{ ...PARTNERS[1], flaggedReferrals: 0, refundedConversions: 20 }]);
    expect(refunds.partners[0].reasons).toEqual(['refund rate 33.3% ≥ 20.0%']);
  });

  it('grow: a flat trend whose slope is slightly negative is not a fall (falling is ≤ −10% a week, as for enablement)', () => {
    // F: weekly 66,65,66,64,65 → Theil–Sen slope −0.375, median week 65 → −0.6%/week; conversion
    // .09 ≥ 1.2 × the median .07 (rates .05,.10,.04,.09,.04,.09) → grow
    const f: PartnerAggregate = {
      partner: 'F',
      shares: 260,
      clicks: 500,
      conversions: 45,
      revenue: 6000,
      flaggedReferrals: 0,
      weeklyActivity: [66, 65, 66, 64, 65],
    };
    const withF = partnerHealth([...PARTNERS, f]);
    const F = withF.partners.find((x) => x.partner === 'F')!;
    expect(F.trend).toBe(-0.375);
    expect(F.status).toBe('grow');
    // falling 10% of its median week per week or more: needs-enablement, whatever its conversion
    const falling = partnerHealth([...PARTNERS, { ...f, weeklyActivity: [90, 80, 70, 60, 50] }]);
    expect(falling.partners.find((x) => x.partner === 'F')!.status).toBe('needs-enablement');
  });

  it('rejects negative counts', () => {
    expect(() => partnerHealth([{ ...PARTNERS[0], clicks: -1 }])).toThrow(/rows\[0\]\.clicks/);
  });

  it('conversion rate: clicks that led to a customer / clicks; coupon customers beside it, never above 100%', () => {
    // G: 40 clicks, 30 of them led to a customer; 70 customers, 40 of them by coupon (no click)
    const g: PartnerAggregate = {
      partner: 'G',
      shares: 100,
      clicks: 40,
      conversions: 70,
      clickConversions: 30,
      codeConversions: 40,
      revenue: 7000,
    };
    const G = partnerHealth([g]).partners[0];
    expect(G).toMatchObject({ conversions: 70, clickConversions: 30, codeConversions: 40 });
    expect(G.conversionRate).toBe(0.75); // 30 / 40, not 70 / 40
    // without clickConversions the conversions are the numerator, and may not exceed the clicks
    expect(() => partnerHealth([{ ...g, clickConversions: undefined }])).toThrow(
      /rows\[0\]\.conversions \(70\) exceeds rows\[0\]\.clicks \(40\).*give clickConversions/,
    );
    expect(() => partnerHealth([{ ...g, clickConversions: 41 }])).toThrow(/rows\[0\]\.clickConversions/);
  });
});
