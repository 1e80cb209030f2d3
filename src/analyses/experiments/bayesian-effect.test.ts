/**
 * Published reference values for the Gaussian-prior Bayesian analysis.
 *
 * gbstats = growthbook/growthbook, packages/stats/tests/bayesian/test_tests.py (TestBinom, TestNorm,
 * TestEffectBayesianABTest); 5-decimal values → toBeCloseTo(x, 5), full-precision → 1e-9.
 * gbstats end-to-end = growthbook/growthbook, packages/stats/tests/test_gbstats.py
 * (TestAnalyzeMetricDfBayesian), 9 decimals → toBeCloseTo(x, 9).
 */
import { describe, expect, it } from 'vitest';
import { bayesianEffect } from './bayesian-effect.ts';
import { normalQuantile } from './distributions.ts';
import { effectMoments } from './effect-moments.ts';
import type { ArmData, DifferenceType, EffectMoments } from './types.ts';

const moments = (a: ArmData, b: ArmData, difference: DifferenceType = 'relative'): EffectMoments => {
  const r = effectMoments(a, b, difference);
  if (!r.ok) throw new Error(r.reason);
  return r.moments;
};

describe('bayesianEffect against gbstats EffectBayesianABTest', () => {
  it('binomial 49/100 vs 51/100, flat prior', () => {
    const r = bayesianEffect(
      moments({ kind: 'proportion', n: 100, sum: 49 }, { kind: 'proportion', n: 100, sum: 51 }),
      {
        alpha: 0.05,
      },
    );
    expect(r.estimate).toBeCloseTo(0.04082, 5);
    expect(r.ci[0]).toBeCloseTo(-0.24779, 5);
    expect(r.ci[1]).toBeCloseTo(0.32943, 5);
    expect(r.se).toBeCloseTo(0.14725, 5);
    expect(r.chanceToWin).toBeCloseTo(0.60918, 5);
    expect(r.risk[0]).toBeCloseTo(0.0814, 5);
    expect(r.risk[1]).toBeCloseTo(0.04058, 5);
  });

  const normA: ArmData = { kind: 'mean', n: 10, sum: 100, sumSquares: 1002.25 };
  const normB: ArmData = { kind: 'mean', n: 10, sum: 105, sumSquares: 1111.5 };

  it('gaussian, flat prior', () => {
    const r = bayesianEffect(moments(normA, normB), { alpha: 0.05 });
    expect(r.estimate).toBeCloseTo(0.05, 5);
    expect(r.ci[0]).toBeCloseTo(-0.02, 5);
    expect(r.ci[1]).toBeCloseTo(0.12, 5);
    expect(r.se).toBeCloseTo(0.03572, 5);
    expect(r.chanceToWin).toBeCloseTo(0.91923, 5);
    expect(r.risk[0]).toBeCloseTo(0.05131, 5);
    expect(r.risk[1]).toBeCloseTo(0.00131, 5);
  });

  it('gaussian, informative prior N(0.1, 0.1)', () => {
    const r = bayesianEffect(moments(normA, normB), { alpha: 0.05, prior: { mean: 0.1, variance: 0.1 } });
    expect(r.estimate).toBeCloseTo(0.05063, 5);
    expect(r.ci[0]).toBeCloseTo(-0.01893, 5);
    expect(r.ci[1]).toBeCloseTo(0.12019, 5);
    expect(r.se).toBeCloseTo(0.03549, 5);
    expect(r.chanceToWin).toBeCloseTo(0.92315, 5);
    expect(r.risk[0]).toBeCloseTo(0.05186, 5);
    expect(r.risk[1]).toBeCloseTo(0.00123, 5);
  });

  describe('quantile effect (moments from gbstats QuantileStatistic), full precision', () => {
    // The test builds the effect moments from quantile confidence bounds exactly as gbstats'
    // QuantileStatistic does: per-unit variance (n − 1)·((upper − lower)/(2·z₀.₉₇₅))², floored at 1e-5.
    const z = normalQuantile(0.975);
    const [nC, nT] = [11054, 10861];
    const [qC, qT] = [7.157987489967789, 7.694499927525767];
    const varC = Math.max((nC - 1) * ((7.217194843758751 - 7.098780136176828) / (2 * z)) ** 2, 1e-5);
    const varT = Math.max((nT - 1) * ((7.747193868770344 - 7.64180598628119) / (2 * z)) ** 2, 1e-5);
    const absolute: EffectMoments = {
      difference: 'absolute',
      estimate: qT - qC,
      se: Math.sqrt(varT / nT + varC / nC),
      dof: nC + nT - 2,
      n: nC + nT,
      controlN: nC,
      treatmentN: nT,
      controlMean: qC,
      treatmentMean: qT,
      theta: null,
    };
    const relative: EffectMoments = {
      ...absolute,
      difference: 'relative',
      estimate: (qT - qC) / qC,
      se: Math.sqrt(varT / (nT * qC ** 2) + (varC * qT ** 2) / (nC * qC ** 4)),
    };
    it.each([
      [
        'improper flat, absolute',
        absolute,
        null,
        0.5365124375579775,
        [0.4572559589115422, 0.6157689162044128],
      ],
      [
        'flat N(0, 1e6) relative prior, absolute',
        absolute,
        { mean: 0, variance: 1e6 },
        0.536512437540855,
        [0.4572559588956844, 0.6157689161860256],
      ],
      [
        'flat N(0, 1e6), relative',
        relative,
        { mean: 0, variance: 1e6 },
        0.07495297222736319,
        [0.06341005842481906, 0.08649588602990732],
      ],
      [
        'informative N(0, 1) relative prior, absolute',
        absolute,
        { mean: 0, variance: 1 },
        0.536495315442269,
        [0.4572401014910488, 0.6157505293934892],
      ],
      [
        'informative N(0, 1), relative',
        relative,
        { mean: 0, variance: 1 },
        0.07495037261804469,
        [0.06340765898986044, 0.08649308624622894],
      ],
    ] as const)('%s', (_name, m, prior, expected, ci) => {
      const r = bayesianEffect(m, { alpha: 0.05, prior });
      expect(Math.abs(r.estimate - expected)).toBeLessThan(1e-9);
      expect(Math.abs(r.ci[0] - ci[0])).toBeLessThan(1e-9);
      expect(Math.abs(r.ci[1] - ci[1])).toBeLessThan(1e-9);
    });
  });
});

