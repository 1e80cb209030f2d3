/**
 * A partner's conversion rate is the share of its clicks of the window that led to a referred
 * customer: a sign-up named the click and its friend bought (first claim, by as-of); each click
 * once. Customers whose sign-up came without a click (a coupon or a pasted code) are reported
 * beside it (`codeConversions`), not in it. The rate was customers / clicks, 6 / 3 = 200% here:
 * f4 and f5 came by coupon, f6 from a click before the window, f2 and f3 from one click. Now
 * 2 / 3 (k1, k2 of k1..k3), as an independent Python computation of the files gives, on DuckDB
 * and on ClickHouse 18.16 alike. Window 30d to 2026-11-15 (2026-10-17 ≤ t < 2026-11-16).
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeOnClickHouse } from '../../../test/helpers/clickhouse-parity.ts';
import { useReferralsRun } from '../../../test/helpers/referrals-workspace.ts';
import type { ReferralsResult } from './result.ts';

const ref = useReferralsRun(
  {
    revenueStages: ['purchase'],
    advocates: `advocate_id,customer_id,referral_code,kind,tier,region,persona,joined_at
p1,,P1,partner,gold,NA,Partner,2026-01-01
a1,cust-a1,C1,customer,,NA,Dev,2026-01-01
`,
    // k0 before the window; k3 in it, never followed by a sign-up; k9 a customer advocate's
    clicks: `click_id,referral_code,clicked_at
k0,P1,2026-10-10T09:00:00Z
k1,P1,2026-11-01T09:00:00Z
k2,P1,2026-11-02T09:00:00Z
k3,P1,2026-11-03T09:00:00Z
k9,C1,2026-11-03T09:00:00Z
`,
    referrals: `referral_id,advocate_id,referral_code,friend_id,click_id,signed_up_at
r1,,P1,f1,k1,2026-11-01T10:00:00Z
r2,,P1,f2,k2,2026-11-02T10:00:00Z
r3,,P1,f3,k2,2026-11-02T11:00:00Z
r4,,P1,f4,,2026-11-04T10:00:00Z
r5,,P1,f5,,2026-11-05T10:00:00Z
r6,,P1,f6,k0,2026-10-20T10:00:00Z
r9,a1,,f9,k9,2026-11-03T10:00:00Z
`,
    conversions: `conversion_id,customer_id,amount,currency,stage,converted_at,coupon_code
o1,f1,100,USD,purchase,2026-11-01T12:00:00Z,
o2,f2,100,USD,purchase,2026-11-02T12:00:00Z,
o3,f3,100,USD,purchase,2026-11-02T13:00:00Z,
o4,f4,100,USD,purchase,2026-11-04T12:00:00Z,P1
o5,f5,100,USD,purchase,2026-11-05T12:00:00Z,P1
o6,f6,100,USD,purchase,2026-11-06T12:00:00Z,
o9,f9,100,USD,purchase,2026-11-06T12:00:00Z,
`,
  },
  { timeout: 120_000 },
);

describe('partner conversion rate (DuckDB)', () => {
  it('is the share of the clicks that led to a customer; coupon customers are counted beside it', async () => {
    const duck = ref.result;
    const [p1] = duck.partners.partners;
    expect(p1).toMatchObject({
      partner: 'p1',
      clicks: 3, // k1, k2, k3
      conversions: 6, // f1..f6
      clickConversions: 2, // k1 (f1), k2 (f2 and f3)
      codeConversions: 2, // f4, f5
    });
    expect(p1.conversionRate).toBeCloseTo(2 / 3, 15); // not 6 / 3
    const csv = await readFile(path.join(ref.dir, duck.reports_dir, 'partners.csv'), 'utf8');
    const [head, row] = csv.trim().split('\n');
    const cells = Object.fromEntries(head.split(',').map((h, i) => [h, row.split(',')[i]]));
    expect(cells).toMatchObject({ clicks: '3', click_conversions: '2', code_conversions: '2' });
  });
});

describeOnClickHouse('the same on ClickHouse 18.16', (ch) => {
  it('gives the same partners', async () => {
    const duck = ref.result;
    const run = await ref.onClickHouse(ch, 'partners');
    expect(run.code, run.stderr).toBe(0);
    expect(run.json<ReferralsResult>().partners.partners).toEqual(duck.partners.partners);
  }, 180_000);
});
