/**
 * Amounts of a reporting currency with large units (IDR, VND, KRW): one order of 1e15 and one of
 * 1e12, a 1e12 reward. The refresh's exact decimals held 18 digits (6 after the point), so any
 * amount or sum from 1e12 on stopped the run with an ENGINE error naming no row. Every expected
 * number below is the sum of the CSV rows, all exact in a double. ClickHouse 18.16 (Decimal64 had
 * the same limit) gives the same funnel and partners from the loaded tables.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeOnClickHouse, runOnClickHouse } from '../../../test/helpers/clickhouse-parity.ts';
import { makeFixtureDir, type FixtureDir } from '../../../test/helpers/fixture-dir.ts';
import { runCli } from '../../../test/helpers/run-cli.ts';
import type { ReferralsResult } from './result.ts';

const FILES: Record<string, string> = {
  'gtm.yaml': `version: 1
sources:
  - { name: adv, entity: advocates, kind: file, path: advocates.csv }
  - { name: signups, entity: referrals, kind: file, path: referrals.csv }
  - { name: orders, entity: conversions, kind: file, path: conversions.csv }
  - { name: payouts, entity: payouts, kind: file, path: payouts.csv }
currency: { reporting: IDR }
referrals:
  revenue_stages: [purchase]
`,
  'advocates.csv': `advocate_id,customer_id,referral_code,kind,tier,region,persona,joined_at
a1,cust-a1,C1,customer,,APAC,Dev,2026-01-01
p1,cust-p1,P1,partner,gold,APAC,Partner,2026-01-01
`,
  'referrals.csv': `referral_id,advocate_id,referral_code,friend_id,click_id,signed_up_at
r1,a1,,f1,,2026-11-01T10:00:00Z
r2,p1,,f2,,2026-11-02T10:00:00Z
`,
  // o2 is refunded in part (250 000 000 000 of 1 000 000 000 000); n1 was not referred
  'conversions.csv': `conversion_id,customer_id,amount,currency,stage,converted_at,refunded_at,refund_amount
o1,f1,1000000000000000,IDR,purchase,2026-11-03T12:00:00Z,,
o2,f2,1000000000000,IDR,purchase,2026-11-04T12:00:00Z,2026-11-06T12:00:00Z,250000000000
o3,n1,500000000000000,IDR,purchase,2026-11-05T12:00:00Z,,
`,
  'payouts.csv': `payout_id,advocate_id,referral_id,kind,amount,currency,status,created_at,paid_at
y1,a1,r1,reward,1000000000000,IDR,paid,2026-11-04T12:00:00Z,2026-11-05T12:00:00Z
y2,p1,r2,fee,2000000000000,IDR,paid,2026-11-05T12:00:00Z,2026-11-05T12:00:00Z
`,
};

let dir: FixtureDir;
let run: Awaited<ReturnType<typeof runCli>>;
beforeAll(async () => {
  dir = await makeFixtureDir(FILES);
  run = await runCli(['optimize-referrals', '--window', '30d', '--as-of', '2026-11-15', '--json'], {
    cwd: dir.dir,
  });
}, 60_000);
afterAll(() => dir?.remove());

describe('optimize-referrals with amounts of 1e12 and more (DuckDB)', () => {
  it('runs (exit 0, no ENGINE error) and every row is accepted', () => {
    expect(run.stderr).not.toMatch(/error\[/);
    expect(run.code).toBe(0);
    const r = run.json<ReferralsResult>();
    const orders = r.data.row_accounting.find((a) => a.source === 'orders');
    expect(orders).toMatchObject({ rows_in: 3, accepted: 3, rejected: 0 });
  });

  it('funnel revenue and costs are the exact sums', () => {
    const c = run.json<ReferralsResult>().funnel.program.current.counts;
    expect(c.referredRevenue).toBe(1_000_750_000_000_000); // 1e15 + (1e12 − 2.5e11)
    expect(c.newCustomerRevenue).toBe(1_500_750_000_000_000); // + n1's 5e14
    expect(c.rewards).toBe(1_000_000_000_000);
    expect(c.fees).toBe(2_000_000_000_000);
    expect(c.conversions).toBe(2);
  });

  it("the partner's revenue is its referred order net of the refund", () => {
    const p = run.json<ReferralsResult>().partners.partners.find((x) => x.partner === 'p1');
    expect(p?.revenue).toBe(750_000_000_000);
  });
});

describeOnClickHouse('the same amounts on ClickHouse 18.16', (ch) => {
  it('gives the DuckDB funnel and partners', async () => {
    const onCh = await runOnClickHouse(
      ch,
      dir.dir,
      FILES['gtm.yaml'],
      ['optimize-referrals', '--window', '30d', '--as-of', '2026-11-15', '--json'],
      'large_amounts',
    );
    expect(onCh.stderr).not.toMatch(/error\[/);
    expect(onCh.code).toBe(0);
    const duck = run.json<ReferralsResult>();
    const r = onCh.json<ReferralsResult>();
    expect(r.funnel.program).toEqual(duck.funnel.program);
    expect(r.funnel.program.current.counts.referredRevenue).toBe(1_000_750_000_000_000);
    expect(r.partners.partners).toEqual(duck.partners.partners);
  }, 120_000);
});
