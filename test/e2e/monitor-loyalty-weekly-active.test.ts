/**
 * The weekly trend's active members are the KPI's: members with an earn or redeem row in the week.
 * Points still pending (an order in its return window) count as earned points in both, but not as
 * activity in either. Before, the trend counted a member whose only row was pending as active, so
 * a 7d run said 18 active members in the window (KPI, the alert's guardrail) and 26 for the same
 * seven days in kpi_trends.csv and the dashboard's chart (a hand-built workspace as of 2028-02-29).
 *
 * Hand-worked, as of 2026-11-30, window 7d (2026-11-24 to 2026-12-01): A earns 100 points on
 * 2026-11-27; B's order of 2026-11-28 has a pending row of 50 points and no earn row yet; C redeems
 * 300 on 2026-11-26. Active: A and C (2); earned: 150; redeemed: 300. G9, no member, has an order
 * of 500 flagged as a member's on 2026-11-29: a non-member order (G9 purchased without being a
 * member, one eligible customer, none enrolled), so member revenue is 150 (A's and B's orders) and
 * non-member revenue 500 in the KPIs and in the week; the trend counted it as member revenue (650),
 * then in neither revenue while G9 counted as eligible.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.ts';

const YAML = `version: 1
sources:
  - { name: members, entity: members, kind: file, path: data/members.csv }
  - { name: ledger, entity: ledger, kind: file, path: data/ledger.csv }
  - { name: orders, entity: orders, kind: file, path: data/orders.csv }
currency: { reporting: USD }
loyalty: { program: Weekly Club, value_per_point: 0.01 }
output: { snapshot: never }
`;
const FILES: Record<string, string> = {
  'members.csv': 'member_id,enrolled_at,tier\nA,2026-01-05,Gold\nB,2026-01-05,Gold\nC,2026-01-05,Gold\n',
  'ledger.csv': [
    'entry_id,member_id,occurred_at,type,points,order_id',
    'E0,C,2026-06-01,earn,400,O0',
    'E1,A,2026-11-27,earn,100,O1',
    'E2,B,2026-11-28,pending,50,O2',
    'E3,C,2026-11-26,redeem,300,',
  ].join('\n'),
  'orders.csv': [
    'order_id,customer_id,amount,ordered_at,currency,is_member',
    'O0,C,400,2026-06-01,USD,',
    'O1,A,100,2026-11-27,USD,',
    'O2,B,50,2026-11-28,USD,',
    'O3,G9,500,2026-11-29,USD,Y',
  ].join('\n'),
};

const root = mkdtempSync(path.join(tmpdir(), 'gtm-loy-weekly-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

interface Result {
  reports_dir: string;
  kpis: {
    overall: {
      active_members: number;
      points_earned: number;
      points_redeemed: number;
      revenue: number;
      eligible_customers: number;
      enrollment_rate: number | null;
      non_member: { customers: number; orders: number; revenue: number };
    };
  };
}

describe('monitor-loyalty: the weekly trend of active members', () => {
  it('counts earn and redeem rows, not pending points, as the KPI does', async () => {
    const dir = path.join(root, 'ws');
    mkdirSync(path.join(dir, 'data'), { recursive: true });
    writeFileSync(path.join(dir, 'gtm.yaml'), YAML);
    for (const [f, text] of Object.entries(FILES)) writeFileSync(path.join(dir, 'data', f), `${text}\n`);
    const cli = await runCli(['monitor-loyalty', '--window', '7d', '--as-of', '2026-11-30', '--json'], {
      cwd: dir,
      env: { ...process.env, GTM_SNAPSHOT: 'never' },
    });
    expect(cli.code, cli.stderr).toBe(0);
    const r = cli.json<Result>();
    expect(r.kpis.overall).toMatchObject({
      active_members: 2,
      points_earned: 150,
      points_redeemed: 300,
      revenue: 150,
      eligible_customers: 1,
      enrollment_rate: 0,
      non_member: { customers: 1, orders: 1, revenue: 500 },
    });
    const [head, ...lines] = readFileSync(path.join(dir, r.reports_dir, 'kpi_trends.csv'), 'utf8')
      .trim()
      .split('\n');
    const cols = head.split(',');
    const last = Object.fromEntries(lines[lines.length - 1].split(',').map((v, i) => [cols[i], v]));
    expect(last).toMatchObject({
      week_start: '2026-11-24',
      points_earned: '150',
      points_redeemed: '300',
      active_members: '2',
      member_revenue: '150',
      non_member_revenue: '500',
    });
  }, 120_000);
});
