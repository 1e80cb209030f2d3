/**
 * monitor-loyalty's data findings (stale pending points, overdue points) print the points' value
 * with the reporting currency's decimals (ISO 4217 minor unit: JPY 0, KWD 3), as the dashboards'
 * money does; they printed 2 whatever the currency ('1.78 at 0.0137 per point' in JPY and KWD).
 *
 * The workspace of monitor-loyalty-stale-pending.test.ts at 0.0137 a point, orders in the reporting
 * currency. By hand (FIFO, as-of 2026-06-30, default 90 pending days):
 * - stale pending: D 60 (2026-01-15) + E 70 (2025-12-20) = 130 points of 2 members,
 *   130 × 0.0137 = 1.781 (JPY 2, KWD 1.781);
 * - overdue: A 150 of the 200 lot expired 2026-05-01 (100 + 50 redeemed from the first lots),
 *   B 300 of the 400 lot expired 2026-06-30, D's 500 lot expired 2026-06-01 = 950 points of
 *   3 members, 950 × 0.0137 = 13.015 (JPY 13, KWD 13.015).
 * USD is the previous code's output, asserted by monitor-loyalty-stale-pending and -overdue-points.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.ts';

const yaml = (currency: string) => `version: 1
sources:
  - { name: members, entity: members, kind: file, path: data/members.csv }
  - { name: ledger, entity: ledger, kind: file, path: data/ledger.csv }
  - { name: orders, entity: orders, kind: file, path: data/orders.csv }
currency: { reporting: ${currency} }
loyalty: { program: Decimals Club, value_per_point: 0.0137, points_expire_months: 12 }
output: { snapshot: never }
`;
const MEMBERS = `member_id,enrolled_at,tier
A,2025-12-01,Gold
B,2025-12-01,Silver
C,2025-12-01,Silver
D,2025-05-01,Silver
E,2025-12-01,Silver
`;
const LEDGER = `entry_id,member_id,occurred_at,type,points,order_id,expires_at
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
`;
const orders = (currency: string) =>
  'order_id,customer_id,amount,ordered_at,currency\n' +
  [
    ['O1', 'A', 100, '2026-01-10'],
    ['O2', 'A', 200, '2026-02-01'],
    ['O3', 'A', 300, '2026-03-15'],
    ['O5', 'B', 400, '2026-01-20'],
    ['O7', 'B', 50, '2026-05-01'],
    ['O8', 'B', 80, '2026-06-20'],
    ['O9', 'C', 120, '2026-02-05'],
    ['O10', 'D', 500, '2025-06-01'],
    ['O11', 'D', 60, '2026-01-15'],
    ['O12', 'E', 90, '2026-02-01'],
    ['O13', 'D', 200, '2026-04-01'],
    ['O14', 'E', 300, '2026-03-01'],
    ['O15', 'E', 40, '2026-06-25'],
  ]
    .map((r) => `${r.join(',')},${currency}\n`)
    .join('');

const root = mkdtempSync(path.join(tmpdir(), 'gtm-loy-finding-decimals-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function workspace(currency: string): string {
  const dir = path.join(root, currency);
  mkdirSync(path.join(dir, 'data'), { recursive: true });
  writeFileSync(path.join(dir, 'gtm.yaml'), yaml(currency));
  writeFileSync(path.join(dir, 'data', 'members.csv'), MEMBERS);
  writeFileSync(path.join(dir, 'data', 'ledger.csv'), LEDGER);
  writeFileSync(path.join(dir, 'data', 'orders.csv'), orders(currency));
  return dir;
}

const staleFinding = (value: string) =>
  `130 pending points (${value} at 0.0137 per point) of 2 members have been pending for more than 90 days (loyalty.pending_confirmation_days) with no earn row for their order: their confirmation period is over, so they are left out of the pending points and the liability; post the earn rows of the orders kept and reverse the pending rows of the orders returned, or raise loyalty.pending_confirmation_days if confirmation takes longer`;
const overdueFinding = (value: string) =>
  `950 points (${value} at 0.0137 per point) of 3 members are past their expiry date with no expire row in the ledger: the expire rows are missing; they can no longer be redeemed, so they are left out of the outstanding points and the liability (breakage); post the expire rows (run the expiry job) so balances agree`;

interface Finding {
  points: number;
  value: number;
  members: number;
  finding: string;
}
interface Result {
  reports_dir: string;
  currency: string;
  warnings: string[];
  liability: { overdue: Finding | null; stale_pending: Finding | null };
}

describe('monitor-loyalty: the data findings print money in the reporting currency’s decimals', () => {
  it.each([
    ['JPY', '2', '13'],
    ['KWD', '1.781', '13.015'],
  ])(
    '%s: stale pending %s, overdue %s',
    async (currency, stale, overdue) => {
      const dir = workspace(currency);
      const cli = await runCli(['monitor-loyalty', '--as-of', '2026-06-30', '--json'], {
        cwd: dir,
        env: { ...process.env, GTM_SNAPSHOT: 'never' },
      });
      expect(cli.code, cli.stderr).toBe(0);
      const r = cli.json<Result>();
      expect(r.currency).toBe(currency);
      const l = r.liability;
      expect(l.stale_pending).toMatchObject({ points: 130, members: 2, finding: staleFinding(stale) });
      expect(l.stale_pending?.value).toBeCloseTo(1.781, 12);
      expect(l.overdue).toMatchObject({ points: 950, members: 3, finding: overdueFinding(overdue) });
      expect(l.overdue?.value).toBeCloseTo(13.015, 12);
      // the same text on stderr, in result.json's warnings and in the summary's data quality
      expect(cli.stderrLines).toContain(`warning: ${staleFinding(stale)}`);
      expect(cli.stderrLines).toContain(`warning: ${overdueFinding(overdue)}`);
      expect(r.warnings).toEqual(expect.arrayContaining([staleFinding(stale), overdueFinding(overdue)]));
      const summary = readFileSync(path.resolve(dir, r.reports_dir, 'summary.md'), 'utf8');
      expect(summary).toContain(`Data quality: ${overdueFinding(overdue)}.`);
      expect(summary).toContain(`Data quality: ${staleFinding(stale).replace(/_/g, '\\_')}.`);
    },
    120_000,
  );
});
