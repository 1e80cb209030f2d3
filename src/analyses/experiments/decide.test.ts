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
      'guardrail violated before the minimum sample: a watch, not a roll back',
      experiment([goal(0.1, 0.1), latency(500, 530)]),
      { minSamplePerArm: 50_000 },
      'keep running',
      null,
      /B: guardrail watch on 'latency_ms': .* is worse than control beyond the non-inferiority margin of 2%, but the smallest arm has 20000 units, below the minimum of 50000, so this is not yet evidence of harm; keep running and watch this guardrail, and roll back if it still holds at the minimum sample\./,
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
    const input = experiment([{ name: 'refunds', arms: [conversions(N, 0), conversions(N, 0)] }]);
    const [variant] = analyzeExperiment(input).metrics[0].variants;
    expect(variant.estimate).toBeNull();
    expect(variant.error).toMatch(
      /^no evidence either way: every unit in both arms has the same value \(0 % in both\)/,
    );
  });
});

/** The reviewer's cases: one arm at 0 % or 100 % (SciPy references in effect-moments.test.ts). */
describe('readout with an arm at 0 % or 100 %', () => {
  const rate = (name: string, control: [number, number], treatment: [number, number]): ExperimentMetric => ({
    name,
    arms: [
      { kind: 'proportion', n: control[0], sum: control[1] },
      { kind: 'proportion', n: treatment[0], sum: treatment[1] },
    ],
  });
  const twoArms = (metric: ExperimentMetric): ExperimentInput => ({
    variants: [
      { name: 'ctl', weight: 0.5, units: metric.arms[0].kind === 'cuped' ? 0 : metric.arms[0].n },
      { name: 'trt', weight: 0.5, units: metric.arms[1].kind === 'cuped' ? 0 : metric.arms[1].n },
    ],
    metrics: [metric],
    daysRunning: 14,
  });

  it.each(['relative', 'absolute'] as const)('500/500 vs 480/500 (%s): worse, roll back', (difference) => {
    const analysis = analyzeExperiment(twoArms(rate('conv', [500, 500], [500, 480])), { difference });
    const [v] = analysis.metrics[0].variants;
    expect(v.error).toBeNull();
    expect(v.estimate).toBeCloseTo(-0.04, 15);
    // scipy ttest_ind_from_stats(0.96, sqrt(.96*.04), 500, 1.0, 0.0, 500, equal_var=False).pvalue
    expect((v.pValue ?? 0) / 6.316549028560409e-6).toBeCloseTo(1, 9);
    const d = decide(analysis);
    expect(d.verdicts[0].verdict).toBe('worse');
    expect(d.action).toBe('roll back');
  });

  it('0/1000 vs 10/1000, relative asked: absolute difference with the note, better, ship', () => {
    const analysis = analyzeExperiment(twoArms(rate('conv', [1000, 0], [1000, 10])));
    const [v] = analysis.metrics[0].variants;
    expect(v.difference).toBe('absolute');
    expect(v.estimate).toBeCloseTo(0.01, 15);
    expect(v.pValue).toBeCloseTo(0.001527403796211792, 12);
    const d = decide(analysis);
    expect(d.action).toBe('ship');
    expect(d.reasons).toContain(
      "trt: 'conv': relative lift undefined: control rate is 0 %; the absolute difference is reported instead.",
    );
    expect(d.reasons.some((r) => r.startsWith("trt: 'conv' is better: absolute difference +0.01 ("))).toBe(
      true,
    );
  });

  it('0/1000 vs 0/1000: no result, no evidence either way, keep running', () => {
    const d = decide(analyzeExperiment(twoArms(rate('conv', [1000, 0], [1000, 0]))));
    expect(d.verdicts[0].verdict).toBe('no result');
    expect(d.action).toBe('keep running');
    expect(d.reasons.join(' ')).toMatch(/no evidence either way/);
    expect(d.reasons.join(' ')).not.toMatch(/zero or negative variance/);
  });

  // Under Beta(1, 1) priors a variant's 0 of 10 against the control's 0 of 10,000 read a chance to
  // win of 1 − 2.3e-11 ("better"), 0 of 60 against 0 of 40 one of 0.402 (scipy: quad of the variant's
  // Beta(1, n + 1) density times the control's CDF), as monitor-personalization's memo read
  // "P(better) 70.0 %" with no outcome rows: the arms' sizes, not evidence. Every method: no result.
  it.each([
    ['bayesian', [10000, 0], [10, 0]],
    ['bayesian', [40, 0], [60, 0]],
    ['bayesian', [300, 300], [30, 30]],
    ['frequentist', [10000, 0], [10, 0]],
    ['sequential', [10000, 0], [10, 0]],
  ] as const)('%s, %j vs %j (both arms at the same 0 % or 100 %): no result', (method, c, t) => {
    const analysis = analyzeExperiment(twoArms(rate('conv', [...c], [...t])), { method });
    const [v] = analysis.metrics[0].variants;
    expect(v.chanceToWin).toBeNull();
    expect(v.estimate).toBeNull();
    expect(v.error).toMatch(/^no evidence either way: every unit in both arms has the same value/);
    // (the unequal arms are also a sample ratio mismatch: the action is the SRM's, not this metric's)
    const d = decide(analysis);
    expect(d.verdicts[0].verdict).toBe('no result');
    expect(d.reasons.join(' ')).toMatch(/'conv' has no result: no evidence either way/);
  });

  it.each(['frequentist', 'sequential', 'bayesian'] as const)(
    '0/1000 vs 1000/1000 (%s): deterministic difference, conclusive once the minimums are met',
    (method) => {
      const analysis = analyzeExperiment(twoArms(rate('conv', [1000, 0], [1000, 1000])), { method });
      const [v] = analysis.metrics[0].variants;
      expect(v.deterministic || method === 'bayesian').toBe(true);
      expect(v.estimate).toBeCloseTo(1, 2);
      const d = decide(analysis);
      expect(d.verdicts[0].verdict).toBe('better');
      expect(d.action).toBe('ship');
    },
  );

  it('Bayesian, 500/500 vs 480/500: Beta posteriors, worse, roll back', () => {
    const analysis = analyzeExperiment(twoArms(rate('conv', [500, 500], [500, 480])), { method: 'bayesian' });
    const [v] = analysis.metrics[0].variants;
    // SciPy quadrature (beta-binomial-effect.test.ts): relative mean −0.039916334661331376, chance 3.85e-7
    expect(v.estimate).toBeCloseTo(-0.039916334661331376, 12);
    expect(v.chanceToWin).toBeLessThan(1e-6);
    expect(v.note).toMatch(/Beta\(1, 1\) priors per arm/);
    expect(decide(analysis).action).toBe('roll back');
  });

  it('Bayesian, 0/1000 vs 10/1000: absolute difference (lift undefined), better, ship', () => {
    const analysis = analyzeExperiment(twoArms(rate('conv', [1000, 0], [1000, 10])), { method: 'bayesian' });
    const [v] = analysis.metrics[0].variants;
    expect(v.difference).toBe('absolute');
    expect(v.note).toMatch(/^relative lift undefined: control rate is 0 %/);
    expect(v.chanceToWin).toBeCloseTo(0.9995250193473012, 7);
    expect(decide(analysis).action).toBe('ship');
  });

  it('Bayesian, 0/1000 vs 0/1000: no result (no evidence either way), keep running', () => {
    const analysis = analyzeExperiment(twoArms(rate('conv', [1000, 0], [1000, 0])), { method: 'bayesian' });
    expect(analysis.metrics[0].variants[0].chanceToWin).toBeNull();
    const d = decide(analysis);
    expect(d.verdicts[0].verdict).toBe('no result');
    expect(d.action).toBe('keep running');
  });

  it('a deterministic difference waits for the minimum sample', () => {
    const d = decide(analyzeExperiment(twoArms(rate('conv', [20, 20], [20, 0]))));
    expect(d.verdicts[0].verdict).toBe('worse');
    expect(d.action).toBe('keep running');
    expect(d.reasons.join(' ')).toMatch(
      /deterministic difference: every control unit is 100 % and every treatment unit is 0 %/,
    );
  });
});

