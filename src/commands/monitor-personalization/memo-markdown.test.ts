/**
 * experiment-memo.md when the readout cannot give a relative lift: a holdout converting at 0 %
 * (0/2000) against 60/2000. The engine reports the absolute difference with a note; the memo must
 * show it as an absolute difference (3 percentage points, not "+3.0%") and carry the note in the
 * metrics table and in the guidance headline, next to the numbers it qualifies.
 *
 * Reference numbers (Python 3, scipy 1.17.1), Welch with the holdout's variance 0 (df = 1999):
 *   p = 60/2000; se = sqrt(p*(1-p)/2000) = 0.00381444622455213
 *   t = stats.t.ppf(0.975, 1999); 0.03 -/+ t*se = 0.022519293369555354, 0.03748070663044464
 *   2*stats.t.sf(0.03/se, 1999) = 5.996474256397569e-15
 */
import { describe, expect, it } from 'vitest';
import { reviewExperiment, type StatsRow } from '../shared/experiment-review/index.ts';
import type { ExperimentDef } from './experiment-defs.ts';
import { guidanceFor } from './experiment-guidance.ts';
import type { ExperimentMemoOut } from './experiments-stage.ts';
import { experimentMemoMarkdown } from './memo-markdown.ts';
import type { MonitorPersonalizationOutputs } from './plan.ts';
import type { MonitorPersonalizationResult } from './result.ts';

const NOTE = 'relative lift undefined: control rate is 0 %; the absolute difference is reported instead';

const def: ExperimentDef = {
  id: 'exp-zero',
  name: 'Zero-baseline banner',
  rule: 'hero-banner',
  initiative: null,
  variants: [
    { name: 'holdout', weight: 1 },
    { name: 'personalized', weight: 1 },
  ],
  control: 'holdout',
  start: '2026-03-01T00:00:00Z',
  end: '2026-04-30T00:00:00Z',
  primary: ['conversion_rate'],
  guardrails: [],
  method: null,
  status: null,
};

const row = (variant: string, n: number, sum: number): StatsRow => ({
  metric: 'conversion_rate',
  type: 'proportion',
  variant,
  n,
  sum,
  sum_squares: sum,
});

function memoOf(rows: StatsRow[]): { memo: ExperimentMemoOut; markdown: string } {
  const readout = reviewExperiment(
    {
      id: def.id,
      name: def.name,
      weights: { holdout: 1, personalized: 1 },
      start: '2026-03-01',
      end: '2026-04-30',
    },
    rows,
    { asOfDay: '2026-03-31' },
  );
  const guidance = guidanceFor(def, readout, rows, Date.parse('2026-03-31T00:00:00Z'), {
    minimumDetectableEffect: 0.05,
    power: 0.8,
    rampSteps: [0.05, 0.25, 0.5, 1],
  });
  const memo: ExperimentMemoOut = {
    id: def.id,
    name: def.name,
    rule: def.rule,
    status: 'live',
    start: def.start,
    end: def.end,
    planned: [
      { variant: 'holdout', share: 0.5 },
      { variant: 'personalized', share: 0.5 },
    ],
    multiple_exposures: 0,
    readout,
    guidance,
    no_readout: null,
  };
  const result = {
    initiative: { name: 'Homepage' },
    as_of: '2026-03-31',
    window: { label: 'last 30 days' },
  } as unknown as MonitorPersonalizationResult;
  const outputs = { experiments: { memos: [memo], daily: [] } } as unknown as MonitorPersonalizationOutputs;
  return { memo, markdown: experimentMemoMarkdown(result, outputs) };
}

