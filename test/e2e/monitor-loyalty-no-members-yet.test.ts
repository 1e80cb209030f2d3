/**
 * monitor-loyalty with as-of before the programme's first enrolment: no members, so no active
 * member rate (the summary says n/a). The guardrail is not evaluated (a plan note says so), as
 * optimize-referrals does without sign-ups; it was alerted as 0 % "below the minimum" and, at the
 * next as-of, escalated (the s10 review's loyB at --as-of 2025-01-01). ClickHouse 18.16 the same when
 * a server is installed.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, type CliRun } from '../helpers/run-cli.ts';
import { describeOnClickHouse, loadOnClickHouse } from '../helpers/clickhouse-parity.ts';

const YAML = `version: 1
sources:
  - { name: members, entity: members, kind: file, path: data/members.csv }
  - { name: ledger, entity: ledger, kind: file, path: data/ledger.csv }
  - { name: orders, entity: orders, kind: file, path: data/orders.csv }
currency: { reporting: USD }
loyalty: { program: New Club, value_per_point: 0.01 }
output: { snapshot: never }
`;
const FILES: Record<string, string> = {
  'members.csv': 'member_id,enrolled_at,tier\nK1,2026-01-05,Gold\nK2,2026-02-01,Silver\n',
  'ledger.csv': 'entry_id,member_id,occurred_at,type,points\nE1,K1,2026-01-10,earn,100\n',
  'orders.csv': 'order_id,customer_id,amount,ordered_at,currency\nO1,K1,100,2026-01-10,USD\n',
};

const root = mkdtempSync(path.join(tmpdir(), 'gtm-loy-nomembers-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function workspace(name: string): string {
  const dir = path.join(root, name);
  mkdirSync(path.join(dir, 'data'), { recursive: true });
  writeFileSync(path.join(dir, 'gtm.yaml'), YAML);
  for (const [f, text] of Object.entries(FILES)) writeFileSync(path.join(dir, 'data', f), text);
  return dir;
}

/** Two as-ofs in a row before the first enrolment: a breach at the first would escalate at the second. */
const AS_OFS = ['2024-12-31', '2025-01-01'];
const ML = ['monitor-loyalty', '--window', '7d', '--json'];

interface Result {
  plan_path: string;
  kpis: { overall: { members: number; active_member_rate: number | null } };
  alerts: { id: string; breached: boolean; escalate: boolean }[];
}

async function run(
  dir: string,
  asOf: string,
  extra: string[] = [],
): Promise<{ cli: CliRun; result: Result }> {
  const cli = await runCli([...ML, '--as-of', asOf, ...extra], {
    cwd: dir,
    env: { ...process.env, GTM_SNAPSHOT: 'never' },
  });
  expect(cli.code, cli.stderr).toBe(0);
  return { cli, result: cli.json<Result>() };
}

const check = (dir: string, out: { cli: CliRun; result: Result }) => {
  expect(out.result.kpis.overall).toMatchObject({ members: 0, active_member_rate: null });
  expect(out.result.alerts.map((a) => a.id)).not.toContain('active_member_rate');
  expect(out.result.alerts.filter((a) => a.breached)).toEqual([]);
  expect(out.cli.stderr).not.toMatch(/active_member_rate/);
  const plan = readFileSync(path.resolve(dir, out.result.plan_path), 'utf8');
  expect(plan).toContain('the active-member-rate guardrail was not evaluated');
};

describe('monitor-loyalty before the first enrolment', () => {
  it('does not alert (nor escalate on the next run) on a rate that does not exist', async () => {
    const dir = workspace('duck');
    for (const asOf of AS_OFS) check(dir, await run(dir, asOf));
  });
});

describeOnClickHouse('the same on ClickHouse 18.16', (ch) => {
  it("gives no alert from the server's tables", async () => {
    const dir = workspace('ch');
    await loadOnClickHouse(dir, ch.url, 'loy_none', YAML);
    for (const asOf of AS_OFS) check(dir, await run(dir, asOf, ['--config', 'gtm.clickhouse.yaml']));
  }, 180_000);
});