describe('a guardrail with an absolute margin (a rate whose control is at or near 0)', () => {
  const M = 5000;
  const fraud = (control: number, treatment: number, absoluteMargin?: number): ExperimentMetric => ({
    name: 'fraud_rate',
    guardrail: true,
    lowerIsBetter: true,
    nonInferiorityMargin: 0.25,
    ...(absoluteMargin === undefined ? {} : { absoluteMargin }),
    arms: [
      { kind: 'proportion', n: M, sum: control },
      { kind: 'proportion', n: M, sum: treatment },
    ],
  });
  const test = (guard: ExperimentMetric): ExperimentInput => ({
    variants: [
      { name: 'ctl', weight: 0.5, units: M },
      { name: 'trt', weight: 0.5, units: M },
    ],
    metrics: [
      {
        name: 'conversions',
        arms: [
          { kind: 'proportion', n: M, sum: 500 },
          { kind: 'proportion', n: M, sum: 650 },
        ],
      },
      guard,
    ],
    daysRunning: 21,
  });

  it('control 0/5000, treatment 3/5000: a relative margin of 0 % never clears; 0.5 points does', () => {
    // difference 0.0006, se √(0.0006·0.9994/5000) = 0.000346, 95 % upper bound 0.00128 < 0.005
    const without = decide(analyzeExperiment(test(fraud(0, 3))));
    expect(without.action).toBe('keep running');
    expect(without.reasons.join(' ')).toMatch(/'fraud_rate' has not shown non-inferiority yet \(margin 0\)/);
    const withFloor = decide(analyzeExperiment(test(fraud(0, 3, 0.005))));
    expect(withFloor.action).toBe('ship');
    expect(withFloor.verdicts.find((v) => v.metric === 'fraud_rate')?.verdict).toBe('non-inferior');
  });

  it('control 10/5000 (0.2 %): 25 % relative is 0.05 points; a 0.5-point floor is 250 % of it', () => {
    const without = decide(analyzeExperiment(test(fraud(10, 15))));
    expect(without.action).toBe('keep running');
    const withFloor = decide(analyzeExperiment(test(fraud(10, 15, 0.005))));
    expect(withFloor.action).toBe('ship');
    expect(withFloor.reasons.join(' ')).toMatch(
      /guardrail 'fraud_rate' is non-inferior: \+50% \(95% interval/,
    );
  });

  it('a floor below the relative margin changes nothing', () => {
    const a = decide(analyzeExperiment(test(fraud(250, 400))));
    const b = decide(analyzeExperiment(test(fraud(250, 400, 0.001))));
    expect(b).toEqual(a);
    expect(a.action).toBe('roll back');
  });
});