describe('bayesianEffect against gbstats end-to-end analyses (9 decimals)', () => {
  const zero: ArmData = { kind: 'mean', n: 100, sum: 270, sumSquares: 848.79 };
  const one: ArmData = { kind: 'mean', n: 120, sum: 300, sumSquares: 869 };

  it('count metric: risk of the variant 0.075691131, chance to win 0.071834168', () => {
    const r = bayesianEffect(moments(zero, one), { alpha: 0.05 });
    expect(r.estimate).toBeCloseTo(-0.074074074, 9);
    expect(r.risk[1]).toBeCloseTo(0.075691131, 9);
    expect(r.chanceToWin).toBeCloseTo(0.071834168, 9);
  });

  it('inverse (lower is better): risk of the variant 0.001617057, chance to win 1 − 0.071834168', () => {
    const r = bayesianEffect(moments(zero, one), { alpha: 0.05, lowerIsBetter: true });
    expect(r.risk[1]).toBeCloseTo(0.001617057, 9);
    expect(r.chanceToWin).toBeCloseTo(1 - 0.071834168, 9);
  });

  it('ratio metric: risk of the variant 0.050934045, chance to win 0.694926359', () => {
    const r = bayesianEffect(
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
      ),
      { alpha: 0.05 },
    );
    expect(r.estimate).toBeCloseTo(0.133333333, 9);
    expect(r.risk[1]).toBeCloseTo(0.050934045, 9);
    expect(r.chanceToWin).toBeCloseTo(0.694926359, 9);
  });
});
