/**
 * Continuation lines, on a Shopify orders export (one row per line item: the order's fields on its
 * first row, the later rows repeating `Name` with the order fields blank, or, for `Email` and
 * `Created at`, repeated as they are), read as monitor-loyalty's orders and as track-source's
 * deals, on DuckDB and on ClickHouse 18.16. The file has a BOM, CRLF line ends and quoted cells
 * (commas, doubled quotes in the line-item names); 3 orders of 1, 2 and 4 line items, and one
 * genuinely broken row: `#1003` again with another customer's `Email` and no `Total`, which is no
 * continuation line (a value of its own, not #1003's) and stays rejected.
 *
 * Before, each of the 4 later line-item rows was rejected (`amount: missing` on the orders,
 * `account_id: missing` / `created_at: cannot read …` on the deals): 5 of 8 rows, over the
 * workspace's `max_reject_rate` of 0.2, exit 5. Now they are deduplicated, each naming its order's
 * first row in duplicates.csv.
 *
 * By hand (lines counted from the header as line 1): #1001 line 2, 50.00; #1002 lines 3–4,
 * 120.00; #1003 lines 5–8, 80.50; the broken row line 9. Read 8, accepted 3, deduplicated 4
 * (lines 4, 6, 7, 8), rejected 1 (line 9). Orders (all three customers are members) in November:
 * 3, revenue 50.00 + 120.00 + 80.50 = 250.50; as deals, all three paid (won): pipeline and revenue
 * 250.50, 3 won.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MonitorLoyaltyResult } from '../../src/commands/monitor-loyalty/index.ts';
import type { TrackSourceResult } from '../../src/commands/track-source/index.ts';
import { describeOnClickHouse, runOnClickHouse } from '../helpers/clickhouse-parity.ts';
import { parseCsv } from '../helpers/csv-parse.ts';
import { runCli, type CliRun } from '../helpers/run-cli.ts';

const BOM = '\uFEFF';
const crlf = (lines: string[]) => `${BOM}${lines.join('\r\n')}\r\n`;

/** Shopify's orders export, trimmed to the columns that matter here (line-item columns kept). */
const ORDERS = crlf([
  'Name,Email,Financial Status,Paid at,Currency,Subtotal,Total,Discount Code,Created at,Lineitem quantity,Lineitem name,Lineitem price,Lineitem sku',
  '#1001,a@shop.example,paid,2026-11-10 10:05:00 -0500,USD,50.00,50.00,,2026-11-10 10:00:00 -0500,1,"Tee, blue",50.00,TEE-B',
  '#1002,b@shop.example,paid,2026-11-12 09:01:00 -0500,USD,110.00,120.00,,2026-11-12 09:00:00 -0500,2,"Mug ""XL""",40.00,MUG-XL',
  '#1002,b@shop.example,,,,,,,,1,"Poster, A2",30.00,POS-A2',
  '#1003,c@shop.example,paid,2026-11-20 18:31:00 -0500,USD,80.50,80.50,,2026-11-20 18:30:00 -0500,1,Socks,10.50,SOCK',
  '#1003,,,,,,,,2026-11-20 18:30:00 -0500,2,"Cap, ""retro""",15.00,CAP',
  '#1003,,,,,,,,,1,Scarf,20.00,SCARF',
  '"#1003",,,,,,,,,1,"Gloves",20.00,GLV',
  '#1003,x@shop.example,,,,,,,2026-11-20 18:30:00 -0500,1,Belt,25.00,BELT',
]);

const LOYALTY_YAML = `version: 1
sources:
  - { name: members, entity: members, kind: file, path: data/members.csv }
  - { name: ledger, entity: ledger, kind: file, path: data/ledger.csv }
  - name: shopify_orders
    entity: orders
    kind: file
    path: data/orders_export_1.csv
    mapping: { order_id: Name, customer_id: Email, amount: Total, currency: Currency, ordered_at: Created at }
  - { name: rewards, entity: rewards, kind: file, path: data/rewards.csv }
  - { name: tier_rules, entity: tier_rules, kind: file, path: data/tiers.csv }
currency: { reporting: USD }
loyalty: { program: Line Club, value_per_point: 0.01, points_expire_months: 12 }
thresholds: { max_reject_rate: 0.2 }
output: { snapshot: never }
`;

