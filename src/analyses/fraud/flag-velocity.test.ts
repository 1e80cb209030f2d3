/**
 * Poisson tails: scipy 1.17.1 `scipy.stats.poisson.sf(k - 1, mu)` (= P(X ≥ k)), run offline; the
 * peak-over-periods values are `-expm1(periods * log1p(-sf))` on scipy's sf.
 */
import { describe, expect, it } from 'vitest';
import { flagVelocity, type AdvocateActivityRow } from './flag-velocity.ts';
import { FraudInputError } from './fraud-input-error.ts';
import { poissonUpperTail } from './poisson-upper-tail.ts';
import { robustSpread } from './robust-spread.ts';

describe('poissonUpperTail', () => {
  it.each([
    [10, 2, 4.649807501726386e-5],
    [1, 0.5, 0.3934693402873665],
    [3, 3, 0.5768099188731566],
    [20, 1.5, 3.2834341966136455e-16],
    [50, 3, 1.2485354871542117e-42],
    [5, 10, 0.9707473119230389],
    [200, 150, 5.709688574208249e-5],
    [1, 1e-3, 0.0009995001666250082],
    [40, 0.2, 1.1087134276149818e-76],
  ])('P(X ≥ %i | %f) = scipy %e', (k, mean, expected) => {
    expect(Math.abs(poissonUpperTail(k, mean) - expected) / expected).toBeLessThan(1e-10);
  });

  it('edges: k ≤ 0 is certain, a zero rate never reaches 1', () => {
    expect(poissonUpperTail(0, 3)).toBe(1);
    expect(poissonUpperTail(1, 0)).toBe(0);
  });
});

describe('robustSpread', () => {
  it('hand: 1,1,2,2,4,6,9 → median 2, |dev| 0,0,1,1,1,4,7 → MAD 1, σ 1.4826', () => {
    const r = robustSpread(Float64Array.of(9, 1, 2, 6, 1, 4, 2));
    expect(r).toMatchObject({ median: 2, mad: 1 });
    expect(r.sigma).toBeCloseTo(1.4826, 12);
  });

  it('MAD 0 falls back to 1.253314 × mean absolute deviation: 1,1,1,1,5 → 1.253314 × 4/5', () => {
    const r = robustSpread(Float64Array.of(1, 1, 1, 1, 5));
    expect(r.mad).toBe(0);
    expect(r.sigma).toBeCloseTo(1.253314 * 0.8, 12);
  });
});

// Eight converting advocates and one without conversions, 30 active days each.
const ROWS: AdvocateActivityRow[] = [
  [3, 1, 1],
  [4, 1, 2],
  [2, 1, 1],
  [5, 2, 3],
  [6, 2, 2],
  [8, 3, 4],
  [40, 12, 15], // a burst: 12 in one day
  [25, 3, 18], // steady but heavy week
  [0, 0, 0],
].map(([conversions, peakDayConversions, peakWeekConversions], i) => ({
  advocateId: `a${i}`,
  conversions,
  activeDays: 30,
  peakDayConversions,
  peakWeekConversions,
}));

