/**
 * Small monitor-loyalty workspaces written from compact row lists: gtm.yaml (members, ledger and
 * orders sources, rewards and tier_rules when given, `output: { snapshot: never }`) and the CSV
 * files under data/, so that a test states only the rows that matter to it. Rows are CSV lines
 * without their header; the builder adds the header, pads short ledger rows with empty cells, and
 * derives the orders from the ledger unless the test gives them.
 *
 * @example
 * const workspace = useLoyaltyWorkspaces();
 * it('…', async () => {
 *   const ws = await workspace({
 *     loyalty: { program: 'Next Month Club', points_expire_months: 3 },
 *     members: ['A,2025-12-01,Gold'],
 *     ledger: ['E1,A,2026-01-10,earn,1000,O1', 'E2,A,2026-02-15,redeem,400'],
 *   });
 *   const cli = await runLoyalty(ws.dir, ['--as-of', '2026-06-15', '--json']);
 *   expect(cli.code, cli.stderr).toBe(0);
 * });
 */
import { afterAll } from 'vitest';
import { makeFixtureDir, type FixtureDir } from './fixture-dir.ts';
import { runCli, type CliRun } from './run-cli.ts';

/** The ledger's columns, in the order rows give them; a workspace's ledger.csv has the widest row's. */
export const LEDGER_COLUMNS = [
  'entry_id',
  'member_id',
  'occurred_at',
  'type',
  'points',
  'order_id',
  'expires_at',
];

/** The members of a workspace that names none: K1 (Gold, enrolled 2026-01-05), K2 (Silver, 2026-02-01). */
export const DEFAULT_MEMBERS = ['K1,2026-01-05,Gold', 'K2,2026-02-01,Silver'];

export interface LoyaltySpec {
  /** members.csv rows: `member_id,enrolled_at,tier` (default DEFAULT_MEMBERS). */
  members?: string[];
  /**
   * ledger.csv rows: `entry_id,member_id,occurred_at,type,points[,order_id[,expires_at]]`. The file
   * has as many columns as the widest row (no order_id column when no row has one); shorter rows get
   * empty cells. Written in entry-id order (E2 before E10), whatever order they are given in.
   */
  ledger: string[];
  /**
   * orders.csv rows: `order_id,customer_id,amount,ordered_at`; the `currency` cell (the reporting
   * currency) is added. Default: one order for each order id of the ledger, from its first row (in
   * entry-id order): the row's member, its points as the amount, its day; plus `moreOrders`, all in
   * order-id order.
   */
  orders?: string[];
  /** Orders added to the ones derived from the ledger (when `orders` is not given). */
  moreOrders?: string[];
  /** rewards.csv rows (`reward_id,name,points,cost`): a rewards source when given. */
  rewards?: string[];
  /** tier_rules.csv rows (`tier,rank,qualify`): a tier_rules source when given. */
  tierRules?: string[];
  /** The reporting currency (default USD), also the orders' currency. */
  currency?: string;
  /**
   * gtm.yaml's `loyalty:` mapping, written in this order after `program` and `value_per_point`
   * (default `Test Club` and 0.01).
   */
  loyalty?: Record<string, string | number>;
  /** More gtm.yaml lines (e.g. `thresholds: { … }`), written before `loyalty:`. */
  yaml?: string;
}

export interface LoyaltyWorkspace extends FixtureDir {
  /** The text of its gtm.yaml (for `loadOnClickHouse` / `runOnClickHouse`). */
  yaml: string;
}

/** `a` before `b` by id, numbers inside compared as numbers (E2 before E10). */
const byId = (a: string, b: string): number =>
  a.split(',')[0].localeCompare(b.split(',')[0], 'en', { numeric: true });

/** A table's text: the header, then each row padded with empty cells to the header's width. */
function table(columns: string[], rows: string[]): string {
  const lines = rows.map((r) => {
    const missing = columns.length - r.split(',').length;
    if (missing < 0)
      throw new Error(`loyalty workspace: row ${JSON.stringify(r)} has more cells than ${columns}`);
    return r + ','.repeat(missing);
  });
  return [columns.join(','), ...lines].join('\n') + '\n';
}

/** The orders of a ledger's order ids: the first row of each (entry-id order), sorted by order id. */
export function ordersOfLedger(ledger: string[]): string[] {
  const orders = new Map<string, string>();
  for (const row of [...ledger].sort(byId)) {
    const [, member, day, , points, order] = row.split(',');
    if (order && !orders.has(order)) orders.set(order, `${order},${member},${points},${day}`);
  }
  return [...orders.values()];
}

