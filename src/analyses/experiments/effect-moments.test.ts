/**
 * CUPED (regression adjustment) and effect moments.
 *
 * gbstats end-to-end = growthbook/growthbook, packages/stats/tests/test_gbstats.py
 * (TestAnalyzeMetricDfRegressionAdjustment: test_analyze_metric_df_ra and
 * test_analyze_metric_df_ra_proportion), 9 decimals → toBeCloseTo(x, 9).
 */
import { describe, expect, it } from 'vitest';
import { cupedTheta } from './cuped-theta.ts';
import { effectMoments, welchDof } from './effect-moments.ts';
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
      'one unit',
      { kind: 'mean', n: 1, sum: 3, sumSquares: 9 },
      { kind: 'mean', n: 5, sum: 9, sumSquares: 20 },
      'absolute',
      /too few units: the control arm has 1/,
    ],
    [
      'one unit on each side (0 % vs 100 %)',
      { kind: 'proportion', n: 1, sum: 1 },
      { kind: 'proportion', n: 1, sum: 0 },
      'relative',
      /too few units/,
    ],
    [
      'sum of squares below sum²/n',
      { kind: 'mean', n: 3, sum: 3, sumSquares: 5 },
      { kind: 'mean', n: 3, sum: 9, sumSquares: 20 },
      'absolute',
      /negative variance in the treatment arm/,
    ],
    [
      'both arms at 0 %',
      { kind: 'proportion', n: 1000, sum: 0 },
      { kind: 'proportion', n: 1000, sum: 0 },
      'relative',
      /no evidence either way: every unit in both arms has the same value \(0 % in both\)/,
    ],
    [
      'both arms constant and equal',
      { kind: 'mean', n: 10, sum: 50, sumSquares: 250 },
      { kind: 'mean', n: 20, sum: 100, sumSquares: 500 },
      'absolute',
      /no evidence either way/,
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
    if (r.ok) expect(r.moments.note).toBeNull();
  });

  it('a zero control mean makes the lift undefined: the absolute difference with a note', () => {
    const r = effectMoments(
      { kind: 'mean', n: 3, sum: 0, sumSquares: 2 },
      { kind: 'mean', n: 3, sum: 3, sumSquares: 5 },
      'relative',
    );
    if (!r.ok) throw new Error(r.reason);
    expect(r.moments.difference).toBe('absolute');
    expect(r.moments.estimate).toBe(1);
    expect(r.moments.note).toMatch(/relative lift undefined: control mean is 0/);
  });
});

/**
 * One arm at 0 % or 100 % (zero variance): Welch's test is defined, the zero-variance arm's term
 * is 0 and the Welch–Satterthwaite df is the other arm's n − 1. References are SciPy 1.17.1.
 *
 * gtm's proportion variance is p(1 − p) (gbstats' convention), so the exact reference is
 *   scipy.stats.ttest_ind_from_stats(pB, sqrt(pB*(1-pB)), nB, pA, sqrt(pA*(1-pA)), nA, equal_var=False)
 * with se = |pB − pA| / statistic and the interval d ± scipy.stats.t.ppf(0.975, df)·se; the test
 * on the raw 0/1 arrays, scipy.stats.ttest_ind(b01, a01, equal_var=False), uses the sample variance
 * (n − 1), so it differs by the factor n/(n − 1) in the variance (p within a few per cent).
 */
