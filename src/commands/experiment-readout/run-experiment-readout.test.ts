import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GtmError } from '../../errors/index.ts';
import { formatReadoutTable } from './format-readout-table.ts';
import { runExperimentReadout, type ExperimentReadoutOptions } from './run-experiment-readout.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gtm-readout-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});
const file = async (name: string, content: string | object): Promise<string> => {
  const path = join(dir, name);
  await writeFile(path, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  return path;
};

/**
 * gbstats' test_gbstats.py count metric (dimension "one"), plus a ratio metric of our own: the
 * gbstats ratio fixture has Σd² < (Σd)²/n, which no data can produce and the reader rejects
 * (its reference values are checked at the analysis level, in welch-t-test.test.ts).
 */
const gbstatsExperiment = {
  settings: { method: 'frequentist', difference: 'relative', alpha: 0.05, correction: 'none' },
  variants: [
    { name: 'zero', weight: 0.5, users: 100 },
    { name: 'one', weight: 0.5, users: 120 },
  ],
  days_running: 14,
  metrics: [
    {
      name: 'count',
      type: 'mean',
      data: { zero: { n: 100, sum: 270, sum_squares: 848.79 }, one: { n: 120, sum: 300, sum_squares: 869 } },
    },
    {
      name: 'ratio',
      type: 'ratio',
      data: {
        zero: {
          n: 100,
          num_sum: 270,
          num_sum_squares: 848.79,
          den_sum: 510,
          den_sum_squares: 2900,
          num_den_sum_product: 1500,
        },
        one: {
          n: 120,
          num_sum: 300,
          num_sum_squares: 869,
          den_sum: 500,
          den_sum_squares: 2300,
          num_den_sum_product: 1300,
        },
      },
    },
  ],
};

const gbstatsCsv = [
  'metric,type,variant,n,sum,sum_squares,num_sum,num_sum_squares,den_sum,den_sum_squares,num_den_sum_product,weight,users',
  'count,mean,zero,100,270,848.79,,,,,,0.5,100',
  'count,mean,one,120,300,869,,,,,,0.5,120',
  'ratio,ratio,zero,100,,,270,848.79,510,2900,1500,,',
  'ratio,ratio,one,120,,,300,869,500,2300,1300,,',
].join('\n');

describe('runExperimentReadout', () => {
  it('reproduces gbstats end-to-end values (test_gbstats.py) from a JSON file', async () => {
    const result = await runExperimentReadout({ input: await file('gb.json', gbstatsExperiment) });
    const [count, ratio] = result.metrics;
    expect(count.control).toEqual({ name: 'zero', n: 100, mean: 2.7 });
    expect(count.variants[0].effect).toBeCloseTo(-0.074074074, 9);
    expect(count.variants[0].p_value).toBeCloseTo(0.145219005, 9);
    expect(ratio.variants[0].effect).toBeCloseTo(300 / 500 / (270 / 510) - 1, 12);
    expect(ratio.control.mean).toBeCloseTo(270 / 510, 12);
    expect(count.variants[0].chance_to_win).toBeNull();
    expect(result.srm_p_value).not.toBeNull();
  });

  it('reads the same experiment from CSV, with flags in place of settings', async () => {
    const fromJson = await runExperimentReadout({
      input: await file('gb2.json', gbstatsExperiment),
      method: 'bayesian',
    });
    const fromCsv = await runExperimentReadout({
      input: await file('gb.csv', gbstatsCsv),
      method: 'bayesian',
    });
    expect(fromCsv.metrics.map((m) => m.variants[0].effect)).toEqual(
      fromJson.metrics.map((m) => m.variants[0].effect),
    );
    // gbstats Bayesian values for the same data (test_gbstats.py, TestAnalyzeMetricDfBayesian).
    expect(fromCsv.metrics[0].variants[0].chance_to_win).toBeCloseTo(0.071834168, 9);
    expect(fromCsv.metrics[0].variants[0].risk?.[1]).toBeCloseTo(0.075691131, 9);
    expect(fromCsv.metrics[1].variants[0].chance_to_win).toBe(fromJson.metrics[1].variants[0].chance_to_win);
    expect(fromCsv.metrics[0].variants[0].p_value).toBeNull();
  });

  it('flags override file settings', async () => {
    const path = await file('override.json', gbstatsExperiment);
    const base = await runExperimentReadout({ input: path });
    const absolute = await runExperimentReadout({
      input: path,
      difference: 'absolute',
      alpha: 0.1,
      method: 'sequential',
      oneSided: true,
    });
    expect(absolute.difference).toBe('absolute');
    expect(absolute.alpha).toBe(0.1);
    expect(absolute.method).toBe('sequential');
    expect(absolute.one_sided).toBe(true);
    expect(absolute.metrics[0].variants[0].effect).toBeCloseTo(2.5 - 2.7, 12);
    expect(base.metrics[0].variants[0].effect).toBeCloseTo(-0.074074074, 9);
    // A one-sided interval has an open end, written as null in JSON.
    expect(absolute.metrics[0].variants[0].ci?.[1]).toBeNull();
  });

  it('recommends and explains', async () => {
    const experiment = {
      settings: { method: 'frequentist' },
      variants: [
        { name: 'A', users: 20000 },
        { name: 'B', users: 20000 },
      ],
      days_running: 10,
      multiple_exposures: 15,
      metrics: [
        {
          name: 'signup',
          type: 'proportion',
          data: { A: { n: 20000, sum: 2000 }, B: { n: 20000, sum: 2240 } },
        },
        {
          name: 'latency_ms',
          type: 'mean',
          guardrail: true,
          lower_is_better: true,
          non_inferiority_margin: 0.02,
          data: {
            A: { n: 20000, sum: 1e7, sum_squares: 5199990000 },
            B: { n: 20000, sum: 1e7, sum_squares: 5199990000 },
          },
        },
      ],
    };
    const result = await runExperimentReadout({ input: await file('ship.json', experiment) });
    expect(result.recommendation.action).toBe('ship');
    expect(result.recommendation.variant).toBe('B');
    expect(result.metrics[0].variants[0].decision).toBe('better');
    expect(result.metrics[1].variants[0].decision).toBe('non-inferior');
    expect(result.health.multiple_exposure?.alert).toBe(false);
    const table = formatReadoutTable(result);
    expect(table).toContain('Recommendation: SHIP B');
    expect(table).toMatch(/signup\s+A \(control\)\s+20000/);
    expect(table).toMatch(/B\s+20000\s+\+12\.00%/);
    expect(table).toContain('latency_ms (guardrail, lower is better)');
  });

  it('checks multiple exposures without users: the units analysed are the arms of the metrics', async () => {
    // 300 units saw both variants, left out of 1,000 + 1,000: 300 / 2,300 = 13.04% > 1% (and
    // ≥ 10 units) is an alert that stops the test. Without `users` the check was skipped and the
    // readout said "ship B".
    const experiment = {
      variants: [{ name: 'A' }, { name: 'B' }],
      days_running: 14,
      multiple_exposures: 300,
      metrics: [
        { name: 'conv', type: 'proportion', data: { A: { n: 1000, sum: 100 }, B: { n: 1000, sum: 150 } } },
        {
          name: 'spend',
          type: 'mean',
          data: { A: { n: 990, sum: 990, sum_squares: 2000 }, B: { n: 995, sum: 995, sum_squares: 2000 } },
        },
      ],
    };
    const result = await runExperimentReadout({ input: await file('exposed-twice.json', experiment) });
    expect(result.health.srm).toBeNull();
    expect(result.health.multiple_exposure).toEqual({
      count: 300,
      rate: 300 / 2300,
      max_rate: 0.01,
      alert: true,
    });
    expect(result.recommendation.action).toBe('stop');
    expect(result.recommendation.reasons[0]).toBe(
      'Multiple exposures: 300 units (13.04%) saw more than one variant, above the 1% limit; fix the assignment and restart.',
    );
    expect(formatReadoutTable(result)).toContain('multiple exposures 13.04% (TOO MANY)');
  });

  it('takes an absolute margin for a guardrail whose control is at 0 % (JSON and CSV)', async () => {
    // refunds 0 of 2,000 against 1 of 2,000: the lift is undefined, the absolute difference is
    // +0.0005, se √(0.0005 · 0.9995 / 2000) = 0.000499875, interval −0.000480 to +0.001480
    // (t, 1999 df; scipy). 10% of a control at 0 is a margin of 0 that no variant can clear, so
    // the test kept running for ever; a floor of 0.005 (half a point) is cleared: ship B, whose
    // conversion is +30% (p = 0.0092).
    const experiment = (absolute?: number) => ({
      variants: [
        { name: 'A', users: 2000 },
        { name: 'B', users: 2000 },
      ],
      days_running: 14,
      metrics: [
        { name: 'conv', type: 'proportion', data: { A: { n: 2000, sum: 200 }, B: { n: 2000, sum: 260 } } },
        {
          name: 'refunds',
          type: 'proportion',
          guardrail: true,
          lower_is_better: true,
          non_inferiority_margin: 0.1,
          ...(absolute === undefined ? {} : { absolute_margin: absolute }),
          data: { A: { n: 2000, sum: 0 }, B: { n: 2000, sum: 1 } },
        },
      ],
    });
    const floored = await runExperimentReadout({ input: await file('floor.json', experiment(0.005)) });
    const refunds = floored.metrics[1];
    expect(refunds.absolute_margin).toBe(0.005);
    expect(refunds.variants[0].difference).toBe('absolute');
    expect(refunds.variants[0].ci?.[0]).toBeCloseTo(-0.0004803305355071052, 12);
    expect(refunds.variants[0].ci?.[1]).toBeCloseTo(0.0014803305355071052, 12);
    expect(refunds.variants[0].decision).toBe('non-inferior');
    expect(floored.recommendation.action).toBe('ship');
    const unfloored = await runExperimentReadout({ input: await file('no-floor.json', experiment()) });
    expect(unfloored.metrics[1].variants[0].decision).toBe('inconclusive');
    expect(unfloored.recommendation.action).toBe('keep running');

    const csv = [
      'metric,type,variant,n,sum,guardrail,lower_is_better,non_inferiority_margin,absolute_margin,users',
      'conv,proportion,A,2000,200,,,,,2000',
      'conv,proportion,B,2000,260,,,,,2000',
      'refunds,proportion,A,2000,0,true,true,0.1,0.005,',
      'refunds,proportion,B,2000,1,,,,,',
    ].join('\n');
    const fromCsv = await runExperimentReadout({ input: await file('floor.csv', csv) });
    expect(fromCsv.metrics[1].variants[0].decision).toBe('non-inferior');
    expect(fromCsv.recommendation.action).toBe('ship');
    const negative = await file('negative.json', experiment(-0.01));
    await expect(runExperimentReadout({ input: negative })).rejects.toMatchObject({
      code: 'INPUT',
      where: `${negative}:metrics[1].absolute_margin`,
      message: 'absolute_margin must be ≥ 0, got -0.01',
    });
  });

  it('says which goal comparisons the correction left out: a deterministic difference is not a test', async () => {
    // raw p 0.0210683 (scipy ttest_ind_from_stats, absolute, p(1-p) variances); Holm over the one
    // other tested comparison (0.3790) gives 2 × 0.0210683 = 0.0421365 (R p.adjust(..., "holm"))
    const experiment = {
      settings: { method: 'frequentist', difference: 'absolute', correction: 'holm' },
      variants: [
        { name: 'A', users: 10000 },
        { name: 'B', users: 10000 },
      ],
      days_running: 14,
      metrics: [
        {
          name: 'signup',
          type: 'proportion',
          data: { A: { n: 10000, sum: 1000 }, B: { n: 10000, sum: 1100 } },
        },
        {
          name: 'badge_shown',
          type: 'proportion',
          data: { A: { n: 1000, sum: 0 }, B: { n: 1000, sum: 1000 } },
        },
        {
          name: 'upgrade',
          type: 'proportion',
          data: { A: { n: 10000, sum: 2000 }, B: { n: 10000, sum: 2050 } },
        },
      ],
    };
    const result = await runExperimentReadout({ input: await file('deterministic.json', experiment) });
    expect(result.correction_family).toEqual({
      tested: 2,
      left_out: [
        {
          metric: 'badge_shown',
          variant: 'B',
          reason: 'deterministic difference: not a hypothesis test (no variance in either arm, no p-value)',
        },
      ],
    });
    expect(result.metrics[0].variants[0].adjusted_p_value).toBeCloseTo(0.04213651493746778, 12);
    expect(result.metrics[1].variants[0]).toMatchObject({
      p_value: null,
      adjusted_p_value: null,
      decision: 'better',
    });
    expect(result.metrics[1].variants[0].note).toMatch(/left out of the Holm correction/);
    const table = formatReadoutTable(result);
    expect(table).toContain(
      '(adj.: goal metrics corrected with the Holm correction over 2 tested comparisons;',
    );
    expect(table).toContain(
      '(not corrected: badge_shown / B: deterministic difference: not a hypothesis test (no variance in either arm, no p-value))',
    );
    const bayesian = await runExperimentReadout({
      input: await file('deterministic-bayes.json', { ...experiment, settings: { method: 'bayesian' } }),
    });
    expect(bayesian.correction_family).toBeNull();
  });

  it('prints negative effects with the minus sign the reasons use (U+2212), positive ones with "+"', async () => {
    // 950/10000 against 1000/10000: relative −5%; delta-method variance 0.095·0.905/10⁴/0.1² +
    // 0.1·0.9/10⁴·0.095²/0.1⁴ = 0.001671975, 1.96·√ = 0.0801: −13.01% to +3.01% (by hand)
    const experiment = {
      settings: { method: 'frequentist', difference: 'relative' },
      variants: [
        { name: 'A', users: 10000 },
        { name: 'B', users: 10000 },
      ],
      days_running: 14,
      metrics: [
        {
          name: 'signup',
          type: 'proportion',
          data: { A: { n: 10000, sum: 1000 }, B: { n: 10000, sum: 950 } },
        },
      ],
    };
    const table = formatReadoutTable(
      await runExperimentReadout({ input: await file('minus.json', experiment) }),
    );
    expect(table).toMatch(/B\s+10000\s+−5\.00%\s+−13\.01% to \+3\.01%/);
    expect(table).not.toMatch(/-\d/);
  });

  it('supports CUPED from JSON (gbstats RA proportion values)', async () => {
    const experiment = {
      settings: { correction: 'none' },
      variants: [{ name: 'zero' }, { name: 'one' }],
      metrics: [
        {
          name: 'converted',
          type: 'proportion',
          cuped: true,
          data: {
            zero: { n: 3001, sum: 300, pre_sum: 210, post_pre_sum_product: -20 },
            one: { n: 3000, sum: 222, pre_sum: 120, post_pre_sum_product: -10 },
          },
        },
      ],
    };
    const result = await runExperimentReadout({ input: await file('cuped.json', experiment) });
    const v = result.metrics[0].variants[0];
    expect(v.effect).toBeCloseTo(-0.31620216, 9);
    expect(v.p_value).toBeCloseTo(0.000000353, 9);
    expect(v.theta).not.toBeNull();
    expect(result.srm_p_value).toBeNull();
  });
});

describe('runExperimentReadout errors', () => {
  const expectError = async (
    opts: ExperimentReadoutOptions,
    code: string,
    where: string | RegExp,
    message?: RegExp,
  ) => {
    const err = await runExperimentReadout(opts).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(GtmError);
    const g = err as GtmError;
    expect(g.code).toBe(code);
    if (typeof where === 'string') expect(g.where).toBe(where);
    else expect(g.where).toMatch(where);
    if (message) expect(g.message).toMatch(message);
    expect(g.hint).toBeTruthy();
  };
  const withArm = (arm: object) => ({
    ...gbstatsExperiment,
    metrics: [
      gbstatsExperiment.metrics[0],
      gbstatsExperiment.metrics[1],
      { name: 'third', type: 'mean', data: { zero: { n: 10, sum: 5, sum_squares: 5 }, one: arm } },
    ],
  });

  it('points at a JSON key path', async () => {
    const path = await file('bad-n.json', withArm({ n: -3, sum: 5, sum_squares: 5 }));
    await expectError({ input: path }, 'INPUT', `${path}:metrics[2].data.one.n`, /whole number/);
  });

  it('catches impossible sums of squares, missing fields, unknown variants and typos', async () => {
    await expectError(
      { input: await file('ss.json', withArm({ n: 10, sum: 50, sum_squares: 20 })) },
      'INPUT',
      /metrics\[2\]\.data\.one\.sum_squares$/,
      /smaller/,
    );
    await expectError(
      { input: await file('missing.json', withArm({ n: 10, sum: 50 })) },
      'INPUT',
      /metrics\[2\]\.data\.one\.sum_squares$/,
      /missing/,
    );
    await expectError(
      { input: await file('typo.json', withArm({ n: 10, sum: 50, sum_sq: 300 })) },
      'INPUT',
      /metrics\[2\]\.data\.one\.sum_sq$/,
      /unknown key/,
    );
    const stray = {
      ...gbstatsExperiment,
      metrics: [
        {
          ...gbstatsExperiment.metrics[0],
          data: { ...gbstatsExperiment.metrics[0].data, two: { n: 1, sum: 1, sum_squares: 1 } },
        },
      ],
    };
    await expectError(
      { input: await file('stray.json', stray) },
      'INPUT',
      /metrics\[0\]\.data\.two$/,
      /not a variant/,
    );
    await expectError(
      {
        input: await file('prop.json', {
          ...gbstatsExperiment,
          metrics: [
            { name: 'p', type: 'proportion', data: { zero: { n: 10, sum: 11 }, one: { n: 10, sum: 1 } } },
          ],
        }),
      },
      'INPUT',
      /metrics\[0\]\.data\.zero\.sum$/,
    );
  });

  it('points at a CSV row and column', async () => {
    const path = await file(
      'bad.csv',
      gbstatsCsv.replace('count,mean,one,120,300,869', 'count,mean,one,120,3o0,869'),
    );
    await expectError({ input: path }, 'INPUT', `${path}:3:5`, /'sum' must be a number/);
    const unknown = await file('unknown.csv', gbstatsCsv.replace('weight,users', 'wieght,users'));
    await expectError({ input: unknown }, 'INPUT', `${unknown}:1:12`, /unknown column 'wieght'/);
  });

  it('reports syntax errors and missing files', async () => {
    const broken = await file('broken.json', '{"variants": [1, 2,, 3]}');
    await expectError(
      { input: broken },
      'INPUT',
      new RegExp(`^${broken.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(:\\d+:\\d+)?$`),
      /not valid JSON/,
    );
    await expectError({ input: join(dir, 'nope.json') }, 'INPUT', join(dir, 'nope.json'), /not found/);
  });

  it('rejects bad flags as usage errors', async () => {
    const path = await file('flags.json', gbstatsExperiment);
    await expectError({ input: path, method: 'magic' as never }, 'USAGE', '--method');
    await expectError({ input: path, difference: 'ratio' as never }, 'USAGE', '--difference');
    await expectError({ input: path, alpha: 1.5 }, 'USAGE', '--alpha');
    await expectError(
      { input: path, method: 'sequential', oneSided: true, alpha: 0.6 },
      'USAGE',
      '--alpha',
      /one-sided sequential/,
    );
  });

  it('rejects bad file settings as input errors', async () => {
    const path = await file('settings.json', {
      ...gbstatsExperiment,
      settings: { method: 'frequentist', alpha: 2 },
    });
    await expectError({ input: path }, 'INPUT', `${path}:settings.alpha`);
  });
});
