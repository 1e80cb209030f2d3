/**
 * monitor-loyalty: earn reversals (an `earn` of negative points: a returned order's points taken
 * back) and the RFM recency convention, on a hand-built programme, on DuckDB and on ClickHouse 18.16.
 *
 * - Points-based tiers qualify on points earned in the period **net of the earn reversals** posted
 *   in it; a negative `adjust` (goodwill correction, clawback) does not touch qualification. Before,
 *   qualifying points were gross: A, who earned 1,200 points in 2026 and had 600 reversed,
 *   qualified with 1,200 (past Silver at 660) instead of 600 (60 short: an upgrade opportunity).
 * - A reversal takes the member's oldest points back (FIFO, unchanged) and leaves **its cohort's
 *   issued points** (`reversed`), instead of counting as points taken back out of the points issued
 *   (`adjusted`, which the breakage curves read as removed, like breakage).
 * - `recency_days` is the as-of date − the last purchase date: a purchase on the as-of day is 0
 *   days (it was 1: the as-of day was counted).
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MonitorLoyaltyResult } from '../../src/commands/monitor-loyalty/index.ts';
import { describeOnClickHouse, runOnClickHouse } from '../helpers/clickhouse-parity.ts';
import { parseCsv } from '../helpers/csv-parse.ts';
import { runCli, type CliRun } from '../helpers/run-cli.ts';

const YAML = `version: 1
sources:
  - { name: members, entity: members, kind: file, path: data/members.csv }
  - { name: ledger, entity: ledger, kind: file, path: data/ledger.csv }
  - { name: orders, entity: orders, kind: file, path: data/orders.csv }
  - { name: rewards, entity: rewards, kind: file, path: data/rewards.csv }
  - { name: tier_rules, entity: tier_rules, kind: file, path: data/tiers.csv }
currency: { reporting: USD }
loyalty: { program: Reversal Club, value_per_point: 0.01, points_expire_months: 12 }
output: { snapshot: never }
`;
const FILES: Record<string, string> = {
  // anniversary periods (the second workspace) from 2026-03-15 (A), 2026-02-01 (B), 2026-01-25 (C)
  'members.csv':
    'member_id,enrolled_at,tier\nA,2025-03-15,Member\nB,2025-02-01,Member\nC,2025-01-25,Member\nD,2025-06-01,Member\nE,2025-06-01,Member\n',
  // E3 and E7 are earn reversals (returned orders' points); E5 a goodwill correction (adjust)
  'ledger.csv': `entry_id,member_id,occurred_at,type,points,order_id,reward_id
E1,A,2026-01-10,earn,1000,O1,
E2,A,2026-03-05,earn,200,O2,
E3,A,2026-03-20,earn,-600,O1,
E4,B,2026-02-10,earn,400,O3,
E5,B,2026-04-01,adjust,-100,,
E6,C,2025-12-10,earn,500,O4,
E7,C,2026-02-01,earn,-100,O4,
E8,C,2026-03-01,earn,450,O5,
E9,D,2026-01-15,earn,100,O6,
E10,D,2026-06-01,redeem,50,,R1
`,
  'orders.csv': `order_id,customer_id,amount,ordered_at,currency
O1,A,40,2026-01-10,USD
O2,A,20,2026-03-05,USD
O3,B,40,2026-02-10,USD
O4,C,40,2025-12-10,USD
O5,C,45,2026-03-01,USD
O6,D,10,2026-01-15,USD
O9,D,5,2026-11-29,USD
O7,E,8,2026-11-30,USD
`,
  'rewards.csv': 'reward_id,name,points,cost,currency\nR1,Coffee,50,0.5,USD\n',
  'tiers.csv': 'tier,rank,qualify,measure\nMember,0,0,points\nSilver,1,660,points\nGold,2,5000,points\n',
};
const ARGV = ['monitor-loyalty', '--as-of', '2026-11-30', '--detail', 'full', '--json'];

/** The tier rules: calendar years (the default), or 12-month periods from each member's enrolment. */
const TIERS = {
  calendar: FILES['tiers.csv'],
  anniversary:
    'tier,rank,qualify,measure,qualification_months,qualification_period\nMember,0,0,points,12,anniversary\nSilver,1,660,points,12,anniversary\nGold,2,5000,points,12,anniversary\n',
};
type Periods = keyof typeof TIERS;
const PERIODS = Object.keys(TIERS) as Periods[];

