/**
 * Amounts of a reporting currency with large units (IDR, VND, KRW): one order of 1e15 and one of
 * 1e12, a 1e12 reward. The refresh's exact decimals held 18 digits (6 after the point), so any
 * amount or sum from 1e12 on stopped the run with an ENGINE error naming no row. Every expected
 * number below is the sum of the CSV rows, all exact in a double. ClickHouse 18.16 (Decimal64 had
 * the same limit) gives the same funnel and partners from the loaded tables.
 */
import { describe, expect, it } from 'vitest';
import { describeOnClickHouse } from '../../../test/helpers/clickhouse-parity.ts';
import { useReferralsRun } from '../../../test/helpers/referrals-workspace.ts';
import type { ReferralsResult } from './result.ts';

// the run below: exit code and stderr are the first test's to check
const ref = useReferralsRun(
  {
    currency: 'IDR',
    revenueStages: ['purchase'],
    advocates: `advocate_id,customer_id,referral_code,kind,tier,region,persona,joined_at
a1,cust-a1,C1,customer,,APAC,Dev,2026-01-01
p1,cust-p1,P1,partner,gold,APAC,Partner,2026-01-01
`,
    referrals: `referral_id,advocate_id,referral_code,friend_id,click_id,signed_up_at
r1,a1,,f1,,2026-11-01T10:00:00Z
r2,p1,,f2,,2026-11-02T10:00:00Z
`,
    // o2 is refunded in part (250 000 000 000 of 1 000 000 000 000); n1 was not referred
    conversions: `conversion_id,customer_id,amount,currency,stage,converted_at,refunded_at,refund_amount
o1,f1,1000000000000000,IDR,purchase,2026-11-03T12:00:00Z,,
o2,f2,1000000000000,IDR,purchase,2026-11-04T12:00:00Z,2026-11-06T12:00:00Z,250000000000
o3,n1,500000000000000,IDR,purchase,2026-11-05T12:00:00Z,,
`,
    payouts: `payout_id,advocate_id,referral_id,kind,amount,currency,status,created_at,paid_at
y1,a1,r1,reward,1000000000000,IDR,paid,2026-11-04T12:00:00Z,2026-11-05T12:00:00Z
y2,p1,r2,fee,2000000000000,IDR,paid,2026-11-05T12:00:00Z,2026-11-05T12:00:00Z
`,
  },
  { anyExit: true },
);

describe('optimize-referrals with amounts of 1e12 and more (DuckDB)', () => {
  it('runs (exit 0, no ENGINE error) and every row is accepted', () => {
    const run = ref.cli;
    expect(run.stderr).not.toMatch(/error\[/);
    expect(run.code).toBe(0);
    const r = run.json<ReferralsResult>();
    const orders = r.data.row_accounting.find((a) => a.source === 'orders');
    expect(orders).toMatchObject({ rows_in: 3, accepted: 3, rejected: 0 });
  });

  it('funnel revenue and costs are the exact sums', () => {
    const run = ref.cli;
    const c = run.json<ReferralsResult>().funnel.program.current.counts;
    expect(c.referredRevenue).toBe(1_000_750_000_000_000); // 1e15 + (1e12 − 2.5e11)
    expect(c.newCustomerRevenue).toBe(1_500_750_000_000_000); // + n1's 5e14
    expect(c.rewards).toBe(1_000_000_000_000);
    expect(c.fees).toBe(2_000_000_000_000);
    expect(c.conversions).toBe(2);
  });

  it("the partner's revenue is its referred order net of the refund", () => {
    const run = ref.cli;
    const p = run.json<ReferralsResult>().partners.partners.find((x) => x.partner === 'p1');
    expect(p?.revenue).toBe(750_000_000_000);
  });
});

describeOnClickHouse('the same amounts on ClickHouse 18.16', (ch) => {
  it('gives the DuckDB funnel and partners', async () => {
    const run = ref.cli;
    const onCh = await ref.onClickHouse(ch, 'large_amounts');
    expect(onCh.stderr).not.toMatch(/error\[/);
    expect(onCh.code).toBe(0);
    const duck = run.json<ReferralsResult>();
    const r = onCh.json<ReferralsResult>();
    expect(r.funnel.program).toEqual(duck.funnel.program);
    expect(r.funnel.program.current.counts.referredRevenue).toBe(1_000_750_000_000_000);
    expect(r.partners.partners).toEqual(duck.partners.partners);
  }, 120_000);
});
