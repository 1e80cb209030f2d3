/**
 * A ring's rewards paid are the rewards paid on the ring's referrals: those whose advocate or
 * friend is a member. Friends f1, f2, f3 share a device (a ring of friends); their advocates a1
 * and a2 share nothing with them, and f3 is also advocate a3, who referred x1. Only payouts to
 * member advocates were summed (by advocate account), so the ring showed a3's 40 and not the 80
 * paid to a1 and a2 for its friends (a ring without a3 showed 0). Now: p1 25 + p3 25 + p4 30 + p5
 * 40 = 120, as an independent Python computation of the files gives; not the incentive p2, the
 * clawed-back p7, nor a2's reward p6 without a referral (a2 is not in the ring). On DuckDB and on
 * ClickHouse 18.16 (the row path) alike.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeOnClickHouse } from '../../../test/helpers/clickhouse-parity.ts';
import { useReferralsRun } from '../../../test/helpers/referrals-workspace.ts';
import type { ReferralsResult } from './result.ts';

const ref = useReferralsRun({
  revenueStages: ['purchase'],
  advocates: `advocate_id,customer_id,referral_code,kind,region,persona,joined_at,ip,user_agent,device_id,payment_fingerprint
a1,cust-a1,C1,customer,NA,Dev,2026-01-01,10.0.0.1,UA-1,dev-a1,card-a1
a2,cust-a2,C2,customer,NA,Dev,2026-01-01,10.0.0.2,UA-2,dev-a2,card-a2
a3,f3,C3,customer,NA,Dev,2026-01-01,10.0.0.3,UA-3,dev-a3,card-a3
`,
  referrals: `referral_id,advocate_id,friend_id,email,ip,user_agent,device_id,payment_fingerprint,signed_up_at
r1,a1,f1,f1@gmail.com,20.0.0.1,UA-f1,dev-ring,card-f1,2026-11-01T10:00:00Z
r2,a1,f2,f2@gmail.com,20.0.0.2,UA-f2,dev-ring,card-f2,2026-11-02T10:00:00Z
r3,a2,f3,f3@gmail.com,20.0.0.3,UA-f3,dev-ring,card-f3,2026-11-03T10:00:00Z
r4,a3,x1,x1@gmail.com,20.0.0.4,UA-x1,dev-x1,card-x1,2026-11-04T10:00:00Z
`,
  conversions: `conversion_id,customer_id,amount,currency,stage,converted_at
o1,f1,100,USD,purchase,2026-11-01T12:00:00Z
o2,f2,100,USD,purchase,2026-11-02T12:00:00Z
o3,f3,100,USD,purchase,2026-11-03T12:00:00Z
o4,x1,100,USD,purchase,2026-11-04T12:00:00Z
`,
  payouts: `payout_id,advocate_id,referral_id,kind,amount,currency,status,created_at,paid_at
p1,a1,r1,reward,25,USD,paid,2026-11-01T13:00:00Z,2026-11-02T13:00:00Z
p2,a1,r1,incentive,10,USD,paid,2026-11-01T13:00:00Z,2026-11-01T13:00:00Z
p3,a1,r2,reward,25,USD,paid,2026-11-02T13:00:00Z,2026-11-03T13:00:00Z
p4,a2,r3,reward,30,USD,paid,2026-11-03T13:00:00Z,2026-11-04T13:00:00Z
p5,a3,r4,reward,40,USD,paid,2026-11-04T13:00:00Z,2026-11-05T13:00:00Z
p6,a2,,reward,7,USD,paid,2026-11-05T13:00:00Z,2026-11-05T13:00:00Z
p7,a1,r2,reward,5,USD,clawed_back,2026-11-02T13:00:00Z,2026-11-03T13:00:00Z
`,
});

describe('rewards paid to a ring of friends (DuckDB)', () => {
  it('sums the rewards paid on the referrals its members take part in', async () => {
    const duck = ref.result;
    expect(duck.fraud.rings).toHaveLength(1);
    expect(duck.fraud.rings[0]).toMatchObject({ accounts: ['f1', 'f2', 'f3'], rewards_paid: 120 });
    const csv = await readFile(path.join(ref.dir, duck.reports_dir, 'rings.csv'), 'utf8');
    // rings.csv numbers rings from 1, as the dashboard and the backlog do (result.json keeps the id, 0)
    expect(csv.split('\n')[1]).toMatch(/^1,3,f1 f2 f3,120,/);
  });
});

describeOnClickHouse('the same on ClickHouse 18.16', (ch) => {
  it('gives the same ring and rewards', async () => {
    const duck = ref.result;
    const run = await ref.onClickHouse(ch, 'rings');
    expect(run.code, run.stderr).toBe(0);
    expect(run.json<ReferralsResult>().fraud.rings).toEqual(duck.fraud.rings);
  }, 120_000);
});