describe('experiment memo: absolute fallback', () => {
  const { memo, markdown } = memoOf([row('holdout', 2000, 0), row('personalized', 2000, 60)]);

  it('the readout falls back to the absolute difference (scipy numbers) and ships', () => {
    const v = memo.readout!.metrics[0].variants[0];
    expect(v.difference).toBe('absolute');
    expect(v.note).toBe(NOTE);
    expect(v.effect).toBeCloseTo(0.03, 15);
    expect(v.ci![0]).toBeCloseTo(0.022519293369555354, 12);
    expect(v.ci![1]).toBeCloseTo(0.03748070663044464, 12);
    expect(v.p_value! / 5.996474256397569e-15).toBeCloseTo(1, 3);
    expect(memo.guidance!.kind).toBe('ship');
  });

  it('the metrics table shows percentage points and the note on the metric’s row', () => {
    const line = markdown.split('\n').find((l) => l.startsWith('| conversion\\_rate |'));
    expect(line).toBe(
      `| conversion\\_rate | personalized | 0 | 0.03 | +3.0 pp | +2.3 pp to +3.7 pp | p 6e-15 | better | ${NOTE} |`,
    );
    expect(markdown).toContain('| Verdict | Note |');
    // never the absolute 0.03 read as a relative lift
    expect(markdown).not.toMatch(/\+3\.0%/);
  });

  it('the guidance headline names the absolute difference and carries the note', () => {
    expect(memo.guidance!.headline).toBe(
      `Ship personalized to 100% of traffic: conversion_rate absolute difference +0.03 (interval +0.0225 to +0.0375; ${NOTE}).`,
    );
    expect(markdown).toContain(
      `**Guidance: ship.** Ship personalized to 100% of traffic: conversion\\_rate absolute difference +0.03 (interval +0.0225 to +0.0375; ${NOTE}).`,
    );
  });

  it('the Method line names the correction’s family', () => {
    expect(markdown).toContain(
      'Method: frequentist (relative effects, α = 0.05, holm correction over 1 tested comparison); 4000 users.',
    );
  });

  it('a deterministic difference: the Method line says it was left out of the correction, the row why', () => {
    const { markdown: md } = memoOf([row('holdout', 300, 0), row('personalized', 300, 300)]);
    expect(md).toContain(
      'holm correction over 0 tested comparisons; left out: conversion\\_rate / personalized: deterministic difference: not a hypothesis test (no variance in either arm, no p-value)',
    );
    const line = md.split('\n').find((l) => l.startsWith('| conversion\\_rate |'))!;
    expect(line).toMatch(
      /\| \+100\.0 pp \| \+100\.0 pp to \+100\.0 pp \| p n\/a \| better \| deterministic difference: /,
    );
    expect(line).toMatch(
      /left out of the Holm correction: .*; no comparison is tested, so nothing is corrected \|$/,
    );
    // the headline gives the exact difference, not an interval of one point
    expect(md).toContain('conversion\\_rate absolute difference +1 (exactly; deterministic difference: ');
  });

  it('the recommendation keeps the engine’s note among its reasons', () => {
    expect(markdown).toContain(`- personalized: 'conversion\\_rate': ${NOTE}.`);
  });

  it('a relative lift is shown as before: a percent, no note, no scale named in the headline', () => {
    const { memo: m, markdown: md } = memoOf([row('holdout', 2000, 200), row('personalized', 2000, 260)]);
    const v = m.readout!.metrics[0].variants[0];
    expect(v.difference).toBe('relative');
    expect(v.note).toBeNull();
    const line = md.split('\n').find((l) => l.startsWith('| conversion\\_rate |'));
    expect(line).toMatch(
      /^\| conversion\\_rate \| personalized \| 0\.1 \| 0\.13 \| \+30\.0% \| .* \| better \|  \|$/,
    );
    expect(m.guidance!.headline).toMatch(/^Ship personalized to 100% of traffic: conversion_rate \+30%/);
  });
});

