/**
 * The readout every command shares (experiment-readout, optimize-referrals, monitor-loyalty,
 * monitor-personalization's experiment stage) recommends no roll back on a guardrail breach below
 * the minimum sample: a guardrail watch that keeps the test running, then a roll back once the
 * minimum is reached (decide.ts, rule 2).
 */
import { describe, expect, it } from 'vitest';
import type { ArmData } from '../../../analyses/experiments/index.ts';
import { analyzeReadout } from './analyze-readout.ts';
import type { ReadoutInput } from './readout-input.ts';

/** A mean arm of n units with this mean and standard deviation. */
const arm = (n: number, mean: number, sd: number): ArmData => ({
  kind: 'mean',
  n,
  sum: mean * n,
  sumSquares: sd ** 2 * (n - 1) + mean ** 2 * n,
});

/** 100 units an arm; page latency (a guardrail, lower is better, 2% margin) 500 ms vs 560 ms, sd 100. */
const input = (minSampleSize: number): ReadoutInput => ({
  settings: { minSampleSize, minDays: 0 },
  variants: [
    { name: 'control', weight: 1, users: 100 },
    { name: 'new', weight: 1, users: 100 },
  ],
  metrics: [
    {
      name: 'latency_ms',
      type: 'mean',
      cuped: false,
      lowerIsBetter: true,
      guardrail: true,
      nonInferiorityMargin: 0.02,
      arms: [arm(100, 500, 100), arm(100, 560, 100)],
    },
  ],
  daysRunning: 14,
  multipleExposures: 0,
});

describe('a guardrail breach in the shared readout', () => {
  it('below the minimum sample is a guardrail watch: keep running, not roll back', () => {
    const r = analyzeReadout(input(150));
    // +12% (Welch: 60 / 500, se of the difference sqrt(2 × 100² / 100) = 14.1 ms) is beyond the margin
    expect(r.recommendation.action).toBe('keep running');
    expect(r.recommendation.variants.map((v) => v.action)).toEqual(['keep running']);
    expect(r.recommendation.reasons.join('\n')).toMatch(
      /new: guardrail watch on 'latency_ms': \+12% \(95% interval .*\) is worse than control beyond the non-inferiority margin of 2%, but the smallest arm has 100 units, below the minimum of 150, so this is not yet evidence of harm; keep running and watch this guardrail, and roll back if it still holds at the minimum sample\./,
    );
    expect(r.recommendation.reasons.join('\n')).toMatch(
      /Not enough data yet: the smallest arm has 100 units/,
    );
  });

  it('at the minimum sample rolls the variant back', () => {
    const r = analyzeReadout(input(100));
    expect(r.recommendation.action).toBe('roll back');
    expect(r.recommendation.reasons.join('\n')).toMatch(/new: guardrail 'latency_ms' is violated: \+12%/);
    expect(r.recommendation.reasons.join('\n')).not.toMatch(/guardrail watch/);
  });
});
