/**
 * monitor-loyalty: orders read net of their refunds and by their status, on a Shopify-shaped orders
 * export (`Name`, `Email`, `Financial Status`, `Total`, `Refunded Amount`, `Currency`, `Created at`
 * with its offset, `Cancelled at`) in two currencies, on DuckDB and on ClickHouse 18.16.
 *
 * Before, one amount was read per order, gross, and no status: a refunded order was revenue and a
 * purchase, a voided or cancelled one too, a partial refund counted whole. Now an order counts net
 * (`Total − Refunded Amount`, both at the rate of the order's day), and not at all when it is
 * refunded whole, voided, cancelled (a status or a `Cancelled at`) or not paid yet (pending,
 * authorized): revenue, AOV, frequency, member vs non-member revenue per customer, the spend that
 * qualifies for a tier and the models' purchases read the net orders. A refund above its order is
 * rejected with one reason naming both amounts.
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
  - name: shopify_orders
    entity: orders
    kind: file
    path: data/orders_export_1.csv
    mapping:
      order_id: Name
      customer_id: Email
      amount: Total
      refunded_amount: Refunded Amount
      status: Financial Status
      cancelled_at: Cancelled at
      currency: Currency
      ordered_at: Created at
  - { name: rewards, entity: rewards, kind: file, path: data/rewards.csv }
  - { name: tier_rules, entity: tier_rules, kind: file, path: data/tiers.csv }
  - { name: experiments, entity: experiments, kind: file, path: data/experiments.csv }
  - { name: assignments, entity: assignments, kind: file, path: data/assignments.csv }
currency:
  reporting: USD
  rates:
    - { currency: EUR, from: 2026-01-01, rate: 1.1 }
    - { currency: EUR, from: 2026-11-15, rate: 1.2 }
thresholds: { max_reject_rate: 0.5 }
loyalty: { program: Refund Club, value_per_point: 0.01, points_expire_months: 12 }
output: { snapshot: never }
`;

// a and c hold Silver (spend from 300 in the calendar year, kept from 250), b is a Member
const FILES: Record<string, string> = {
  'members.csv':
    'member_id,enrolled_at,tier\na@shop.example,2026-01-01,Silver\nb@shop.example,2026-01-01,Member\nc@shop.example,2026-01-01,Silver\n',
  'ledger.csv': `entry_id,member_id,occurred_at,type,points,order_id,reward_id
L1,a@shop.example,2026-11-03T15:00:00Z,earn,200,#1001,
L2,a@shop.example,2026-11-10T15:00:00Z,earn,100,#1002,
L3,b@shop.example,2026-11-10T15:00:00Z,earn,275,#1004,
L4,c@shop.example,2026-11-20T15:00:00Z,earn,48,#1006,
`,
  // Shopify's orders export (the columns it has besides these left out): x and y are no members.
  // #1004 is EUR on 2026-11-10 (1.1), #1006 and #1008 EUR after 2026-11-15 (1.2); #1010 was
  // cancelled without a refund (status still paid); #1012's refund is above its total; #1013
  // (October, before the window) says partially_refunded without the amount refunded
  'orders_export_1.csv': `Name,Email,Financial Status,Total,Refunded Amount,Currency,Created at,Cancelled at
#1001,a@shop.example,paid,200.00,0.00,USD,2026-11-03 10:00:00 -0500,
#1002,a@shop.example,partially_refunded,150.00,50.00,USD,2026-11-10 10:00:00 -0500,
#1003,b@shop.example,refunded,80.00,80.00,USD,2026-11-05 10:00:00 -0500,
#1004,b@shop.example,partially_refunded,300.00,50.00,EUR,2026-11-10 10:00:00 -0500,
#1005,c@shop.example,voided,500.00,0.00,USD,2026-11-12 10:00:00 -0500,
#1006,c@shop.example,paid,40.00,0.00,EUR,2026-11-20 10:00:00 -0500,
#1011,c@shop.example,pending,70.00,0.00,USD,2026-11-25 10:00:00 -0500,
#1007,x@shop.example,paid,60.00,0.00,USD,2026-11-08 10:00:00 -0500,
#1008,x@shop.example,partially_refunded,90.00,30.00,EUR,2026-11-16 10:00:00 -0500,
#1009,y@shop.example,refunded,120.00,120.00,USD,2026-11-09 10:00:00 -0500,
#1010,y@shop.example,paid,30.00,0.00,USD,2026-11-11 10:00:00 -0500,2026-11-11 12:00:00 -0500
#1012,y@shop.example,partially_refunded,50.00,60.00,USD,2026-11-12 10:00:00 -0500,
#1013,x@shop.example,partially_refunded,20.00,,USD,2026-10-01 10:00:00 -0400,
`,
  'rewards.csv': 'reward_id,name,points,cost,currency\nR5,$5 off,500,5,USD\n',
  'experiments.csv': `experiment_id,name,variant,weight,is_control,start_at,end_at,method,status
exp1,Free shipping,holdout,50,true,2026-11-01T00:00:00Z,2026-11-30T00:00:00Z,frequentist,completed
exp1,Free shipping,treated,50,false,2026-11-01T00:00:00Z,2026-11-30T00:00:00Z,frequentist,completed
`,
  'assignments.csv': `experiment_id,unit_id,variant,assigned_at
exp1,a@shop.example,holdout,2026-11-01
exp1,c@shop.example,holdout,2026-11-01
exp1,y@shop.example,holdout,2026-11-01
exp1,b@shop.example,treated,2026-11-01
exp1,x@shop.example,treated,2026-11-01
`,
  'tiers.csv':
    'tier,rank,qualify,retain,measure\nMember,0,0,0,spend\nSilver,1,300,250,spend\nGold,2,1000,1000,spend\n',
};
const ARGV = ['monitor-loyalty', '--as-of', '2026-11-30', '--detail', 'full', '--json'];

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'gtm-loy-refunds-'));
  await mkdir(path.join(dir, 'data'), { recursive: true });
  await writeFile(path.join(dir, 'gtm.yaml'), YAML);
  for (const [f, text] of Object.entries(FILES)) await writeFile(path.join(dir, 'data', f), text);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/**
 * By hand, window 2026-11-01 to 2026-11-30 (USD). Orders that count, net: a #1001 200, #1002
 * 150 − 50 = 100; b #1004 (300 − 50) EUR × 1.1 = 275 (#1003 refunded whole: out); c #1006 40 EUR
 * × 1.2 = 48 (#1005 voided, #1011 pending: out); x #1007 60, #1008 (90 − 30) EUR × 1.2 = 72; y
 * nothing (#1009 refunded, #1010 cancelled, #1012 rejected).
 * Members: 4 orders, 200 + 100 + 275 + 48 = 623, AOV 155.75, 3 purchasing members (frequency 4/3,
 * 207.666667 each); non-members: x alone, 2 orders, 132 (AOV 66). Gross, as read before: members 7
 * orders, 1,378; non-members 2 customers, 60 + 108 + 120 + 30 = 318 (159 each).
 * Tiers (calendar 2026, spend): b's 275 is 25 short of Silver (within 10 % of 300): an upgrade
 * opportunity (gross, 410, past it); c's 48 is 202 short of Silver's 250 to keep, 31 days left: a
 * downgrade risk (gross, 618, safe); a's 300 keeps Silver. The experiment's revenue per unit is net.
 */
