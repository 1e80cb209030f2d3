/**
 * An outcomes export with its header only: the run still scans governance and exposures on the
 * decisions, and says once, naming the source, why the outcome KPIs are not measured and the performance-dip
 * detection did not run. It said, once per KPI, "conversion_rate: seasonal-hybrid-esd: needs more
 * than 14 days of history, has 0", which named neither the source nor the cause. Found on a
 * hand-built workspace: 45 days of decisions (20 users a day, rule hero), events.csv header only.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeFixtureDir, type FixtureDir } from '../../../test/helpers/fixture-dir.ts';
import { runCli, type CliRun } from '../../../test/helpers/run-cli.ts';
import type { MonitorPersonalizationResult } from './result.ts';

const GTM_YAML = `version: 1
sources:
  - { name: decision_log, entity: decisions, kind: file, path: decisions.csv }
  - { name: product_events, entity: outcomes, kind: file, path: events.csv }
personalization:
  initiatives: [Onboarding]
  rules:
    - { id: hero, variants: [holdout, hero_a] }
`;

function decisionsCsv(): string {
  const rows = ['decision_id,user_id,decided_at,initiative,rule_id,variant,reason,consent_state'];
  const start = Date.parse('2026-10-01T09:00:00Z');
  for (let d = 0; d < 45; d++)
    for (let u = 0; u < 20; u++) {
      const at = new Date(start + d * 86_400_000 + u * 7 * 60_000).toISOString();
      const variant = u % 5 === 0 ? 'holdout' : 'hero_a';
      rows.push(`d${d * 20 + u},u${d * 20 + u},${at},Onboarding,hero,${variant},TARGETING_MATCH,granted`);
    }
  return `${rows.join('\n')}\n`;
}

const HEADER = 'outcome_id,user_id,occurred_at,event,value,currency\n';
const argv = ['monitor-personalization', '--window', '14d', '--as-of', '2026-11-15', '--json'];

let dir: FixtureDir;
let empty: CliRun;
let r: MonitorPersonalizationResult;
let engagedOnly: CliRun;
beforeAll(async () => {
  dir = await makeFixtureDir({ 'gtm.yaml': GTM_YAML, 'decisions.csv': decisionsCsv(), 'events.csv': HEADER });
  empty = await runCli(argv, { cwd: dir.dir });
  r = empty.json<MonitorPersonalizationResult>();
  // the same decisions with engagement outcomes only: conversion and revenue have none
  await dir.write('events.csv', `${HEADER}o1,u5,2026-11-10T12:00:00Z,feature_used,,\n`);
  engagedOnly = await runCli(argv, { cwd: dir.dir });
}, 120_000);
afterAll(() => dir?.remove());

describe('monitor-personalization with a header-only outcomes export', () => {
  it('says once, naming the source, that the outcome KPIs and the dip detection cannot run', () => {
    expect(empty.code, empty.stderr).toBe(0);
    const lines = empty.stderrLines.filter((l) => /conversion_rate|seasonal-hybrid-esd/.test(l));
    expect(lines).toEqual([
      'warning: conversion_rate, engagement_rate, revenue_per_user: no outcome rows in product_events (an empty or ' +
        'header-only export?): not measured (null in the reports, not 0), and the performance-dip detection cannot run; governance and exposure ' +
        'checks ran on the decisions',
    ]);
    expect(r.anomalies.kpis.map((k) => [k.kpi, k.days, k.last_day])).toEqual([
      ['conversion_rate', 0, null],
      ['engagement_rate', 0, null],
      ['revenue_per_user', 0, null],
    ]);
  });

  it('still scans governance and exposures on the decisions', () => {
    // the 14d window to as-of 2026-11-15 is 2 to 15 November: 13 days of decisions (the last on the 14th)
    expect(r.totals.decisions).toBe(13 * 20);
    expect(
      (r.governance.checklist as { items: { id: string; status: string }[] }).items.find(
        (i) => i.id === 'consent',
      )?.status,
    ).toBe('pass');
    expect(r.performance.rows.find((x) => x.segment === 'all' && x.variant === 'holdout')?.users).toBe(
      13 * 4,
    );
  });

  it("summary.md's issue detection says which KPIs were not tested and why", async () => {
    const summary = await readFile(path.join(dir.dir, r.reports_dir, 'summary.md'), 'utf8');
    expect(summary.replace(/\\_/g, '_')).toContain(
      'Daily KPIs are tested up to the last day their data is complete: none. Not tested: conversion_rate, ' +
        'engagement_rate, revenue_per_user: no outcome rows in product_events (an empty or header-only export?)',
    );
  });

  it('writes no NaN, Infinity or undefined in any report', async () => {
    const out = path.join(dir.dir, r.reports_dir);
    for (const f of await readdir(out)) {
      if (!/\.(json|md|csv|html)$/.test(f)) continue;
      // the methods' prose says where "the lift is undefined" (a holdout at 0): a word, not a value
      const text = (await readFile(path.join(out, f), 'utf8')).replace(/lift is undefined/g, '');
      expect(text.match(/\bNaN\b|\bInfinity\b|\bundefined\b/g) ?? [], f).toEqual([]);
    }
  });

  it('names the kind of outcome a KPI lacks when other outcomes exist', () => {
    expect(engagedOnly.code, engagedOnly.stderr).toBe(0);
    const lines = engagedOnly.stderrLines.filter((l) =>
      /conversion_rate|revenue_per_user|engagement_rate/.test(l),
    );
    expect(lines).toEqual([
      'warning: conversion_rate: no conversion outcome (personalization.events.conversion: conversion, converted, ' +
        'signup, activated, purchase, subscribed) before as-of in product_events: not measured (null in the ' +
        'reports, not 0), and the performance-dip detection cannot run',
      'warning: revenue_per_user: no outcome with a value before as-of in product_events: not measured (null in ' +
        'the reports, not 0), and the performance-dip detection cannot run',
    ]);
  });
});
