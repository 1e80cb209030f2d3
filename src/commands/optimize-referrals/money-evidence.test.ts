/**
 * Amounts converted to the reporting currency are exact decimals in result.json, as the command's
 * sums are (6 decimals, `dec`): a refund of 50 EUR at 1.1 read `refundAmount: 55.00000000000001` in
 * the fraud evidence (50 × 1.1 in binary floating point), and a reward of 25 EUR held
 * 27.500000000000004. Found on a hand-built workspace, EUR at 1.1, run as of 2026-11-15 (30d).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeOnClickHouse, runOnClickHouse } from '../../../test/helpers/clickhouse-parity.ts';
import { makeFixtureDir, type FixtureDir } from '../../../test/helpers/fixture-dir.ts';
import { runOptimizeReferrals } from './index.ts';
import type { ReferralsResult } from './result.ts';

/** A double's binary remainder printed: 55.00000000000001, 27.499999999999996. */
const NOISE = /"\w+":-?\d+\.\d*(0000000|9999999)\d*/g;
const noisy = (json: string) => json.match(NOISE) ?? [];

const FILES: Record<string, string> = {
  'gtm.yaml': `version: 1
sources:
  - { name: adv, entity: advocates, kind: file, path: advocates.csv }
  - { name: signups, entity: referrals, kind: file, path: referrals.csv }
  - { name: orders, entity: conversions, kind: file, path: orders.csv }
  - { name: payouts, entity: payouts, kind: file, path: payouts.csv }
currency:
  reporting: USD
  rates: [{ currency: EUR, from: 2026-01-01, rate: 1.1 }]
referrals: { revenue_stages: [purchase] }
`,
  'advocates.csv': `advocate_id,customer_id,referral_code,kind,joined_at
a1,cust-a1,C1,customer,2026-01-01
`,
  'referrals.csv': `referral_id,advocate_id,friend_id,signed_up_at
r1,a1,f1,2026-11-04T10:00:00Z
`,
  // refunded in part on 2026-11-10, after the reward was paid on 2026-11-07
  'orders.csv': `conversion_id,customer_id,amount,currency,stage,converted_at,refunded_at,refund_amount
o1,f1,80,EUR,purchase,2026-11-05T10:00:00Z,2026-11-10T10:00:00Z,50
`,
  'payouts.csv': `payout_id,advocate_id,referral_id,kind,amount,currency,status,created_at,paid_at
y1,a1,r1,reward,25,EUR,paid,2026-11-06T10:00:00Z,2026-11-07T10:00:00Z
`,
};

let dir: FixtureDir;
let r: ReferralsResult;
beforeAll(async () => {
  dir = await makeFixtureDir(FILES);
  r = (await runOptimizeReferrals({ window: '30d' }, { cwd: dir.dir, asOf: '2026-11-15' })).result;
});
afterAll(() => dir?.remove());

describe('converted amounts in the fraud review', () => {
  it('are exact to 6 decimals: a refund of 50 EUR at 1.1 is 55', () => {
    const [f] = r.fraud.flagged;
    expect(f.evidence).toEqual([expect.objectContaining({ rule: 'refund-after-reward' })]);
    expect(f.evidence[0].evidence.refundAmount).toBe(55);
  });

  it('leave no float noise anywhere in result.json', () => {
    expect(noisy(JSON.stringify(r))).toEqual([]);
  });
});

describeOnClickHouse('the same amounts on ClickHouse 18.16', (ch) => {
  it('read the refund as 55', async () => {
    const argv = ['optimize-referrals', '--window', '30d', '--as-of', '2026-11-15', '--json'];
    const run = await runOnClickHouse(ch, dir.dir, FILES['gtm.yaml'], argv, 'money');
    expect(run.code, run.stderr).toBe(0);
    const res = run.json<ReferralsResult>();
    expect(res.fraud.flagged[0].evidence[0].evidence.refundAmount).toBe(55);
    expect(noisy(JSON.stringify(res))).toEqual([]);
  }, 120_000);
});
