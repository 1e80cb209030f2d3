/**
 * monitor-personalization at an as-of past its decisions (`--as-of 2099-01-01`) runs on the empty
 * window and says so in one warning line, as track-source, optimize-referrals and monitor-loyalty do;
 * it stopped with "error[DATA] --window: no decisions of … in the 14d window to 2099-01-01" (exit 5),
 * the only command of the five to refuse. Decision sources with no decision at all still stop the
 * run (test/e2e/bad-inputs-s16). The dashboard draws no chart of no days (its axis read NaN).
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MonitorPersonalizationResult } from '../../src/commands/monitor-personalization/index.ts';
import { entitySpec } from '../../src/data/entities/registry.ts';
import { runCli } from '../helpers/run-cli.ts';

const ENTITIES = ['decisions', 'outcomes', 'rule_changes', 'consent_records'];
const DECISIONS = [
  ['U1', '2026-11-29T10:00:00Z', 'hero', 'a', 'PLG'],
  ['U2', '2026-11-29T11:00:00Z', 'hero', 'b', 'PLG'],
];

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'gtm-mp-far-'));
  await mkdir(path.join(dir, 'data'));
  const sources = ENTITIES.map((e) => `  - { name: ${e}, entity: ${e}, kind: file, path: data/${e}.csv }`);
  await writeFile(
    path.join(dir, 'gtm.yaml'),
    `version: 1\nsources:\n${sources.join('\n')}\noutput: { snapshot: never }\n`,
  );
  for (const e of ENTITIES) {
    const cols = entitySpec(e)!.columns;
    const rows =
      e === 'decisions'
        ? DECISIONS.map((d) => {
            const v: Record<string, string> = {
              user_id: d[0],
              decided_at: d[1],
              rule_id: d[2],
              variant: d[3],
              initiative: d[4],
            };
            return `\n${cols.map((c) => v[c] ?? '').join(',')}`;
          }).join('')
        : '';
    await writeFile(path.join(dir, `data/${e}.csv`), `${cols.join(',')}${rows}\n`);
  }
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('monitor-personalization at an as-of past the data', () => {
  it('runs on the empty window with one warning naming it, exit 0', async () => {
    const cli = await runCli(['monitor-personalization', '--as-of', '2099-01-01', '--json'], { cwd: dir });
    expect(cli.stderr).not.toMatch(/error\[/);
    expect(cli.code).toBe(0);
    const r = cli.json<MonitorPersonalizationResult>();
    expect(r.totals).toEqual({ decisions: 0, users: 0, rules: 0 });
    expect(r.initiative.decisions_all_time).toBe(2);
    expect(cli.stderrLines).toContain(
      'warning: no decisions of any initiative in the 14d window to 2099-01-01 (2 outside it): the report describes an empty window; check --window and --as-of',
    );
    const html = await readFile(path.join(dir, r.reports_dir, 'dashboard.html'), 'utf8');
    expect(html).not.toMatch(/NaN|Infinity/);
    // no rule to judge: the fallback guardrail is not evaluated (it read as 0 %, a pass that
    // cleared a breach streak), and the plan says why
    expect(r.fallback).toEqual({ value: null, rule: null, threshold: 0.05, min_evaluations: 100 });
    expect(r.alerts.map((a) => a.id)).not.toContain('fallback_rate');
    const plan = JSON.parse(await readFile(path.resolve(dir, r.plan_path), 'utf8')) as {
      notes: { message: string }[];
    };
    expect(plan.notes.map((n) => n.message)).toContain(
      'no rule had 100 evaluations or more in the window: the fallback-rate guardrail was not evaluated',
    );
    expect(html).toContain('not judged');
  }, 120_000);

  it('reads the same decisions at an as-of inside the data', async () => {
    const cli = await runCli(['monitor-personalization', '--as-of', '2026-11-30', '--json'], { cwd: dir });
    expect(cli.code, cli.stderr).toBe(0);
    const r = cli.json<MonitorPersonalizationResult>();
    expect(r.totals.decisions).toBe(2);
    // two evaluations of one rule, under the 100 a rule needs to be judged
    expect(r.fallback.value).toBeNull();
    expect(cli.stderr).not.toMatch(/no decisions of/);
  }, 120_000);
});
