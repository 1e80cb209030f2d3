/**
 * A reward whose status says it was paid but whose export has no paid time (no `paid_at` column,
 * or an empty cell: payouts exports often carry only the status and the creation date) is a paid
 * reward for the fraud review too: paid at `created_at`, the earliest it can have been paid.
 * Before, only `paid_at` dated a paid reward, so without it no friend counted as rewarded: three
 * friends on one device, rewarded and never back, were no ring (`rings: []`, rewards paid 80
 * summed all the same), and an order refunded three days after its reward never fired
 * refund-after-reward. Expected figures by hand from the files below; DuckDB and ClickHouse 18.16.
 */
import { describe, expect, it } from 'vitest';
import { describeOnClickHouse } from '../../../test/helpers/clickhouse-parity.ts';
import { useReferralsRun } from '../../../test/helpers/referrals-workspace.ts';
import type { ReferralsResult } from './result.ts';

const ref = useReferralsRun({
  revenueStages: ['purchase'],
  advocates: `advocate_id,kind,joined_at,device_id
a1,customer,2026-01-01,dev-a1
a2,customer,2026-01-01,dev-a2
a3,customer,2026-01-01,dev-a3
`,
  // f1, f2, f3 sign up on one device (a ring of friends); x1 and x2 are ordinary friends of a3
  referrals: `referral_id,advocate_id,friend_id,device_id,signed_up_at
r1,a1,f1,dev-ring,2026-11-01T10:00:00Z
r2,a1,f2,dev-ring,2026-11-02T10:00:00Z
r3,a2,f3,dev-ring,2026-11-03T10:00:00Z
r4,a3,x1,dev-x1,2026-11-04T10:00:00Z
r5,a3,x2,dev-x2,2026-11-05T10:00:00Z
`,
  // o4 refunded 2026-11-08 00:00, after its reward (created 2026-11-05 13:00); o5 refunded before its reward
  conversions: `conversion_id,customer_id,amount,stage,converted_at,refunded_at
o1,f1,100,purchase,2026-11-01T12:00:00Z,
o2,f2,100,purchase,2026-11-02T12:00:00Z,
o3,f3,100,purchase,2026-11-03T12:00:00Z,
o4,x1,100,purchase,2026-11-04T12:00:00Z,2026-11-08T00:00:00Z
o5,x2,100,purchase,2026-11-05T12:00:00Z,2026-11-05T18:00:00Z
`,
  // no paid_at column: status and creation date only
  payouts: `payout_id,advocate_id,referral_id,kind,amount,status,created_at
p1,a1,r1,reward,25,paid,2026-11-01T13:00:00Z
p2,a1,r2,reward,25,paid,2026-11-02T13:00:00Z
p3,a2,r3,reward,30,paid,2026-11-03T13:00:00Z
p4,a3,r4,reward,40,paid,2026-11-05T13:00:00Z
p5,a3,r5,reward,40,paid,2026-11-06T13:00:00Z
`,
});

const flagged = (r: ReferralsResult) =>
  Object.fromEntries(r.fraud.flagged.map((f) => [f.referral_id, [f.band, f.score, f.rules]]));

describe('rewards paid without a paid time (DuckDB)', () => {
  it('reward the friends of a ring: three friends on one device, rewarded and never back', () => {
    const duck = ref.result;
    expect(duck.fraud.rings).toHaveLength(1);
    // 25 + 25 + 30 paid on r1, r2, r3; 3 rewarded friends, none ordered again
    expect(duck.fraud.rings[0]).toMatchObject({
      accounts: ['f1', 'f2', 'f3'],
      rewards_paid: 80,
      rewarded_friends: 3,
      retained_friends: 0,
      reasons: ['no-activity-after-reward'],
    });
  });

  it('date the reward for refund-after-reward: a refund after the reward was created fires, one before does not', () => {
    const duck = ref.result;
    const f = flagged(duck);
    expect(f.r4).toEqual(['review', 0.6, ['refund-after-reward']]);
    // 2026-11-05 13:00 → 2026-11-08 00:00: 2 days 11 hours = 59 / 24 days
    const r4 = duck.fraud.flagged.find((x) => x.referral_id === 'r4')!;
    expect(r4.evidence[0].evidence.daysAfterReward).toBeCloseTo(59 / 24, 9);
    expect(f.r5).toBeUndefined();
    for (const id of ['r1', 'r2', 'r3']) expect(f[id]).toEqual(['review', 0.75, ['ring']]);
  });
});

describeOnClickHouse('the same on ClickHouse 18.16', (ch) => {
  it('gives the same ring and flags', async () => {
    const duck = ref.result;
    const run = await ref.onClickHouse(ch, 'paid');
    expect(run.code, run.stderr).toBe(0);
    const r = run.json<ReferralsResult>();
    expect(r.fraud.rings).toEqual(duck.fraud.rings);
    expect(flagged(r)).toEqual(flagged(duck));
  }, 120_000);
});
