/**
 * DuckDB against ClickHouse 18.16 on small workspaces unlike the demo's: each case is a handful of
 * rows that a seeded generator of varied workspaces (other as-of dates and windows, blank and
 * NULL-ish cells, time zones, duplicates, rejected rows, empty optional sources, minor units) found
 * the two engines to disagree on. Each runs the command on the files, then on one loopback server
 * (`gtm engine load`, `--config gtm.clickhouse.yaml`): both exit 0, the same result.json to 1e-9
 * (less what names the run), and the numbers the case is about checked against a hand count.
 *
 * Skipped (with the reason) when no clickhouse-server is installed.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.ts';
import {
  CLICKHOUSE_CONFIG,
  describeOnClickHouse,
  expectClose,
  loadOnClickHouse,
  stripRun,
  type OnClickHouse,
} from '../helpers/clickhouse-parity.ts';

const root = mkdtempSync(path.join(tmpdir(), 'gtm-ch-varied-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A workspace of `yaml` and `files` (relative to its folder) under a fresh folder named `name`. */
function workspace(name: string, yaml: string, files: Record<string, string>): string {
  const dir = path.join(root, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'gtm.yaml'), yaml);
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), text);
  }
  return dir;
}

/** `argv` on the files, then on the server (loaded into `database`); both must exit 0. */
async function onBoth(
  ch: OnClickHouse,
  dir: string,
  yaml: string,
  argv: string[],
  database: string,
): Promise<{ duck: Record<string, unknown>; onCh: Record<string, unknown> }> {
  const env = { ...process.env, GTM_SNAPSHOT: 'never' };
  const duckRun = await runCli([...argv, '--json'], { cwd: dir, env });
  expect(duckRun.code, `DuckDB: ${duckRun.stderr}`).toBe(0);
  await loadOnClickHouse(dir, ch.url, database, yaml);
  const chRun = await runCli([...argv, '--config', CLICKHOUSE_CONFIG, '--json'], { cwd: dir, env });
  expect(chRun.code, `ClickHouse: ${chRun.stderr}`).toBe(0);
  const duck = duckRun.json<Record<string, unknown>>();
  const onCh = chRun.json<Record<string, unknown>>();
  // an escalation's time is when the run made it
  const strip = (r: Record<string, unknown>) => {
    const out = stripRun(r);
    if (Array.isArray(out.escalations))
      out.escalations = (out.escalations as Record<string, unknown>[]).map(({ at: _at, ...e }) => e);
    return out;
  };
  expectClose(strip(onCh), strip(duck), 'result');
  return { duck, onCh };
}

const PERSONALIZATION_YAML = `version: 1
sources:
  - { name: decisions, entity: decisions, kind: file, path: data/decisions.csv }
  - { name: outcomes, entity: outcomes, kind: file, path: data/outcomes.csv }
personalization:
  initiatives: [Onb]
  holdout_variants: [hold]
  events: { engagement: [use], conversion: [buy] }
output: { snapshot: never }
`;

