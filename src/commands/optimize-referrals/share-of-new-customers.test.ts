/**
 * Referral share of new customers: the referred customers who are new customers over all new
 * customers. A referred friend who was already a customer (won back) is a referred customer but
 * not a new one; counting them over new customers compared sets that do not nest and gave shares
 * above 100% (here 2 / 1 before the fix). Window 30d to 2026-11-15 (2026-10-17 ≤ t < 2026-11-16).
 */
import { describe, expect, it } from 'vitest';
import { useReferralsResult } from '../../../test/helpers/referrals-workspace.ts';

const ref = useReferralsResult({
  revenueStages: ['purchase'],
  advocates: `advocate_id,customer_id,referral_code,kind,region,persona,joined_at
a1,cust-a1,C1,customer,NA,Dev,2026-01-01
`,
  // f1 is new; w1 bought in June 2025 and was referred back in November
  referrals: `referral_id,advocate_id,friend_id,signed_up_at
r1,a1,f1,2026-11-01T10:00:00Z
r2,a1,w1,2026-11-02T10:00:00Z
`,
  conversions: `conversion_id,customer_id,amount,currency,stage,converted_at
o0,w1,40,USD,purchase,2025-06-01T12:00:00Z
o1,f1,100,USD,purchase,2026-11-03T12:00:00Z
o2,w1,70,USD,purchase,2026-11-04T12:00:00Z
`,
});

describe('referral share of new customers', () => {
  it('counts the referred customers who are new customers, not a won-back friend', () => {
    const r = ref.result;
    const { counts, metrics } = r.funnel.program.current;
    expect(counts).toMatchObject({
      conversions: 2, // f1 (o1) and w1 (o2): both referred customers of the window
      newCustomers: 1, // f1; w1's first purchase was o0 in 2025
      referredNewCustomers: 1, // f1
    });
    expect(metrics.shareOfNewCustomers).toBe(1); // 1 / 1, not 2 / 1
  });
});
