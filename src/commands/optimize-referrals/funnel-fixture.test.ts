/**
 * The funnel's SQL against a workspace small enough to count by hand (window 30d to 2026-11-15:
 * 2026-10-17 ≤ t < 2026-11-16; previous window 2026-09-17 ≤ t < 2026-10-17). Every expected number
 * below is worked out in the comment beside it from the CSV rows, not from the command.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeFixtureDir, type FixtureDir } from '../../../test/helpers/fixture-dir.ts';
import { runOptimizeReferrals } from './index.ts';
import type { ReferralsResult } from './result.ts';

const YAML = `version: 1
sources:
  - { name: adv, entity: advocates, kind: file, path: advocates.csv }
  - { name: shares, entity: shares, kind: file, path: shares.csv }
  - { name: clicks, entity: clicks, kind: file, path: clicks.csv }
  - { name: signups, entity: referrals, kind: file, path: referrals.csv }
  - { name: orders, entity: conversions, kind: file, path: conversions.csv }
  - { name: payouts, entity: payouts, kind: file, path: payouts.csv }
currency: { reporting: USD }
roster:
  roles:
    referral_architect: { people: [{ name: Nadia }] }
    partner_ops: { people: [{ name: Jonas }] }
    referral_growth_marketer: { people: [{ name: Amara }] }
    referral_fraud_analyst: { people: [{ name: Luis }] }
    exec_sponsor: { people: [{ name: Dana }] }
referrals:
  revenue_stages: [purchase]
`;

const FILES: Record<string, string> = {
  'gtm.yaml': YAML,
  // a4 joins after as-of: not eligible; a5 is friend f1, who became an advocate after buying
  'advocates.csv': `advocate_id,customer_id,referral_code,kind,tier,region,persona,joined_at
a1,cust-a1,C1,customer,,NA,Dev,2026-01-01
a2,cust-a2,C2,customer,,EMEA,Ops,2026-01-01
a3,cust-a3,C3,customer,,NA,Dev,2026-11-10
p1,cust-p1,PARTNER1,partner,gold,NA,Partner,2026-01-01
a4,cust-a4,C4,customer,,NA,Dev,2026-12-01
a5,f1,C5,customer,,NA,Dev,2026-11-04
`,
  'shares.csv': `share_id,advocate_id,channel,shared_at,recipients
s1,a1,email,2026-11-01T09:00:00Z,2
s2,a1,sms,2026-11-02T08:00:00Z,
s3,p1,social,2026-11-03T07:00:00Z,1
s4,a2,email,2026-09-20T10:00:00Z,1
s5,a5,link,2026-11-05T10:00:00Z,1
`,
  'clicks.csv': `click_id,referral_code,share_id,channel,clicked_at
k1,C1,s1,,2026-11-01T10:00:00Z
k2,C1,s1,,2026-11-01T11:00:00Z
k3,C1,s2,,2026-11-02T09:00:00Z
k4,PARTNER1,s3,,2026-11-03T08:00:00Z
k5,PARTNER1,,link,2026-11-03T09:00:00Z
k6,ZZZ,,link,2026-11-04T09:00:00Z
k7,C2,s4,,2026-09-21T10:00:00Z
`,
  // r2 and r3 are credited by their code only; r4 claims f3 a second time
  'referrals.csv': `referral_id,advocate_id,referral_code,friend_id,click_id,signed_up_at
r1,a1,,f1,k1,2026-11-01T10:30:00Z
r2,,C1,f2,k3,2026-11-02T09:30:00Z
r3,,PARTNER1,f3,k4,2026-11-03T08:30:00Z
r4,p1,,f3,,2026-11-05T12:00:00Z
r5,a2,,f5,k7,2026-09-22T10:00:00Z
`,
  'conversions.csv': `conversion_id,customer_id,amount,currency,stage,converted_at,refunded_at,refund_amount
o1,f1,100,USD,purchase,2026-11-03T12:00:00Z,,
o2,f1,50,USD,purchase,2026-11-10T12:00:00Z,,
o3,f3,200,USD,purchase,2026-11-06T12:00:00Z,2026-11-08T12:00:00Z,50
o4,f5,80,USD,purchase,2026-10-20T12:00:00Z,,
o5,f2,500,USD,opportunity,2026-11-04T12:00:00Z,,
o6,n1,60,USD,purchase,2026-11-05T12:00:00Z,,
o7,n2,40,USD,purchase,2026-08-01T12:00:00Z,,
o8,n2,30,USD,purchase,2026-11-07T12:00:00Z,,
`,
  'payouts.csv': `payout_id,advocate_id,referral_id,kind,amount,currency,status,created_at,paid_at
y1,a1,r1,reward,25,USD,paid,2026-11-03T12:00:00Z,2026-11-10T12:00:00Z
y2,a1,r1,incentive,10,USD,paid,2026-11-03T12:00:00Z,2026-11-03T12:00:00Z
y3,a1,r1,fee,1.5,USD,paid,2026-11-03T12:00:00Z,2026-11-03T12:00:00Z
y4,p1,r3,reward,16,USD,clawed_back,2026-11-06T12:00:00Z,2026-11-07T12:00:00Z
y5,a2,r5,reward,25,USD,paid,2026-10-20T12:00:00Z,2026-10-27T12:00:00Z
y6,a1,r2,reward,99,USD,void,2026-11-05T12:00:00Z,
`,
};

let dir: FixtureDir;
let r: ReferralsResult;
beforeAll(async () => {
  dir = await makeFixtureDir(FILES);
  r = (
    await runOptimizeReferrals(
      { window: '30d', dimensions: ['channel'] },
      { cwd: dir.dir, asOf: '2026-11-15' },
    )
  ).result;
});
afterAll(() => dir?.remove());

describe('funnel counts and KPIs against the hand count', () => {
  it('program counts', () => {
    expect(r.funnel.program.current.counts).toMatchObject({
      eligibleAdvocates: 5, // a1, a2, a3, p1, a5 joined before 2026-11-16; a4 did not
      participatingAdvocates: 3, // a1 (s1, s2), p1 (s3), a5 (s5); s4 is in the previous window
      shares: 4, // s1, s2, s3, s5
      invites: 5, // 2 + 1 (empty recipients count as one) + 1 + 1
      clicks: 5, // k1..k5; k6's code belongs to nobody, k7 is in the previous window
      referrals: 4, // r1..r4 signed up in the window
      signups: 3, // friends on their first claim: f1 (r1), f2 (r2), f3 (r3; r4 is a second claim)
      conversions: 3, // first purchases after the first claim, in the window: f1 (o1), f3 (o3), f5 (o4, signed up before)
      friendsWhoShared: 1, // f1 is advocate a5 and shared (s5) after buying (o1)
      newCustomers: 4, // first purchase in the window: f1, f3, f5, n1 (n2 bought first in August; f2 has an opportunity only)
      referredRevenue: 330, // o1 100 + o3 (200 − 50 refunded) + o4 80; r4's claim on f3 is not counted twice
      newCustomerRevenue: 390, // 100 + 150 + 80 + n1 60
      rewards: 66, // y1 25 + y4 16 + y5 25 (y6 void)
      incentives: 10,
      fees: 1.5,
      clawbacks: 16, // y4
      refunded: 1, // referred customers whose qualifying order was refunded: f3 (o3, on its first claim r3)
    });
  });

  it('program KPIs (formulas of the docs)', () => {
    const m = r.funnel.program.current.metrics;
    expect(m.participationRate).toBeCloseTo(3 / 5, 12);
    expect(m.shareRate).toBeCloseTo(4 / 3, 12);
    expect(m.clicksPerShare).toBeCloseTo(5 / 4, 12);
    expect(m.signupRate).toBeCloseTo(3 / 5, 12);
    expect(m.conversionRate).toBeCloseTo(3 / 3, 12);
    expect(m.friendsTurnedAdvocates).toBeCloseTo(1 / 3, 12);
    expect(m.shareOfNewCustomers).toBeCloseTo(3 / 4, 12);
    expect(m.shareOfNewRevenue).toBeCloseTo(330 / 390, 12);
    expect(m.kFactor).toBeCloseTo((5 / 5) * (3 / 5), 12); // invites / eligible × conversions / invites
    expect(m.programCost).toBeCloseTo(66 + 10 + 1.5 - 16, 12);
    expect(m.costPerReferredCustomer).toBeCloseTo(61.5 / 3, 12);
    expect(m.payoutRoi).toBeCloseTo((330 - 61.5) / 61.5, 12);
  });

  it('by channel: a click takes its share’s channel; a sign-up its click’s', () => {
    const ch = (v: string) =>
      r.funnel.current.find((s) => s.dimension === 'channel' && s.value === v)!.counts;
    expect(ch('email')).toMatchObject({
      shares: 1,
      invites: 2,
      clicks: 2,
      signups: 1,
      conversions: 2,
      referredRevenue: 180,
    });
    expect(ch('sms')).toMatchObject({ shares: 1, clicks: 1, signups: 1, conversions: 0 });
    expect(ch('social')).toMatchObject({
      shares: 1,
      clicks: 1,
      signups: 1,
      conversions: 1,
      referredRevenue: 150,
      rewards: 16,
      clawbacks: 16,
    });
    expect(ch('link')).toMatchObject({ shares: 1, clicks: 1, signups: 0 });
    // r4, no click: a second claim on f3, who counts on the first claim (r3, social)
    expect(ch('unknown')).toMatchObject({ referrals: 1, signups: 0, conversions: 0, referredRevenue: 0 });
    expect(ch('email')).toMatchObject({ rewards: 50, incentives: 10, fees: 1.5, eligibleAdvocates: 5 });
  });

  it('previous window and row accounting', () => {
    expect(r.funnel.program.previous.counts).toMatchObject({
      shares: 1,
      clicks: 1,
      referrals: 1,
      signups: 1,
      conversions: 0,
    });
    expect(r.data.unresolved).toEqual({ referrals: 0, clicks: 1, shares: 0 }); // k6
  });

  it('risk: the second claim on f3 is rejected; r3 (refunded the day after its reward was paid) goes to review', () => {
    expect(r.fraud.scored).toBe(4);
    expect(r.fraud.flagged.map((f) => [f.referral_id, f.band, f.rules])).toEqual([
      ['r4', 'reject', ['friend-already-referred']],
      ['r3', 'review', ['refund-after-reward']], // y4 paid 2026-11-07, o3 refunded 2026-11-08
    ]);
    expect(r.fraud.reject_share).toBeCloseTo(1 / 4, 12);
    expect(r.fraud.value_at_risk.total).toBe(0); // r4 has no reward; r3's was clawed back
  });

  it('the second claim names the first claim’s advocate (p1, owner of code PARTNER1), not its code', () => {
    const r4 = r.fraud.flagged.find((f) => f.referral_id === 'r4')!;
    expect(JSON.stringify(r4)).toMatch(/"firstAdvocateId":"p1"/);
  });
});
