/**
 * Scenario table for the experiment memo: each scenario is built so that its outcome follows from
 * the engine's documented rules (decide.ts) and the guidance rules, with hand-checkable numbers:
 *
 * - required sample: 59 409 users per arm to detect a 5% relative lift on a 10% conversion rate
 *   at α = 0.05 two-sided, 80% power; 71 944 at α = 0.025 (two goal metrics, Holm → α/2);
 *   1 651 for a mean of 10 with sd 5. Independent Python/scipy 1.17.1 computation: smallest
 *   integer n with Φ(e/se − z) + Φ(−z − e/se) ≥ 0.8, se² = v/(μ²n) + v·μ²(1+e)²/(μ⁴n),
 *   z = Φ⁻¹(1 − α/2), v = p(1−p) or σ² (GrowthBook's relative power formula), by bisection.
 * - days left = ceil(max(minDays − days, (required − n)/(n/days))): 20000 users per arm after
 *   10 days → (59409 − 20000)/2000 = 19.7 → 20; after 3 days → max(4, 5.91) → 6.
 * - clear win interval: Welch, delta method (same Python as performance-by-segment.test.ts):
 *   2240/20000 vs 2000/20000 → +12%, 95% CI [+5.613%, +18.387%], p = 0.000231.
 */
import { describe, expect, it } from 'vitest';
import {
  buildExperimentInput,
  type ExperimentDefinition,
  type ExperimentExposureRow,
  type ExperimentMetricRow,
} from './build-experiment-input.ts';
import { experimentMemo, experimentMemos } from './experiment-memo.ts';
import { experimentIssues } from './experiment-issues.ts';
import { requiredSamplePerArm } from './rollout-guidance.ts';
import { analyzeExperiment, DEFAULT_ANALYSIS_SETTINGS } from '../experiments/index.ts';
import type { Method } from '../experiments/index.ts';

const START = Date.UTC(2026, 2, 1);
const DAY = 86_400_000;
const N = 20000;

interface Scenario {
  rates?: [number, number];
  /** Revenue per user (sd 5) in control and variant: the guardrail. */
  revenue?: [number, number];
  /** A second primary metric's rates. */
  engagement?: [number, number];
  n?: [number, number];
  units?: [number, number];
  days?: number;
  plannedDays?: number | null;
  coverage?: number;
  method?: Method;
  multipleExposures?: number;
}

function scenario(s: Scenario) {
  const [nc, nt] = s.n ?? [N, N];
  const [rc, rt] = s.rates ?? [0.1, 0.1];
  const [mc, mt] = s.revenue ?? [10, 10];
  const definition: ExperimentDefinition = {
    experiment: 'exp-hero',
    name: 'Hero banner personalization',
    variants: [
      { name: 'personalized', weight: 1 },
      { name: 'control', weight: 1 },
    ],
    start: START,
    end: s.plannedDays === null ? null : START + (s.plannedDays ?? 60) * DAY,
    primaryMetrics: ['conversion', ...(s.engagement ? ['engagement'] : [])],
    guardrailMetrics: [{ name: 'revenue', kind: 'mean', nonInferiorityMargin: 0.02 }],
    method: s.method,
    coverage: s.coverage,
    rules: ['hero-banner'],
  };
  const [uc, ut] = s.units ?? [nc, nt];
  const exposures: ExperimentExposureRow[] = [
    { experiment: 'exp-hero', variant: 'control', users: uc },
    { experiment: 'exp-hero', variant: 'personalized', users: ut },
  ];
  const mean = (variant: string, n: number, m: number): ExperimentMetricRow => ({
    experiment: 'exp-hero',
    variant,
    metric: 'revenue',
    n,
    sum: m * n,
    sumSquares: 25 * (n - 1) + m * m * n,
  });
  const metrics: ExperimentMetricRow[] = [
    { experiment: 'exp-hero', variant: 'control', metric: 'conversion', n: nc, sum: Math.round(nc * rc) },
    {
      experiment: 'exp-hero',
      variant: 'personalized',
      metric: 'conversion',
      n: nt,
      sum: Math.round(nt * rt),
    },
    mean('control', nc, mc),
    mean('personalized', nt, mt),
  ];
  if (s.engagement) {
    metrics.push(
      {
        experiment: 'exp-hero',
        variant: 'control',
        metric: 'engagement',
        n: nc,
        sum: Math.round(nc * s.engagement[0]),
      },
      {
        experiment: 'exp-hero',
        variant: 'personalized',
        metric: 'engagement',
        n: nt,
        sum: Math.round(nt * s.engagement[1]),
      },
    );
  }
  const multiple = s.multipleExposures ? [{ experiment: 'exp-hero', users: s.multipleExposures }] : [];
  return experimentMemo(definition, exposures, metrics, multiple, START + (s.days ?? 14) * DAY);
}

