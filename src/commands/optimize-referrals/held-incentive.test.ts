/**
 * The payout value at risk (held) is the pending and paid rewards and incentives of review and
 * reject referrals, each payout by its own status. A flagged referral whose advocate reward was
 * clawed back (or voided) while the friend's incentive was paid held nothing: the scorer judged
 * all of the referral's payouts by the reward's status. Found by the s20 acceptance check
 * (h-refacc20): a refund-after-reward referral with its reward 'Clawed Back' and a 10 USD friend
 * discount paid showed held 0 (review 940.878 instead of 950.878 from an independent tally).
 */
import { describe, expect, it } from 'vitest';
import { useReferralsResult } from '../../../test/helpers/referrals-workspace.ts';

// Three self-referrals (friend = the advocate's own account: reject). r1: reward clawed back,
// incentive paid -> 10 held. r2: reward void, incentive pending -> 20 held. r3: both paid -> 340.
const ref = useReferralsResult({
  advocates: `advocate_id,customer_id,kind,joined_at
a1,c1,customer,2026-01-01
a2,c2,customer,2026-01-01
a3,c3,customer,2026-01-01
`,
  referrals: `referral_id,advocate_id,friend_id,signed_up_at
r1,a1,c1,2026-11-01T10:00:00Z
r2,a2,c2,2026-11-01T10:00:00Z
r3,a3,c3,2026-11-01T10:00:00Z
`,
  conversions: `conversion_id,customer_id,amount,currency,stage,converted_at
o1,c1,100,USD,purchase,2026-11-03T12:00:00Z
o2,c2,100,USD,purchase,2026-11-03T12:00:00Z
o3,c3,100,USD,purchase,2026-11-03T12:00:00Z
`,
  payouts: `payout_id,advocate_id,referral_id,kind,amount,currency,status,created_at,paid_at
p1,a1,r1,reward,25,USD,Clawed Back,2026-11-04T12:00:00Z,2026-11-05T12:00:00Z
p2,a1,r1,friend_discount,10,USD,paid,2026-11-03T12:00:00Z,2026-11-03T12:00:00Z
p3,a2,r2,reward,25,USD,void,2026-11-04T12:00:00Z,
p4,a2,r2,friend_discount,20,USD,pending,2026-11-03T12:00:00Z,
p5,a3,r3,reward,300,USD,paid,2026-11-04T12:00:00Z,2026-11-05T12:00:00Z
p6,a3,r3,friend_discount,40,USD,paid,2026-11-03T12:00:00Z,2026-11-03T12:00:00Z
`,
});

describe('held payouts of flagged referrals', () => {
  it('holds each pending or paid reward and incentive, whatever the status of the others', () => {
    const r = ref.result;
    const held = Object.fromEntries(r.fraud.flagged.map((f) => [f.referral_id, [f.band, f.held_value]]));
    expect(held).toEqual({ r1: ['reject', 10], r2: ['reject', 20], r3: ['reject', 340] });
    expect(r.fraud.value_at_risk).toEqual({ review: 0, reject: 370, total: 370 });
  });
});
