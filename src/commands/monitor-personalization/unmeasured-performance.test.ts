/**
 * Performance vs holdout without outcome data: the rates, counts, lifts and verdicts the outcomes
 * would give are unknown, not 0. Before, a header-only outcomes export filled every row with 0 %
 * conversion, 0 engagement and 0 revenue per user ("every unit in both arms has the same value
 * (0 % in both)"), the experiment memo read out 0 against 0, and the daily KPIs were a series of
 * zeros with a "0 days with a dip" alert evaluated on each. With outcomes, an arm nobody in converted
 * stays at 0 % (evidence).
 *
 * Workspace: 45 days of decisions from 2026-10-01 09:00, 60 users a day (one decision each, 7 minutes
 * apart; every third user, u % 3 = 0, in the holdout, the rest served hero_a for TARGETING_MATCH),
 * an experiment on the rule from 2026-10-20; runs of the 14d window to 2026-11-15 (2 to 15 November:
 * decisions on 13 days, the last on the 14th).
 */
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Ajv } from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCsv } from '../../../test/helpers/csv-parse.ts';
import { makeFixtureDir, type FixtureDir } from '../../../test/helpers/fixture-dir.ts';
import { runCli, type CliRun } from '../../../test/helpers/run-cli.ts';
import { formatMonitorPersonalization } from './format.ts';
import type { MonitorPersonalizationResult } from './result.ts';

const GTM_YAML = `version: 1
sources:
  - { name: decision_log, entity: decisions, kind: file, path: decisions.csv }
  - { name: product_events, entity: outcomes, kind: file, path: events.csv }
  - { name: exps, entity: experiments, kind: file, path: experiments.csv }
personalization:
  initiatives: [Onboarding]
  rules:
    - { id: hero, variants: [holdout, hero_a] }
`;

const EXPERIMENTS = `experiment_id,variant,weight,is_control,start_at,end_at,primary_metric,guardrail_metrics,method,status,subject,initiative
exp1,holdout,1,true,2026-10-20,2026-12-01,conversion_rate,revenue_per_user,frequentist,running,hero,Onboarding
exp1,hero_a,2,false,2026-10-20,2026-12-01,conversion_rate,revenue_per_user,frequentist,running,hero,Onboarding
`;

const START = Date.parse('2026-10-01T09:00:00Z');
const DAY = 86_400_000;
const decidedAt = (d: number, u: number) => START + d * DAY + u * 7 * 60_000;
const iso = (ms: number) => new Date(ms).toISOString();

function decisionsCsv(): string {
  const rows = ['decision_id,user_id,decided_at,initiative,rule_id,variant,reason,consent_state'];
  for (let d = 0; d < 45; d++)
    for (let u = 0; u < 60; u++) {
      const variant = u % 3 === 0 ? 'holdout' : 'hero_a';
      rows.push(
        `d${d * 60 + u},u${d * 60 + u},${iso(decidedAt(d, u))},Onboarding,hero,${variant},TARGETING_MATCH,granted`,
      );
    }
  return `${rows.join('\n')}\n`;
}

const HEADER = 'outcome_id,user_id,occurred_at,event,value,currency\n';

/**
 * Outcomes an hour after the decision on every day: users 1 and 2 (hero_a) purchase for 10 USD,
 * users 0 and 3 (holdout) use a feature. In the window (days 32 to 44, 13 days): hero_a 26 converters
 * of 520 users, 260 USD; the holdout none of its 260 users converting, 26 engaged.
 */
function outcomesCsv(): string {
  const rows: string[] = [];
  for (let d = 0; d < 45; d++) {
    for (const u of [1, 2])
      rows.push(`p${d}-${u},u${d * 60 + u},${iso(decidedAt(d, u) + 3_600_000)},purchase,10,USD`);
    for (const u of [0, 3])
      rows.push(`f${d}-${u},u${d * 60 + u},${iso(decidedAt(d, u) + 3_600_000)},feature_used,,`);
  }
  return `${HEADER}${rows.join('\n')}\n`;
}

const argv = ['monitor-personalization', '--window', '14d', '--as-of', '2026-11-15', '--json'];
const OUTCOME_COLUMNS = [
  'engaged_users',
  'converters',
  'engagement_rate',
  'conversion_rate',
  'revenue_per_user',
];

interface Run {
  cli: CliRun;
  r: MonitorPersonalizationResult;
  file: (name: string) => Promise<string>;
}

let dir: FixtureDir;
const runs: Record<'empty' | 'measured' | 'before', Run> = {} as never;
async function run(name: keyof typeof runs, events: string) {
  await dir.write('events.csv', events);
  const cli = await runCli(argv, { cwd: dir.dir });
  const r = cli.json<MonitorPersonalizationResult>();
  const out = path.join(dir.dir, r.reports_dir);
  runs[name] = { cli, r, file: (f) => readFile(path.join(out, f), 'utf8') };
}

