/**
 * monitor-loyalty with an as-of far past the data (`--as-of 2099-01-01` on the demo): the window
 * holds no ledger or order row, so every member is "inactive". It recorded a breached
 * active_member_rate alert (0 % below 25 %) and, on the next run, an escalation, with no word that
 * the as-of was past the data. Now one warning line (stderr, result.json `warnings`, the summary)
 * says how far past the last row the as-of is, and the guardrail is not evaluated (a plan note says
 * why). Before the first enrolment the same warning names that enrolment. A check of the data,
 * not of the wall clock. ClickHouse 18.16 the same when a server is installed.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { type CliRun } from '../helpers/run-cli.ts';
import { describeOnClickHouse, loadOnClickHouse } from '../helpers/clickhouse-parity.ts';
import { runLoyalty, useLoyaltyWorkspaces, type LoyaltySpec } from '../helpers/loyalty-workspace.ts';

const SPEC: LoyaltySpec = {
  loyalty: { program: 'Past Club' },
  members: ['K1,2026-01-05,Gold', 'K2,2026-02-01,Silver'],
  ledger: ['E1,K1,2026-01-10,earn,100', 'E2,K2,2026-02-03,earn,50'],
  orders: ['O1,K1,100,2026-01-10', 'O2,K2,50,2026-02-03T10:00:00Z'],
};
const workspace = useLoyaltyWorkspaces();

interface Result {
  plan_path: string;
  reports_dir: string;
  warnings: string[];
  kpis: {
    overall: { members: number; active_member_rate: number | null };
    coverage: { last_activity: string | null; guardrail_skipped: string | null; warning: string | null };
  };
  alerts: { id: string; breached: boolean }[];
  escalations: unknown[];
}

async function run(
  dir: string,
  asOf: string,
  extra: string[] = [],
): Promise<{ cli: CliRun; result: Result }> {
  const cli = await runLoyalty(dir, ['--window', '30d', '--as-of', asOf, '--json', ...extra]);
  expect(cli.code, cli.stderr).toBe(0);
  return { cli, result: cli.json<Result>() };
}

/** The warning of an as-of `days` days after the data (2026-02-03). */
const far = (asOf: string, days: string) =>
  `as-of ${asOf} is ${days} days after the last ledger or order row (2026-02-03), more than the 30d window: the window holds no ledger or order row, so its KPIs describe no data and the active-member-rate guardrail was not evaluated; check --as-of (the data run to 2026-02-03)`;
const EARLY =
  'as-of 2025-06-30 is before the first enrolment (2026-01-05): no member at as-of, so the KPIs, liability and segments are empty and the active-member-rate guardrail was not evaluated; check --as-of';

/** One warning line on stderr and in result.json, no active-rate alert, no escalation, a plan note. */
function expectSkipped(dir: string, out: { cli: CliRun; result: Result }, warning: string): void {
  expect(out.cli.stderrLines.filter((l) => l.includes('as-of'))).toEqual([`warning: ${warning}`]);
  expect(out.result.warnings).toContain(warning);
  expect(out.result.kpis.coverage.warning).toBe(warning);
  expect(out.result.alerts.map((a) => a.id)).not.toContain('active_member_rate');
  expect(out.result.escalations).toEqual([]);
  const plan = readFileSync(path.resolve(dir, out.result.plan_path), 'utf8');
  expect(plan).toContain('the active-member-rate guardrail was not evaluated');
  const summary = readFileSync(path.resolve(dir, out.result.reports_dir, 'summary.md'), 'utf8');
  expect(summary).toContain(`**Check the as-of:** ${warning}.`);
}

async function checkAll(dir: string, extra: string[] = []): Promise<void> {
  // two as-ofs in a row: a breach was escalated at the second
  expectSkipped(dir, await run(dir, '2098-12-31', extra), far('2098-12-31', '26,629'));
  expectSkipped(dir, await run(dir, '2099-01-01', extra), far('2099-01-01', '26,630'));
  const early = await run(dir, '2025-06-30', extra);
  expectSkipped(dir, early, EARLY);
  expect(early.result.kpis.overall.members).toBe(0);
  // data in the window: no warning, the guardrail is evaluated (K2 earned on 2026-02-03: 1 of 2)
  const inside = await run(dir, '2026-02-10', extra);
  expect(inside.result.kpis.coverage).toMatchObject({ warning: null, guardrail_skipped: null });
  expect(inside.result.kpis.coverage.last_activity).toBe('2026-02-03T10:00:00.000Z');
  expect(inside.result.warnings.filter((w) => w.includes('as-of'))).toEqual([]);
  expect(inside.result.alerts.find((a) => a.id === 'active_member_rate')).toMatchObject({ breached: false });
}

describe('monitor-loyalty with an as-of past the data or before it', () => {
  it('warns once and raises no active-rate alert or escalation from a window of no data', async () => {
    await checkAll((await workspace(SPEC)).dir);
  }, 120_000);
});

describeOnClickHouse('the same on ClickHouse 18.16', (ch) => {
  it("says so from the server's tables", async () => {
    const ws = await workspace(SPEC);
    await loadOnClickHouse(ws.dir, ch.url, 'loy_past', ws.yaml);
    await checkAll(ws.dir, ['--config', 'gtm.clickhouse.yaml']);
  }, 240_000);
});
