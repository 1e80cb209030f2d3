/**
 * monitor-loyalty: every member-level balance follows the programme liability's rule. Points left
 * in lots past their expiry date (no expire row yet) are out of the liability (3921b9f); they stayed
 * in the members' balances: the KPI tables' outstanding points (the ledger balance), the unknown
 * tier's points and liability, the never-redeemed segment's balances and value. Now each member
 * holds what they can still redeem (FIFO lots, none past expiry) plus pending points, and the sum
 * over members is the programme's outstanding points. ClickHouse 18.16 the same when a server is
 * installed.
 *
 * Figures by hand (FIFO, as-of 2026-06-30, 0.01 a point, no cohort matured: rate 1; checked with an
 * independent Python script):
 * - A (Gold): 100 (exp 2026-04-10), 200 (exp 2026-05-01), 300; redeems 150 → 150 overdue, 300 left.
 * - B (Silver): 400 (exp 2026-06-30: overdue), redeems 100 → 300 overdue; 50 left; 80 pending.
 * - C (Silver): 120 (exp 2026-07-01), redeems 20 → 100 left, all expiring within 30 days.
 * - D (`Platnum`, no rule): 500 (exp 2026-06-01: overdue), 200 → 200 left; never redeemed.
 * - E (Silver): 300, a pending 90 confirmed by its earn row (not pending), 40 pending; never redeemed.
 * Outstanding 1,040 active + 120 pending = 1,160, liability 11.60; overdue 950 of 3 members.
 * Tiers: Gold 300, Silver 50 + 80 + 100 + 390 + 40 = 660, Platnum 200 (liability 2.00).
 * Never redeemed (balance ≥ 50, the cheapest reward): D 200 + E 390 → 2 members, 5.90.
 * Before: KPI outstanding 2,110 overall (Gold 450, Silver 960, Platnum 700), Platnum 7.00,
 * never-redeemed 10.90 (D's 500 overdue points counted).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.ts';
import { describeOnClickHouse, loadOnClickHouse } from '../helpers/clickhouse-parity.ts';

const YAML = `version: 1
sources:
  - { name: members, entity: members, kind: file, path: data/members.csv }
  - { name: ledger, entity: ledger, kind: file, path: data/ledger.csv }
  - { name: orders, entity: orders, kind: file, path: data/orders.csv }
  - { name: rewards, entity: rewards, kind: file, path: data/rewards.csv }
  - { name: tier_rules, entity: tier_rules, kind: file, path: data/tier_rules.csv }
currency: { reporting: USD }
loyalty: { program: Balance Club, value_per_point: 0.01, points_expire_months: 12 }
output: { snapshot: never }
`;
const BALANCE_FILES: Record<string, string> = {
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
E14,E,2026-03-01,earn,300,O14,2027-03-01
E15,E,2026-06-25,pending,40,O15,
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

const root = mkdtempSync(path.join(tmpdir(), 'gtm-loy-balances-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function workspace(name: string): string {
  const dir = path.join(root, name);
  mkdirSync(path.join(dir, 'data'), { recursive: true });
  writeFileSync(path.join(dir, 'gtm.yaml'), YAML);
  for (const [f, text] of Object.entries(BALANCE_FILES)) writeFileSync(path.join(dir, 'data', f), text);
  return dir;
}

interface Result {
  reports_dir: string;
  liability: { outstanding_points: number; active_points: number; pending_points: number; liability: number };
  kpis: {
    overall: { outstanding_points: number; pending_points: number };
    by_dimension: { tier: { key: string; outstanding_points: number; pending_points: number }[] };
  };
  members: { unknown_tiers: { tier: string; outstanding_points: number; liability: number }[] };
  segments: { segment: string; size: number; value_at_stake: number }[];
}

async function check(dir: string, extra: string[] = []): Promise<void> {
  const cli = await runCli(
    ['monitor-loyalty', '--as-of', '2026-06-30', '--dimensions', 'tier', '--json', ...extra],
    {
      cwd: dir,
      env: { ...process.env, GTM_SNAPSHOT: 'never' },
    },
  );
  expect(cli.code, cli.stderr).toBe(0);
  const r = cli.json<Result>();
  expect(r.liability).toMatchObject({ outstanding_points: 1160, active_points: 1040, pending_points: 120 });
  expect(r.liability.liability).toBeCloseTo(11.6, 12);
  // the members' balances add up to the programme's outstanding points
  expect(r.kpis.overall).toMatchObject({ outstanding_points: 1160, pending_points: 120 });
  const tiers = Object.fromEntries(r.kpis.by_dimension.tier.map((t) => [t.key, t.outstanding_points]));
  expect(tiers).toEqual({ Gold: 300, Silver: 660, Platnum: 200 });
  expect(r.members.unknown_tiers).toMatchObject([{ tier: 'Platnum', outstanding_points: 200 }]);
  expect(r.members.unknown_tiers[0].liability).toBeCloseTo(2, 12);
  const seg = Object.fromEntries(r.segments.map((s) => [s.segment, s]));
  expect(seg['never-redeemed'].size).toBe(2);
  expect(seg['never-redeemed'].value_at_stake).toBeCloseTo(5.9, 12);
  expect(seg['expiring-points'].size).toBe(1);
  expect(seg['expiring-points'].value_at_stake).toBeCloseTo(1, 12);
  const csv = readFileSync(path.resolve(dir, r.reports_dir, 'segment_members.csv'), 'utf8').split('\n');
  const col = csv[0].split(',').indexOf('points_balance');
  const d = csv.find((line) => line.includes('never-redeemed') && line.split(',').includes('D'));
  expect(d?.split(',')[col]).toBe('200');
}

describe('monitor-loyalty: member balances leave out points past their expiry date', () => {
  it('reconciles the KPI tables, unknown tiers and segments with the liability', async () => {
    await check(workspace('duck'));
  }, 120_000);
});

describeOnClickHouse('the same on ClickHouse 18.16', (ch) => {
  it("gives the same figures from the server's tables", async () => {
    const dir = workspace('ch');
    await loadOnClickHouse(dir, ch.url, 'loy_balances', YAML);
    await check(dir, ['--config', 'gtm.clickhouse.yaml']);
  }, 240_000);
});
