/**
 * Referral share of new-customer revenue: the new-customer revenue of the referred new customers
 * over all new customers' (each new customer's first revenue-stage order, net of refunds). The
 * numerator was the referred revenue (every referred customer's qualifying order): a won-back
 * friend's order counted above the line and not below it, and a friend whose first order came before
 * the referral counted a different order above than below, so the share passed 100% (220 / 180
 * here). Window 30d to 2026-11-15 (2026-10-17 ≤ t < 2026-11-16). Expected figures from an
 * independent Python computation of the same files.
 */
import { describe, expect, it } from 'vitest';
import { useReferralsResult } from '../../../test/helpers/referrals-workspace.ts';

const ref = useReferralsResult({
  revenueStages: ['purchase'],
  advocates: `advocate_id,customer_id,referral_code,kind,region,persona,joined_at
a1,cust-a1,C1,customer,NA,Dev,2026-01-01
`,
  referrals: `referral_id,advocate_id,friend_id,signed_up_at
r1,a1,f1,2026-11-01T10:00:00Z
r2,a1,w1,2026-11-02T10:00:00Z
r3,a1,f2,2026-11-03T10:00:00Z
`,
  // f1 new (100, 30 refunded); w1 bought in 2025, won back (70); f2's first order (50) came the day
  // before the referral, its qualifying order (80) after; n1 new, not referred (60)
  conversions: `conversion_id,customer_id,amount,currency,stage,converted_at,refunded_at,refund_amount
o0,w1,40,USD,purchase,2025-06-01T12:00:00Z,,
o1,f1,100,USD,purchase,2026-11-03T12:00:00Z,2026-11-06T12:00:00Z,30
o2,w1,70,USD,purchase,2026-11-04T12:00:00Z,,
o3,f2,50,USD,purchase,2026-11-02T12:00:00Z,,
o4,f2,80,USD,purchase,2026-11-05T12:00:00Z,,
o5,n1,60,USD,purchase,2026-11-06T12:00:00Z,,
`,
});

describe('referral share of new-customer revenue', () => {
  it('is the referred new customers’ part of the new-customer revenue, at most 100%', () => {
    const r = ref.result;
    const { counts, metrics } = r.funnel.program.current;
    expect(counts).toMatchObject({
      conversions: 3, // f1, w1, f2
      referredRevenue: 220, // qualifying orders: 70 (o1 net) + 70 (o2) + 80 (o4)
      newCustomers: 3, // f1, f2, n1
      newCustomerRevenue: 180, // first orders: 70 (o1 net) + 50 (o3) + 60 (o5)
      referredNewCustomers: 2, // f1, f2
      referredNewCustomerRevenue: 120, // their first orders: 70 + 50
    });
    expect(metrics.shareOfNewRevenue).toBeCloseTo(120 / 180, 15); // not 220 / 180
    expect(metrics.shareOfNewCustomers).toBeCloseTo(2 / 3, 15);
    expect(metrics.payoutRoi).toBeNull(); // no cost
  });
});
