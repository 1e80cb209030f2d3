/**
 * Published reference values for the always-valid (sequential) test.
 *
 * gbstats = growthbook/growthbook, packages/stats/tests/frequentist/test_tests.py (TestSequentialTTest,
 * TestSequentialOneSidedGreaterTTest, TestSequentialOneSidedLesserTTest). Five-decimal values are
 * compared with toBeCloseTo(x, 5); full-precision interval ends to 1e-9.
 */
import { describe, expect, it } from 'vitest';
import { sequentialHalfwidthOneSided, sequentialRho } from './confidence-sequence.ts';
import { effectMoments } from './effect-moments.ts';
import { sequentialTest } from './sequential-test.ts';
import type { ArmData, DifferenceType, EffectMoments, MeanArm } from './types.ts';
import { welchTTest } from './welch-t-test.ts';

const moments = (a: ArmData, b: ArmData, difference: DifferenceType = 'relative'): EffectMoments => {
  const r = effectMoments(a, b, difference);
  if (!r.ok) throw new Error(r.reason);
  return r.moments;
};
const A: MeanArm = { kind: 'mean', n: 3000, sum: 1396.87, sumSquares: 52377.9767 };
const B: MeanArm = { kind: 'mean', n: 3461, sum: 2422.7, sumSquares: 134698.29 };

describe('sequentialTest against gbstats SequentialTwoSidedTTest', () => {
  it('mean metric, N* = 1000', () => {
    const r = sequentialTest(moments(A, B), { alpha: 0.05, tuning: 1000 });
    expect(r.estimate).toBeCloseTo(0.50336, 5);
    expect(r.ci[0]).toBeCloseTo(-0.55844, 5);
    expect(r.ci[1]).toBeCloseTo(1.56516, 5);
    expect(r.se).toBeCloseTo(0.33341, 5);
    expect(r.pValue).toBe(1);
  });

  it('proportion metric, default N* = 5000', () => {
    const r = sequentialTest(
      moments({ kind: 'proportion', n: 3000, sum: 1396 }, { kind: 'proportion', n: 3461, sum: 2422 }),
      {
        alpha: 0.05,
      },
    );
    expect(r.estimate).toBeCloseTo(0.50386, 5);
    expect(r.ci[0]).toBeCloseTo(0.40098, 5);
    expect(r.ci[1]).toBeCloseTo(0.60675, 5);
    expect(r.se).toBeCloseTo(0.03386, 5);
    expect(r.pValue).toBeCloseTo(0, 5);
  });

  it('CUPED metric (post·pre sum of products = 1)', () => {
    const cuped = (post: MeanArm, preSum: number, preSumSquares: number): ArmData => ({
      kind: 'cuped',
      post,
      preSum,
      preSumSquares,
      postPreSumProduct: 1,
    });
    const r = sequentialTest(moments(cuped(A, 16.87, 527.9767), cuped(B, 22.7, 1348.29)), { alpha: 0.05 });
    expect(r.estimate).toBeCloseTo(0.50338, 5);
    expect(r.ci[0]).toBeCloseTo(-0.50969, 5);
    expect(r.ci[1]).toBeCloseTo(1.51646, 5);
    expect(r.se).toBeCloseTo(0.33341, 5);
    expect(r.pValue).toBe(1);
  });

  it('tuning: N* near the sample size gives the tightest interval', () => {
    const m = moments(A, B);
    const width = (tuning: number) => {
      const r = sequentialTest(m, { alpha: 0.05, tuning });
      return r.ci[1] - r.ci[0];
    };
    expect(width(10)).toBeGreaterThan(width(10000));
    expect(width(10000)).toBeGreaterThan(width(6461));
  });
});

describe('sequentialTest against gbstats SequentialOneSided tests', () => {
  it.each([
    ['greater, relative', 'greater', 'relative', [-0.42356454602790883, Infinity]],
    ['greater, absolute', 'greater', 'absolute', [-0.12656844172804982, Infinity]],
    ['less, relative', 'less', 'relative', [-Infinity, 1.4302867177403806]],
    ['less, absolute', 'less', 'absolute', [-Infinity, 0.5953217750613832]],
  ] as const)('%s: interval to 1e-9', (_name, alternative, difference, ci) => {
    const r = sequentialTest(moments(A, B, difference), { alpha: 0.05, alternative });
    for (const k of [0, 1] as const) {
      if (Number.isFinite(ci[k])) expect(Math.abs(r.ci[k] - ci[k])).toBeLessThan(1e-9);
      else expect(r.ci[k]).toBe(ci[k]);
    }
  });

  it('p-values gbstats reports at its search bound 0.4999 are at least 0.4999 here', () => {
    for (const [alternative, difference] of [
      ['greater', 'relative'],
      ['less', 'relative'],
      ['less', 'absolute'],
    ] as const) {
      expect(
        sequentialTest(moments(A, B, difference), { alpha: 0.05, alternative }).pValue,
      ).toBeGreaterThanOrEqual(0.4999);
    }
  });

  it('greater, absolute: the exact root behind gbstats’ bisection estimate 0.46316491943359384', () => {
    const m = moments(A, B, 'absolute');
    const r = sequentialTest(m, { alpha: 0.05, alternative: 'greater' });
    const rho = sequentialRho(0.05, 5000, false);
    const lowerBound = (a: number) => m.estimate - sequentialHalfwidthOneSided(m.se, m.n, a, rho);
    // Exact: at α = p the one-sided sequence touches zero.
    expect(Math.abs(lowerBound(r.pValue))).toBeLessThan(1e-12);
    // gbstats bisects α on (1e-5, 0.4999), stops once |bound| < 1e-6 and returns the next
    // midpoint; run on our interval, that search lands on the published value bit for bit.
    let low = 1e-5;
    let high = 0.4999;
    let alpha = (low + high) / 2;
    for (let i = 0; i < 100; i++) {
      const bound = lowerBound(alpha);
      if (bound < 0) low = alpha;
      else high = alpha;
      alpha = (low + high) / 2;
      if (Math.abs(bound) < 1e-6) break;
    }
    expect(alpha).toBe(0.46316491943359384);
    // …and the two differ by less than that search's final bracket.
    expect(Math.abs(r.pValue - 0.46316491943359384)).toBeLessThan(0.4999 / 2 ** 11);
  });
});

describe('sequential invariants', () => {
  it('the confidence sequence is wider than the fixed-horizon interval', () => {
    const m = moments(A, B);
    const seq = sequentialTest(m, { alpha: 0.05 });
    const fixed = welchTTest(m, { alpha: 0.05 });
    expect(seq.ci[0]).toBeLessThan(fixed.ci[0]);
    expect(seq.ci[1]).toBeGreaterThan(fixed.ci[1]);
  });

  it.each([0.2, 0.05, 0.01])('two-sided p < α exactly when the interval excludes 0 (α = %s)', (alpha) => {
    for (const scale of [1, 2, 4, 8, 16]) {
      const grow = (a: MeanArm): MeanArm => ({
        ...a,
        n: a.n * scale,
        sum: a.sum * scale,
        sumSquares: a.sumSquares * scale,
      });
      const r = sequentialTest(moments(grow(A), grow(B)), { alpha });
      expect(r.pValue < alpha).toBe(r.ci[0] > 0 || r.ci[1] < 0);
    }
  });
});
