import { describe, expect, it } from 'vitest';
import {
  analyzeExperiment,
  type AnalysisSettings,
  type ExperimentInput,
  type ExperimentMetric,
} from './analyze-experiment.ts';
import { decide, type Action } from './decide.ts';
import type { ArmData } from './types.ts';

const conversions = (n: number, rate: number): ArmData => ({
  kind: 'proportion',
  n,
  sum: Math.round(n * rate),
});
/** A mean arm with the given mean and standard deviation. */
const measured = (n: number, mean: number, sd: number): ArmData => ({
  kind: 'mean',
  n,
  sum: mean * n,
  sumSquares: sd ** 2 * (n - 1) + mean ** 2 * n,
});

const N = 20000;
const goal = (controlRate: number, ...variantRates: number[]): ExperimentMetric => ({
  name: 'signup',
  arms: [conversions(N, controlRate), ...variantRates.map((r) => conversions(N, r))],
});
const latency = (controlMs: number, ...variantMs: number[]): ExperimentMetric => ({
  name: 'latency_ms',
  guardrail: true,
  lowerIsBetter: true,
  nonInferiorityMargin: 0.02,
  arms: [measured(N, controlMs, 100), ...variantMs.map((ms) => measured(N, ms, 100))],
});
const experiment = (metrics: ExperimentMetric[], extra: Partial<ExperimentInput> = {}): ExperimentInput => {
  const arms = metrics[0].arms.length;
  return {
    variants: Array.from({ length: arms }, (_, i) => ({
      name: String.fromCharCode(65 + i),
      weight: 1,
      units: N,
    })),
    metrics,
    daysRunning: 14,
    ...extra,
  };
};

describe('decide: scenario table', () => {
  it.each<[string, ExperimentInput, Partial<AnalysisSettings>, Action, string | null, RegExp]>([
    [
      'clear win, guardrail fine',
      experiment([goal(0.1, 0.112), latency(500, 500)]),
      {},
      'ship',
      'B',
      /'signup' is better/,
    ],
    [
      'clear win, too early',
      experiment([goal(0.1, 0.112), latency(500, 500)], { daysRunning: 3 }),
      {},
      'keep running',
      null,
      /Too early/,
    ],
    [
      'clear win, guardrail unproven',
      experiment([goal(0.1, 0.112), latency(500, 509)]),
      {},
      'keep running',
      null,
      /not shown non-inferiority/,
    ],
    [
      'guardrail violated',
      experiment([goal(0.1, 0.112), latency(500, 530)]),
      {},
      'roll back',
      null,
      /guardrail 'latency_ms' is violated/,
    ],
    [
      'guardrail violated even early',
      experiment([goal(0.1, 0.1), latency(500, 530)], { daysRunning: 1 }),
      {},
      'roll back',
      null,
      /violated/,
    ],
    [
      'goal worse',
      experiment([goal(0.1, 0.088), latency(500, 500)]),
      {},
      'roll back',
      null,
      /'signup' is worse/,
    ],
    [
      'nothing significant',
      experiment([goal(0.1, 0.1), latency(500, 500)]),
      {},
      'keep running',
      null,
      /no goal metric is conclusive/,
    ],
    [
      'sample ratio mismatch',
      {
        ...experiment([goal(0.1, 0.112)]),
        variants: [
          { name: 'A', weight: 1, units: 20000 },
          { name: 'B', weight: 1, units: 19000 },
        ],
      },
      {},
      'stop',
      null,
      /Sample ratio mismatch/,
    ],
    [
      'multiple exposures',
      experiment([goal(0.1, 0.112)], { multipleExposures: 800 }),
      {},
      'stop',
      null,
      /Multiple exposures/,
    ],
    [
      'Bayesian win',
      experiment([goal(0.1, 0.112), latency(500, 500)]),
      { method: 'bayesian' },
      'ship',
      'B',
      /chance to win/,
    ],
    [
      'sequential win',
      experiment([goal(0.1, 0.115), latency(500, 500)]),
      { method: 'sequential' },
      'ship',
      'B',
      /adjusted p/,
    ],
    [
      'trade-off between goals',
      experiment([goal(0.1, 0.112), { name: 'revenue', arms: [measured(N, 10, 5), measured(N, 9.5, 5)] }]),
      {},
      'stop',
      null,
      /trade-off/,
    ],
    [
      'best of two winners',
      experiment([goal(0.1, 0.112, 0.118), latency(500, 500, 500)]),
      {},
      'ship',
      'C',
      /Ship C/,
    ],
  ])('%s', (_name, input, settings, action, variant, reason) => {
    const decision = decide(analyzeExperiment(input, settings));
    expect(decision.action).toBe(action);
    expect(decision.variant).toBe(variant);
    expect(decision.reasons.join('\n')).toMatch(reason);
  });

  it('lower-is-better goal: a drop is a win', () => {
    const input = experiment([
      { name: 'churn', lowerIsBetter: true, arms: [conversions(N, 0.1), conversions(N, 0.088)] },
    ]);
    const decision = decide(analyzeExperiment(input));
    expect(decision.verdicts).toContainEqual({ metric: 'churn', variant: 'B', verdict: 'better' });
  });

  it('planned horizon reached without a result → stop', () => {
    const decision = decide(analyzeExperiment(experiment([goal(0.1, 0.1)])), { plannedDays: 14 });
    expect(decision.action).toBe('stop');
  });

  it('a guardrail-only rollout ships when every guardrail is non-inferior', () => {
    expect(decide(analyzeExperiment(experiment([latency(500, 498)]))).action).toBe('ship');
  });
});

