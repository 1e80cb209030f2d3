/**
 * monitor-personalization's performance vs holdout against SciPy, as a user runs it: 800 users of
 * initiative PLG (rule `hero`), odd ones in the `holdout` variant, even ones served `a` (reason
 * `matched`: the personalized arm); first decision at 10:00 on 2026-11-17 … 11-28, every fifth user
 * decided again the next day (the first decision counts); `--window 14d` to as-of 2026-11-30.
 * Outcomes counted from the first decision to 7 days after it, inside the window: a purchase at
 * 15:00 the same day (its value is revenue), a click the next day; not counted: a purchase an hour
 * before the first decision, one 8 days after it, one after the window's end. Expected values from
 * Python on the same files (scipy 1.17.1, numpy 2.4.6): per user engaged / converted / revenue,
 * relative lift with its delta-method variance (rates: p(1 − p)), Welch–Satterthwaite df,
 * p = 2 · `stats.t.sf(|lift / se|, df)`, interval by `stats.t.ppf(0.975, df)`; Benjamini–Hochberg
 * over the table's 12 comparisons (4 dimensions × 3 metrics) by hand.
 *
 * The same logs with an experiment on rule `hero` (X1: holdout the control, `a`; from 2026-11-17,
 * primary conversion_rate, guardrail revenue_per_user): its exposures are the rule's decisions, and
 * its metrics count a user's outcomes from the first exposure to the end of as-of, not the 7 days
 * of the table above (so the 8-day purchase counts there: conversion 0.2375 / 0.4275 instead of
 * 0.2 / 0.4). Same SciPy computation over that span.
 */
import { describe, expect, it } from 'vitest';
import { makeFixtureDir } from '../helpers/fixture-dir.ts';
import { runCli } from '../helpers/run-cli.ts';

/** The decision and outcome logs, by formula (no random numbers). */
function personalizationFiles(): Record<string, string> {
  const dec = [
    'decision_id,user_id,decided_at,initiative,rule_id,variant,profile,channel,cohort,reason,error_code,consent_state',
  ];
  const out = ['outcome_id,user_id,occurred_at,event,value,currency'];
  const day = (d: number, h: number): string =>
    `2026-11-${String(d).padStart(2, '0')}T${String(h).padStart(2, '0')}:00:00Z`;
  let o = 0;
  for (let i = 1; i <= 800; i++) {
    const held = i % 2 === 1;
    const u = `u${i}`;
    const d = 17 + (i % 12); // first decision 2026-11-17 … 11-28
    dec.push(
      `D${i},${u},${day(d, 10)},PLG,hero,${held ? 'holdout' : 'a'},new,web,2026-Q4,${held ? 'holdout' : 'matched'},,granted`,
    );
    if (i % 5 === 0)
      dec.push(
        `D${i}b,${u},${day(d + 1, 10)},PLG,hero,${held ? 'holdout' : 'a'},new,web,2026-Q4,${held ? 'holdout' : 'matched'},,granted`,
      );
    const add = (t: string, ev: string, v: number | string): number =>
      out.push(`X${++o},${u},${t},${ev},${v},USD`);
    // counted: within 7 days after the first decision (and in the window)
    if ((i * 7) % 10 < (held ? 2 : 3)) add(day(d, 15), 'purchase', ((i * 13) % 50) + 10);
    if ((i * 3) % 10 < (held ? 4 : 5)) add(day(d + 1, 9), 'click', '');
    // not counted: before the first decision, 8 days after it, after the window
    if (i % 7 === 0) add(day(d, 9), 'purchase', 99);
    if (i % 11 === 0 && d + 8 <= 30) add(day(d + 8, 11), 'purchase', 77);
    if (i % 13 === 0) add('2026-12-01T01:00:00Z', 'purchase', 55);
  }
  return { 'data/decisions.csv': dec.join('\n') + '\n', 'data/outcomes.csv': out.join('\n') + '\n' };
}

const YAML = `version: 1
sources:
  - { name: decisions, entity: decisions, kind: file, path: data/decisions.csv }
  - { name: outcomes, entity: outcomes, kind: file, path: data/outcomes.csv }
currency: { reporting: USD }
output: { snapshot: never }
`;

const SCIPY: Record<
  string,
  { holdout: number; value: number; lift: number; p: number; ci: [number, number]; bh: number }
> = {
  engagement_rate: {
    holdout: 0.4,
    value: 0.6,
    lift: 0.5,
    p: 6.8275685122777995e-6,
    ci: [0.28329715987863807, 0.7167028401213615],
    bh: 2.048270553683322e-5,
  },
  conversion_rate: {
    holdout: 0.2,
    value: 0.4,
    lift: 1,
    p: 2.2582562735647646e-5,
    ci: [0.5396215126467327, 1.4603784873532673],
    bh: 3.387384410347185e-5,
  },
  revenue_per_user: {
    holdout: 7.8,
    value: 13.6,
    lift: 0.7435897435897436,
    p: 0.0009763291147571235,
    ci: [0.30257322428980093, 1.1846062628896863],
    bh: 0.0009763291147571235,
  },
};

interface Comparison {
  metric: string;
  value: number;
  holdout_value: number;
  lift: number;
  p_value: number;
  ci: [number, number];
  adjusted_p_value: number;
}
interface Row {
  dimension: string;
  variant: string;
  users: number;
  comparisons: Comparison[];
}

