/**
 * A refund dated after the as-of has not happened yet for the run: the order's revenue is whole,
 * as its refunded count and the refund-after-reward rule already had it. Found on a hand-built
 * workspace run as of 2026-11-07 (7d): the stage table said purchase 1,559.85, refunded 0, and net
 * 1,000.40 (three refunds of 2026-11-08 and 11-10 taken off), and no referral was flagged for them.
 * Window 30d to 2026-11-15: 2026-10-17 ≤ t < 2026-11-16.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeFixtureDir, type FixtureDir } from '../../../test/helpers/fixture-dir.ts';
import { runOptimizeReferrals } from './index.ts';
import type { ReferralsResult } from './result.ts';

const FILES: Record<string, string> = {
  'gtm.yaml': `version: 1
sources:
  - { name: adv, entity: advocates, kind: file, path: advocates.csv }
  - { name: signups, entity: referrals, kind: file, path: referrals.csv }
  - { name: orders, entity: conversions, kind: file, path: orders.csv }
  - { name: payouts, entity: payouts, kind: file, path: payouts.csv }
currency: { reporting: USD }
referrals: { revenue_stages: [purchase] }
`,
  'advocates.csv': `advocate_id,customer_id,referral_code,kind,joined_at
a1,cust-a1,C1,customer,2026-01-01
`,
  'referrals.csv': `referral_id,advocate_id,friend_id,signed_up_at
r1,a1,f1,2026-11-04T10:00:00Z
r2,a1,f2,2026-11-05T10:00:00Z
`,
  // o1 is refunded in full on 2026-11-20, after the as-of; o2 by 30 on 2026-11-10, before it
  'orders.csv': `conversion_id,customer_id,amount,currency,stage,converted_at,refunded_at,refund_amount
o1,f1,100,USD,purchase,2026-11-05T10:00:00Z,2026-11-20T10:00:00Z,100
o2,f2,80,USD,purchase,2026-11-06T10:00:00Z,2026-11-10T10:00:00Z,30
`,
  // r1's reward was paid on 2026-11-07: o1's later refund is after the reward, but after the as-of too
  'payouts.csv': `payout_id,advocate_id,referral_id,kind,amount,currency,status,created_at,paid_at
y1,a1,r1,reward,25,USD,paid,2026-11-06T10:00:00Z,2026-11-07T10:00:00Z
`,
};

let dir: FixtureDir;
let r: ReferralsResult;
beforeAll(async () => {
  dir = await makeFixtureDir(FILES);
  r = (await runOptimizeReferrals({ window: '30d' }, { cwd: dir.dir, asOf: '2026-11-15' })).result;
});
afterAll(() => dir?.remove());

describe('a refund after the as-of', () => {
  it('is not taken off the revenue of the run', () => {
    expect(r.funnel.program.current.counts).toMatchObject({
      conversions: 2,
      referredRevenue: 150, // o1 100 whole + o2 (80 − 30)
      newCustomerRevenue: 150,
      refunded: 1, // o2
    });
    expect(r.funnel.stages).toEqual([
      { stage: 'purchase', class: 'revenue', conversions: 2, amount: 180, net_amount: 150, refunded: 1 },
    ]);
  });

  it('fires no rule', () => {
    expect(r.fraud.flagged).toEqual([]);
  });
});
