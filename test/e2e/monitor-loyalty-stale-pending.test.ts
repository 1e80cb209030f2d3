/**
 * monitor-loyalty: pending points past their confirmation period. A `pending` row (points awaiting
 * the return period) whose order never got an earn row stayed in the pending points, the
 * outstanding points and the liability however old it was (an as-of years past the data still
 * carried every pending point). Now a pending row written more than `loyalty.pending_confirmation_days`
 * (default 90) days before the end of the as-of day is stale: out of the pending points, the
 * liability and the members' balances, and reported as a data finding. ClickHouse 18.16 the same
 * when a server is installed.
 *
 * The member-balances workspace (monitor-loyalty-member-balances.test.ts) plus two old pending rows
 * with no earn row: D 60 points on 2026-01-15 (order O11) and E 70 on 2025-12-20 (no order). By hand
 * (independent Python FIFO), as-of 2026-06-30 (end 2026-07-01, 0.01 a point, rate 1):
 * - 90 days (cut-off 2026-04-02): both stale, 130 points of 2 members; pending B 80 + E 40 = 120;
 *   outstanding 1,040 + 120 = 1,160, liability 11.60; Platnum (D) 200 points.
 * - 180 days (cut-off 2026-01-02): E's 70 stale; pending 180, outstanding 1,220, liability 12.20;
 *   Platnum 260.
 * - 0 (never stale): pending 250, outstanding 1,290, liability 12.90, no finding — what the
 *   previous code gave whatever the age.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.ts';
import { describeOnClickHouse, loadOnClickHouse } from '../helpers/clickhouse-parity.ts';

const yaml = (days?: number) => `version: 1
sources:
  - { name: members, entity: members, kind: file, path: data/members.csv }
  - { name: ledger, entity: ledger, kind: file, path: data/ledger.csv }
  - { name: orders, entity: orders, kind: file, path: data/orders.csv }
  - { name: rewards, entity: rewards, kind: file, path: data/rewards.csv }
  - { name: tier_rules, entity: tier_rules, kind: file, path: data/tier_rules.csv }
currency: { reporting: USD }
loyalty: { program: Pending Club, value_per_point: 0.01, points_expire_months: 12${days === undefined ? '' : `, pending_confirmation_days: ${days}`} }
output: { snapshot: never }
`;
const FILES: Record<string, string> = {
  'members.csv': `member_id,enrolled_at,tier
A,2025-12-01,Gold
B,2025-12-01,Silver
C,2025-12-01,Silver
D,2025-05-01,Platnum
E,2025-12-01,Silver
`,
  'ledger.csv': `entry_id,member_id,occurred_at,type,points,order_id,expires_at
E1,A,2026-01-10,earn,100,O1,2026-04-10
E2,A,2026-02-01,earn,200,O2,2026-05-01
E3,A,2026-03-15,earn,300,O3,2027-03-15
E4,A,2026-03-20,redeem,150,,
E5,B,2026-01-20,earn,400,O5,2026-06-30
E6,B,2026-02-10,redeem,100,,
E7,B,2026-05-01,earn,50,O7,2027-05-01
E8,B,2026-06-20,pending,80,O8,
E9,C,2026-02-05,earn,120,O9,2026-07-01
E10,C,2026-06-01,redeem,20,,
E11,D,2025-06-01,earn,500,O10,2026-06-01
E12,D,2026-04-01,earn,200,O13,2027-04-01
E13,D,2026-01-15,pending,60,O11,
E14,E,2026-03-01,earn,300,O14,2027-03-01
E15,E,2026-06-25,pending,40,O15,
E16,E,2025-12-20,pending,70,,
E17,E,2026-02-01,pending,90,O12,
E18,E,2026-02-15,earn,90,O12,2027-02-15
`,
  'orders.csv': `order_id,customer_id,amount,ordered_at,currency
O1,A,100,2026-01-10,USD
O2,A,200,2026-02-01,USD
O3,A,300,2026-03-15,USD
O5,B,400,2026-01-20,USD
O7,B,50,2026-05-01,USD
O8,B,80,2026-06-20,USD
O9,C,120,2026-02-05,USD
O10,D,500,2025-06-01,USD
O11,D,60,2026-01-15,USD
O12,E,90,2026-02-01,USD
O13,D,200,2026-04-01,USD
O14,E,300,2026-03-01,USD
O15,E,40,2026-06-25,USD
`,
  'rewards.csv': 'reward_id,name,points,cost\nR1,Coffee,50,0.4\n',
  'tier_rules.csv': 'tier,rank,qualify\nSilver,0,0\nGold,1,1000\n',
};

const root = mkdtempSync(path.join(tmpdir(), 'gtm-loy-stale-pending-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function workspace(name: string, days?: number): string {
  const dir = path.join(root, name);
  mkdirSync(path.join(dir, 'data'), { recursive: true });
  writeFileSync(path.join(dir, 'gtm.yaml'), yaml(days));
  for (const [f, text] of Object.entries(FILES)) writeFileSync(path.join(dir, 'data', f), text);
  return dir;
}

interface Stale {
  points: number;
  value: number;
  members: number;
  days: number;
  finding: string;
}
interface Result {
  reports_dir: string;
  warnings: string[];
  liability: {
    outstanding_points: number;
    pending_points: number;
    liability: number;
    stale_pending: Stale | null;
  };
  kpis: { overall: { outstanding_points: number; pending_points: number } };
  members: { unknown_tiers: { tier: string; outstanding_points: number }[] };
  backlog: { id: string; value_at_stake: number }[];
}

const FINDING =
  '130 pending points (1.30 at 0.01 per point) of 2 members have been pending for more than 90 days (loyalty.pending_confirmation_days) with no earn row for their order: their confirmation period is over, so they are left out of the pending points and the liability; post the earn rows of the orders kept and reverse the pending rows of the orders returned, or raise loyalty.pending_confirmation_days if confirmation takes longer';

async function run(dir: string, extra: string[] = []): Promise<{ r: Result; stderr: string[] }> {
  const cli = await runCli(['monitor-loyalty', '--as-of', '2026-06-30', '--json', ...extra], {
    cwd: dir,
    env: { ...process.env, GTM_SNAPSHOT: 'never' },
  });
  expect(cli.code, cli.stderr).toBe(0);
  return { r: cli.json<Result>(), stderr: cli.stderrLines };
}

async function checkDefault(dir: string, extra: string[] = []): Promise<void> {
  const { r, stderr } = await run(dir, extra);
  const l = r.liability;
  expect(l).toMatchObject({ outstanding_points: 1160, pending_points: 120 });
  expect(l.liability).toBeCloseTo(11.6, 12);
  expect(l.stale_pending).toMatchObject({ points: 130, members: 2, days: 90, finding: FINDING });
  expect(l.stale_pending?.value).toBeCloseTo(1.3, 12);
  // the members' figures leave them out too
  expect(r.kpis.overall).toMatchObject({ outstanding_points: 1160, pending_points: 120 });
  expect(r.members.unknown_tiers).toMatchObject([{ tier: 'Platnum', outstanding_points: 200 }]);
  // one warning line, result.json's warnings, the summary's data quality, a backlog item
  expect(stderr.filter((x) => x.includes('pending_confirmation_days'))).toEqual([`warning: ${FINDING}`]);
  expect(r.warnings).toContain(FINDING);
  const summary = readFileSync(path.resolve(dir, r.reports_dir, 'summary.md'), 'utf8');
  // Markdown escapes the key's underscores
  expect(summary).toContain(`Data quality: ${FINDING.replace(/_/g, '\\_')}.`);
  const item = r.backlog.find((b) => b.id === 'stale-pending-points');
  expect(item?.value_at_stake).toBeCloseTo(1.3, 12);
}

describe('monitor-loyalty: pending points past their confirmation period', () => {
  it('leaves them out of the pending points and the liability (default 90 days), and reports them', async () => {
    await checkDefault(workspace('duck'));
  }, 120_000);

  it('follows loyalty.pending_confirmation_days (180: only the older row; 0: never stale)', async () => {
    const { r } = await run(workspace('d180', 180));
    expect(r.liability).toMatchObject({ outstanding_points: 1220, pending_points: 180 });
    expect(r.liability.liability).toBeCloseTo(12.2, 12);
    expect(r.liability.stale_pending).toMatchObject({ points: 70, members: 1, days: 180 });
    expect(r.members.unknown_tiers).toMatchObject([{ tier: 'Platnum', outstanding_points: 260 }]);
    const never = (await run(workspace('d0', 0))).r;
    expect(never.liability).toMatchObject({
      outstanding_points: 1290,
      pending_points: 250,
      stale_pending: null,
    });
    expect(never.kpis.overall.outstanding_points).toBe(1290);
  }, 120_000);
});

describeOnClickHouse('the same on ClickHouse 18.16', (ch) => {
  it("gives the same figures from the server's tables", async () => {
    const dir = workspace('ch');
    await loadOnClickHouse(dir, ch.url, 'loy_stale_pending', yaml());
    await checkDefault(dir, ['--config', 'gtm.clickhouse.yaml']);
  }, 240_000);
});
