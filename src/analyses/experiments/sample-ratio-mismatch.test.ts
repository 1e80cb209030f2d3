/**
 * Health checks.
 *
 * gbstats = growthbook/growthbook, packages/stats/tests/test_gbstats.py (TestHelpers.test_srm):
 * check_srm([1000, 1200], [0.5, 0.5]) = 0.000020079 (9 decimals).
 * scipy = scipy/scipy, scipy.stats.chisquare docstring examples (scipy/stats/stats.py):
 * chisquare([16, 18, 16, 14, 12, 12]) = (2.0, 0.84914503608460956) and with
 * f_exp = [16, 16, 16, 16, 16, 8] = (3.5, 0.62338762774958223).
 */
import { describe, expect, it } from 'vitest';
import { minimumDataCheck } from './minimum-data-check.ts';
import { multipleExposureCheck } from './multiple-exposure-check.ts';
import { sampleRatioMismatch } from './sample-ratio-mismatch.ts';

describe('sampleRatioMismatch', () => {
  it('gbstats check_srm([1000, 1200], [0.5, 0.5]) = 0.000020079 → alert at 0.001', () => {
    const r = sampleRatioMismatch([1000, 1200], [0.5, 0.5]);
    expect(r.pValue).toBeCloseTo(0.000020079, 9);
    expect(r.alert).toBe(true);
  });

  it('scipy chisquare with uniform expectation: χ² = 2, p = 0.84914503608460956', () => {
    const r = sampleRatioMismatch([16, 18, 16, 14, 12, 12], [1, 1, 1, 1, 1, 1]);
    expect(r.chiSquare).toBeCloseTo(2, 12);
    expect(r.df).toBe(5);
    expect(Math.abs(r.pValue - 0.84914503608460956)).toBeLessThan(1e-12);
    expect(r.alert).toBe(false);
  });

  it('scipy chisquare with f_exp = [16, 16, 16, 16, 16, 8]: χ² = 3.5, p = 0.62338762774958223', () => {
    const r = sampleRatioMismatch([16, 18, 16, 14, 12, 12], [16, 16, 16, 16, 16, 8]);
    expect(r.chiSquare).toBeCloseTo(3.5, 12);
    expect(Math.abs(r.pValue - 0.62338762774958223)).toBeLessThan(1e-12);
  });

  it('weights on any scale; no units means no evidence', () => {
    expect(sampleRatioMismatch([1000, 1200], [50, 50]).pValue).toBeCloseTo(
      sampleRatioMismatch([1000, 1200], [1, 1]).pValue,
      15,
    );
    expect(sampleRatioMismatch([0, 0], [1, 1])).toMatchObject({ pValue: 1, alert: false });
  });

  it('threshold is configurable', () => {
    expect(sampleRatioMismatch([1000, 1090], [1, 1], 0.05).alert).toBe(true);
    expect(sampleRatioMismatch([1000, 1090], [1, 1]).alert).toBe(false);
  });
});

describe('multipleExposureCheck', () => {
  it.each([
    [120, 10_000, true],
    [100, 10_000, false],
    [5, 100, false], // 4.8% but only 5 units: not enough to tell
    [0, 0, false],
  ])('%i of %i → alert %s', (count, units, alert) => {
    expect(multipleExposureCheck(count, units).alert).toBe(alert);
  });

  it('rate counts the multiply-exposed units in the denominator', () => {
    expect(multipleExposureCheck(100, 9_900).rate).toBeCloseTo(0.01, 15);
  });
});

describe('minimumDataCheck', () => {
  it('defaults: 150 units per arm, 7 days', () => {
    expect(minimumDataCheck(149, 10)).toMatchObject({ enoughSample: false, enoughDuration: true });
    expect(minimumDataCheck(150, 6.5)).toMatchObject({ enoughSample: true, enoughDuration: false });
    expect(minimumDataCheck(150, null).enoughDuration).toBeNull();
  });

  it('thresholds are configurable', () => {
    expect(minimumDataCheck(50, 2, { minSamplePerArm: 50, minDays: 2 })).toMatchObject({
      enoughSample: true,
      enoughDuration: true,
    });
  });
});