beforeAll(async () => {
  dir = await makeFixtureDir({
    'gtm.yaml': GTM_YAML,
    'decisions.csv': decisionsCsv(),
    'experiments.csv': EXPERIMENTS,
  });
  await run('empty', HEADER);
  await run('measured', outcomesCsv());
  // outcomes on 2026-10-05 only: before the window and before the experiment
  await run(
    'before',
    `${HEADER}o1,u241,2026-10-05T10:00:00Z,purchase,10,USD\no2,u240,2026-10-05T10:00:00Z,feature_used,,\n`,
  );
}, 180_000);
afterAll(() => dir?.remove());

const schema = JSON.parse(
  readFileSync(
    path.resolve('src/commands/monitor-personalization/monitor-personalization.result.schema.json'),
    'utf8',
  ),
);
const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);

type Row = {
  dimension: string;
  segment: string;
  variant: string;
  users: number;
  engaged_users: number | null;
  converters: number | null;
  engagement_rate: number | null;
  conversion_rate: number | null;
  revenue_per_user: number | null;
  comparisons: {
    metric: string;
    value: number | null;
    lift: number | null;
    ci: unknown;
    difference: number | null;
    p_value: number | null;
    verdict: string;
    error: string | null;
  }[];
};
const rows = (r: MonitorPersonalizationResult) => r.performance.rows as unknown as Row[];
const EMPTY = 'no outcome rows in product_events (an empty or header-only export?)';

describe('monitor-personalization with a header-only outcomes export', () => {
  it('reports the outcome metrics of every performance row as null, with why; exposures stay counted', () => {
    const { cli, r } = runs.empty;
    expect(cli.code, cli.stderr).toBe(0);
    expect(r.performance.unmeasured).toEqual([
      { metric: 'engagement_rate', reason: EMPTY },
      { metric: 'conversion_rate', reason: EMPTY },
      { metric: 'revenue_per_user', reason: EMPTY },
    ]);
    expect(rows(r).length).toBeGreaterThan(0);
    for (const x of rows(r)) {
      for (const c of OUTCOME_COLUMNS)
        expect(x[c as keyof Row], `${x.dimension}/${x.segment}/${x.variant} ${c}`).toBeNull();
      for (const c of x.comparisons)
        expect([c.value, c.lift, c.ci, c.difference, c.p_value, c.verdict, c.error]).toEqual([
          null,
          null,
          null,
          null,
          null,
          'no result',
          EMPTY,
        ]);
    }
    // 13 days × 20 holdout users, 13 × 40 personalized
    const all = rows(r).filter((x) => x.dimension === 'all');
    expect(all.map((x) => [x.variant, x.users])).toEqual([
      ['holdout', 260],
      ['personalized', 520],
    ]);
    expect(validate(r), JSON.stringify(validate.errors)).toBe(true);
  });

  it('leaves the cells empty in performance.csv and daily_kpis.csv, and writes no 0 % in summary.md or the dashboard', async () => {
    const { file } = runs.empty;
    const perf = parseCsv(await file('performance.csv'));
    expect(perf.length).toBe(rows(runs.empty.r).length);
    for (const row of perf) {
      for (const c of OUTCOME_COLUMNS) expect(row[c], c).toBe('');
      expect(row.users).not.toBe('');
    }
    expect(perf.find((x) => x.variant === 'personalized')?.conversion_note).toBe(EMPTY);
    const daily = parseCsv(await file('daily_kpis.csv'));
    expect(daily.length).toBeGreaterThan(0);
    for (const row of daily)
      for (const c of [
        'engaged',
        'converters',
        'revenue',
        'engagement_rate',
        'conversion_rate',
        'revenue_per_user',
      ])
        expect(row[c], c).toBe('');
    const summary = (await file('summary.md')).replace(/\\_/g, '_');
    const section = summary.slice(
      summary.indexOf('## Performance vs holdout'),
      summary.indexOf('\n## ', summary.indexOf('## Performance vs holdout')),
    );
    expect(section).toContain(
      `Not measured (— in the tables, no lift or verdict): engagement_rate, conversion_rate, revenue_per_user: ${EMPTY}.`,
    );
    expect(section).toContain('| all | holdout | 260 | — | — | — | — | holdout | holdout |');
    expect(section).not.toMatch(/\b0\.0%|\$0\.00/);
    expect(summary).toContain(`**Best conversion lift vs holdout:** — (${EMPTY})`);
    const html = await file('dashboard.html');
    expect(html).not.toContain('Daily conversion rate');
    expect(html).not.toContain('Conversion rate by rule and variant');
  });

  it('evaluates no dip alert on the KPIs without outcomes and creates no backlog item from them', () => {
    const { r } = runs.empty;
    expect(r.alerts.map((a) => a.id).filter((id) => id.startsWith('kpi_dip'))).toEqual([]);
    expect(r.alerts.filter((a) => a.breached).map((a) => a.id)).toEqual([
      'freshness.decision_log',
      'freshness.product_events',
    ]);
    expect(r.backlog.items.map((x) => x.kind)).toEqual(['anomaly-data-freshness', 'anomaly-data-freshness']);
    expect(r.anomalies.items.filter((y) => y.detectors.some((d) => !d.startsWith('data-freshness')))).toEqual(
      [],
    );
  });

  it('gives the experiment no readout instead of 0 against 0', async () => {
    const { r, file } = runs.empty;
    const memo = (r.experiments as { id: string; readout: unknown; no_readout: string | null }[])[0];
    expect(memo.readout).toBeNull();
    expect(memo.no_readout).toBe(
      'no outcome rows in product_events from 2026-10-20 to 2026-11-15 (its exposures so far): no metric to read out',
    );
    expect((await file('experiment-memo.md')).replace(/\\_/g, '_')).not.toMatch(
      /0 % in both|no difference|keep running|better|worse/,
    );
    expect(parseCsv(await file('experiments.csv'))).toEqual([]);
  });

  it('says one warning line for it, and the terminal view shows a dash, not 0 %', () => {
    const { cli, r } = runs.empty;
    expect(cli.stderrLines.filter((l) => /conversion_rate|not measured/.test(l))).toEqual([
      `warning: conversion_rate, engagement_rate, revenue_per_user: ${EMPTY}: not measured (null in the reports, not 0), ` +
        'and the performance-dip detection cannot run; governance and exposure checks ran on the decisions',
    ]);
    const text = formatMonitorPersonalization(r, 'summary');
    expect(text).toMatch(/holdout\s+260\s+—/);
    expect(text).toContain(`(conversion not measured: ${EMPTY})`);
    const perf = text.slice(text.indexOf('Performance vs holdout'), text.indexOf('Experiments:'));
    expect(perf).not.toMatch(/\d%/);
  });
});