describe('experiment memo: scenario table', () => {
  it.each<[string, Scenario, string, RegExp]>([
    [
      'clear win',
      { rates: [0.1, 0.112] },
      'ship',
      /^Ship personalized to 100% of traffic: conversion \+12% \(interval \+5\.61% to \+18\.39%\)\.$/,
    ],
    [
      'clear win on 20% of traffic',
      { rates: [0.1, 0.112], coverage: 0.2 },
      'ramp',
      /^Ramp personalized from 10% to 25% of traffic/,
    ],
    ['clear win on 10% coverage', { rates: [0.1, 0.112], coverage: 0.1 }, 'ramp', /from 5% to 25%/],
    [
      'clear loss',
      { rates: [0.1, 0.088] },
      'roll back',
      /^Roll back personalized: serve control to 100% of traffic \(worse on conversion \(personalized\)\)\.$/,
    ],
    [
      'inconclusive',
      { rates: [0.1, 0.101], days: 10 },
      'keep running',
      /^Keep running about 20 more days to reach 59409 users per arm \(enough to detect a 5% lift\), then read it again on 2026-03-31\.$/,
    ],
    ['clear win, too early', { rates: [0.1, 0.112], days: 3 }, 'keep running', /about 6 more days/],
    [
      'inconclusive, planned end too soon',
      { rates: [0.1, 0.101], days: 10, plannedDays: 19 },
      'keep running',
      /runs past the planned end \(2026-03-20\)/,
    ],
    [
      'sample ratio mismatch',
      { rates: [0.1, 0.112], units: [20000, 19000] },
      'fix and restart',
      /^Do not act on these results: a sample ratio mismatch \(p = /,
    ],
    [
      'multiple exposures',
      { rates: [0.1, 0.112], multipleExposures: 800 },
      'fix and restart',
      /1\.96% of users exposed to more than one variant/,
    ],
    [
      'guardrail breach',
      { rates: [0.1, 0.112], revenue: [10, 9] },
      'roll back',
      /guardrail violated: revenue \(personalized\)/,
    ],
    [
      'guardrail breach, even early',
      { rates: [0.1, 0.1], revenue: [10, 9], days: 2 },
      'roll back',
      /guardrail violated/,
    ],
    [
      'inconclusive with the required sample reached',
      { rates: [0.1, 0.1005], n: [60000, 60000] },
      'stop',
      /^Stop and keep control: no effect as large as 5% was found by the planned horizon \(60000 users in the smallest arm\)\.$/,
    ],
    ['inconclusive at the planned end', { rates: [0.1, 0.101], days: 60 }, 'stop', /Stop and keep control/],
    [
      'better on one goal, worse on another',
      { rates: [0.1, 0.112], engagement: [0.3, 0.28] },
      'owner decision',
      /^personalized is better on conversion and worse on engagement: the owner decides/,
    ],
    ['Bayesian clear win', { rates: [0.1, 0.112], method: 'bayesian' }, 'ship', /^Ship personalized/],
    ['sequential clear win', { rates: [0.1, 0.115], method: 'sequential' }, 'ship', /^Ship personalized/],
  ])('%s → %s', (_name, s, kind, headline) => {
    const memo = scenario(s);
    expect(memo.guidance.kind).toBe(kind);
    expect(memo.guidance.headline).toMatch(headline);
    expect(memo.guidance.nextSteps.length).toBeGreaterThan(0);
  });

  it('a control converting at 0 %: the lines and the headline carry the absolute fallback and its note', () => {
    const note = 'relative lift undefined: control rate is 0 %; the absolute difference is reported instead';
    const memo = scenario({ rates: [0, 0.03] });
    const line = memo.primary.find((l) => l.metric === 'conversion')!;
    expect(line).toMatchObject({ difference: 'absolute', note, verdict: 'better' });
    expect(line.estimate).toBeCloseTo(0.03, 15);
    expect(memo.guardrails[0]).toMatchObject({ difference: 'relative', note: null });
    expect(memo.guidance.kind).toBe('ship');
    expect(memo.guidance.headline).toBe(
      // 0.03 ± t(0.975, 19,999) × √(0.03 × 0.97 / 20,000) = 0.027636 to 0.032364 (scipy); to 2
      // decimals it read "+0.03 to +0.03", as if the interval had no width
      `Ship personalized to 100% of traffic: conversion absolute difference +0.03 (interval +0.0276 to +0.0324; ${note}).`,
    );
  });

  it('ship and ramp say where the traffic goes', () => {
    expect(scenario({ rates: [0.1, 0.112] }).guidance).toMatchObject({
      variant: 'personalized',
      currentExposure: 0.5,
      targetExposure: 1,
    });
    expect(scenario({ rates: [0.1, 0.112], coverage: 0.2 }).guidance).toMatchObject({
      currentExposure: 0.1,
      targetExposure: 0.25,
    });
    // 0.25 coverage × 0.5 = 12.5% → 25%; 0.5 coverage → 25% → next step 50%.
    expect(scenario({ rates: [0.1, 0.112], coverage: 0.5 }).guidance.targetExposure).toBe(0.5);
  });

  it('keep running: days, required sample and re-check date', () => {
    expect(scenario({ rates: [0.1, 0.101], days: 10 }).guidance).toMatchObject({
      moreDays: 20,
      requiredSamplePerArm: 59409,
      recheckOn: '2026-03-31',
    });
    expect(scenario({ rates: [0.1, 0.112], days: 3 }).guidance).toMatchObject({
      moreDays: 6,
      recheckOn: '2026-03-10',
    });
  });

  it('the memo carries health, lines per metric, status and the engine output', () => {
    const memo = scenario({ rates: [0.1, 0.112] });
    expect(memo.control).toBe('control');
    expect(memo.variants).toEqual(['control', 'personalized']);
    expect(memo.status).toBe('running');
    expect(memo.daysRunning).toBe(14);
    expect(memo.trustworthy).toBe(true);
    expect(memo.health.srm?.alert).toBe(false);
    expect(memo.primary).toHaveLength(1);
    expect(memo.primary[0]).toMatchObject({
      metric: 'conversion',
      variant: 'personalized',
      verdict: 'better',
    });
    expect(memo.primary[0].estimate).toBeCloseTo(0.12, 12);
    expect(memo.primary[0].ci?.[0]).toBeCloseTo(0.0561333045160527, 10);
    expect(memo.primary[0].ci?.[1]).toBeCloseTo(0.183866695483947, 10);
    expect(memo.primary[0].pValue).toBeCloseTo(0.000231067868279245, 8);
    expect(memo.guardrails[0]).toMatchObject({ metric: 'revenue', verdict: 'non-inferior' });
    expect(memo.decision.action).toBe('ship');
    expect(scenario({ rates: [0.1, 0.112], units: [20000, 19000] }).trustworthy).toBe(false);
    expect(scenario({ rates: [0.1, 0.101], days: 61 }).status).toBe('ended');
    expect(scenario({ days: -1 }).status).toBe('not started');
  });
});

describe('requiredSamplePerArm (Python reference in the header)', () => {
  const built = (primary: string[], variants = 2) =>
    buildExperimentInput(
      {
        experiment: 'e',
        variants: Array.from({ length: variants }, (_, i) => ({
          name: i === 0 ? 'control' : `v${i}`,
          weight: 1,
        })),
        start: START,
        primaryMetrics: primary,
        guardrailMetrics: [],
      },
      [],
      primary.flatMap((metric) =>
        Array.from({ length: variants }, (_, i) =>
          metric === 'revenue'
            ? {
                experiment: 'e',
                variant: i === 0 ? 'control' : `v${i}`,
                metric,
                n: 1000,
                sum: 10000,
                sumSquares: 25 * 999 + 100 * 1000,
              }
            : { experiment: 'e', variant: i === 0 ? 'control' : `v${i}`, metric, n: 1000, sum: 100 },
        ),
      ),
      [],
      START + 7 * DAY,
    ).input;
  const settings = DEFAULT_ANALYSIS_SETTINGS;

  it('one goal: 59409 per arm; the mean metric: 1651', () => {
    expect(requiredSamplePerArm(built(['conversion']), settings, 0.05)).toBe(59409);
    expect(requiredSamplePerArm(built(['revenue']), settings, 0.05)).toBe(1651);
  });

  it('two goal comparisons with a correction: α/2 → 71944; without correction: 59409', () => {
    expect(requiredSamplePerArm(built(['conversion', 'other']), settings, 0.05)).toBe(71944);
    expect(requiredSamplePerArm(built(['conversion'], 3), settings, 0.05)).toBe(71944);
    expect(
      requiredSamplePerArm(built(['conversion', 'other']), { ...settings, correction: 'none' }, 0.05),
    ).toBe(59409);
  });

  it('sequential needs more than fixed-horizon; zero baseline gives null', () => {
    const seq = requiredSamplePerArm(built(['conversion']), { ...settings, method: 'sequential' }, 0.05);
    expect(seq).toBeGreaterThan(59409);
    const zero = buildExperimentInput(
      {
        experiment: 'e',
        variants: [
          { name: 'a', weight: 1 },
          { name: 'b', weight: 1 },
        ],
        start: START,
        primaryMetrics: ['x'],
      },
      [],
      [
        { experiment: 'e', variant: 'a', metric: 'x', n: 100, sum: 0 },
        { experiment: 'e', variant: 'b', metric: 'x', n: 100, sum: 3 },
      ],
      [],
      START,
    );
    expect(requiredSamplePerArm(zero.input, settings, 0.05)).toBeNull();
  });
});

describe('buildExperimentInput', () => {
  const def: ExperimentDefinition = {
    experiment: 'e',
    variants: [
      { name: 'B', weight: 3 },
      { name: 'Holdout', weight: 1 },
    ],
    start: '2026-03-01',
    end: '2026-03-15',
    primaryMetrics: ['conversion'],
  };

  it('control: a holdout-named variant first; weights normalised; days to now or the end', () => {
    const b = buildExperimentInput(
      def,
      [
        { experiment: 'e', variant: 'B', users: 300 },
        { experiment: 'e', variant: 'Holdout', users: 100 },
        { experiment: 'other', variant: 'B', users: 5 },
      ],
      [
        { experiment: 'e', variant: 'B', metric: 'conversion', n: 300, sum: 30 },
        { experiment: 'e', variant: 'Holdout', metric: 'conversion', n: 100, sum: 10 },
      ],
      [{ experiment: 'e', users: 4 }],
      '2026-03-31',
    );
    expect(b.control).toBe('Holdout');
    expect(b.variants).toEqual(['Holdout', 'B']);
    expect(b.weights).toEqual([0.25, 0.75]);
    expect(b.input.variants.map((v) => v.units)).toEqual([100, 300]);
    expect(b.input.multipleExposures).toBe(4);
    expect(b.daysRunning).toBe(14);
    expect(b.plannedDays).toBe(14);
    expect(b.status).toBe('ended');
    expect(b.input.metrics[0].arms).toEqual([
      { kind: 'proportion', n: 100, sum: 10 },
      { kind: 'proportion', n: 300, sum: 30 },
    ]);
  });

  it('control: the holdout names by their priority, any case, trimmed (the rule every command follows)', () => {
    const three = (names: string[], holdoutVariants?: string[]) =>
      buildExperimentInput(
        { ...def, variants: names.map((name) => ({ name, weight: 1 })) },
        names.map((variant) => ({ experiment: 'e', variant, users: 100 })),
        names.map((variant) => ({ experiment: 'e', variant, metric: 'conversion', n: 100, sum: 10 })),
        [],
        '2026-03-31',
        holdoutVariants ? { holdoutVariants } : {},
      ).control;
    // the default [holdout, control]: holdout although control comes first
    expect(three(['B', 'control', 'holdout'])).toBe('holdout');
    // a name spelled with spaces in the source; before, only an untrimmed match counted and B was taken
    expect(three(['B', ' Control '])).toBe(' Control ');
    expect(three(['B', 'control', 'ctrl_grp'], ['CTRL_GRP', 'control'])).toBe('ctrl_grp');
    expect(three(['B', 'C'])).toBe('B');
  });

  it('a missing metric row becomes an empty arm over the exposed users, with a note', () => {
    const b = buildExperimentInput(
      def,
      [
        { experiment: 'e', variant: 'B', users: 300 },
        { experiment: 'e', variant: 'Holdout', users: 100 },
      ],
      [{ experiment: 'e', variant: 'B', metric: 'conversion', n: 300, sum: 30 }],
      [],
      '2026-03-10',
    );
    expect(b.input.metrics[0].arms[0]).toEqual({ kind: 'proportion', n: 100, sum: 0 });
    expect(b.notes).toEqual(["No 'conversion' row for Holdout: taken as 100 units with no outcome."]);
  });

  it.each<[string, Partial<ExperimentDefinition>, ExperimentMetricRow[], RegExp]>([
    ['one variant', { variants: [{ name: 'a', weight: 1 }] }, [], /at least two variants/],
    ['unknown control', { control: 'nope' }, [], /control 'nope'/],
    [
      'zero weight',
      {
        variants: [
          { name: 'B', weight: 0 },
          { name: 'Holdout', weight: 1 },
        ],
      },
      [],
      /weight/,
    ],
    ['no metrics', { primaryMetrics: [] }, [], /no metrics/],
    [
      'more converters than units',
      {},
      [{ experiment: 'e', variant: 'B', metric: 'conversion', n: 10, sum: 11 }],
      /11 converting units out of 10/,
    ],
    [
      'mean metric without sum of squares',
      { primaryMetrics: [{ name: 'conversion', kind: 'mean' }] },
      [{ experiment: 'e', variant: 'B', metric: 'conversion', n: 10, sum: 11 }],
      /no sumSquares/,
    ],
  ])('rejects %s', (_name, over, rows, message) => {
    expect(() => buildExperimentInput({ ...def, ...over }, [], rows, [], '2026-03-10')).toThrow(message);
  });

  it('agrees with calling the engine directly', () => {
    const b = buildExperimentInput(
      { ...def, end: null },
      [],
      [
        { experiment: 'e', variant: 'B', metric: 'conversion', n: 3000, sum: 360 },
        { experiment: 'e', variant: 'Holdout', metric: 'conversion', n: 1000, sum: 100 },
      ],
      [],
      '2026-03-10',
    );
    const direct = analyzeExperiment({
      variants: [
        { name: 'Holdout', weight: 1 },
        { name: 'B', weight: 3 },
      ],
      metrics: [
        {
          name: 'conversion',
          arms: [
            { kind: 'proportion', n: 1000, sum: 100 },
            { kind: 'proportion', n: 3000, sum: 360 },
          ],
        },
      ],
      daysRunning: 9,
    });
    expect(analyzeExperiment(b.input).metrics).toEqual(direct.metrics);
  });
});

describe('experimentMemos and experimentIssues', () => {
  it('reads each experiment’s rows out of shared arrays; issues for actionable guidance only', () => {
    const def = (experiment: string): ExperimentDefinition => ({
      experiment,
      variants: [
        { name: 'control', weight: 1 },
        { name: 'b', weight: 1 },
      ],
      start: START,
      primaryMetrics: ['conversion'],
    });
    const rows = (experiment: string, b: number): ExperimentMetricRow[] => [
      { experiment, variant: 'control', metric: 'conversion', n: N, sum: 2000 },
      { experiment, variant: 'b', metric: 'conversion', n: N, sum: b },
    ];
    const exposures = ['win', 'flat', 'loss'].flatMap((experiment) => [
      { experiment, variant: 'control', users: N },
      { experiment, variant: 'b', users: N },
    ]);
    const memos = experimentMemos({
      definitions: [def('win'), def('flat'), def('loss')],
      exposures,
      metrics: [...rows('win', 2240), ...rows('flat', 2010), ...rows('loss', 1760)],
      now: START + 10 * DAY,
    });
    expect(memos.map((m) => [m.experiment, m.guidance.kind])).toEqual([
      ['win', 'ship'],
      ['flat', 'keep running'],
      ['loss', 'roll back'],
    ]);
    const issues = experimentIssues(memos);
    expect(issues.map((i) => [i.id, i.severity, i.source])).toEqual([
      ['experiment-ship:experiment=win', 'medium', 'experiment'],
      ['experiment-roll-back:experiment=loss', 'high', 'experiment'],
    ]);
    expect(issues[0].ownerRole).toBe('testing_lead');
  });
});

describe('keep running when the sample is years away', () => {
  it('says the test is out of reach at this traffic instead of naming a day decades ahead', () => {
    // 300 users per arm in 10 days (30 a day); 59409 per arm to detect 5 %: (59409 - 300) / 30
    // = 1970.3 → 1971 more days, 5.4 years
    const g = scenario({ n: [300, 300], rates: [0.1, 0.101], days: 10, plannedDays: null }).guidance;
    expect(g).toMatchObject({ kind: 'keep running', moreDays: 1971, requiredSamplePerArm: 59409 });
    expect(g.headline).toBe(
      'Out of reach at this traffic: 59409 users per arm (enough to detect a 5% lift) would take about 1971 more days (5.4 years) at 30 users a day in the smallest arm; nothing is conclusive yet.',
    );
    expect(g.nextSteps[0]).toMatch(/^Re-plan the test: a larger minimum detectable effect/);
    // within a year it is still the days to wait
    expect(scenario({ rates: [0.1, 0.101], days: 10 }).guidance.headline).toMatch(
      /^Keep running about 20 more days/,
    );
  });
});

describe('keep running while a guardrail is unproven', () => {
  // A goal already better (2240 vs 2000 of 20000: +12%, interval +5.61% to +18.39%) with the
  // revenue guardrail not yet shown non-inferior: 9.85 vs 10 (sd 5), -1.5%, interval about
  // -2.48% to -0.52%, its lower end beyond the 2% margin. The readout keeps it running for the
  // guardrail; the guidance must not say that nothing is conclusive.
  it('names the win and the open guardrail instead of "nothing is conclusive"', () => {
    const g = scenario({ rates: [0.1, 0.112], revenue: [10, 9.85] }).guidance;
    expect(g.kind).toBe('keep running');
    expect(g.headline).toMatch(
      /^Keep running about \d+ more days .*: personalized is better on conversion but guardrail revenue is not shown non-inferior yet\.$/,
    );
    expect(g.nextSteps.join(' ')).not.toMatch(/nothing is conclusive/);
    expect(g.nextSteps).toContain(
      'Do not ship yet: ship personalized once guardrail revenue is shown non-inferior (within its margin), or with its owner’s sign-off.',
    );
  });

  it('out of reach at this traffic: the same, and the owner decides on the evidence so far', () => {
    // 2000 users per arm in 14 days (143 a day): 59409 per arm is 402 more days away
    const g = scenario({ n: [2000, 2000], rates: [0.1, 0.13], revenue: [10, 9.8] }).guidance;
    expect(g).toMatchObject({ kind: 'keep running', moreDays: 402 });
    expect(g.headline).toBe(
      'Out of reach at this traffic: 59409 users per arm (enough to detect a 5% lift) would take about 402 more days (1.1 years) at 143 users a day in the smallest arm; personalized is better on conversion but guardrail revenue is not shown non-inferior yet.',
    );
    expect(g.nextSteps.join(' ')).not.toMatch(/as if they were conclusive|nothing is conclusive/);
  });
});

describe('keep running without a day estimate', () => {
  it('not started yet', () => {
    const memo = scenario({ days: -1 });
    expect(memo.guidance.kind).toBe('keep running');
    expect(memo.guidance.headline).toBe(
      'Not started: it starts on 2026-03-01; the first readout needs 7 days.',
    );
  });

  it('no required sample (zero baseline) and the minimum days passed: the engine’s reason is the headline', () => {
    // 0 % in both arms: no variance anywhere, so no test (0 % vs 0.1 % is now a valid Welch test).
    const memo = scenario({ rates: [0, 0] });
    expect(memo.guidance.kind).toBe('keep running');
    expect(memo.guidance.moreDays).toBeNull();
    expect(memo.guidance.requiredSamplePerArm).toBeNull();
    expect(memo.guidance.headline).toMatch(
      /^Keep running: personalized: 'conversion' has no result: no evidence either way: every unit in both arms has the same value \(0 % in both\)/,
    );
  });
});
