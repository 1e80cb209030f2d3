/**
 * monitor-loyalty: reward usage (member orders with a reward / rewards redeemed) when the orders do
 * not say which reward they used, on a Shopify-shaped orders export (`Name`, `Email`, `Total`,
 * `Created at` as `2026-11-10 10:00:00 -0500`, `Discount Code`), on DuckDB and ClickHouse 18.16.
 *
 * A Shopify export's discount code is not a reward id unless the programme writes it so, and a
 * workspace that does not map `reward_id` on the orders read 0.0 % reward usage in every window and
 * group, as though no member used the rewards redeemed: a mapping left out, reported as a finding
 * about the members. Now reward usage is null there, `kpis.overall.reward_usage_unavailable` says
 * why and what to map, and one warning line (stderr, result.json `warnings`, the executive summary)
 * says so when rewards were redeemed. With `reward_id` mapped it is measured as before.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MonitorLoyaltyResult } from '../../src/commands/monitor-loyalty/index.ts';
import { describeOnClickHouse, runOnClickHouse } from '../helpers/clickhouse-parity.ts';
import { parseCsv } from '../helpers/csv-parse.ts';
import { runCli, type CliRun } from '../helpers/run-cli.ts';

const yaml = (ordersMapping: string) => `version: 1
sources:
  - { name: members, entity: members, kind: file, path: data/members.csv }
  - { name: ledger, entity: ledger, kind: file, path: data/ledger.csv }
  - name: shopify_orders
    entity: orders
    kind: file
    path: data/orders_export_1.csv
    mapping: { ${ordersMapping} }
  - { name: rewards, entity: rewards, kind: file, path: data/rewards.csv }
  - { name: tier_rules, entity: tier_rules, kind: file, path: data/tiers.csv }
currency: { reporting: USD }
loyalty: { program: Usage Club, value_per_point: 0.01, points_expire_months: 12 }
output: { snapshot: never }
`;
const ORDERS =
  'order_id: Name, customer_id: Email, amount: Total, currency: Currency, ordered_at: Created at';
const YAML = {
  unmapped: yaml(ORDERS),
  mapped: yaml(`${ORDERS}, reward_id: Discount Code`),
};
type Mapping = keyof typeof YAML;
const MAPPINGS = Object.keys(YAML) as Mapping[];

const FILES: Record<string, string> = {
  'members.csv':
    'member_id,enrolled_at,tier\na@shop.example,2026-01-01,Member\nb@shop.example,2026-01-01,Member\nc@shop.example,2026-01-01,Member\n',
  // three redemptions in the window (November): A's and B's R5, C's RS
  'ledger.csv': `entry_id,member_id,occurred_at,type,points,order_id,reward_id
L1,a@shop.example,2026-06-01T14:05:00Z,earn,1000,#1001,
L2,b@shop.example,2026-06-02T14:05:00Z,earn,600,#1002,
L5,c@shop.example,2026-07-01T14:05:00Z,earn,300,#1003,
L3,a@shop.example,2026-11-05T10:00:00Z,redeem,-500,,R5
L4,b@shop.example,2026-11-06T10:00:00Z,redeem,-500,,R5
L6,c@shop.example,2026-11-07T10:00:00Z,redeem,-300,,RS
`,
  // Shopify's orders export: the zone after a space; A's and C's November orders used a reward
  'orders_export_1.csv': `Name,Email,Financial Status,Total,Currency,Created at,Discount Code
#1001,a@shop.example,paid,1000.00,USD,2026-06-01 10:00:00 -0400,
#1002,b@shop.example,paid,600.00,USD,2026-06-02 10:00:00 -0400,
#1003,c@shop.example,paid,300.00,USD,2026-07-01 10:00:00 -0400,
#1004,a@shop.example,paid,50.00,USD,2026-11-10 10:00:00 -0500,R5
#1005,b@shop.example,paid,40.00,USD,2026-11-12 10:00:00 -0500,
#1006,c@shop.example,paid,30.00,USD,2026-11-20 10:00:00 -0500,RS
`,
  'rewards.csv': 'reward_id,name,points,cost,currency\nR5,$5 off,500,5,USD\nRS,Free shipping,300,6.5,USD\n',
  'tiers.csv': 'tier,rank,qualify\nMember,0,0\nSilver,1,5000\n',
};
const ARGV = ['monitor-loyalty', '--as-of', '2026-11-30', '--json'];

let root: string;
const dirOf = (m: Mapping) => path.join(root, m);
beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'gtm-loy-reward-usage-'));
  for (const m of MAPPINGS) {
    await mkdir(path.join(dirOf(m), 'data'), { recursive: true });
    await writeFile(path.join(dirOf(m), 'gtm.yaml'), YAML[m]);
    for (const [f, text] of Object.entries(FILES)) await writeFile(path.join(dirOf(m), 'data', f), text);
  }
});
afterAll(() => rm(root, { recursive: true, force: true }));

/** The figures worked out by hand. */
async function expectByHand(cli: CliRun, m: Mapping) {
  expect(cli.code, cli.stderr).toBe(0);
  const r = cli.json<MonitorLoyaltyResult>();
  const o = r.kpis.overall;
  // every order read (the Shopify times too): 3 member orders in November, 120.00
  expect(r.row_accounting.find((a) => a.source === 'shopify_orders')).toMatchObject({
    rows_in: 6,
    accepted: 6,
  });
  expect([o.orders, o.revenue, o.points_redeemed]).toEqual([3, 120, 1300]);
  const kpis = parseCsv(await readFile(path.join(dirOf(m), r.reports_dir, 'kpis.csv'), 'utf8'));
  const summary = await readFile(path.join(dirOf(m), r.reports_dir, 'summary.md'), 'utf8');
  const said = (lines: string[]) => lines.filter((l) => l.includes('no order names a reward'));
  if (m === 'mapped') {
    // #1004 and #1006 used a reward, of the 3 redeemed in the window: 2 / 3
    expect(o.reward_usage).toBeCloseTo(2 / 3, 12);
    expect(o.reward_usage_unavailable).toBeNull();
    expect(r.kpis.coverage.orders_with_reward).toBe(2);
    expect(said(r.warnings)).toEqual([]);
    expect(said(cli.stderrLines)).toEqual([]);
    // 2/3 to 15 significant digits, as gtm writes numbers (no binary noise past them)
    expect(kpis.find((k) => k.key === 'all' && k.window === 'current')?.reward_usage).toBe(
      '0.666666666666667',
    );
    return;
  }
  // not mapped: not measured (it read 0 in every window and group), and said once, naming the source
  expect(r.kpis.coverage.orders_with_reward).toBe(0);
  expect([o.reward_usage, o.previous.reward_usage]).toEqual([null, null]);
  expect(r.kpis.by_dimension.tier?.map((t) => [t.key, t.reward_usage, t.previous.reward_usage])).toEqual([
    ['Member', null, null],
  ]);
  expect(o.reward_usage_unavailable).toMatch(
    /^no order names a reward \(reward_id is empty or not mapped in sources\.shopify_orders\), so reward usage .* is not measured rather than 0 %; map reward_id/,
  );
  expect(said(r.warnings)).toEqual([o.reward_usage_unavailable]);
  expect(said(cli.stderrLines)).toHaveLength(1);
  // (markdown escapes the underscores of reward_id)
  expect(summary).toContain('Data quality: no order names a reward (reward\\_id is empty or not mapped');
  expect(kpis.filter((k) => k.dimension === 'all').map((k) => k.reward_usage)).toEqual(['', '']);
}

describe('reward usage with and without the orders naming their reward', () => {
  it.each(MAPPINGS)(
    'gives the figures worked out by hand, reward_id %s (DuckDB)',
    async (m) => {
      await expectByHand(await runCli(ARGV, { cwd: dirOf(m) }), m);
    },
    120_000,
  );
});

describeOnClickHouse('the same on ClickHouse 18.16', (ch) => {
  it.each(MAPPINGS)(
    'gives the same figures, reward_id %s',
    async (m) => {
      await expectByHand(await runOnClickHouse(ch, dirOf(m), YAML[m], ARGV, `reward_usage_${m}`), m);
    },
    240_000,
  );
});
