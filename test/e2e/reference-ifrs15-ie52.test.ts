/**
 * IFRS 15 Illustrative Example 52 (IE267–IE270, "Customer loyalty programme") through
 * `gtm monitor-loyalty`, as a user runs it: a ledger and orders in CSV, one run at the end of each
 * year. IE52: sales of CU100,000 earn 10,000 points worth CU1 each; 9,500 are expected to be
 * redeemed, so the points' stand-alone selling price is CU9,500 and they are allocated
 * 100,000 × 9,500 / 109,500 = CU8,676 (goods CU91,324). Year 1: 4,500 redeemed → revenue
 * 8,676 × 4,500 / 9,500 = CU4,110, contract liability CU4,566. Year 2: 8,500 redeemed in all and
 * 9,700 now expected → cumulative 8,676 × 8,500 / 9,700 = CU7,603, revenue 7,603 − 4,110 =
 * CU3,493, liability CU1,073. The allocation is not redone with the new estimate (IFRS 15.88).
 *
 * The programme's own history has to expect what IE52's entity expects, so a second member (MR)
 * carries an older cohort whose curve gives exactly those rates (chain ladder, 36-month expiry):
 * MR earns 970,000 points in June 2021 and redeems 436,500 a month later (age 1), 371,000 at age
 * 13 and 114,000 at age 25; the 48,500 left expire at age 36. Its rate is 921,500 / 970,000 = 95 %,
 * the rate of new points when ME's points are issued (December 2024). ME buys CU100,000
 * (order O1) and earns 10,000 points; redeems 4,500 in January 2025 (age 1) and 4,000 in January
 * 2026 (age 13). Chain ladder at the end of 2025 (ME at age 12): 4,500 × 921,500 / 436,500 = 9,500;
 * at the end of 2026 (age 24): 8,500 × 921,500 / 807,500 = 9,700.
 *
 * Before, the command allocated each cohort's price with today's estimate and valued the revenue
 * recognised by the window's start with it too: year 2 gave allocated 8,842.30
 * (100,000 × 9,700 / 109,700), revenue 3,646.31 and a contract liability of 1,093.89, not IE52's
 * 3,493 and 1,073 (year 1 matched).
 */
import { describe, expect, it } from 'vitest';
import { runLoyalty, useLoyaltyWorkspaces } from '../helpers/loyalty-workspace.ts';

const LEDGER = [
  'E1,MR,2021-06-10,earn,970000',
  'E2,MR,2021-07-10,redeem,436500',
  'E3,MR,2022-07-10,redeem,371000',
  'E4,MR,2023-07-10,redeem,114000',
  'E5,MR,2024-06-10,expire,48500',
  'E6,ME,2024-12-15,earn,10000,O1',
  'E7,ME,2025-01-15,redeem,4500',
  'E8,ME,2026-01-15,redeem,4000',
];
const workspace = useLoyaltyWorkspaces();

interface Cohort {
  cohort: string;
  issued: number;
  redeemed: number;
  ultimate_redemption_rate: number;
  allocated: number;
  revenue_in_window: number;
  deferred_revenue: number;
}
interface Liability {
  liability: number;
  outstanding_points: number;
  revenue_released: number;
  deferred_revenue: number;
  points_redeemed_in_window: number;
  cohorts: Cohort[];
}

describe('IFRS 15 Illustrative Example 52 through gtm monitor-loyalty', () => {
  it('reproduces the allocation, each year’s revenue and the contract liability', async () => {
    const ws = await workspace({
      members: ['MR,2021-06-01,Silver', 'ME,2024-12-01,Silver'],
      ledger: LEDGER,
      orders: ['O1,ME,100000,2024-12-15'],
      loyalty: {
        program: 'IE52',
        value_per_point: 1,
        points_expire_months: 36,
        breakage: '{ method: chain-ladder }',
      },
    });
    const year = async (asOf: string) => {
      const cli = await runLoyalty(ws.dir, ['--as-of', asOf, '--window', '365d', '--json']);
      expect(cli.code, cli.stderr).toBe(0);
      const l = cli.json<{ liability: Liability }>().liability;
      const me = l.cohorts.find((c) => c.cohort === '2024-12');
      if (!me) throw new Error(`no 2024-12 cohort in ${JSON.stringify(l.cohorts)}`);
      return { l, me };
    };
    const allocated = (100_000 * 9_500) / 109_500; // 8,675.799…

    const y1 = await year('2025-12-31');
    expect(y1.me).toMatchObject({ issued: 10_000, redeemed: 4_500 });
    expect(y1.me.ultimate_redemption_rate).toBeCloseTo(0.95, 12);
    expect(y1.me.allocated).toBeCloseTo(allocated, 6);
    expect(Math.round(y1.me.allocated)).toBe(8_676);
    expect(y1.me.revenue_in_window).toBeCloseTo((allocated * 4_500) / 9_500, 6);
    expect(Math.round(y1.me.revenue_in_window)).toBe(4_110);
    expect(Math.round(y1.me.deferred_revenue)).toBe(4_566);
    // MR's points earned no order: nothing to allocate; the programme's totals are ME's
    expect(y1.l.revenue_released).toBeCloseTo(y1.me.revenue_in_window, 9);
    expect(y1.l.deferred_revenue).toBeCloseTo(y1.me.deferred_revenue, 9);
    // `liability` is the points' redemption value, not the contract liability: 5,500 outstanding
    // points × 1 × (9,500 − 4,500) / 5,500 expected to be redeemed = 5,000
    expect(y1.l.outstanding_points).toBe(5_500);
    expect(y1.l.liability).toBeCloseTo(5_000, 9);

    const y2 = await year('2026-12-31');
    expect(y2.me).toMatchObject({ issued: 10_000, redeemed: 8_500 });
    expect(y2.me.ultimate_redemption_rate).toBeCloseTo(0.97, 12);
    // not reallocated with the new estimate (IFRS 15.88)
    expect(y2.me.allocated).toBeCloseTo(allocated, 6);
    // cumulative catch-up: 8,675.80 × 8,500/9,700 − 8,675.80 × 4,500/9,500 = 7,602.52 − 4,109.59
    expect(y2.me.revenue_in_window).toBeCloseTo((allocated * 8_500) / 9_700 - (allocated * 4_500) / 9_500, 6);
    expect(Math.round(y2.me.revenue_in_window)).toBe(3_493);
    expect(Math.round(y1.me.revenue_in_window + y2.me.revenue_in_window)).toBe(7_603);
    expect(Math.round(y2.me.deferred_revenue)).toBe(1_073);
    expect(y2.l.points_redeemed_in_window).toBe(4_000);
  });
});
