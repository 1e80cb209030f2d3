/**
 * monitor-loyalty with points past their expiry date and no expire row in the ledger. Points whose
 * expiry is on or before the as-of can no longer be redeemed: they are breakage, not liability,
 * whether the expire row has been posted or not. They stayed in the outstanding points and the
 * liability (980 points, 9.80) until an expire row arrived. Now the liability counts the 530 points
 * that can still be redeemed (5.30), the cohorts show the overdue points apart, and the 450 overdue
 * points (4.50, 2 members) are reported as a data finding. ClickHouse 18.16 the same when a server
 * is installed.
 *
 * Figures by hand (FIFO lots, as-of 2026-06-30, 0.01 a point; no cohort has matured, so every point
 * that can still be redeemed is expected to be):
 * - A: 100 (exp 2026-04-10), 200 (exp 2026-05-01), 300 (exp 2027-03-15); redeems 150 → 100 + 50:
 *   150 of the 200 lot overdue, 300 outstanding.
 * - B: 400 (exp 2026-06-30, the as-of day: overdue); redeems 100 → 300 overdue; 50 (exp 2027-05-01)
 *   outstanding; 80 pending.
 * - C: 120 (exp 2026-07-01, the day after: not overdue); redeems 20 → 100 outstanding.
 * Outstanding 300 + 50 + 100 + 80 pending = 530, liability 5.30; overdue 150 + 300 = 450 of A and B.
 * Cohort 2026-02 (A's 200, C's 120: 320 issued, 70 redeemed, 150 overdue, 100 outstanding): ultimate
 * 170 points (rate 0.53125); allocated with the rate expected when its points were issued (IFRS
 * 15.88), the rate of new points at the end of January, 1 (no cohort had matured: no breakage):
 * 320 × 3.2 / 323.2 = 3.1683168316831685, deferred 3.168… × (1 − 70 / 170) = 1.8637157833430403.
 * Cohort 2026-01 (500 issued, 200 redeemed, 300 overdue): nothing outstanding, nothing deferred.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeOnClickHouse, loadOnClickHouse } from '../helpers/clickhouse-parity.ts';
import {
  EXPIRY_LEDGER,
  runLoyalty,
  useLoyaltyWorkspaces,
  type LoyaltySpec,
} from '../helpers/loyalty-workspace.ts';

// the lots above (EXPIRY_LEDGER); orders: one for each earn or pending row (its points, its day)
const SPEC: LoyaltySpec = {
  loyalty: { program: 'Expiry Club', value_per_point: 0.01, points_expire_months: 12 },
  members: ['A,2025-12-01,Gold', 'B,2025-12-01,Silver', 'C,2025-12-01,Silver'],
  ledger: EXPIRY_LEDGER,
};
const workspace = useLoyaltyWorkspaces();

interface Cohort {
  cohort: string;
  issued: number;
  redeemed: number;
  overdue: number;
  outstanding: number;
  deferred_revenue: number;
}
interface Result {
  reports_dir: string;
  warnings: string[];
  liability: {
    outstanding_points: number;
    active_points: number;
    pending_points: number;
    liability: number;
    overdue: { points: number; value: number; members: number; finding: string } | null;
    cohorts: Cohort[];
  };
}

const FINDING =
  '450 points (4.50 at 0.01 per point) of 2 members are past their expiry date with no expire row in the ledger: the expire rows are missing; they can no longer be redeemed, so they are left out of the outstanding points and the liability (breakage); post the expire rows (run the expiry job) so balances agree';

async function check(dir: string, extra: string[] = []): Promise<void> {
  const cli = await runLoyalty(dir, ['--as-of', '2026-06-30', '--json', ...extra]);
  expect(cli.code, cli.stderr).toBe(0);
  const r = cli.json<Result>();
  const l = r.liability;
  expect(l).toMatchObject({ outstanding_points: 530, active_points: 450, pending_points: 80 });
  expect(l.liability).toBeCloseTo(5.3, 12);
  expect(l.overdue).toMatchObject({ points: 450, members: 2, finding: FINDING });
  expect(l.overdue?.value).toBeCloseTo(4.5, 12);
  const byCohort = Object.fromEntries(l.cohorts.map((c) => [c.cohort, c]));
  expect(byCohort['2026-01']).toMatchObject({ issued: 500, redeemed: 200, overdue: 300, outstanding: 0 });
  expect(byCohort['2026-01'].deferred_revenue).toBeCloseTo(0, 12);
  expect(byCohort['2026-02']).toMatchObject({ issued: 320, redeemed: 70, overdue: 150, outstanding: 100 });
  expect(byCohort['2026-02'].deferred_revenue).toBeCloseTo(1.8637157833430403, 12);
  expect(byCohort['2026-03']).toMatchObject({ overdue: 0, outstanding: 300 });
  expect(byCohort['2026-05']).toMatchObject({ overdue: 0, outstanding: 50 });
  // one line on stderr, in result.json's warnings, the summary's data quality
  expect(cli.stderrLines.filter((x) => x.includes('expire rows'))).toEqual([`warning: ${FINDING}`]);
  expect(r.warnings).toContain(FINDING);
  const summary = readFileSync(path.resolve(dir, r.reports_dir, 'summary.md'), 'utf8');
  expect(summary).toContain(`Data quality: ${FINDING}.`);
  const csv = readFileSync(path.resolve(dir, r.reports_dir, 'liability_cohorts.csv'), 'utf8');
  expect(csv.split('\n')[0]).toContain('adjusted,overdue,outstanding');
}

describe('monitor-loyalty: points past their expiry date with no expire row', () => {
  it('leaves them out of the outstanding points and the liability, and reports them', async () => {
    await check((await workspace(SPEC)).dir);
  }, 120_000);
});

describeOnClickHouse('the same on ClickHouse 18.16', (ch) => {
  it("gives the same figures from the server's tables", async () => {
    const ws = await workspace(SPEC);
    await loadOnClickHouse(ws.dir, ch.url, 'loy_overdue', ws.yaml);
    await check(ws.dir, ['--config', 'gtm.clickhouse.yaml']);
  }, 240_000);
});