const LOYALTY_FILES: Record<string, string> = {
  'members.csv':
    'member_id,enrolled_at,tier\na@shop.example,2026-01-01,Member\nb@shop.example,2026-01-01,Member\nc@shop.example,2026-01-01,Member\n',
  'ledger.csv': `entry_id,member_id,occurred_at,type,points,order_id,reward_id
L1,a@shop.example,2026-11-10T15:05:00Z,earn,50,#1001,
L2,b@shop.example,2026-11-12T14:05:00Z,earn,120,#1002,
L3,c@shop.example,2026-11-20T23:35:00Z,earn,80,#1003,
`,
  'rewards.csv': 'reward_id,name,points,cost,currency\nR5,$5 off,500,5,USD\n',
  'tiers.csv': 'tier,rank,qualify\nMember,0,0\nSilver,1,5000\n',
};

const DEALS_YAML = `version: 1
sources:
  - name: shopify_deals
    entity: opportunities
    kind: file
    path: data/orders_export_1.csv
    mapping: { opportunity_id: Name, account_id: Email, created_at: Created at, closed_at: Paid at, stage: Financial Status, amount: Total, currency: Currency }
  - { name: web, entity: touchpoints, kind: file, path: data/touches.csv }
currency: { reporting: USD }
funnel:
  stages: [opportunity, proposal, closed_won]
  mapping: { paid: closed_won }
campaigns:
  - id: black-friday
    name: Black Friday
    start: 2026-11-01
    end: 2026-11-30
    utm_campaigns: [bf]
    lookback_days: 30
thresholds: { max_reject_rate: 0.2 }
output: { snapshot: never }
`;

const TOUCHES = `touch_id,account_id,occurred_at,utm_source,utm_medium,utm_campaign
t1,a@shop.example,2026-11-09T10:00:00Z,newsletter,email,bf
t2,b@shop.example,2026-11-11T10:00:00Z,newsletter,email,bf
t3,c@shop.example,2026-11-19T10:00:00Z,google,cpc,bf
`;

const LOYALTY_ARGV = ['monitor-loyalty', '--as-of', '2026-11-30', '--detail', 'full', '--json'];
const DEALS_ARGV = [
  'track-source',
  '--campaign',
  'black-friday',
  '--window',
  'campaign',
  '--as-of',
  '2026-12-01',
  '--detail',
  'full',
  '--json',
];

let root: string;
const loyaltyDir = () => path.join(root, 'loyalty');
const dealsDir = () => path.join(root, 'deals');

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'gtm-continuation-'));
  await mkdir(path.join(loyaltyDir(), 'data'), { recursive: true });
  await writeFile(path.join(loyaltyDir(), 'gtm.yaml'), LOYALTY_YAML);
  for (const [f, text] of Object.entries(LOYALTY_FILES))
    await writeFile(path.join(loyaltyDir(), 'data', f), text);
  await writeFile(path.join(loyaltyDir(), 'data/orders_export_1.csv'), ORDERS);
  await mkdir(path.join(dealsDir(), 'data'), { recursive: true });
  await writeFile(path.join(dealsDir(), 'gtm.yaml'), DEALS_YAML);
  await writeFile(path.join(dealsDir(), 'data/orders_export_1.csv'), ORDERS);
  await writeFile(path.join(dealsDir(), 'data/touches.csv'), TOUCHES);
});
afterAll(() => rm(root, { recursive: true, force: true }));

const NOTE = (noun: string, head: number, order: string) =>
  `continuation line of ${noun} ${order} (row ${head}): its ${noun} fields are on that row`;

/** duplicates.csv, rejects.csv and summary.md of a run, as the run wrote them. */
async function reports(dir: string, reportsDir: string) {
  const at = (f: string) => path.join(dir, reportsDir, f);
  return {
    duplicates: parseCsv(await readFile(at('duplicates.csv'), 'utf8')),
    rejects: parseCsv(await readFile(at('rejects.csv'), 'utf8')),
    summary: await readFile(at('summary.md'), 'utf8'),
  };
}