async function expectByHand(cli: CliRun) {
  expect(cli.code, cli.stderr).toBe(0);
  const r = cli.json<MonitorLoyaltyResult>();
  const report = async (file: string) =>
    parseCsv(await readFile(path.join(dir, r.reports_dir, file), 'utf8'));

  // every row read and accounted for: 13 in, 12 accepted (the voided, refunded, cancelled and
  // pending ones too: they are the store's orders, not counted as revenue), 1 rejected
  expect(r.row_accounting.find((a) => a.source === 'shopify_orders')).toMatchObject({
    rows_in: 13,
    accepted: 12,
    rejected: 1,
  });
  // what the accepted orders are: 7 counted (#1001, #1002, #1004, #1006, #1007, #1008, #1013), 3 of
  // them net of a partial refund (50 + 50 EUR × 1.1 + 30 EUR × 1.2 = 141), #1013 whole; #1005 voided
  // and #1010 cancelled, #1003 and #1009 refunded, #1011 pending
  expect(r.members.orders).toEqual({
    counted: 7,
    partially_refunded: 3,
    refund_unknown: 1,
    refunds: 141,
    cancelled: 2,
    refunded: 2,
    unpaid: 1,
    warning:
      '1 order is partially_refunded with no refunded_amount, so counted whole: revenue, AOV, the spend that qualifies for a tier and the models read it gross; map the amount refunded (Shopify: Refunded Amount) as refunded_amount in sources.shopify_orders (data/orders_export_1.csv)',
  });
  expect(r.warnings).toContain(r.members.orders.warning);
  // and said after the KPIs' intro (summary.md, dashboard.html)
  const summary = await readFile(path.join(dir, r.reports_dir, 'summary.md'), 'utf8');
  expect(summary).toContain(
    'Revenue and purchases are the orders that count, net of refunds: 7 of the 12 orders read (3 net of a partial refund, USD 141.00 in all; 1 partially\\_refunded with no refunded\\_amount, counted whole); not counted: 2 cancelled or voided, 2 refunded whole, 1 not paid yet.',
  );
  const rejects = await report('rejects.csv');
  // (ClickHouse's loaded table holds the amounts as numbers: 60 and 50 there)
  expect(rejects.map((x) => [x.source, x.row])).toEqual([['shopify_orders', '13']]);
  expect(rejects[0].reason).toMatch(
    /^refunded_amount: 60(\.00)? is more than amount 50(\.00)?; a refund cannot exceed its order: map the order total before refunds \(Shopify: Total\) to amount, and check both amounts \(and their currency\)$/,
  );

  const o = r.kpis.overall;
  expect([o.orders, o.purchasing_members]).toEqual([4, 3]);
  expect(o.revenue).toBeCloseTo(623, 9);
  expect(o.aov).toBeCloseTo(155.75, 9);
  expect(o.frequency).toBeCloseTo(4 / 3, 12);
  expect(o.revenue_per_member_customer).toBeCloseTo(207.666667, 6);
  expect(o.non_member.customers).toBe(1);
  expect(o.non_member.orders).toBe(2);
  expect(o.non_member.revenue).toBeCloseTo(132, 9);
  expect(o.non_member.aov).toBeCloseTo(66, 9);
  expect(o.member_vs_non_member.memberRevenuePerCustomer).toBeCloseTo(623 / 3, 6);
  expect(o.member_vs_non_member.nonMemberRevenuePerCustomer).toBeCloseTo(132, 9);
  // the order earning rate: the 4 member orders that count each earned points
  expect(o.order_earning_rate).toBe(1);

  // tier qualification on the net spend
  const segment = (s: string) => r.segments.find((x) => x.segment === s);
  expect(segment('upgrade-opportunity')).toMatchObject({ size: 1 });
  expect(segment('upgrade-opportunity')?.value_at_stake).toBeCloseTo(25, 9);
  expect(segment('downgrade-risk')).toMatchObject({ size: 1 });
  expect(segment('downgrade-risk')?.value_at_stake).toBeCloseTo(202, 9);
  const members = await report('segment_members.csv');
  const inSegment = (s: string) =>
    members.filter((m) => m.segment === s).map((m) => [m.member_id, Number(m.qualifying_value)]);
  expect(inSegment('upgrade-opportunity')).toEqual([['b@shop.example', 275]]);
  expect(inSegment('downgrade-risk')).toEqual([['c@shop.example', 48]]);

  // the experiment's revenue per unit, net: holdout a 300, c 48, y 0 (her orders refunded,
  // cancelled or rejected) → mean 116; treated b 275, x 132 → mean 203.5 (gross: 350, 618, 200 and
  // 410, 168)
  const revenue = r.experiments?.readouts
    .find((x) => x.id === 'exp1')
    ?.metrics.find((x) => x.name === 'revenue');
  expect([revenue?.control.name, revenue?.control.n]).toEqual(['holdout', 3]);
  expect(revenue?.control.mean).toBeCloseTo(116, 9);
  expect(revenue?.variants.map((v) => [v.name, v.n])).toEqual([['treated', 2]]);
  expect(revenue?.variants[0].mean).toBeCloseTo(203.5, 9);

  // the purchase history the models and RFM read: net spend, a purchase only for an order that counts
  const scores = Object.fromEntries(
    (await report('member_scores.csv')).map((m) => [
      m.member_id,
      [Number(m.frequency), Number(m.lifetime_spend)],
    ]),
  );
  expect(scores).toEqual({
    'a@shop.example': [2, 300],
    'b@shop.example': [1, 275],
    'c@shop.example': [1, 48],
  });
}

describe('orders net of refunds and by status, Shopify-shaped, two currencies', () => {
  it('gives the figures worked out by hand (DuckDB)', async () => {
    await expectByHand(await runCli(ARGV, { cwd: dir }));
  }, 120_000);
});

describeOnClickHouse('the same on ClickHouse 18.16', (ch) => {
  it('gives the same figures', async () => {
    await expectByHand(await runOnClickHouse(ch, dir, YAML, ARGV, 'order_refunds'));
  }, 240_000);
});
