/**
 * Points that do not expire by age (never, or after inactivity) on a programme with a short
 * history: no breakage is recognised until the oldest issuance cohort has
 * `loyalty.breakage.min_history_months` (default 24) of history; every outstanding point is valued
 * as redeemed, as a programme whose expiring points have no matured cohort already was (IFRS
 * 15.56–58, B46: breakage only once it can be estimated). Before, such a programme took the
 * redemption curves as they stood: a five-month-old ledger with one redemption valued its 1,600
 * outstanding points at a fraction of their face value, and one with none at 0.00 (h-inact27's
 * note: a liability of 0 on 1,290 points).
 *
 * By hand (as-of 2026-06-30, valuation at the end of June, 0.01 a point): A earns 1,000
 * (2026-01-10) and redeems 200 (2026-03-01); B earns 500 (2026-02-05); C earns 300 (2026-05-01).
 * Outstanding 800 + 500 + 300 = 1,600 points → liability 16.00 at full value; the oldest cohort,
 * 2026-01, is 5 months past its issue month. With `min_history_months: 3` the curves decide, as
 * before: below full value.
 */
import { describe, expect, it } from 'vitest';
import { runLoyalty, useLoyaltyWorkspaces, type LoyaltySpec } from '../helpers/loyalty-workspace.ts';

const LEDGER = [
  'E1,A,2026-01-10,earn,1000,O1',
  'E2,A,2026-03-01,redeem,200',
  'E3,B,2026-02-05,earn,500,O3',
  'E4,C,2026-05-01,earn,300,O4',
];
const spec = (loyalty: Record<string, string | number>): LoyaltySpec => ({
  members: ['A,2025-12-01,Silver', 'B,2025-12-01,Silver', 'C,2025-12-01,Silver'],
  ledger: LEDGER,
  loyalty: { program: 'Young Club', value_per_point: 0.01, ...loyalty },
});
const workspace = useLoyaltyWorkspaces();

interface Liability {
  outstanding_points: number;
  liability: number;
  expected_redemption_rate: number;
  immature: {
    basis: string;
    oldest_cohort: string | null;
    observed_months: number;
    maturity_age: number;
  } | null;
}

async function liability(loyalty: Record<string, string | number>): Promise<Liability> {
  const ws = await workspace(spec(loyalty));
  const cli = await runLoyalty(ws.dir, ['--as-of', '2026-06-30', '--json']);
  expect(cli.code, cli.stderr).toBe(0);
  return cli.json<{ liability: Liability }>().liability;
}

describe('a young programme whose points do not expire by age', () => {
  it.each([
    ['never expiring', { points_expire_months: 0 }],
    ['expiring after inactivity', { points_expiry: '{ policy: inactivity, months: 12 }' }],
  ])('%s: values every outstanding point as redeemed, saying why', async (_label, loyalty) => {
    const l = await liability(loyalty);
    expect(l.outstanding_points).toBe(1600);
    expect(l.expected_redemption_rate).toBe(1);
    expect(l.liability).toBeCloseTo(16, 10);
    expect(l.immature).toMatchObject({
      basis: 'history',
      oldest_cohort: '2026-01',
      observed_months: 5,
      maturity_age: 24,
    });
  });

  it('takes the curves once the history is long enough (min_history_months)', async () => {
    const l = await liability({ points_expire_months: 0, breakage: '{ min_history_months: 3 }' });
    expect(l.immature).toBeNull();
    expect(l.outstanding_points).toBe(1600);
    expect(l.expected_redemption_rate).toBeLessThan(1);
    expect(l.liability).toBeCloseTo(1600 * 0.01 * l.expected_redemption_rate, 10);
  });
});
