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
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  BALANCE_LEDGER,
  runLoyalty,
  useLoyaltyWorkspaces,
  type LoyaltySpec,
} from '../helpers/loyalty-workspace.ts';

/** The stale-pending workspace (D a Silver member here), orders in `currency`. */
const spec = (currency: string): LoyaltySpec => ({
  currency,
  loyalty: { program: 'Decimals Club', value_per_point: 0.0137, points_expire_months: 12 },
  members: [
    'A,2025-12-01,Gold',
    'B,2025-12-01,Silver',
    'C,2025-12-01,Silver',
    'D,2025-05-01,Silver',
    'E,2025-12-01,Silver',
  ],
  ledger: [...BALANCE_LEDGER, 'E13,D,2026-01-15,pending,60,O11', 'E16,E,2025-12-20,pending,70'],
});
const workspace = useLoyaltyWorkspaces();

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
      const { dir } = await workspace(spec(currency));
      const cli = await runLoyalty(dir, ['--as-of', '2026-06-30', '--json']);
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
