/**
 * Published reference values for the fixed-horizon Welch t-test.
 *
 * gbstats = growthbook/growthbook, packages/stats/tests/frequentist/test_tests.py (TestTwoSidedTTest,
 * TestOneSidedGreaterTTest, TestOneSidedLesserTTest); values printed to 5 decimals are compared
 * with toBeCloseTo(x, 5) (|Δ| < 5e-6), full-precision ones to 1e-9.
 * gbstats end-to-end = growthbook/growthbook, packages/stats/tests/test_gbstats.py
 * (TestAnalyzeMetricDfFrequentist), 9 decimals → toBeCloseTo(x, 9).
 */
import { describe, expect, it } from 'vitest';
import { effectMoments } from './effect-moments.ts';
import type { ArmData, DifferenceType, EffectMoments } from './types.ts';
import { welchTTest } from './welch-t-test.ts';

const moments = (a: ArmData, b: ArmData, difference: DifferenceType): EffectMoments => {
  const r = effectMoments(a, b, difference);
  if (!r.ok) throw new Error(r.reason);
  return r.moments;
};

const A3407: ArmData = { kind: 'mean', n: 3407, sum: 1396.87, sumSquares: 52377.9767 };
const A3000: ArmData = { kind: 'mean', n: 3000, sum: 1396.87, sumSquares: 52377.9767 };
const B3461: ArmData = { kind: 'mean', n: 3461, sum: 2422.7, sumSquares: 134698.29 };

describe('welchTTest against gbstats TwoSidedTTest', () => {
  it.each([
    // name, control, treatment, difference, expected, ci, se, p
    ['relative', A3407, B3461, 'relative', 0.70732, [-0.03526, 1.44989], 0.37879, 0.06191],
    ['absolute', A3407, B3461, 'absolute', 0.29, [0.04538, 0.53462], 0.12478, 0.02016],
    [
      'binomial',
      { kind: 'proportion', n: 28, sum: 14 },
      { kind: 'proportion', n: 30, sum: 16 },
      'relative',
      (16 / 30 - 0.5) / 0.5,
      [-0.47767, 0.61101],
      0.2717,
      0.80707,
    ],
  ] as const)('%s', (_name, a, b, difference, expected, ci, se, p) => {
    const r = welchTTest(moments(a, b, difference), { alpha: 0.05 });
    expect(r.estimate).toBeCloseTo(expected, 5);
    expect(r.ci[0]).toBeCloseTo(ci[0], 5);
    expect(r.ci[1]).toBeCloseTo(ci[1], 5);
    expect(r.se).toBeCloseTo(se, 5);
    expect(r.pValue).toBeCloseTo(p, 5);
  });
});

describe('welchTTest against gbstats OneSided tests (full precision)', () => {
  it.each([
    [
      'greater, relative',
      'greater',
      'relative',
      0.5033610858562358,
      0.3334122146400735,
      [-0.045136675850396046, Infinity],
      0.06558262868467746,
    ],
    [
      'greater, absolute',
      'greater',
      'absolute',
      0.23437666666666668,
      0.12983081254184736,
      [0.020791480063255735, Infinity],
      0.03554272489873023,
    ],
    [
      'less, relative',
      'less',
      'relative',
      0.5033610858562358,
      0.3334122146400735,
      [-Infinity, 1.0518588475628676],
      0.9344173713153225,
    ],
    [
      'less, absolute',
      'less',
      'absolute',
      0.23437666666666668,
      0.12983081254184736,
      [-Infinity, 0.44796185327007765],
      0.9644572751012698,
    ],
  ] as const)('%s', (_name, alternative, difference, expected, se, ci, p) => {
    const r = welchTTest(moments(A3000, B3461, difference), { alpha: 0.05, alternative });
    expect(Math.abs(r.estimate - expected)).toBeLessThan(1e-9);
    expect(Math.abs(r.se - se)).toBeLessThan(1e-9);
    expect(Math.abs(r.pValue - p)).toBeLessThan(1e-9);
    for (const k of [0, 1] as const) {
      if (Number.isFinite(ci[k])) expect(Math.abs(r.ci[k] - ci[k])).toBeLessThan(1e-9);
      else expect(r.ci[k]).toBe(ci[k]);
    }
  });
});

describe('welchTTest against gbstats end-to-end analyses (9 decimals)', () => {
  it('count metric, dimension "one": p = 0.145219005, lift = −0.074074074', () => {
    const r = welchTTest(
      moments(
        { kind: 'mean', n: 100, sum: 270, sumSquares: 848.79 },
        { kind: 'mean', n: 120, sum: 300, sumSquares: 869 },
        'relative',
      ),
      { alpha: 0.05 },
    );
    expect(r.estimate).toBeCloseTo(-0.074074074, 9);
    expect(r.pValue).toBeCloseTo(0.145219005, 9);
  });

  it('ratio metric (delta method): p = 0.610663339, lift = 0.133333333', () => {
    const r = welchTTest(
      moments(
        {
          kind: 'ratio',
          n: 100,
          numSum: 270,
          numSumSquares: 848.79,
          denSum: 510,
          denSumSquares: 810,
          numDenSumProduct: -900,
        },
        {
          kind: 'ratio',
          n: 120,
          numSum: 300,
          numSumSquares: 869,
          denSum: 500,
          denSumSquares: 800,
          numDenSumProduct: -905,
        },
        'relative',
      ),
      { alpha: 0.05 },
    );
    expect(r.estimate).toBeCloseTo(0.133333333, 9);
    expect(r.pValue).toBeCloseTo(0.610663339, 9);
  });
});
