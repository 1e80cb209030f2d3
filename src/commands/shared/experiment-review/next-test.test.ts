/**
 * The next test a readout suggests follows from why the test was stopped: a broken split is rerun
 * once fixed (its numbers say nothing about the effect), a trade-off between goals asks for a
 * version without the loss, and only a test that reached its horizon inconclusive calls for a
 * larger change. Each case is a real readout of the shared engine, not a hand-made result.
 */
import { describe, expect, it } from 'vitest';
import type { ArmData } from '../../../analyses/experiments/index.ts';
import { analyzeReadout } from './analyze-readout.ts';
import type { ReadoutInput, ReadoutMetricInput } from './readout-input.ts';
import { nextTestFor } from './review-experiment.ts';

const conversions = (n: number, k: number): ArmData => ({ kind: 'proportion', n, sum: k });

const goal = (name: string, control: ArmData, treatment: ArmData): ReadoutMetricInput => ({
  name,
  type: 'proportion',
  cuped: false,
  lowerIsBetter: false,
  guardrail: false,
  nonInferiorityMargin: 0,
  arms: [control, treatment],
});

const readout = (users: [number, number], metrics: ReadoutMetricInput[], plannedDays?: number) => {
  const input: ReadoutInput = {
    settings: { minSampleSize: 100, minDays: 0, ...(plannedDays ? { plannedDays } : {}) },
    variants: [
      { name: 'control', weight: 1, users: users[0] },
      { name: 'new', weight: 1, users: users[1] },
    ],
    metrics,
    daysRunning: 28,
    multipleExposures: 0,
  };
  return analyzeReadout(input);
};

describe('nextTestFor after a stop', () => {
  it('a sample ratio mismatch: fix the assignment and rerun, not "too small to detect"', () => {
    // 5,000 against 4,000 units on a 50/50 split: chi-square 111, p far below 0.001
    const r = readout([5000, 4000], [goal('signup', conversions(5000, 500), conversions(4000, 400))]);
    expect(r.health.srm?.alert).toBe(true);
    expect(r.recommendation.action).toBe('stop');
    const next = nextTestFor(r, 'trial nudge');
    expect(next).toMatch(/^Fix the assignment of trial nudge \(the sample ratio mismatch\)/);
    expect(next).not.toMatch(/too small to detect/);
  });

  it('better on one goal and worse on another: a version without the loss', () => {
    // signup 10% → 14% (z ≈ 6.9), activation 30% → 25% (z ≈ −5.0), 2,000 units an arm
    const r = readout(
      [2000, 2000],
      [
        goal('signup', conversions(2000, 200), conversions(2000, 280)),
        goal('activation', conversions(2000, 600), conversions(2000, 500)),
      ],
    );
    expect(r.recommendation.action).toBe('stop');
    expect(nextTestFor(r, 'hero copy')).toBe(
      'Stop hero copy: it is better on signup but worse on activation; test a version that keeps the gain without the loss, or let the owner weigh the two.',
    );
  });

  it('the planned horizon reached without a conclusive result: a larger change', () => {
    // 10.0% against 10.2% on 2,000 units an arm, 28 of 14 planned days
    const r = readout([2000, 2000], [goal('signup', conversions(2000, 200), conversions(2000, 204))], 14);
    expect(r.recommendation.action).toBe('stop');
    expect(nextTestFor(r, 'banner')).toMatch(/^Stop banner: the effect is too small to detect/);
  });
});
