/**
 * monitor-loyalty on a programme whose points are never redeemed in their issue month (points
 * become redeemable the month after they are earned, a common rule). Every cohort's redemption
 * curve is 0 at age 0, so the volume-weighted factor from age 0 to 1 is (400 + 500 + 300) / 0:
 * infinite, the age-0 cohort is 0 % developed and Bornhuetter–Ferguson expects it to redeem the
 * whole prior. The factor was taken as 1, which called the newest cohort as developed as a
 * one-month-old one: with the older cohorts' curves flat after age 1, the 2,000 points issued in
 * the valuation month were expected to redeem nothing, and the liability was 0.00 for 2,700 points
 * outstanding. ClickHouse 18.16 the same when a server is installed.
 *
 * Figures by hand (0.01 a point, points expire 3 months after issue: maturity age 4; as-of
 * 2026-06-15, valuation at the last month end, 2026-05-31):
 * - 2026-01 (A): 1,000 issued, 400 redeemed at age 1 (Feb), 600 expired at age 3: age 4, matured.
 * - 2026-02 (B): 1,000 issued, 500 redeemed at age 1 (Mar), 500 expired at age 3 (May): age 3,
 *   its expiry month over with nothing outstanding, matured.
 * - 2026-04 (C): 1,000 issued, 300 redeemed at age 1 (May): age 1, 700 outstanding.
 * - 2026-05 (D): 2,000 issued, nothing redeemed: age 0, 2,000 outstanding.
 * Prior = (400 + 500) / 2,000 = 0.45. Factors: f₀ = (400 + 500 + 300) / 0 = ∞ (null in
 * result.json), f₁ = 900 / 900 = 1, f₂ = 1, f₃ = 400 / 400 = 1; age-to-ultimate [∞, 1, 1, 1, 1].
 * BF: C = 300 + 1,000 × 0.45 × (1 − 1/1) = 300 (rate 0.3, nothing more expected);
 * D = 0 + 2,000 × 0.45 × (1 − 1/∞) = 900 (rate 0.45; it was 0).
 * Expected redemption of the outstanding points = (0 + 900) / (700 + 2,000) = 1/3;
 * liability = 2,700 × 0.01 × 1/3 = 9.00; programme rate (400 + 500 + 300 + 900) / 5,000 = 0.42.
 * IFRS 15, cohort 2026-05 (order revenue 2,000): allocated with the rate expected when its points
 * were issued (IFRS 15.88), the rate of new points at the end of April: the prior of the cohorts
 * matured then, 2026-01's 400 / 1,000 = 0.4 (2026-02, at age 2 with 500 outstanding, had not):
 * 2,000 × 8 / (2,000 + 8) = 7.968127490039841 (points at 2,000 × 0.01 × 0.4 = 8), nothing
 * redeemed, all deferred.
 */
import { describe, expect, it } from 'vitest';
import { describeOnClickHouse, loadOnClickHouse } from '../helpers/clickhouse-parity.ts';
import { runLoyalty, useLoyaltyWorkspaces, type LoyaltySpec } from '../helpers/loyalty-workspace.ts';

// members enrolled 2025-12-01; orders: one for each earn row (its points as the amount, its day)
const SPEC: LoyaltySpec = {
  loyalty: { program: 'Next Month Club', value_per_point: 0.01, points_expire_months: 3 },
  members: ['A,2025-12-01,Gold', 'B,2025-12-01,Silver', 'C,2025-12-01,Silver', 'D,2025-12-01,Silver'],
  ledger: [
    'E1,A,2026-01-10,earn,1000,O1',
    'E2,A,2026-02-15,redeem,400',
    'E3,A,2026-04-10,expire,600',
    'E4,B,2026-02-10,earn,1000,O2',
    'E5,B,2026-03-12,redeem,500',
    'E6,B,2026-05-10,expire,500',
    'E7,C,2026-04-05,earn,1000,O3',
    'E8,C,2026-05-06,redeem,300',
    'E9,D,2026-05-20,earn,2000,O4',
  ],
};
const workspace = useLoyaltyWorkspaces();

interface Cohort {
  cohort: string;
  age: number;
  issued: number;
  redeemed: number;
  outstanding: number;
  matured: boolean;
  ultimate_redemption_rate: number;
  allocated: number;
  deferred_revenue: number;
}
interface Result {
  liability: {
    outstanding_points: number;
    liability: number;
    expected_redemption_rate: number;
    programme_redemption_rate: number;
    prior_redemption_rate: number;
    development_factors: (number | null)[];
    cumulative_factors: (number | null)[];
    immature: unknown;
    cohorts: Cohort[];
  };
}

async function check(dir: string, extra: string[] = []): Promise<void> {
  const cli = await runLoyalty(dir, ['--as-of', '2026-06-15', '--json', ...extra]);
  expect(cli.code, cli.stderr).toBe(0);
  const l = cli.json<Result>().liability;
  expect(l.immature).toBeNull();
  expect(l.prior_redemption_rate).toBeCloseTo(0.45, 12);
  expect(l.development_factors).toEqual([null, 1, 1, 1]);
  expect(l.cumulative_factors).toEqual([null, 1, 1, 1, 1]);
  const byCohort = Object.fromEntries(l.cohorts.map((c) => [c.cohort, c]));
  expect(byCohort['2026-01']).toMatchObject({ age: 4, matured: true, redeemed: 400, outstanding: 0 });
  expect(byCohort['2026-02']).toMatchObject({ age: 3, matured: true, redeemed: 500, outstanding: 0 });
  expect(byCohort['2026-04']).toMatchObject({ age: 1, matured: false, redeemed: 300, outstanding: 700 });
  expect(byCohort['2026-04'].ultimate_redemption_rate).toBeCloseTo(0.3, 12);
  expect(byCohort['2026-05']).toMatchObject({ age: 0, matured: false, redeemed: 0, outstanding: 2_000 });
  expect(byCohort['2026-05'].ultimate_redemption_rate).toBeCloseTo(0.45, 12);
  expect(byCohort['2026-05'].allocated).toBeCloseTo(7.968127490039841, 9);
  expect(byCohort['2026-05'].deferred_revenue).toBeCloseTo(7.968127490039841, 9);
  expect(l.outstanding_points).toBe(2_700);
  expect(l.expected_redemption_rate).toBeCloseTo(1 / 3, 12);
  expect(l.liability).toBeCloseTo(9, 12);
  expect(l.programme_redemption_rate).toBeCloseTo(0.42, 12);
}

describe('monitor-loyalty: no cohort redeems in its issue month', () => {
  it('expects the valuation month cohort to redeem the whole prior (Bornhuetter–Ferguson)', async () => {
    await check((await workspace(SPEC)).dir);
  }, 120_000);
});

describeOnClickHouse('the same on ClickHouse 18.16', (ch) => {
  it("gives the same figures from the server's tables", async () => {
    const ws = await workspace(SPEC);
    await loadOnClickHouse(ws.dir, ch.url, 'loy_issue_month', ws.yaml);
    await check(ws.dir, ['--config', 'gtm.clickhouse.yaml']);
  }, 240_000);
});
