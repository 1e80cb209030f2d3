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

/** The member-balances workspace and its two old pending rows; `days`: pending_confirmation_days. */
const spec = (days?: number): LoyaltySpec => ({
  loyalty: {
    program: 'Pending Club',
    value_per_point: 0.01,
    points_expire_months: 12,
    ...(days === undefined ? {} : { pending_confirmation_days: days }),
  },
  members: BALANCE_MEMBERS,
  ledger: [...BALANCE_LEDGER, 'E13,D,2026-01-15,pending,60,O11', 'E16,E,2025-12-20,pending,70'],
  rewards: ['R1,Coffee,50,0.4'],
  tierRules: ['Silver,0,0', 'Gold,1,1000'],
});
const workspace = useLoyaltyWorkspaces();

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
  const cli = await runLoyalty(dir, ['--as-of', '2026-06-30', '--json', ...extra]);
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
    await checkDefault((await workspace(spec())).dir);
  }, 120_000);

  it('follows loyalty.pending_confirmation_days (180: only the older row; 0: never stale)', async () => {
    const { r } = await run((await workspace(spec(180))).dir);
    expect(r.liability).toMatchObject({ outstanding_points: 1220, pending_points: 180 });
    expect(r.liability.liability).toBeCloseTo(12.2, 12);
    expect(r.liability.stale_pending).toMatchObject({ points: 70, members: 1, days: 180 });
    expect(r.members.unknown_tiers).toMatchObject([{ tier: 'Platnum', outstanding_points: 260 }]);
    const never = (await run((await workspace(spec(0))).dir)).r;
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
    const ws = await workspace(spec());
    await loadOnClickHouse(ws.dir, ch.url, 'loy_stale_pending', ws.yaml);
    await checkDefault(ws.dir, ['--config', 'gtm.clickhouse.yaml']);
  }, 240_000);
});
