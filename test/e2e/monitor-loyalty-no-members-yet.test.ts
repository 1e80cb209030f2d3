/**
 * monitor-loyalty with as-of before the programme's first enrolment: no members, so no active
 * member rate (the summary says n/a). The guardrail is not evaluated (a plan note says so), as
 * optimize-referrals does without sign-ups; it was alerted as 0 % "below the minimum" and, at the
 * next as-of, escalated (the s10 review's loyB at --as-of 2025-01-01). ClickHouse 18.16 the same when
 * a server is installed.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { type CliRun } from '../helpers/run-cli.ts';
import { describeOnClickHouse, loadOnClickHouse } from '../helpers/clickhouse-parity.ts';
import { runLoyalty, useLoyaltyWorkspaces, type LoyaltySpec } from '../helpers/loyalty-workspace.ts';

const SPEC: LoyaltySpec = {
  loyalty: { program: 'New Club' },
  members: ['K1,2026-01-05,Gold', 'K2,2026-02-01,Silver'],
  ledger: ['E1,K1,2026-01-10,earn,100'],
  orders: ['O1,K1,100,2026-01-10'],
};
const workspace = useLoyaltyWorkspaces();

/** Two as-ofs in a row before the first enrolment: a breach at the first would escalate at the second. */
const AS_OFS = ['2024-12-31', '2025-01-01'];
const ML = ['--window', '7d', '--json'];

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
  const cli = await runLoyalty(dir, [...ML, '--as-of', asOf, ...extra]);
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
    const { dir } = await workspace(SPEC);
    for (const asOf of AS_OFS) check(dir, await run(dir, asOf));
  });
});

describeOnClickHouse('the same on ClickHouse 18.16', (ch) => {
  it("gives no alert from the server's tables", async () => {
    const ws = await workspace(SPEC);
    await loadOnClickHouse(ws.dir, ch.url, 'loy_none', ws.yaml);
    for (const asOf of AS_OFS) check(ws.dir, await run(ws.dir, asOf, ['--config', 'gtm.clickhouse.yaml']));
  }, 180_000);
});