describe('experiment memo: text from the data', () => {
  const HOSTILE = 'x|y\u001b]0;PWNED\u0007\nz';
  const { memo } = memoOf([row('holdout', 2000, 200), row('personalized', 2000, 260)]);
  const result = {
    initiative: { name: `Home${HOSTILE}` },
    as_of: '2026-03-31',
    window: { label: 'last 30 days' },
  } as unknown as MonitorPersonalizationResult;
  const hostile: ExperimentMemoOut = {
    ...memo,
    id: `exp${HOSTILE}`,
    name: `Banner${HOSTILE}`,
    rule: `rule${HOSTILE}`,
    planned: memo.planned.map((p) => ({ ...p, variant: `${p.variant}${HOSTILE}` })),
    readout: {
      ...memo.readout!,
      metrics: memo.readout!.metrics.map((m) => ({
        ...m,
        name: `${m.name}${HOSTILE}`,
        variants: m.variants.map((v) => ({ ...v, name: `${v.name}${HOSTILE}` })),
      })),
    },
  };
  const md = experimentMemoMarkdown(result, {
    experiments: { memos: [hostile], daily: [] },
  } as unknown as MonitorPersonalizationOutputs);

  it('has no control character and no line break from a value: each shows as \\xNN, a space', () => {
    expect(md).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
    const shown = 'x\\|y\\x1b\\]0;PWNED\\x07 z';
    expect(md).toContain(`# Experiment memo — Home${shown}`);
    expect(md).toContain(`## Banner${shown} (exp${shown})`);
    expect(md).toContain('Rule `rulex|y\\x1b]0;PWNED\\x07 z`');
  });

  it('keeps each metrics row one row of as many cells as the header: a | in a name is escaped', () => {
    const header = md.split('\n').find((l) => l.startsWith('| Metric |'))!;
    const rows = md.split('\n').filter((l) => l.startsWith('| conversion\\_rate'));
    expect(rows).toHaveLength(1);
    const cells = (l: string) => l.split(/(?<!\\)\|/).length;
    expect(cells(rows[0])).toBe(cells(header));
    expect(rows[0]).toContain('| personalizedx\\|y\\x1b\\]0;PWNED\\x07 z |');
  });
});

/**
 * A rule change inside the experiment's window (the demo's unapproved chg-111 on
 * onboarding_checklist, 22 days into exp-checklist-v2): the governance scan flags it, and the memo,
 * read on its own, must say so next to its guidance (it said "ship" with no word of the change).
 */
describe('experiment memo: rule changes during the test', () => {
  const { memo } = memoOf([row('holdout', 2000, 200), row('personalized', 2000, 260)]);
  const result = {
    initiative: { name: 'Homepage' },
    as_of: '2026-03-31',
    window: { label: 'last 30 days' },
  } as unknown as MonitorPersonalizationResult;
  const change = {
    experiment: 'exp-zero',
    changeId: 'chg-111',
    rule: 'hero-banner',
    ts: '2026-03-22T10:15:00Z',
    author: 'jamie.cole',
    change: 'reorder | steps',
    running: true,
    daysIntoExperiment: 21.4,
  };
  const md = (experimentChanges: unknown, approvals: unknown = null) =>
    experimentMemoMarkdown(result, {
      experiments: { memos: [memo], daily: [] },
      governance: { scan: { experimentChanges, approvals } },
    } as unknown as MonitorPersonalizationOutputs);

  it('lists the change with its approval problem in Health and cautions under the guidance', () => {
    const text = md(
      { conflicts: [change, { ...change, experiment: 'exp-other', changeId: 'chg-999' }], findings: [] },
      { changes: [{ changeId: 'chg-111', problems: ['no-approver'] }] },
    );
    expect(memo.guidance!.kind).toBe('ship');
    expect(text).toContain(
      '- Rule changes during the test: chg-111 to hero-banner on 2026-03-22T10:15:00Z by jamie.cole (reorder \\| steps; no approver), 21 days in — **a change mid-test mixes treatments**',
    );
    expect(text).not.toContain('chg-999');
    const lines = text.split('\n');
    const guidance = lines.findIndex((l) => l.startsWith('**Guidance: ship.**'));
    expect(lines[guidance + 2]).toBe(
      '> **Caution:** hero-banner changed during the test (chg-111): check whether the change altered who sees which variant or what they see before acting on this guidance; if it did, restart the test or read only the exposures after the change.',
    );
  });

  it('none, or not checked without a rule change log', () => {
    expect(md({ conflicts: [], findings: [] })).toContain('- Rule changes during the test: none');
    expect(md({ conflicts: [], findings: [] })).not.toContain('Caution');
    expect(md(null)).toContain('- Rule changes during the test: not checked (no rule change log)');
  });
});

