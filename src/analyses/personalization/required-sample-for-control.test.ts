import { describe, expect, it } from 'vitest';
import { DEFAULT_ANALYSIS_SETTINGS, requiredSampleSize } from '../experiments/index.ts';
import { requiredSampleForControl, requiredSamplePerArm } from './rollout-guidance.ts';

describe('requiredSampleForControl', () => {
  it('equals requiredSamplePerArm for the same control arm (the readout path and the memo path agree)', () => {
    const input = {
      variants: [
        { name: 'control', weight: 1 },
        { name: 'b', weight: 1 },
      ],
      metrics: [
        {
          name: 'conversion',
          arms: [
            { kind: 'proportion' as const, n: 10_000, sum: 1_000 },
            { kind: 'proportion' as const, n: 10_000, sum: 1_100 },
          ],
        },
      ],
    };
    const viaInput = requiredSamplePerArm(input, DEFAULT_ANALYSIS_SETTINGS, 0.05);
    const viaMoments = requiredSampleForControl(
      { mean: 0.1, variance: 0.1 * 0.9 },
      DEFAULT_ANALYSIS_SETTINGS,
      1,
      0.05,
    );
    expect(viaMoments).toBe(viaInput);
    expect(viaMoments).toBe(59_409);
  });

  it('splits α over the goal comparisons when a correction is on, not for Bayesian', () => {
    const control = { mean: 0.1, variance: 0.09 };
    const split = requiredSampleSize(
      {
        mean: 0.1,
        variance: 0.09,
        alpha: 0.05 / 4,
        twoSided: true,
        difference: 'relative',
        sequentialTuning: null,
      },
      0.05,
      0.8,
    )?.perArm;
    expect(requiredSampleForControl(control, DEFAULT_ANALYSIS_SETTINGS, 4, 0.05)).toBe(split);
    expect(
      requiredSampleForControl(control, { ...DEFAULT_ANALYSIS_SETTINGS, method: 'bayesian' }, 4, 0.05),
    ).toBe(59_409);
  });

  it('is null without variance or with a zero mean', () => {
    expect(requiredSampleForControl({ mean: 0, variance: 0 }, DEFAULT_ANALYSIS_SETTINGS, 1, 0.05)).toBeNull();
    expect(
      requiredSampleForControl({ mean: 0.2, variance: 0 }, DEFAULT_ANALYSIS_SETTINGS, 1, 0.05),
    ).toBeNull();
  });
});
