/**
 * CUPED (regression adjustment) and effect moments.
 *
 * gbstats end-to-end = growthbook/growthbook, packages/stats/tests/test_gbstats.py
 * (TestAnalyzeMetricDfRegressionAdjustment: test_analyze_metric_df_ra and
 * test_analyze_metric_df_ra_proportion), 9 decimals → toBeCloseTo(x, 9).
 */
import { describe, expect, it } from 'vitest';
import { cupedTheta } from './cuped-theta.ts';
import { effectMoments } from './effect-moments.ts';
import type { ArmData, CupedArm } from './types.ts';
import { welchTTest } from './welch-t-test.ts';

describe('CUPED against gbstats RegressionAdjustedStatistic', () => {
  it('mean metric with a count covariate: lift −0.281707154, p 0.003732549', () => {
    const control: ArmData = {
      kind: 'cuped',
      post: { kind: 'mean', n: 3001, sum: 300, sumSquares: 600 },
      preSum: 210,
      preSumSquares: 415,
      postPreSumProduct: -20,
    };
    const treatment: ArmData = {
      kind: 'cuped',
      post: { kind: 'mean', n: 3000, sum: 222, sumSquares: 555 },
      preSum: 120,
      preSumSquares: 405,
      postPreSumProduct: -10,
    };
    const r = effectMoments(control, treatment, 'relative');
    if (!r.ok) throw new Error(r.reason);
    const t = welchTTest(r.moments, { alpha: 0.05 });
    expect(t.estimate).toBeCloseTo(-0.281707154, 9);
    expect(t.pValue).toBeCloseTo(0.003732549, 9);
    // The reported means stay unadjusted.
    expect(r.moments.controlMean).toBeCloseTo(0.099966678, 9);
    expect(r.moments.treatmentMean).toBeCloseTo(0.074, 9);
  });

  it('binary metric with a binary covariate: lift −0.31620216, p 0.000000353', () => {
    const control: ArmData = {
      kind: 'cuped',
      post: { kind: 'proportion', n: 3001, sum: 300 },
      preSum: 210,
      postPreSumProduct: -20,
    };
    const treatment: ArmData = {
      kind: 'cuped',
      post: { kind: 'proportion', n: 3000, sum: 222 },
      preSum: 120,
      postPreSumProduct: -10,
    };
    const r = effectMoments(control, treatment, 'relative');
    if (!r.ok) throw new Error(r.reason);
    const t = welchTTest(r.moments, { alpha: 0.05 });
    expect(t.estimate).toBeCloseTo(-0.31620216, 9);
    expect(t.pValue).toBeCloseTo(0.000000353, 9);
  });
});

describe('cupedTheta', () => {
  // Raw data: θ must be the least-squares slope of post on pre in the pooled sample.
  const rows = {
    control: [
      [3, 1],
      [5, 2],
      [4, 2],
      [9, 4],
      [2, 0],
    ],
    treatment: [
      [6, 2],
      [7, 3],
      [4, 1],
      [11, 5],
    ],
  };
  const arm = (data: number[][]): CupedArm => ({
    kind: 'cuped',
    post: {
      kind: 'mean',
      n: data.length,
      sum: sum(data.map((r) => r[0])),
      sumSquares: sum(data.map((r) => r[0] ** 2)),
    },
    preSum: sum(data.map((r) => r[1])),
    preSumSquares: sum(data.map((r) => r[1] ** 2)),
    postPreSumProduct: sum(data.map((r) => r[0] * r[1])),
  });

  it('equals the pooled OLS slope of post on pre', () => {
    const all = [...rows.control, ...rows.treatment];
    const mx = sum(all.map((r) => r[1])) / all.length;
    const my = sum(all.map((r) => r[0])) / all.length;
    const slope = sum(all.map((r) => (r[1] - mx) * (r[0] - my))) / sum(all.map((r) => (r[1] - mx) ** 2));
    expect(cupedTheta(arm(rows.control), arm(rows.treatment))).toBeCloseTo(slope, 12);
  });

  it('is 0 (adjustment off) when the covariate is constant', () => {
    const flat = (a: CupedArm): CupedArm => ({
      ...a,
      preSum: a.post.n,
      preSumSquares: a.post.n,
      postPreSumProduct: a.post.sum,
    });
    expect(cupedTheta(flat(arm(rows.control)), flat(arm(rows.treatment)))).toBe(0);
  });

  it('a correlated covariate shrinks the standard error', () => {
    const plain = effectMoments(arm(rows.control).post, arm(rows.treatment).post, 'absolute');
    const adjusted = effectMoments(arm(rows.control), arm(rows.treatment), 'absolute');
    if (!plain.ok || !adjusted.ok) throw new Error('no moments');
    expect(adjusted.moments.se).toBeLessThan(plain.moments.se);
  });
});

describe('effectMoments edge cases', () => {
  it.each([
    [
      'no variance',
      { kind: 'proportion', n: 50, sum: 0 },
      { kind: 'proportion', n: 50, sum: 3 },
      'absolute',
      /variance/,
    ],
    [
      'one unit',
      { kind: 'mean', n: 1, sum: 3, sumSquares: 9 },
      { kind: 'mean', n: 5, sum: 9, sumSquares: 20 },
      'absolute',
      /variance/,
    ],
    [
      'zero control mean, relative',
      { kind: 'mean', n: 3, sum: 0, sumSquares: 2 },
      { kind: 'mean', n: 3, sum: 3, sumSquares: 5 },
      'relative',
      /zero/,
    ],
    [
      'mismatched kinds',
      { kind: 'proportion', n: 3, sum: 1 },
      { kind: 'mean', n: 3, sum: 3, sumSquares: 5 },
      'relative',
      /proportion/,
    ],
  ] as const)('%s → reason instead of numbers', (_name, a, b, difference, reason) => {
    const r = effectMoments(a, b, difference);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(reason);
  });

  it('a zero control mean is fine for an absolute difference', () => {
    const r = effectMoments(
      { kind: 'mean', n: 3, sum: 0, sumSquares: 2 },
      { kind: 'mean', n: 3, sum: 3, sumSquares: 5 },
      'absolute',
    );
    expect(r.ok).toBe(true);
  });
});

function sum(xs: number[]): number {
  return xs.reduce((s, x) => s + x, 0);
}
