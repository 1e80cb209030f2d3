/**
 * Every user served a decision without the consent it needed is listed, one row per user, in
 * consent_violation_users.csv: the privacy lead's list of affected people (a breach assessment and
 * the finding's "handle the affected users' data" need who, not only how many). Before, only the
 * counts by rule and purpose and up to `consent_examples` example decisions (default 10) were
 * written: "Listing every affected user is not done yet" (README).
 *
 * The expected rows are worked out by hand from the fixture below. A second workspace has 10,050
 * affected users without any consent record (named from the decisions, beyond the 10,000 that are
 * listed in the statement itself). ClickHouse 18.16 writes the same file byte for byte.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MonitorPersonalizationResult } from '../../src/commands/monitor-personalization/index.ts';
import { entitySpec } from '../../src/data/entities/registry.ts';
import { describeOnClickHouse, runOnClickHouse } from '../helpers/clickhouse-parity.ts';
import { runCli } from '../helpers/run-cli.ts';

const ENTITIES = ['decisions', 'outcomes', 'consent_records'];
const SOURCES = ENTITIES.map((e) => `  - { name: ${e}, entity: ${e}, kind: file, path: data/${e}.csv }`);
const YAML =
  `version: 1\nsources:\n${SOURCES.join('\n')}\noutput: { snapshot: never }\n` +
  `personalization:\n  consent: { rule_purposes: { promo: marketing } }\n`;
const ARGV = ['monitor-personalization', '--as-of', '2026-11-30', '--window', '14d', '--json'];

// user, time, rule, variant
type Decision = [string, string, string, string];
// user, purpose, status, time
type Record4 = [string, string, string, string];

const DECISIONS: Decision[] = [
  // ua withdrew personalization on 11-20: its two hero decisions after are violations; promo needs
  // marketing, never granted to ua
  ['ua', '2026-11-21T10:00:00Z', 'hero', 'a'],
  ['ua', '2026-11-22T10:00:00Z', 'promo', 'a'],
  ['ua', '2026-11-25T10:00:00Z', 'hero', 'b'],
  // ub granted only on 11-25: the 11-22 decision is one, the 11-26 one is not
  ['ub', '2026-11-22T09:30:00Z', 'hero', 'a'],
  ['ub', '2026-11-26T09:30:00Z', 'hero', 'a'],
  // uc has no consent record at all
  ['uc', '2026-11-23T08:00:00Z', 'hero', 'b'],
  // ud granted both purposes before: no violation
  ['ud', '2026-11-20T08:00:00Z', 'hero', 'a'],
  ['ud', '2026-11-21T08:00:00Z', 'promo', 'a'],
  // ue withdrew and granted again before its decision: no violation
  ['ue', '2026-11-20T12:00:00Z', 'hero', 'a'],
  // uf was in the holdout (exempt), without any record
  ['uf', '2026-11-24T12:00:00Z', 'hero', 'holdout'],
];
const RECORDS: Record4[] = [
  ['ua', 'personalization', 'granted', '2026-11-01T00:00:00Z'],
  ['ua', 'personalization', 'withdrawn', '2026-11-20T00:00:00Z'],
  ['ub', 'personalization', 'granted', '2026-11-25T00:00:00Z'],
  ['ud', 'personalization', 'granted', '2026-11-01T00:00:00Z'],
  ['ud', 'marketing', 'granted', '2026-11-01T00:00:00Z'],
  ['ue', 'personalization', 'granted', '2026-11-01T00:00:00Z'],
  ['ue', 'personalization', 'withdrawn', '2026-11-10T00:00:00Z'],
  ['ue', 'personalization', 'granted', '2026-11-12T00:00:00Z'],
];

const EXPECTED = [
  'user,decisions,rules,purposes,kinds,first_decision_ts,last_decision_ts,withdrawal_ts',
  'ua,3,hero; promo,marketing; personalization,never-granted; withdrawn,2026-11-21T10:00:00Z,2026-11-25T10:00:00Z,2026-11-20T00:00:00Z',
  'ub,1,hero,personalization,granted-after-decision,2026-11-22T09:30:00Z,2026-11-22T09:30:00Z,',
  'uc,1,hero,personalization,never-granted,2026-11-23T08:00:00Z,2026-11-23T08:00:00Z,',
];

async function workspace(prefix: string, decisions: Decision[], records: Record4[]): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), prefix));
  await mkdir(path.join(dir, 'data'));
  await writeFile(path.join(dir, 'gtm.yaml'), YAML);
  const rows: Record<string, string[]> = {
    decisions: decisions.map(([user, ts, rule, variant], i) => {
      const v: Record<string, string> = {
        decision_id: `d${i}`,
        user_id: user,
        decided_at: ts,
        initiative: 'PLG',
        rule_id: rule,
        variant,
        reason: 'TARGETING_MATCH',
      };
      return entitySpec('decisions')!
        .columns.map((c) => v[c] ?? '')
        .join(',');
    }),
    outcomes: [],
    consent_records: records.map((r) => r.join(',')),
  };
  for (const e of ENTITIES)
    await writeFile(
      path.join(dir, `data/${e}.csv`),
      [entitySpec(e)!.columns.join(','), ...rows[e]].join('\n') + '\n',
    );
  return dir;
}

const csvOf = async (dir: string, r: MonitorPersonalizationResult) =>
  readFile(path.join(dir, r.reports_dir, 'consent_violation_users.csv'), 'utf8');

let small: string;
let large: string;
const LARGE = 10_050;
beforeAll(async () => {
  small = await workspace('gtm-mp-affected-', DECISIONS, RECORDS);
  const many: Decision[] = Array.from({ length: LARGE }, (_, i) => [
    `u${String(i).padStart(5, '0')}`,
    `2026-11-2${i % 9}T10:00:00Z`,
    'hero',
    'a',
  ]);
  large = await workspace(
    'gtm-mp-affected-many-',
    [...many, ['ux', '2026-11-20T10:00:00Z', 'hero', 'a']],
    [['ux', 'personalization', 'granted', '2026-11-01T00:00:00Z']],
  );
});
afterAll(async () => {
  await rm(small, { recursive: true, force: true });
  await rm(large, { recursive: true, force: true });
});

describe('consent_violation_users.csv', () => {
  it('lists every affected user once, with their decisions, rules, purposes, kinds and times', async () => {
    const cli = await runCli(ARGV, { cwd: small });
    expect(cli.code, cli.stderr).toBe(0);
    const r = cli.json<MonitorPersonalizationResult>();
    expect((r.governance.consent as { violations: number }).violations).toBe(5);
    expect(r.governance.consent_users).toEqual({
      file: 'consent_violation_users.csv',
      listed: 3,
      truncated: false,
    });
    expect((await csvOf(small, r)).trim().split('\n')).toEqual(EXPECTED);
    const md = await readFile(path.join(small, r.reports_dir, 'governance-checklist.md'), 'utf8');
    expect(md).toContain('Every affected user (3), one row each, is in consent\\_violation\\_users.csv.');
  });

  it('names every affected user without a consent record, beyond the 10,000 listed in the statement', async () => {
    const cli = await runCli(ARGV, { cwd: large });
    expect(cli.code, cli.stderr).toBe(0);
    const r = cli.json<MonitorPersonalizationResult>();
    expect(r.governance.consent_users).toMatchObject({ listed: LARGE, truncated: false });
    const lines = (await csvOf(large, r)).trim().split('\n').slice(1);
    expect(lines).toHaveLength(LARGE);
    expect(lines[0]).toBe(
      'u00000,1,hero,personalization,never-granted,2026-11-20T10:00:00Z,2026-11-20T10:00:00Z,',
    );
    expect(lines.at(-1)!.startsWith(`u${LARGE - 1},1,hero,`)).toBe(true);
    expect(lines.map((l) => l.split(',')[0])).toEqual(
      Array.from({ length: LARGE }, (_, i) => `u${String(i).padStart(5, '0')}`),
    );
  });
});

describeOnClickHouse('the same list on ClickHouse 18.16', (ch) => {
  it('writes the same consent_violation_users.csv', async () => {
    const cli = await runOnClickHouse(ch, small, YAML, ARGV, 'affectedusers');
    expect(cli.code, cli.stderr).toBe(0);
    const r = cli.json<MonitorPersonalizationResult>();
    expect(r.governance.consent_users).toMatchObject({ listed: 3, truncated: false });
    expect((await csvOf(small, r)).trim().split('\n')).toEqual(EXPECTED);
  }, 180_000);
});