let root: string;
const dirOf = (periods: Periods) => path.join(root, periods);
beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'gtm-loy-reversals-'));
  for (const periods of PERIODS) {
    const dir = dirOf(periods);
    await mkdir(path.join(dir, 'data'), { recursive: true });
    await writeFile(path.join(dir, 'gtm.yaml'), YAML);
    for (const [f, text] of Object.entries({ ...FILES, 'tiers.csv': TIERS[periods] }))
      await writeFile(path.join(dir, 'data', f), text);
  }
});
afterAll(() => rm(root, { recursive: true, force: true }));

/**
 * Qualifying points by hand, as-of 2026-11-30. Calendar 2026: A 1,000 + 200 − 600 = 600; B 400 (the
 * −100 adjustment does not count); C 450 − 100 = 350 (the reversal, posted in 2026, takes back a
 * December 2025 earn). Anniversary: A's period from 2026-03-15 holds her reversal but no earn: 0
 * (never below 0); B's from 2026-02-01 his 400; C's from 2026-01-25 his reversal and March earn: 350.
 */
const QUALIFYING: Record<Periods, Record<string, string>> = {
  calendar: { A: '600', B: '400', C: '350' },
  anniversary: { A: '0', B: '400', C: '350' },
};

/** The figures worked out by hand. */
async function expectByHand(cli: CliRun, periods: Periods) {
  expect(cli.code, cli.stderr).toBe(0);
  const r = cli.json<MonitorLoyaltyResult>();
  const csvOf = async (file: string) =>
    parseCsv(await readFile(path.join(dirOf(periods), r.reports_dir, file), 'utf8'));
  const members = await csvOf('segment_members.csv');
  const qualifying = Object.fromEntries(
    members.filter((m) => m.segment === 'never-redeemed').map((m) => [m.member_id, m.qualifying_value]),
  );
  expect(qualifying).toEqual(QUALIFYING[periods]);
  // calendar: A is 60 points short of Silver (660), within 10 %: an upgrade opportunity (at 1,200
  // she was past it)
  expect(members.filter((m) => m.segment === 'upgrade-opportunity').map((m) => m.member_id)).toEqual(
    periods === 'calendar' ? ['A'] : [],
  );

  // cohorts (FIFO): A's reversal takes 600 of her January lot, C's 100 of his December lot; B's
  // adjustment 100 of his February lot; D redeems 50 of his January lot
  const cohorts = Object.fromEntries(
    r.liability.cohorts.map((c) => [
      c.cohort,
      [c.issued, c.reversed, c.redeemed, c.expired, c.adjusted, c.overdue, c.outstanding],
    ]),
  );
  expect(cohorts).toEqual({
    '2025-12': [400, 100, 0, 0, 0, 0, 400],
    '2026-01': [500, 600, 50, 0, 0, 0, 450],
    '2026-02': [400, 0, 0, 0, 100, 0, 300],
    '2026-03': [650, 0, 0, 0, 0, 0, 650],
  });
  // the members' balances: A 600, B 300, C 850, D 50 = 1,800 outstanding; no cohort matured, full value
  expect(r.liability.outstanding_points).toBe(1800);
  expect(r.liability.liability).toBeCloseTo(18, 9);
  expect(r.liability.checks).toMatchObject({ ledger_balance: 1800, fifo_balance: 1800, unmatched: 0 });
  const file = await csvOf('liability_cohorts.csv');
  expect(file.find((c) => c.cohort === '2026-01')).toMatchObject({
    issued: '500',
    reversed: '600',
    adjusted: '0',
  });

  // recency: E bought on the as-of day (0 days), D the day before (1), A on 2026-03-05 (270)
  const scores = Object.fromEntries(
    (await csvOf('member_scores.csv')).map((m) => [m.member_id, m.recency_days]),
  );
  expect(scores).toEqual({ A: '270', B: '293', C: '274', D: '1', E: '0' });
}

describe('earn reversals and recency on a hand-built programme', () => {
  it.each(PERIODS)(
    'gives the figures worked out by hand, %s periods (DuckDB)',
    async (p) => {
      await expectByHand(await runCli(ARGV, { cwd: dirOf(p) }), p);
    },
    120_000,
  );
});

describeOnClickHouse('the same on ClickHouse 18.16', (ch) => {
  it.each(PERIODS)(
    'gives the same figures, %s periods',
    async (p) => {
      await expectByHand(await runOnClickHouse(ch, dirOf(p), YAML, ARGV, `reversals_${p}`), p);
    },
    240_000,
  );
});