describe('flagVelocity', () => {
  it('mad (default): hand-computed norms and flags', () => {
    const v = flagVelocity(ROWS);
    // day peaks of converting advocates: 1,1,1,2,2,3,3,12 → median 2; |dev| 0,0,1,1,1,1,1,10 → MAD 1
    // σ = 1.4826; 2 + 5 × 1.4826 = 9.413 → flag from 10 (≥ the floor of 3)
    expect(v.day).toMatchObject({ median: 2, mad: 1, madThreshold: 10 });
    // week peaks: 1,1,2,2,3,4,15,18 → median 2.5; |dev| .5,.5,.5,1.5,1.5,1.5,12.5,15.5 → MAD 1.5
    // σ = 2.2239; 2.5 + 5 × 2.2239 = 13.6195 → flag from 14
    expect(v.week).toMatchObject({ median: 2.5, mad: 1.5, madThreshold: 14 });
    // program rate: 93 conversions / 270 advocate-days (the advocate without conversions counts)
    expect(v.day.programRate).toBeCloseTo(93 / 270, 15);
    expect(v.week.programRate).toBeCloseTo((93 / 270) * 7, 15);
    expect(v.tested).toBe(8);
    expect([...v.flagged.keys()].sort()).toEqual(['a6', 'a7']);
    expect(v.flagged.get('a6')).toMatchObject({ period: 'day', peak: 12, method: 'mad' });
    expect(v.flagged.get('a7')).toMatchObject({ period: 'week', peak: 18 });
    // scipy: 1 − (1 − P(X ≥ 12 | 93/270))^30
    expect(v.flagged.get('a6')!.pValue / 1.271345259635894e-13).toBeCloseTo(1, 9);
    // scipy: 1 − (1 − P(X ≥ 18 | 7 × 93/270))^5 (30 days = 5 weeks, rounded up)
    expect(v.flagged.get('a7')!.pValue / 6.079915615995698e-10).toBeCloseTo(1, 9);
  });

  it('poisson: Bonferroni over tested advocates; the floor still applies', () => {
    const v = flagVelocity(ROWS, { method: 'poisson' });
    // a5's day peak 3 has p = 0.1467 (scipy) > 0.001 / 8; a6, a7 far below
    expect([...v.flagged.keys()].sort()).toEqual(['a6', 'a7']);
    const strict = flagVelocity(ROWS, { method: 'poisson', minPeakDay: 13, minPeakWeek: 19 });
    expect(strict.flagged.size).toBe(0);
  });

  it('mad with fewer than minPeers peers: a peak over the norm must also be a burst against the advocate’s own level', () => {
    // nine partners, 30 days (5 weeks): week peaks 3,3,3,4,4,4,4,12,12 → median 4, MAD 1, σ 1.4826,
    // flag from ⌊4 + 7.413⌋ + 1 = 12; day peaks ≤ 3 below their own threshold
    const rows: AdvocateActivityRow[] = [3, 3, 3, 4, 4, 4, 4].map((w, i) => ({
      advocateId: `p${i}`,
      conversions: 3 * w,
      activeDays: 30,
      peakDayConversions: 1,
      peakWeekConversions: w,
    }));
    // steady: 45 conversions, 12 of them in its busiest week: 45 / 30 × 7 = 10.5 a week;
    // burst: its 12 conversions all in one week: 2.8 a week
    rows.push(
      {
        advocateId: 'steady',
        conversions: 45,
        activeDays: 30,
        peakDayConversions: 3,
        peakWeekConversions: 12,
      },
      {
        advocateId: 'burst',
        conversions: 12,
        activeDays: 30,
        peakDayConversions: 3,
        peakWeekConversions: 12,
      },
    );
    const v = flagVelocity(rows);
    expect(v.week).toMatchObject({ median: 4, mad: 1, madThreshold: 12 });
    expect([...v.flagged.keys()]).toEqual(['burst']);
    const b = v.flagged.get('burst')!;
    expect(b.ownRate).toBeCloseTo(2.8, 12);
    // 1 − (1 − P(X ≥ 12 | 2.8))^5 from poissonUpperTail (scipy-checked above): ~1.3e-4 < 0.001
    expect(b.ownPValue! / -Math.expm1(5 * Math.log1p(-poissonUpperTail(12, 2.8)))).toBeCloseTo(1, 12);
    expect(b.ownPValue!).toBeLessThan(0.001);
    // steady's own level makes its week ordinary: P(some week ≥ 12 | 10.5 a week) is ~0.9
    expect(-Math.expm1(5 * Math.log1p(-poissonUpperTail(12, 10.5)))).toBeGreaterThan(0.5);
    // with the peer norm trusted at any size, both are flagged
    expect([...flagVelocity(rows, { minPeers: 0 }).flagged.keys()].sort()).toEqual(['burst', 'steady']);
    // a large group keeps the peer norm alone (ownRate null)
    expect(flagVelocity(ROWS, { minPeers: 0 }).flagged.get('a6')).toMatchObject({
      ownRate: null,
      ownPValue: null,
    });
  });

  it('a program with no conversions flags nobody', () => {
    const v = flagVelocity([ROWS[8]]);
    expect(v.flagged.size).toBe(0);
    expect(v.day.programRate).toBe(0);
  });

  it('rejects negative or non-finite counts', () => {
    expect(() => flagVelocity([{ ...ROWS[0], conversions: -1 }])).toThrow(FraudInputError);
    expect(() => flagVelocity([{ ...ROWS[0], activeDays: NaN }])).toThrow(/activeDays/);
  });
});