const EXPERIMENTS = `experiment_id,variant,weight,is_control,start_at,end_at,primary_metric,guardrail_metrics,method,status,subject,initiative
X1,holdout,0.5,true,2026-11-17,,conversion_rate,revenue_per_user,frequentist,running,hero,PLG
X1,a,0.5,false,2026-11-17,,conversion_rate,revenue_per_user,frequentist,running,hero,PLG
`;

const SCIPY_EXPERIMENT: Record<
  string,
  { control: number; treated: number; lift: number; se: number; p: number; ci: [number, number] }
> = {
  conversion_rate: {
    control: 0.2375,
    treated: 0.4275,
    lift: 0.8,
    se: 0.19197039245401196,
    p: 3.426716088174244e-5,
    ci: [0.42316062049960645, 1.1768393795003935],
  },
  revenue_per_user: {
    control: 11.265,
    treated: 17.065,
    lift: 0.5148690634709276,
    se: 0.19096429301081985,
    p: 0.007162988171351443,
    ci: [0.14001479765828956, 0.8897233292835658],
  },
};

interface ExperimentVariant {
  name: string;
  n: number;
  mean: number;
  effect: number;
  se: number;
  p_value: number;
  ci: [number, number];
}

describe('monitor-personalization performance vs holdout against SciPy', () => {
  it('counts each user from the first decision for 7 days and reads out as SciPy does', async () => {
    const ws = await makeFixtureDir({ ...personalizationFiles(), 'gtm.yaml': YAML });
    try {
      const cli = await runCli(
        ['monitor-personalization', '--as-of', '2026-11-30', '--window', '14d', '--json'],
        {
          cwd: ws.dir,
          env: { ...process.env, GTM_SNAPSHOT: 'never' },
        },
      );
      expect(cli.code, cli.stderr).toBe(0);
      const rows = cli.json<{ performance: { rows: Row[] } }>().performance.rows;
      const holdout = rows.find((r) => r.dimension === 'all' && r.variant === 'holdout');
      const personalized = rows.find((r) => r.dimension === 'all' && r.variant === 'personalized');
      expect(holdout?.users).toBe(400);
      expect(personalized?.users).toBe(400);
      expect(personalized?.comparisons.map((c) => c.metric).sort()).toEqual(Object.keys(SCIPY).sort());
      for (const c of personalized?.comparisons ?? []) {
        const e = SCIPY[c.metric];
        expect(c.holdout_value, c.metric).toBeCloseTo(e.holdout, 12);
        expect(c.value, c.metric).toBeCloseTo(e.value, 12);
        expect(c.lift, c.metric).toBeCloseTo(e.lift, 12);
        expect(c.p_value, c.metric).toBeCloseTo(e.p, 15);
        expect(c.ci[0], c.metric).toBeCloseTo(e.ci[0], 12);
        expect(c.ci[1], c.metric).toBeCloseTo(e.ci[1], 12);
        expect(c.adjusted_p_value, c.metric).toBeCloseTo(e.bh, 15);
      }
      expect(rows.flatMap((r) => r.comparisons)).toHaveLength(12);
    } finally {
      await ws.remove();
    }
  }, 120_000);
  it('reads an experiment on the rule out as SciPy does, its outcomes from the first exposure to as-of', async () => {
    const ws = await makeFixtureDir({
      ...personalizationFiles(),
      'data/experiments.csv': EXPERIMENTS,
      'gtm.yaml': YAML.replace(
        '  - { name: outcomes',
        '  - { name: experiments, entity: experiments, kind: file, path: data/experiments.csv }\n  - { name: outcomes',
      ),
    });
    try {
      const cli = await runCli(
        ['monitor-personalization', '--as-of', '2026-11-30', '--window', '14d', '--json'],
        {
          cwd: ws.dir,
          env: { ...process.env, GTM_SNAPSHOT: 'never' },
        },
      );
      expect(cli.code, cli.stderr).toBe(0);
      const experiments = cli.json<{
        experiments: {
          id: string;
          readout: {
            metrics: { name: string; control: { n: number; mean: number }; variants: ExperimentVariant[] }[];
          };
        }[];
      }>().experiments;
      const metrics = experiments.find((e) => e.id === 'X1')?.readout.metrics ?? [];
      expect(metrics.map((m) => m.name).sort()).toEqual(Object.keys(SCIPY_EXPERIMENT).sort());
      for (const m of metrics) {
        const e = SCIPY_EXPERIMENT[m.name];
        const v = m.variants[0];
        expect([m.control.n, v.n], m.name).toEqual([400, 400]);
        expect(m.control.mean, m.name).toBeCloseTo(e.control, 12);
        expect(v.mean, m.name).toBeCloseTo(e.treated, 12);
        expect(v.effect, m.name).toBeCloseTo(e.lift, 12);
        expect(v.se, m.name).toBeCloseTo(e.se, 12);
        expect(v.p_value, m.name).toBeCloseTo(e.p, 14);
        expect(v.ci[0], m.name).toBeCloseTo(e.ci[0], 12);
        expect(v.ci[1], m.name).toBeCloseTo(e.ci[1], 12);
      }
    } finally {
      await ws.remove();
    }
  }, 120_000);
});
