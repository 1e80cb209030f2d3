/**
 * Without consent records, monitor-personalization checks consent against the state each decision
 * logged, and lists the violations as it does with records: the users counted, example decisions
 * in result.json and consent_violations.csv. It counted them only (users null, no example, an
 * empty consent_violations.csv). Found by the issue 13 acceptance check (h-persacc20): 13
 * decisions to 10 users logged 'denied' were counted, none listed.
 *
 * A logged `denied` (or `rejected`, `no`) is the user's no, the same kind as a logged `withdrawn`
 * and as a consent record's `denied` (read as `withdrawn`): it was 'never-granted' here, so one
 * refusal had two labels depending on where it was recorded (h-fmt24). `unknown` and a blank state
 * stay 'never-granted'.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MonitorPersonalizationResult } from '../../src/commands/monitor-personalization/index.ts';
import { entitySpec } from '../../src/data/entities/registry.ts';
import { describeOnClickHouse, runOnClickHouse } from '../helpers/clickhouse-parity.ts';
import { runCli } from '../helpers/run-cli.ts';

const ENTITIES = ['decisions', 'outcomes', 'rule_changes'];
// user, time, variant, reason, consent state
const DECISIONS = [
  ['U1', '2026-11-28T10:00:00Z', 'a', 'TARGETING_MATCH', 'granted'],
  ['U2', '2026-11-28T11:00:00Z', 'a', 'TARGETING_MATCH', 'denied'],
  ['U2', '2026-11-29T11:00:00Z', 'b', 'SPLIT', 'denied'],
  ['U3', '2026-11-29T12:00:00Z', 'b', 'TARGETING_MATCH', 'withdrawn'],
  ['U4', '2026-11-29T13:00:00Z', 'holdout', 'SPLIT', 'denied'],
  ['U5', '2026-11-29T14:00:00Z', 'a', 'DEFAULT', 'denied'],
  ['U6', '2026-11-29T15:00:00Z', 'a', 'TARGETING_MATCH', 'unknown'],
  ['U7', '2026-11-29T16:00:00Z', 'a', 'TARGETING_MATCH', 'Rejected'],
];

const SOURCES = ENTITIES.map((e) => `  - { name: ${e}, entity: ${e}, kind: file, path: data/${e}.csv }`);
const YAML = `version: 1\nsources:\n${SOURCES.join('\n')}\noutput: { snapshot: never }\n`;
const ARGV = ['monitor-personalization', '--as-of', '2026-11-30', '--json'];

type Consent = {
  violations: number;
  users: number | null;
  by_kind: Record<string, number>;
  examples: { user: string; kind: string; decision_ts: string }[];
};

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'gtm-mp-logged-'));
  await mkdir(path.join(dir, 'data'));
  await writeFile(path.join(dir, 'gtm.yaml'), YAML);
  for (const e of ENTITIES) {
    const cols = entitySpec(e)!.columns;
    const rows =
      e === 'decisions'
        ? DECISIONS.map((d) => {
            const v: Record<string, string> = {
              user_id: d[0],
              decided_at: d[1],
              rule_id: 'hero',
              variant: d[2],
              reason: d[3],
              consent_state: d[4],
              initiative: 'PLG',
            };
            return `\n${cols.map((c) => v[c] ?? '').join(',')}`;
          }).join('')
        : '';
    await writeFile(path.join(dir, `data/${e}.csv`), `${cols.join(',')}${rows}\n`);
  }
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** U2's two decisions and U7's (denied, Rejected) and U3's (withdrawn) are withdrawals, U6's (unknown) no grant. */
const BY_KIND = { withdrawn: 4, 'never-granted': 1, 'granted-after-decision': 0 };

describe('monitor-personalization without consent records', () => {
  it('counts, names and lists the decisions whose logged consent state is not granted', async () => {
    const cli = await runCli(ARGV, { cwd: dir });
    expect(cli.stderr).not.toMatch(/error\[/);
    const r = cli.json<MonitorPersonalizationResult>();
    const c = r.governance.consent as Consent;
    expect(r.governance.consent_source).toBe('logged');
    // U2's two decisions, U3's, U6's and U7's; the holdout's and the default's are exempt
    expect(c.violations).toBe(5);
    expect(c.users).toBe(4);
    expect(c.by_kind).toEqual(BY_KIND);
    expect(c.examples.map((e) => [e.user, e.kind, e.decision_ts])).toEqual([
      ['u7', 'withdrawn', '2026-11-29T16:00:00Z'],
      ['u3', 'withdrawn', '2026-11-29T12:00:00Z'],
      ['u2', 'withdrawn', '2026-11-29T11:00:00Z'],
      ['u2', 'withdrawn', '2026-11-28T11:00:00Z'],
      ['u6', 'never-granted', '2026-11-29T15:00:00Z'],
    ]);
    const csv = await readFile(path.join(dir, r.reports_dir, 'consent_violations.csv'), 'utf8');
    expect(csv.trim().split('\n')).toHaveLength(6);
    // one label for the kind: the checklist, the finding and the dashboard's table alike
    expect(JSON.stringify(r.governance.checklist)).toContain(
      'without consent: withdrawn or denied before the decision 4, never granted 1, granted only after the decision 0;',
    );
    expect(JSON.stringify(r.governance.findings)).toContain(
      'withdrawn or denied before the decision 4, never granted 1; e.g. user u7 at 2026-11-29T16:00:00Z (withdrawn or denied before the decision)',
    );
    const html = await readFile(path.join(dir, r.reports_dir, 'dashboard.html'), 'utf8');
    expect(html).toContain('>withdrawn or denied before the decision<');
  });
});

describeOnClickHouse('the same on ClickHouse 18.16', (ch) => {
  // it counted only there (users null, no example, no affected-users list)
  it('counts a logged denied as a withdrawal too, and names and lists the same users', async () => {
    const cli = await runOnClickHouse(ch, dir, YAML, ARGV, 'loggedconsent');
    expect(cli.code, cli.stderr).toBe(0);
    const r = cli.json<MonitorPersonalizationResult>();
    expect(r.governance.consent_source).toBe('logged');
    const c = r.governance.consent as Consent;
    expect(c.by_kind).toEqual(BY_KIND);
    expect(c.violations).toBe(5);
    expect(c.users).toBe(4);
    expect(c.examples.map((e) => [e.user, e.kind, e.decision_ts])).toEqual([
      ['u7', 'withdrawn', '2026-11-29T16:00:00Z'],
      ['u3', 'withdrawn', '2026-11-29T12:00:00Z'],
      ['u2', 'withdrawn', '2026-11-29T11:00:00Z'],
      ['u2', 'withdrawn', '2026-11-28T11:00:00Z'],
      ['u6', 'never-granted', '2026-11-29T15:00:00Z'],
    ]);
    expect(r.governance.consent_users).toMatchObject({ listed: 4, truncated: false });
    const users = await readFile(path.join(dir, r.reports_dir, 'consent_violation_users.csv'), 'utf8');
    expect(
      users
        .trim()
        .split('\n')
        .slice(1)
        .map((l) => l.split(',')[0]),
    ).toEqual(['u2', 'u3', 'u6', 'u7']);
  }, 180_000);
});
