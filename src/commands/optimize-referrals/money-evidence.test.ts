/**
 * Amounts converted to the reporting currency are exact decimals in result.json, as the command's
 * sums are (6 decimals, `dec`): a refund of 50 EUR at 1.1 read `refundAmount: 55.00000000000001` in
 * the fraud evidence (50 × 1.1 in binary floating point), and a reward of 25 EUR held
 * 27.500000000000004. Found on a hand-built workspace, EUR at 1.1, run as of 2026-11-15 (30d).
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  findClickHouseServer,
  startClickHouse,
  type ClickHouseServer,
} from '../../../test/helpers/clickhouse-server.ts';
import { makeFixtureDir, type FixtureDir } from '../../../test/helpers/fixture-dir.ts';
import { runCli } from '../../../test/helpers/run-cli.ts';
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

const server = findClickHouseServer();

describe.skipIf(!server && !process.env.CI)('the same amounts on ClickHouse 18.16', () => {
  let ch: ClickHouseServer;
  beforeAll(async () => {
    if (!server) throw new Error('CI needs clickhouse-server (apt-get install clickhouse-server)');
    ch = await startClickHouse({ maxMemoryUsage: 2 ** 30 });
  }, 120_000);
  afterAll(async () => ch?.stop());

  it('read the refund as 55', async () => {
    const load = await runCli(['engine', 'load', '--clickhouse', ch.url, '--database', 'money', '--json'], {
      cwd: dir.dir,
    });
    expect(load.code, load.stderr).toBe(0);
    const engine = `version: 1\nengine: { kind: clickhouse, url: "${ch.url}", database: money }`;
    await writeFile(path.join(dir.dir, 'gtm.ch.yaml'), FILES['gtm.yaml'].replace(/^version: 1$/m, engine));
    const argv = ['optimize-referrals', '--window', '30d', '--as-of', '2026-11-15', '--json'];
    const run = await runCli([...argv, '--config', 'gtm.ch.yaml'], { cwd: dir.dir });
    expect(run.code, run.stderr).toBe(0);
    const res = run.json<ReferralsResult>();
    expect(res.fraud.flagged[0].evidence[0].evidence.refundAmount).toBe(55);
    expect(noisy(JSON.stringify(res))).toEqual([]);
  }, 120_000);
});