describeOnClickHouse('varied workspaces: DuckDB and ClickHouse 18.16 agree', (ch) => {
  it('monitor-personalization: decisions logged without an evaluation reason (NULL) are counted as UNKNOWN fallbacks on both', async () => {
    // d3 and d5 have no reason: before, the server failed on CAST(NULL AS String) (exit 6)
    const dir = workspace('mp-null-reason', PERSONALIZATION_YAML, {
      'data/decisions.csv': `decision_id,user_id,decided_at,initiative,rule_id,variant,reason
d1,u1,2026-11-20T10:00:00Z,Onb,r1,v1,TARGETING_MATCH
d2,u2,2026-11-21T10:00:00Z,Onb,r1,hold,SPLIT
d3,u3,2026-11-22T10:00:00Z,Onb,r1,v1,
d4,u4,2026-11-23T10:00:00Z,Onb,r1,v1,TARGETING_MATCH
d5,u5,2026-11-24T10:00:00Z,Onb,r1,hold,
`,
      'data/outcomes.csv': `outcome_id,user_id,occurred_at,event
o1,u1,2026-11-20T12:00:00Z,buy
o2,u3,2026-11-22T12:00:00Z,use
`,
    });
    const argv = ['monitor-personalization', '--window', '30d', '--as-of', '2026-11-30'];
    const { onCh } = await onBoth(ch, dir, PERSONALIZATION_YAML, argv, 'mp_null_reason');
    const rule = (
      onCh as {
        governance: {
          rule_health: {
            rules: {
              counts: { fallback: number };
              rates: { fallback: number };
              reasons: { reason: string; evaluations: number }[];
            }[];
          };
        };
      }
    ).governance.rule_health.rules[0];
    // by hand: 5 decisions of r1, 2 without a reason (fallbacks), 2 TARGETING_MATCH, 1 SPLIT
    expect(Object.fromEntries(rule.reasons.map((r) => [r.reason, r.evaluations]))).toEqual({
      TARGETING_MATCH: 2,
      UNKNOWN: 2,
      SPLIT: 1,
    });
    expect(rule.counts.fallback).toBe(2);
    expect(rule.rates.fallback).toBe(0.4);
  }, 180_000);
  it('monitor-personalization: an empty consent-records export falls back to the logged consent state, and names and lists the same users on both', async () => {
    // the consent platform's export is header-only: consent is checked against the logged states;
    // before, ClickHouse only counted them (consent_users null, no example, no users file)
    const yaml = PERSONALIZATION_YAML.replace(
      'personalization:',
      `  - { name: consent, entity: consent_records, kind: file, path: data/consent.csv }
personalization:`,
    );
    const dir = workspace('mp-empty-consent', yaml, {
      'data/decisions.csv': `decision_id,user_id,decided_at,initiative,rule_id,variant,reason,consent_state
d1,u1,2026-11-20T10:00:00Z,Onb,r1,v1,TARGETING_MATCH,granted
d2,u2,2026-11-21T10:00:00Z,Onb,r1,v1,TARGETING_MATCH,denied
d3,u2,2026-11-22T10:00:00Z,Onb,r1,v1,TARGETING_MATCH,withdrawn
d4,u3,2026-11-23T10:00:00Z,Onb,r1,v1,TARGETING_MATCH,
d5,u4,2026-11-24T10:00:00Z,Onb,r1,hold,SPLIT,denied
`,
      'data/outcomes.csv': `outcome_id,user_id,occurred_at,event
o1,u1,2026-11-20T12:00:00Z,buy
`,
      'data/consent.csv': 'user_id,purpose,status,recorded_at\n',
    });
    const argv = ['monitor-personalization', '--window', '30d', '--as-of', '2026-11-30'];
    const { onCh } = await onBoth(ch, dir, yaml, argv, 'mp_empty_consent');
    const g = (
      onCh as {
        governance: {
          consent_source: string;
          consent: { violations: number; users: number; by_kind: Record<string, number> };
          consent_users: { listed: number } | null;
        };
      }
    ).governance;
    // by hand: d2, d3 (u2, refused) and d4 (u3, no state) need consent and lack it; d5 is the holdout
    expect(g.consent_source).toBe('logged');
    expect(g.consent.violations).toBe(3);
    expect(g.consent.users).toBe(2);
    expect(g.consent.by_kind).toEqual({ withdrawn: 2, 'never-granted': 1, 'granted-after-decision': 0 });
    expect(g.consent_users?.listed).toBe(2);
  }, 180_000);
  it('monitor-personalization: an amount too large for a double (1e999) is rejected quoting the cell as written on both', async () => {
    // the loaded column was Float64, so the server's reason quoted "inf"; now it stays text
    const yaml = `${PERSONALIZATION_YAML}thresholds: { max_reject_rate: 0.5 }\n`.replace(
      'path: data/outcomes.csv }',
      'path: data/outcomes.csv,\n      mapping: { outcome_id: outcome_id, user_id: user_id, occurred_at: occurred_at, event: event, value: amount } }',
    );
    const dir = workspace('mp-huge-amount', yaml, {
      'data/decisions.csv': `decision_id,user_id,decided_at,initiative,rule_id,variant,reason
d1,u1,2026-11-20T10:00:00Z,Onb,r1,v1,TARGETING_MATCH
d2,u2,2026-11-21T10:00:00Z,Onb,r1,hold,SPLIT
d3,u3,2026-11-22T10:00:00Z,Onb,r1,v1,TARGETING_MATCH
`,
      'data/outcomes.csv': `outcome_id,user_id,occurred_at,event,amount
o1,u1,2026-11-20T12:00:00Z,buy,12.5
o2,u3,2026-11-22T12:00:00Z,buy,1e999
o3,u2,2026-11-23T12:00:00Z,buy,20
`,
    });
    const argv = ['monitor-personalization', '--window', '30d', '--as-of', '2026-11-30'];
    const { duck, onCh } = await onBoth(ch, dir, yaml, argv, 'mp_huge_amount');
    const rejects = async (r: Record<string, unknown>) =>
      (await readFile(path.join(dir, r.reports_dir as string, 'rejects.csv'), 'utf8')).trim().split('\n');
    // by hand: data row 2 of outcomes.csv is file line 3
    const expected = [
      'source,file,row,reason,raw',
      'outcomes,data/outcomes.csv,3,value: 1e999 is not a finite number,',
    ];
    expect(await rejects(duck)).toEqual(expected);
    expect(await rejects(onCh)).toEqual(expected);
  }, 180_000);
  it('monitor-personalization: amounts written with a leading + (+20, +7.5) are read on both, not rejected on ClickHouse', async () => {
    const yaml = PERSONALIZATION_YAML.replace(
      'path: data/outcomes.csv }',
      'path: data/outcomes.csv,\n      mapping: { outcome_id: outcome_id, user_id: user_id, occurred_at: occurred_at, event: event, value: amount } }',
    );
    const dir = workspace('mp-plus-amount', yaml, {
      'data/decisions.csv': `decision_id,user_id,decided_at,initiative,rule_id,variant,reason
d1,u1,2026-11-20T10:00:00Z,Onb,r1,v1,TARGETING_MATCH
d2,u2,2026-11-21T10:00:00Z,Onb,r1,hold,SPLIT
d3,u3,2026-11-22T10:00:00Z,Onb,r1,v1,TARGETING_MATCH
`,
      'data/outcomes.csv': `outcome_id,user_id,occurred_at,event,amount
o1,u1,2026-11-20T12:00:00Z,buy,+20
o2,u3,2026-11-22T12:00:00Z,buy,+7.5
o3,u2,2026-11-23T12:00:00Z,buy,10
`,
    });
    const argv = ['monitor-personalization', '--window', '30d', '--as-of', '2026-11-30'];
    const { onCh } = await onBoth(ch, dir, yaml, argv, 'mp_plus_amount');
    const accounting = (onCh as { row_accounting: { source: string; accepted: number; rejected: number }[] })
      .row_accounting;
    // by hand: all three outcomes read (before, ClickHouse rejected +20 and +7.5: cannot read as a number)
    expect(accounting.find((a) => a.source === 'outcomes')).toMatchObject({ accepted: 3, rejected: 0 });
  }, 180_000);
});