describe('experiment memo: a sample out of reach', () => {
  // 2/10 against 10/20 in 30 days: 26404 users per arm for a 5 % lift, some 79,000 days away
  const { memo, markdown } = memoOf([row('holdout', 10, 2), row('personalized', 20, 10)]);

  it('names no day centuries ahead to read it again, in the guidance or the rollout plan', () => {
    expect(memo.guidance!.headline).toMatch(/^Out of reach at this traffic: /);
    expect(memo.guidance!.recheckOn).toBeNull();
    expect(markdown).toMatch(/- Days left: about \d+ \(out of reach at this traffic: re-plan the test\)/);
    expect(markdown).not.toMatch(/read again on/);
  });
});

/**
 * Multiple exposure below the engine's floor (h-per23): 8 of 630 users saw both variants (1.27 %,
 * over the 1 % limit), which the engine does not alert on with fewer than 10 such users
 * (GrowthBook's floor). The memo said "8 users (1.3%, limit 1.0%)" and nothing else: a rate over
 * its limit with no alert read as a check that failed to fire.
 */
describe('experiment memo: multiple exposure and its floor', () => {
  const rowsOf = (a: number, b: number): StatsRow[] => [
    row('holdout', a, 0.2 * a),
    row('personalized', b, 0.2 * b),
  ];
  const memoWith = (multiple: number, a: number, b: number) => {
    const rows = rowsOf(a, b);
    const readout = reviewExperiment(
      {
        id: def.id,
        name: def.name,
        weights: { holdout: 1, personalized: 1 },
        start: '2026-03-01',
        end: '2026-04-30',
      },
      rows,
      { asOfDay: '2026-03-31', multipleExposures: multiple },
    );
    const memo: ExperimentMemoOut = {
      id: def.id,
      name: def.name,
      rule: def.rule,
      status: 'live',
      start: def.start,
      end: def.end,
      planned: [
        { variant: 'holdout', share: 0.5 },
        { variant: 'personalized', share: 0.5 },
      ],
      multiple_exposures: multiple,
      readout,
      guidance: guidanceFor(def, readout, rows, Date.parse('2026-03-31T00:00:00Z'), {
        minimumDetectableEffect: 0.05,
        power: 0.8,
        rampSteps: [0.05, 0.25, 0.5, 1],
      }),
      no_readout: null,
    };
    const result = {
      initiative: { name: 'Homepage' },
      as_of: '2026-03-31',
      window: { label: 'last 30 days' },
    } as unknown as MonitorPersonalizationResult;
    const md = experimentMemoMarkdown(result, {
      experiments: { memos: [memo], daily: [] },
    } as unknown as MonitorPersonalizationOutputs);
    return {
      health: readout.health,
      line: md.split('\n').find((l) => l.startsWith('- Multiple exposure:'))!,
    };
  };

  it('8 of 630 (1.27 %): over the rate, not alerted, and the line says why', () => {
    const { health, line } = memoWith(8, 311, 311);
    // 8 / (8 + 622) = 0.012698…, by hand
    expect(health.multiple_exposure!.rate).toBeCloseTo(8 / 630, 12);
    expect(health.multiple_exposure!.alert).toBe(false);
    expect(line).toBe(
      "- Multiple exposure: 8 users (1.3%; alert above 1.0% from 10 users) — over the rate, but fewer than 10 users: not alerted; check these users' assignment",
    );
  });

  it('12 of 642 (1.87 %): too many', () => {
    const { health, line } = memoWith(12, 315, 315);
    expect(health.multiple_exposure!.alert).toBe(true);
    expect(line).toBe('- Multiple exposure: 12 users (1.9%; alert above 1.0% from 10 users) — **too many**');
  });

  it('3 of 1003 (0.3 %): within the limit, nothing added', () => {
    const { line } = memoWith(3, 500, 500);
    expect(line).toBe('- Multiple exposure: 3 users (0.3%; alert above 1.0% from 10 users)');
  });
});

