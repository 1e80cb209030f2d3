/**
 * The freshness alerts of monitor-personalization measure hours since a source's latest row, and
 * say so: their unit is `hours` (result.json, plan), the warning reads "37.0 h vs threshold 6.0 h"
 * and the dashboard "37 h vs guardrail 6 h". They carried `unit: "ratio"`, a dimensionless number,
 * and printed "37.00 vs threshold 6.00". result.json stays valid against its schema and the plan
 * against plan.schema.json (the next run reads it back as history).
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Ajv } from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MonitorPersonalizationResult } from '../../src/commands/monitor-personalization/index.ts';
import { entitySpec } from '../../src/data/entities/registry.ts';
import { planRecordProblems } from '../../src/orchestrator/validate-plan-record.ts';
import { runCli } from '../helpers/run-cli.ts';

const ENTITIES = ['decisions', 'outcomes', 'rule_changes', 'consent_records'];

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'gtm-mp-fresh-'));
  await mkdir(path.join(dir, 'data'));
  const sources = ENTITIES.map((e) => `  - { name: ${e}, entity: ${e}, kind: file, path: data/${e}.csv }`);
  await writeFile(
    path.join(dir, 'gtm.yaml'),
    `version: 1\nsources:\n${sources.join('\n')}\noutput: { snapshot: never }\n`,
  );
  for (const e of ENTITIES) {
    const cols = entitySpec(e)!.columns;
    const v: Record<string, string> = {
      user_id: 'U1',
      decided_at: '2026-11-29T11:00:00Z',
      rule_id: 'hero',
      variant: 'a',
      initiative: 'PLG',
    };
    const row = e === 'decisions' ? `\n${cols.map((c) => v[c] ?? '').join(',')}` : '';
    await writeFile(path.join(dir, `data/${e}.csv`), `${cols.join(',')}${row}\n`);
  }
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('monitor-personalization freshness alerts', () => {
  it('are in hours, and read as hours', async () => {
    const cli = await runCli(['monitor-personalization', '--as-of', '2026-11-30', '--json'], { cwd: dir });
    expect(cli.code, cli.stderr).toBe(0);
    const r = cli.json<MonitorPersonalizationResult>();
    // the latest decision 2026-11-29T11:00Z, the end of the as-of day 2026-12-01T00:00Z: 13 + 24 = 37 h;
    // decisions warn after 6 h (the default SLA)
    const alert = r.alerts.find((a) => a.id === 'freshness.decisions');
    expect(alert).toMatchObject({ value: 37, threshold: 6, unit: 'hours', breached: true });
    for (const a of r.alerts.filter((x) => x.id.startsWith('freshness.')))
      expect(a, a.id).toMatchObject({ unit: 'hours' });
    expect(cli.stderrLines).toContainEqual(
      expect.stringMatching(
        /^warning: alert freshness\.decisions \(hours since .*\): 37\.0 h vs threshold 6\.0 h \(above the maximum\) — breached$/,
      ),
    );
    const html = await readFile(path.join(dir, r.reports_dir, 'dashboard.html'), 'utf8');
    expect(html).toContain('freshness.decisions: 37 h vs guardrail 6 h — breached');

    const schema = JSON.parse(
      await readFile(
        path.resolve('src/commands/monitor-personalization/monitor-personalization.result.schema.json'),
        'utf8',
      ),
    ) as object;
    const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
    expect(validate(r), JSON.stringify(validate.errors)).toBe(true);
    expect(validate({ ...r, alerts: [{ ...alert, unit: 'furlongs' }] })).toBe(false);
    const plan = JSON.parse(await readFile(path.resolve(dir, r.plan_path), 'utf8')) as {
      alerts: { id: string; unit?: string }[];
    };
    expect(plan.alerts.find((a) => a.id === 'freshness.decisions')?.unit).toBe('hours');
    expect(planRecordProblems(plan)).toEqual([]);

    // the next as-of reads that plan back as history: the streak grows, no refusal
    const next = await runCli(['monitor-personalization', '--as-of', '2026-12-01', '--json'], { cwd: dir });
    expect(next.code, next.stderr).toBe(0);
    expect(
      next.json<MonitorPersonalizationResult>().alerts.find((a) => a.id === 'freshness.decisions'),
    ).toMatchObject({ value: 61, unit: 'hours', consecutive_breaches: 2 });
  }, 120_000);
});
