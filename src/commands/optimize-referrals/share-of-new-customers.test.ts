/**
 * Referral share of new customers: the referred customers who are new customers over all new
 * customers. A referred friend who was already a customer (won back) is a referred customer but
 * not a new one; counting them over new customers compared sets that do not nest and gave shares
 * above 100% (here 2 / 1 before the fix). Window 30d to 2026-11-15 (2026-10-17 ≤ t < 2026-11-16).
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
  - { name: orders, entity: conversions, kind: file, path: conversions.csv }
currency: { reporting: USD }
referrals:
  revenue_stages: [purchase]
`,
  'advocates.csv': `advocate_id,customer_id,referral_code,kind,region,persona,joined_at
a1,cust-a1,C1,customer,NA,Dev,2026-01-01
`,
  // f1 is new; w1 bought in June 2025 and was referred back in November
  'referrals.csv': `referral_id,advocate_id,friend_id,signed_up_at
r1,a1,f1,2026-11-01T10:00:00Z
r2,a1,w1,2026-11-02T10:00:00Z
`,
  'conversions.csv': `conversion_id,customer_id,amount,currency,stage,converted_at
o0,w1,40,USD,purchase,2025-06-01T12:00:00Z
o1,f1,100,USD,purchase,2026-11-03T12:00:00Z
o2,w1,70,USD,purchase,2026-11-04T12:00:00Z
`,
};

let dir: FixtureDir;
let r: ReferralsResult;
beforeAll(async () => {
  dir = await makeFixtureDir(FILES);
  r = (await runOptimizeReferrals({ window: '30d' }, { cwd: dir.dir, asOf: '2026-11-15' })).result;
});
afterAll(() => dir?.remove());

describe('referral share of new customers', () => {
  it('counts the referred customers who are new customers, not a won-back friend', () => {
    const { counts, metrics } = r.funnel.program.current;
    expect(counts).toMatchObject({
      conversions: 2, // f1 (o1) and w1 (o2): both referred customers of the window
      newCustomers: 1, // f1; w1's first purchase was o0 in 2025
      referredNewCustomers: 1, // f1
    });
    expect(metrics.shareOfNewCustomers).toBe(1); // 1 / 1, not 2 / 1
  });
});