/**
 * Three arms, conversion the goal (Holm over the two comparisons): the Evidence column gives the p of
 * the interval beside it, and the corrected p after it. It gave the Holm-adjusted p alone ("p 0.159"
 * beside −3.9% to +70.5%, whose p is 0.0797; experiments.csv has 0.0797): an h-per26 check of an
 * Optimizely-style test with scipy. Reference (Python 3, scipy), relative lift by the delta method,
 * binomial variance p(1 − p), Welch–Satterthwaite df:
 *   control 71/475, variant_b 97/487: lift 0.332533, p 0.0797006, 95% interval −0.039457 to 0.704523
 *   variant_c 74/463: lift 0.069267, p 0.671601; Holm: 0.159401 (variant_b), 0.671601 (variant_c)
 */
describe('experiment memo: three arms, the p of the interval and the corrected one', () => {
  const arms = ['control', 'variant_b', 'variant_c'];
  const rows = [row('control', 475, 71), row('variant_b', 487, 97), row('variant_c', 463, 74)];
  const readout = reviewExperiment(
    {
      id: 'exp-pricing-3arm',
      name: 'exp-pricing-3arm',
      weights: { control: 0.34, variant_b: 0.33, variant_c: 0.33 },
      start: '2026-11-20',
    },
    rows,
    { asOfDay: '2026-12-06' },
  );
  const def3: ExperimentDef = {
    ...def,
    id: 'exp-pricing-3arm',
    name: 'exp-pricing-3arm',
    rule: 'pricing_page_test',
    variants: arms.map((name, i) => ({ name, weight: i ? 0.33 : 0.34 })),
    control: 'control',
    start: '2026-11-20T00:00:00Z',
    end: null,
  };
  const guidance = guidanceFor(def3, readout, rows, Date.parse('2026-12-07T00:00:00Z'), {
    minimumDetectableEffect: 0.05,
    power: 0.8,
    rampSteps: [0.05, 0.25, 0.5, 1],
  });
  const memo = {
    id: 'exp-pricing-3arm',
    name: 'exp-pricing-3arm',
    rule: 'pricing_page_test',
    status: 'live',
    start: '2026-11-20T00:00:00Z',
    end: null,
    planned: arms.map((variant, i) => ({ variant, share: i ? 0.33 : 0.34 })),
    multiple_exposures: 0,
    readout,
    guidance,
    no_readout: null,
  } as unknown as ExperimentMemoOut;
  const md = experimentMemoMarkdown(
    {
      initiative: { name: 'Checkout' },
      as_of: '2026-12-06',
      window: { label: '14d' },
    } as unknown as MonitorPersonalizationResult,
    { experiments: { memos: [memo], daily: [] } } as unknown as MonitorPersonalizationOutputs,
  );
  const line = (variant: string) =>
    md.split('\n').find((l) => l.startsWith(`| conversion\\_rate | ${variant} |`));

  it('the readout is scipy’s', () => {
    const [b, c] = readout.metrics[0].variants;
    expect(b.effect).toBeCloseTo(0.332533, 5);
    expect(b.p_value).toBeCloseTo(0.0797006, 6);
    expect(b.ci![0]).toBeCloseTo(-0.039457, 5);
    expect(b.ci![1]).toBeCloseTo(0.704523, 5);
    expect(b.adjusted_p_value).toBeCloseTo(0.159401, 5);
    expect(c.p_value).toBeCloseTo(0.671601, 5);
    expect(c.adjusted_p_value).toBeCloseTo(0.671601, 5);
  });

  it('Evidence: the interval’s p, then the corrected one when the correction moved it', () => {
    expect(line('variant\\_b')).toBe(
      '| conversion\\_rate | variant\\_b | 0.1495 | 0.1992 | +33.3% | −3.9% to +70.5% | p 0.0797; 0.159 after the holm correction | inconclusive |  |',
    );
    expect(line('variant\\_c')).toContain('| p 0.672 | inconclusive |');
  });
});