describe('Welch with an arm at 0 % or 100 % (SciPy)', () => {
  const proportion = (n: number, sum: number): ArmData => ({ kind: 'proportion', n, sum });
  const test = (a: ArmData, b: ArmData, difference: 'relative' | 'absolute') => {
    const r = effectMoments(a, b, difference);
    if (!r.ok) throw new Error(r.reason);
    return { moments: r.moments, t: welchTTest(r.moments, { alpha: 0.05 }) };
  };

  it.each(['relative', 'absolute'] as const)(
    'control 500/500, treatment 480/500 (%s): a clear loss',
    (difference) => {
      const { moments, t } = test(proportion(500, 500), proportion(500, 480), difference);
      // from_stats(0.96, sqrt(.96*.04), 500, 1.0, 0.0, 500, equal_var=False): t −4.564354645876386,
      // p 6.316549028560409e-06, df 499 (= nB − 1); the lift equals the difference (control mean 1).
      expect(moments.difference).toBe(difference);
      expect(moments.dof).toBe(499);
      expect(t.estimate).toBeCloseTo(-0.04, 15);
      expect(t.se).toBeCloseTo(0.008763560920082663, 14);
      expect(t.pValue / 6.316549028560409e-6).toBeCloseTo(1, 9);
      // -0.04 ∓ scipy.stats.t.ppf(0.975, 499) * se
      expect(t.ci[0]).toBeCloseTo(-0.05721802570939752, 12);
      expect(t.ci[1]).toBeCloseTo(-0.022781974290602483, 12);
      // ttest_ind(b01, a01, equal_var=False) on the raw arrays: p 6.449834831165686e-06, df 499.0
      expect(t.pValue / 6.449834831165686e-6).toBeCloseTo(1, 1);
    },
  );

  it('control 0/1000, treatment 10/1000 (absolute)', () => {
    const { moments, t } = test(proportion(1000, 0), proportion(1000, 10), 'absolute');
    // from_stats(0.01, sqrt(.01*.99), 1000, 0.0, 0.0, 1000, equal_var=False): t 3.178208630818641,
    // p 0.001527403796211792; raw arrays: p 0.001535713842136402, df 999
    expect(moments.dof).toBe(999);
    expect(t.estimate).toBeCloseTo(0.01, 15);
    expect(t.se).toBeCloseTo(0.003146426544510455, 14);
    expect(t.pValue).toBeCloseTo(0.001527403796211792, 12);
    expect(t.ci[0]).toBeCloseTo(0.0038256367372962842, 12);
    expect(t.ci[1]).toBeCloseTo(0.016174363262703717, 12);
    expect(t.pValue / 0.001535713842136402).toBeCloseTo(1, 1);
  });

  it('control 0/1000, treatment 10/1000 (relative): lift undefined, the absolute difference is tested', () => {
    const { moments, t } = test(proportion(1000, 0), proportion(1000, 10), 'relative');
    expect(moments.difference).toBe('absolute');
    expect(moments.note).toBe(
      'relative lift undefined: control rate is 0 %; the absolute difference is reported instead',
    );
    expect(t.pValue).toBeCloseTo(0.001527403796211792, 12);
  });

  it('control 1/1000, treatment 0/1000 (relative): the delta method breaks down, absolute is tested', () => {
    const { moments, t } = test(proportion(1000, 1), proportion(1000, 0), 'relative');
    // from_stats(0.0, 0.0, 1000, 0.001, sqrt(.001*.999), 1000, equal_var=False): t −1.0005003753127737,
    // p 0.3173106895225235, se 0.0009994998749374609
    expect(moments.difference).toBe('absolute');
    expect(moments.note).toMatch(/relative lift not testable: every treatment unit is 0 %/);
    expect(t.se).toBeCloseTo(0.0009994998749374609, 15);
    expect(t.pValue).toBeCloseTo(0.3173106895225235, 12);
  });

  it('smallest sample: control 0/2, treatment 1/2 → df 1', () => {
    const { moments, t } = test(proportion(2, 0), proportion(2, 1), 'absolute');
    // from_stats(0.5, 0.5, 2, 0.0, 0.0, 2, equal_var=False): t 1.414213562373095, p 0.3918265520306074
    expect(moments.dof).toBe(1);
    expect(t.pValue).toBeCloseTo(0.3918265520306074, 12);
  });

  it('a mean metric with a constant control arm matches ttest_ind on the raw values exactly', () => {
    // control: ten 5s; treatment [4,6,5,7,5,6,8,5,6,7] (sum 59, sum of squares 361)
    // ttest_ind(t, np.full(10, 5.0), equal_var=False): t 2.377217447079185, p 0.041416150486262675,
    // df 9.0, confidence_interval(0.95) (0.043561120578227475, 1.7564388794217733)
    const { moments, t } = test(
      { kind: 'mean', n: 10, sum: 50, sumSquares: 250 },
      { kind: 'mean', n: 10, sum: 59, sumSquares: 361 },
      'absolute',
    );
    expect(moments.dof).toBe(9);
    expect(t.estimate / t.se).toBeCloseTo(2.377217447079185, 12);
    expect(t.pValue).toBeCloseTo(0.041416150486262675, 12);
    expect(t.ci[0]).toBeCloseTo(0.043561120578227475, 12);
    expect(t.ci[1]).toBeCloseTo(1.7564388794217733, 12);
  });

  it('both arms without variance, different means: deterministic, se 0, with a note', () => {
    const r = effectMoments(proportion(1000, 0), proportion(1000, 1000), 'absolute');
    if (!r.ok) throw new Error(r.reason);
    expect(r.moments.deterministic).toBe(true);
    expect(r.moments.estimate).toBe(1);
    expect(r.moments.se).toBe(0);
    expect(r.moments.note).toMatch(
      /^deterministic difference: every control unit is 0 % and every treatment unit is 100 % .*t-test is degenerate/,
    );
  });

  it('welchDof: the limit with one zero-variance arm is the other arm’s n − 1', () => {
    expect(welchDof(0, 7, 2.5, 40)).toBe(39);
    expect(welchDof(2.5, 40, 0, 7)).toBe(39);
    // continuity: a tiny variance in one arm tends to the same df
    expect(welchDof(1e-12, 7, 2.5, 40)).toBeCloseTo(39, 9);
    expect(welchDof(0, 7, 0, 40)).toBe(Infinity);
  });
});

function sum(xs: number[]): number {
  return xs.reduce((s, x) => s + x, 0);
}