/** The workspace's files (relative name → text). */
export function loyaltyFiles(spec: LoyaltySpec): Record<string, string> {
  const currency = spec.currency ?? 'USD';
  const ledger = [...spec.ledger].sort(byId);
  const width = Math.max(5, ...ledger.map((r) => r.split(',').length));
  const orders = spec.orders ?? [...ordersOfLedger(ledger), ...(spec.moreOrders ?? [])].sort(byId);
  const loyalty = { program: 'Test Club', value_per_point: 0.01, ...spec.loyalty };
  const sources = ['members', 'ledger', 'orders'];
  if (spec.rewards) sources.push('rewards');
  if (spec.tierRules) sources.push('tier_rules');
  const yaml = [
    'version: 1',
    'sources:',
    ...sources.map((s) => `  - { name: ${s}, entity: ${s}, kind: file, path: data/${s}.csv }`),
    `currency: { reporting: ${currency} }`,
    ...(spec.yaml ? [spec.yaml.trimEnd()] : []),
    `loyalty: { ${Object.entries(loyalty)
      .map(([k, v]) => `${k}: ${v}`)
      .join(', ')} }`,
    'output: { snapshot: never }',
    '',
  ].join('\n');
  const files: Record<string, string> = {
    'gtm.yaml': yaml,
    'data/members.csv': table(['member_id', 'enrolled_at', 'tier'], spec.members ?? DEFAULT_MEMBERS),
    'data/ledger.csv': table(LEDGER_COLUMNS.slice(0, width), ledger),
    'data/orders.csv': table(
      ['order_id', 'customer_id', 'amount', 'ordered_at', 'currency'],
      orders.map((o) => `${o},${currency}`),
    ),
  };
  if (spec.rewards) files['data/rewards.csv'] = table(['reward_id', 'name', 'points', 'cost'], spec.rewards);
  if (spec.tierRules) files['data/tier_rules.csv'] = table(['tier', 'rank', 'qualify'], spec.tierRules);
  return files;
}

/** A fresh workspace of `spec` in a temp folder; `remove()` it after. */
export async function makeLoyaltyWorkspace(spec: LoyaltySpec): Promise<LoyaltyWorkspace> {
  const files = loyaltyFiles(spec);
  return Object.assign(await makeFixtureDir(files), { yaml: files['gtm.yaml'] });
}

/**
 * Workspaces for the tests of a file (or `describe`): each call makes a fresh one; all are removed
 * after the tests. Call at the top of the file (or of the `describe`).
 */
export function useLoyaltyWorkspaces(): (spec: LoyaltySpec) => Promise<LoyaltyWorkspace> {
  const made: LoyaltyWorkspace[] = [];
  afterAll(() => Promise.all(made.map((ws) => ws.remove())));
  return async (spec) => {
    const ws = await makeLoyaltyWorkspace(spec);
    made.push(ws);
    return ws;
  };
}

/** `gtm monitor-loyalty …args` in `dir`, snapshots off; the exit code is the caller's to check. */
export function runLoyalty(dir: string, args: string[]): Promise<CliRun> {
  return runCli(['monitor-loyalty', ...args], { cwd: dir, env: { ...process.env, GTM_SNAPSHOT: 'never' } });
}

/**
 * The programme of monitor-loyalty-overdue-points.test.ts: FIFO lots past their expiry date with no
 * expire row (0.01 a point, 12-month expiry, as-of 2026-06-30 in the tests that use it).
 * - A: earns 100 (exp 2026-04-10), 200 (exp 2026-05-01), 300 (exp 2027-03-15); redeems 150.
 * - B: earns 400 (exp 2026-06-30), redeems 100, earns 50 (exp 2027-05-01); 80 pending (O8).
 * - C: earns 120 (exp 2026-07-01), redeems 20.
 */
export const EXPIRY_LEDGER = [
  'E1,A,2026-01-10,earn,100,O1,2026-04-10',
  'E2,A,2026-02-01,earn,200,O2,2026-05-01',
  'E3,A,2026-03-15,earn,300,O3,2027-03-15',
  'E4,A,2026-03-20,redeem,150',
  'E5,B,2026-01-20,earn,400,O5,2026-06-30',
  'E6,B,2026-02-10,redeem,100',
  'E7,B,2026-05-01,earn,50,O7,2027-05-01',
  'E8,B,2026-06-20,pending,80,O8',
  'E9,C,2026-02-05,earn,120,O9,2026-07-01',
  'E10,C,2026-06-01,redeem,20',
];

/**
 * The members of monitor-loyalty-member-balances.test.ts: A Gold, B, C and E Silver, D of a tier no
 * rule names (`Platnum`), enrolled 2025-05-01; the others 2025-12-01.
 */
export const BALANCE_MEMBERS = [
  'A,2025-12-01,Gold',
  'B,2025-12-01,Silver',
  'C,2025-12-01,Silver',
  'D,2025-05-01,Platnum',
  'E,2025-12-01,Silver',
];

/**
 * EXPIRY_LEDGER and two members who never redeem (monitor-loyalty-member-balances.test.ts):
 * - D: earns 500 on 2025-06-01 (exp 2026-06-01) and 200 on 2026-04-01 (exp 2027-04-01).
 * - E: earns 300 (exp 2027-03-01); a pending 90 (2026-02-01, O12) confirmed by its earn row
 *   (2026-02-15, O12); 40 pending (2026-06-25, O15).
 */
export const BALANCE_LEDGER = [
  ...EXPIRY_LEDGER,
  'E11,D,2025-06-01,earn,500,O10,2026-06-01',
  'E12,D,2026-04-01,earn,200,O13,2027-04-01',
  'E14,E,2026-03-01,earn,300,O14,2027-03-01',
  'E15,E,2026-06-25,pending,40,O15',
  'E17,E,2026-02-01,pending,90,O12',
  'E18,E,2026-02-15,earn,90,O12,2027-02-15',
];