/** What both commands report of the export's rows, worked out by hand. */
async function expectRows(
  dir: string,
  r: { row_accounting: { source: string }[]; reports_dir: string },
  source: string,
  noun: string,
  brokenReason: string,
) {
  expect(r.row_accounting.find((a) => a.source === source)).toEqual(
    expect.objectContaining({ rows_in: 8, accepted: 3, deduplicated: 4, rejected: 1 }),
  );
  const { duplicates, rejects, summary } = await reports(dir, r.reports_dir);
  expect(
    duplicates.map((d) => [d.source, d.file, d.row, d.kept_source, d.kept_file, d.kept_row, d.note]),
  ).toEqual([
    [
      source,
      'data/orders_export_1.csv',
      '4',
      source,
      'data/orders_export_1.csv',
      '3',
      NOTE(noun, 3, '#1002'),
    ],
    [
      source,
      'data/orders_export_1.csv',
      '6',
      source,
      'data/orders_export_1.csv',
      '5',
      NOTE(noun, 5, '#1003'),
    ],
    [
      source,
      'data/orders_export_1.csv',
      '7',
      source,
      'data/orders_export_1.csv',
      '5',
      NOTE(noun, 5, '#1003'),
    ],
    [
      source,
      'data/orders_export_1.csv',
      '8',
      source,
      'data/orders_export_1.csv',
      '5',
      NOTE(noun, 5, '#1003'),
    ],
  ]);
  expect(rejects.map((x) => [x.source, x.file, x.row, x.reason])).toEqual([
    [source, 'data/orders_export_1.csv', '9', brokenReason],
  ]);
  expect(summary).toContain(
    '4 rows were continuation lines of a record on an earlier row of the same file (one row per line item): counted as deduplicated, not rejected; see duplicates.csv',
  );
}

async function expectLoyalty(cli: CliRun, dir: string) {
  expect(cli.code, cli.stderr).toBe(0);
  const r = cli.json<MonitorLoyaltyResult>();
  expect([r.kpis.overall.orders, r.kpis.overall.revenue]).toEqual([3, 250.5]);
  expect(r.duplicates).toEqual([
    {
      source: 'shopify_orders',
      kept_source: 'shopify_orders',
      rows: 4,
      differing: 0,
      differing_columns: {},
      continuation: 4,
    },
  ]);
  await expectRows(dir, r, 'shopify_orders', 'order', 'amount: missing');
}

async function expectDeals(cli: CliRun, dir: string) {
  expect(cli.code, cli.stderr).toBe(0);
  const r = cli.json<TrackSourceResult>();
  expect(r.totals).toMatchObject({ opportunities: 3, pipeline: 250.5, revenue: 250.5, won: 3 });
  await expectRows(dir, r, 'shopify_deals', 'opportunity', 'amount: cannot read (empty) as a number');
}

describe('continuation lines of a Shopify orders export (DuckDB)', () => {
  it('monitor-loyalty: the later line-item rows are deduplicated, the broken row rejected', async () => {
    await expectLoyalty(await runCli(LOYALTY_ARGV, { cwd: loyaltyDir() }), loyaltyDir());
  }, 120_000);
  it('track-source: the same export read as deals', async () => {
    await expectDeals(await runCli(DEALS_ARGV, { cwd: dealsDir() }), dealsDir());
  }, 120_000);
});

describeOnClickHouse('the same on ClickHouse 18.16', (ch) => {
  it('monitor-loyalty', async () => {
    await expectLoyalty(
      await runOnClickHouse(ch, loyaltyDir(), LOYALTY_YAML, LOYALTY_ARGV, 'continuation_loyalty'),
      loyaltyDir(),
    );
  }, 240_000);
  it('track-source', async () => {
    await expectDeals(
      await runOnClickHouse(ch, dealsDir(), DEALS_YAML, DEALS_ARGV, 'continuation_deals'),
      dealsDir(),
    );
  }, 240_000);
});
