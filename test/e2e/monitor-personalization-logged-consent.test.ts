/**
 * Without consent records, monitor-personalization checks consent against the state each decision
 * logged, and lists the violations as it does with records: the users counted, example decisions
 * in result.json and consent_violations.csv. It counted them only (users null, no example, an
 * empty consent_violations.csv). Found by the issue 13 acceptance check (h-persacc20): 13
 * decisions to 10 users logged 'denied' were counted, none listed.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MonitorPersonalizationResult } from '../../src/commands/monitor-personalization/index.ts';
import { entitySpec } from '../../src/data/entities/registry.ts';
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
];

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'gtm-mp-logged-'));
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

describe('monitor-personalization without consent records', () => {
  it('counts, names and lists the decisions whose logged consent state is not granted', async () => {
    const cli = await runCli(['monitor-personalization', '--as-of', '2026-11-30', '--json'], { cwd: dir });
    expect(cli.stderr).not.toMatch(/error\[/);
    const r = cli.json<MonitorPersonalizationResult>();
    const c = r.governance.consent as {
      violations: number;
      users: number | null;
      by_kind: Record<string, number>;
      examples: { user: string; kind: string; decision_ts: string }[];
    };
    expect(r.governance.consent_source).toBe('logged');
    // U2's two decisions (denied) and U3's (withdrawn); the holdout's and the default's are exempt
    expect(c.violations).toBe(3);
    expect(c.users).toBe(2);
    expect(c.by_kind).toEqual({ withdrawn: 1, 'never-granted': 2, 'granted-after-decision': 0 });
    expect(c.examples.map((e) => [e.user, e.kind, e.decision_ts])).toEqual([
      ['u3', 'withdrawn', '2026-11-29T12:00:00Z'],
      ['u2', 'never-granted', '2026-11-29T11:00:00Z'],
      ['u2', 'never-granted', '2026-11-28T11:00:00Z'],
    ]);
    const csv = await readFile(path.join(dir, r.reports_dir, 'consent_violations.csv'), 'utf8');
    expect(csv.trim().split('\n')).toHaveLength(4);
  });
});
