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
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeOnClickHouse, loadOnClickHouse } from '../helpers/clickhouse-parity.ts';
import {
  BALANCE_LEDGER,
  BALANCE_MEMBERS,
  runLoyalty,
  useLoyaltyWorkspaces,
  type LoyaltySpec,
} from '../helpers/loyalty-workspace.ts';

// the lots above (BALANCE_LEDGER); orders: one for each earn or pending row (its points, its day),
// and D's order O11 (60 on 2026-01-15)
const SPEC: LoyaltySpec = {
  loyalty: { program: 'Balance Club', value_per_point: 0.01, points_expire_months: 12 },
  members: BALANCE_MEMBERS,
  ledger: BALANCE_LEDGER,
  moreOrders: ['O11,D,60,2026-01-15'],
  rewards: ['R1,Coffee,50,0.4'],
  tierRules: ['Silver,0,0', 'Gold,1,1000'],
};
const workspace = useLoyaltyWorkspaces();

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
  const cli = await runLoyalty(dir, ['--as-of', '2026-06-30', '--dimensions', 'tier', '--json', ...extra]);
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
    await check((await workspace(SPEC)).dir);
  }, 120_000);
});

describeOnClickHouse('the same on ClickHouse 18.16', (ch) => {
  it("gives the same figures from the server's tables", async () => {
    const ws = await workspace(SPEC);
    await loadOnClickHouse(ws.dir, ch.url, 'loy_balances', ws.yaml);
    await check(ws.dir, ['--config', 'gtm.clickhouse.yaml']);
  }, 240_000);
});