describe('analyzeExperiment', () => {
  it('corrects over goal metrics × variants only, and widens their intervals', () => {
    const analysis = analyzeExperiment(
      experiment([
        goal(0.1, 0.106, 0.104),
        { name: 'visits', arms: [measured(N, 3, 2), measured(N, 3.03, 2), measured(N, 3, 2)] },
        latency(500, 500, 500),
      ]),
    );
    const goals = analysis.metrics.filter((m) => !m.guardrail).flatMap((m) => m.variants);
    expect(goals).toHaveLength(4);
    for (const v of goals) {
      expect(v.adjustedPValue).not.toBeNull();
      expect(v.adjustedPValue ?? 0).toBeGreaterThanOrEqual(v.pValue ?? 1);
      expect(v.adjustedCi?.[0] ?? 0).toBeLessThanOrEqual(v.ci?.[0] ?? 0);
    }
    const guardrail = analysis.metrics.find((m) => m.guardrail);
    expect(guardrail?.variants.every((v) => v.adjustedPValue === null)).toBe(true);
  });

  it('Bayesian fills chance to win and risk, leaves p-values null', () => {
    const [variant] = analyzeExperiment(experiment([goal(0.1, 0.106)]), { method: 'bayesian' }).metrics[0]
      .variants;
    expect(variant.pValue).toBeNull();
    expect(variant.adjustedPValue).toBeNull();
    expect(variant.chanceToWin).not.toBeNull();
    expect(variant.risk).not.toBeNull();
  });

  it('one-sided tests follow the metric direction', () => {
    const input = experiment([
      { name: 'churn', lowerIsBetter: true, arms: [conversions(N, 0.1), conversions(N, 0.095)] },
    ]);
    const [variant] = analyzeExperiment(input, { oneSided: true, correction: 'none' }).metrics[0].variants;
    expect(variant.ci?.[0]).toBe(-Infinity);
    const [twoSided] = analyzeExperiment(input, { correction: 'none' }).metrics[0].variants;
    expect(variant.pValue).toBeCloseTo((twoSided.pValue ?? 0) / 2, 12);
  });

  it('reports why a comparison has no numbers', () => {
    const input = experiment([{ name: 'refunds', arms: [conversions(N, 0), conversions(N, 0.001)] }]);
    const [variant] = analyzeExperiment(input).metrics[0].variants;
    expect(variant.estimate).toBeNull();
    expect(variant.error).toMatch(/variance/);
  });
});
