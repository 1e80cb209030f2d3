import { describe, expect, it } from 'vitest';
import { histogramMedian, medianDuration, medianOfSorted } from './median-duration.ts';
import { ReferralInputError } from './referral-input-error.ts';

describe('exact median', () => {
  it('even n: mean of the middle two; odd n: the middle one', () => {
    expect(medianOfSorted(Float64Array.of(3, 5, 8, 13))).toBe(6.5); // (5 + 8) / 2
    expect(medianDuration({ sorted: Float64Array.of(30, 60, 600) })).toEqual({
      median: 60,
      n: 3,
      method: 'exact',
      maxError: 0,
    });
    expect(medianOfSorted(new Float64Array(0))).toBeNull();
  });

  it('refuses unsorted input instead of answering wrong', () => {
    expect(() => medianOfSorted(Float64Array.of(1, 3, 2))).toThrow(ReferralInputError);
  });
});

describe('histogram median', () => {
  it('interpolates inside the median bin: 10 + (5 − 2)/6 × 10 = 15, error ≤ bin width 10', () => {
    expect(histogramMedian(Float64Array.of(0, 10, 20, 40), [2, 6, 2])).toEqual({
      median: 15,
      n: 10,
      method: 'histogram',
      maxError: 10,
    });
  });

  it('half reached exactly at a bin end: [5, 0, 5] over 0,1,2,3 → 0 + 5/5 × 1 = 1', () => {
    expect(histogramMedian(Float64Array.of(0, 1, 2, 3), Int32Array.of(5, 0, 5)).median).toBe(1);
  });

  it('stays within a bin width of the exact median on the same data', () => {
    // durations 1..100 s in 10 bins of 10: exact median (50 + 51)/2 = 50.5
    const sorted = Float64Array.from({ length: 100 }, (_, i) => i + 1);
    const counts = new Array(10).fill(10);
    const edges = Float64Array.from({ length: 11 }, (_, i) => 0.5 + 10 * i);
    const h = medianDuration({ histogram: { edges, counts } });
    const exact = medianDuration({ sorted }).median!;
    expect(exact).toBe(50.5);
    expect(h.median).toBeCloseTo(50.5, 12); // edges 0.5, 10.5, …: half = 50 → 40.5 + 10/10 × 10
    expect(Math.abs(h.median! - exact)).toBeLessThanOrEqual(h.maxError);
  });

  it('empty histogram → null; mismatched or descending edges → error', () => {
    expect(histogramMedian(Float64Array.of(0, 1), [0]).median).toBeNull();
    expect(() => histogramMedian(Float64Array.of(0, 1), [1, 2])).toThrow(ReferralInputError);
    expect(() => histogramMedian(Float64Array.of(0, 2, 1), [1, 2])).toThrow(/ascend/);
  });
});
