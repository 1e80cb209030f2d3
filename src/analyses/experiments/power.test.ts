/**
 * Power, minimum detectable effect and sample size.
 *
 * GrowthBook = growthbook/growthbook, packages/shared/test/power.test.ts (earlier
 * packages/front-end/test/components/PowerCalculation/stats.test.ts): "calculates power correctly",
 * "calculates two-tailed mde correctly", "calculates sequential power/mde correctly", and the
 * "checks power" / "checks sequential power" week grids; 5 decimals → toBeCloseTo(x, 5).
 * R pwr::pwr.2p.test values as published in statsmodels/statsmodels,
 * statsmodels/stats/tests/test_power.py (TestNormalIndPower1, test_normal_power_explicit), to 1e-12.
 */
import { describe, expect, it } from 'vitest';
import { minimumDetectableEffect } from './minimum-detectable-effect.ts';
import { power, type PowerPlan } from './power.ts';
import { requiredSampleSize } from './required-sample-size.ts';

const growthbookMetric: PowerPlan = { mean: 10, variance: 3909.9997749994377 };
const nPerArm = 400000 / 3;

describe('against GrowthBook’s power tests', () => {
  it('power 0.52144 and MDE 0.07027, fixed horizon', () => {
    expect(power(growthbookMetric, nPerArm, 0.05)).toBeCloseTo(0.52144, 5);
    expect(minimumDetectableEffect(growthbookMetric, nPerArm)).toBeCloseTo(0.07027, 5);
  });

  it('power 0.20596 and MDE 0.12821, sequential with N* = 5000', () => {
    const plan = { ...growthbookMetric, sequentialTuning: 5000 };
    expect(power(plan, nPerArm, 0.05)).toBeCloseTo(0.20596, 5);
    expect(minimumDetectableEffect(plan, nPerArm)).toBeCloseTo(0.12821, 5);
  });

  // 4500 users a week over 3 variations; a binomial metric (10%, +5%) and a mean metric
  // (0.1, sd √0.5, +30%), alternating per week.
  const ctr: PowerPlan = { mean: 0.1, variance: 0.1 * 0.9 };
  const revenue: PowerPlan = { mean: 0.1, variance: 0.5 };
  const grid = (plan: (p: PowerPlan) => PowerPlan) =>
    Array.from({ length: 9 }, (_, w) => (4500 * (w + 1)) / 3).flatMap((n) => [
      { power: power(plan(ctr), n, 0.05), mde: minimumDetectableEffect(plan(ctr), n) },
      { power: power(plan(revenue), n, 0.3), mde: minimumDetectableEffect(plan(revenue), n) },
    ]);

  it('fixed-horizon week grid', () => {
    const powers = [
      0.073, 0.17053, 0.0965, 0.29389, 0.1204, 0.41122, 0.14458, 0.51749, 0.16895, 0.61037, 0.19342, 0.68938,
      0.21791, 0.75513, 0.24235, 0.80886, 0.26666, 0.85213,
    ];
    const mdes = [
      0.36767, 1.26769, 0.24505, 0.71941, 0.19525, 0.54299, 0.16673, 0.4506, 0.14774, 0.39208, 0.13394,
      0.35099, 0.12336, 0.32018, 0.11491, 0.29603, 0.10796, 0.27647,
    ];
    grid((p) => p).forEach((cell, i) => {
      expect(cell.power).toBeCloseTo(powers[i], 5);
      expect(cell.mde).toBeCloseTo(mdes[i], 5);
    });
  });

  it('sequential week grid (N* = 5000)', () => {
    const powers = [
      0.05936, 0.09832, 0.06912, 0.14992, 0.07849, 0.19972, 0.08761, 0.24784, 0.09657, 0.29426, 0.10541,
      0.33888, 0.11415, 0.38165, 0.12282, 0.42249, 0.13142, 0.46136,
    ];
    const mdes = [
      0.65545, 4.33868, 0.4112, 1.51846, 0.32394, 1.04943, 0.27607, 0.84084, 0.24484, 0.71862, 0.22241,
      0.63663, 0.20532, 0.577, 0.19172, 0.53123, 0.18058, 0.49473,
    ];
    grid((p) => ({ ...p, sequentialTuning: 5000 })).forEach((cell, i) => {
      expect(cell.power).toBeCloseTo(powers[i], 5);
      expect(cell.mde).toBeCloseTo(mdes[i], 5);
    });
  });
});

describe('against R pwr (two-sample z-test on a standardised effect)', () => {
  const standardised: PowerPlan = { mean: 0, variance: 1, difference: 'absolute' };

  it('pwr.2p.test(h = 0.3, n = 80) → 0.475100870572638', () => {
    expect(Math.abs(power(standardised, 80, 0.3) - 0.475100870572638)).toBeLessThan(1e-12);
  });

  it('pwr.2p.test(h = 0.01, n = 80, alternative = "greater" / "less")', () => {
    const oneSided = { ...standardised, twoSided: false };
    expect(Math.abs(power(oneSided, 80, 0.01) - 0.056869534873146124)).toBeLessThan(1e-12);
    expect(Math.abs(power(oneSided, 80, -0.01) - 0.0438089705093578)).toBeLessThan(1e-12);
  });

  it('sample size inverts power: 0.475100870572638 at h = 0.3 needs 80 per arm', () => {
    const r = requiredSampleSize(standardised, 0.3, 0.475100870572638);
    expect(r?.exact).toBeCloseTo(80, 6);
  });
});

describe('planning invariants', () => {
  it('sample size reaches the target power and one unit fewer does not', () => {
    for (const plan of [
      growthbookMetric,
      { ...growthbookMetric, sequentialTuning: 5000 },
      { mean: 0.1, variance: 0.09, twoSided: false },
    ]) {
      const r = requiredSampleSize(plan, 0.05, 0.8);
      if (!r) throw new Error('no sample size');
      expect(power(plan, r.perArm, 0.05)).toBeGreaterThanOrEqual(0.8);
      expect(power(plan, r.perArm - 1, 0.05)).toBeLessThan(0.8);
    }
  });

  it('power at the MDE is the target power (up to the ignored wrong-direction tail)', () => {
    const mde = minimumDetectableEffect(growthbookMetric, nPerArm, 0.8);
    if (mde === null) throw new Error('no MDE');
    const achieved = power(growthbookMetric, nPerArm, mde);
    expect(achieved).toBeGreaterThanOrEqual(0.8);
    expect(achieved - 0.8).toBeLessThan(1e-5);
  });

  it('sequential plans need more units than fixed-horizon ones', () => {
    const fixed = requiredSampleSize(growthbookMetric, 0.05)?.perArm ?? 0;
    const sequential = requiredSampleSize({ ...growthbookMetric, sequentialTuning: 5000 }, 0.05)?.perArm ?? 0;
    expect(sequential).toBeGreaterThan(fixed);
  });

  it('no MDE when the sample is too small for the relative quadratic to have a solution', () => {
    expect(minimumDetectableEffect({ mean: 0.1, variance: 0.5 }, 10)).toBeNull();
  });
});