describe('monitor-personalization with outcomes', () => {
  it('reports an arm nobody in converted as 0 %, not null, and compares it', () => {
    const { cli, r } = runs.measured;
    expect(cli.code, cli.stderr).toBe(0);
    expect(r.performance.unmeasured).toEqual([]);
    const all = rows(r).filter((x) => x.dimension === 'all');
    const holdout = all.find((x) => x.variant === 'holdout')!;
    const personalized = all.find((x) => x.variant === 'personalized')!;
    // holdout: 260 users, 0 converters, 26 engaged (users 0 and 3 on 13 days), no revenue
    expect([
      holdout.users,
      holdout.converters,
      holdout.conversion_rate,
      holdout.engaged_users,
      holdout.revenue_per_user,
    ]).toEqual([260, 0, 0, 26, 0]);
    expect(holdout.engagement_rate).toBeCloseTo(26 / 260, 12);
    // personalized: 520 users, 26 converters (users 1 and 2 on 13 days) at 10 USD, nobody engaged
    expect([
      personalized.users,
      personalized.converters,
      personalized.engaged_users,
      personalized.engagement_rate,
    ]).toEqual([520, 26, 0, 0]);
    expect(personalized.conversion_rate).toBeCloseTo(26 / 520, 12);
    expect(personalized.revenue_per_user).toBeCloseTo(260 / 520, 12);
    const conv = personalized.comparisons.find((c) => c.metric === 'conversion_rate')!;
    // a holdout at 0 %: the absolute difference, 5 pp, is tested (no relative lift)
    expect(conv.difference).toBeCloseTo(0.05, 12);
    expect(conv.p_value).not.toBeNull();
    expect(conv.error).toBeNull();
    expect(validate(r), JSON.stringify(validate.errors)).toBe(true);
  });

  it('keeps the 0 % cells in performance.csv and the daily series', async () => {
    const perf = parseCsv(await runs.measured.file('performance.csv'));
    const holdout = perf.find((x) => x.dimension === 'all' && x.variant === 'holdout')!;
    expect([holdout.converters, holdout.conversion_rate, holdout.revenue_per_user]).toEqual(['0', '0', '0']);
    expect(runs.measured.r.anomalies.daily.every((d) => d.conversion_rate !== null)).toBe(true);
    expect(runs.measured.r.alerts.map((a) => a.id).filter((id) => id.startsWith('kpi_dip'))).toEqual([
      'kpi_dip.conversion_rate',
      'kpi_dip.engagement_rate',
      'kpi_dip.revenue_per_user',
    ]);
  });
});

describe('monitor-personalization with outcomes before the window only', () => {
  it('leaves the performance metrics null, naming the window, and says so once', () => {
    const { cli, r } = runs.before;
    expect(cli.code, cli.stderr).toBe(0);
    const why = 'no outcome rows in product_events in the 14d window to 2026-11-15';
    expect(r.performance.unmeasured.map((u) => u.reason)).toEqual([why, why, why]);
    expect(rows(r).every((x) => x.conversion_rate === null && x.converters === null)).toBe(true);
    expect(cli.stderrLines.filter((l) => l.includes('not measured'))).toEqual([
      `warning: performance vs holdout: engagement_rate, conversion_rate, revenue_per_user: ${why}: not measured (null in the reports, not 0)`,
    ]);
    const memo = (r.experiments as { no_readout: string | null }[])[0];
    expect(memo.no_readout).toBe(
      'no outcome rows in product_events from 2026-10-20 to 2026-11-15 (its exposures so far): no metric to read out',
    );
    expect(validate(r), JSON.stringify(validate.errors)).toBe(true);
  });
});
