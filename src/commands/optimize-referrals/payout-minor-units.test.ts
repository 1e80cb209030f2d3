/**
 * Payouts converted to the reporting currency are money paid: each is rounded to the currency's
 * minor units (cents; whole yen for JPY), half away from zero, before anything sums it, so the held
 * value, rewards, incentives and program cost are in minor units everywhere and reconcile to the
 * cent. Found on a hand-built workspace (payouts in EUR at 1.0837, reporting USD, as of
 * 2026-11-15, 30d): a flagged referral held 38.68809 (25.55 + 10.15 EUR) in result.json and
 * flagged_referrals.csv, the held total was 457.42976999999996 in result.json and backlog.csv
 * (float sum), and rewards 380.541255. Hand tally: 27.69 + 11.00 = 38.69, … total 457.43, rewards
 * 380.54, incentives 76.89.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeOnClickHouse, runOnClickHouse } from '../../../test/helpers/clickhouse-parity.ts';
import { makeFixtureDir, type FixtureDir } from '../../../test/helpers/fixture-dir.ts';
import { runOptimizeReferrals } from './index.ts';
import type { ReferralsResult } from './result.ts';

const config = (reporting: string, rate: string) => `version: 1
sources:
  - { name: adv, entity: advocates, kind: file, path: advocates.csv }
  - { name: signups, entity: referrals, kind: file, path: referrals.csv }
  - { name: orders, entity: conversions, kind: file, path: conversions.csv }
  - { name: pay, entity: payouts, kind: file, path: payouts.csv }
currency:
  reporting: ${reporting}
  rates: [{ currency: EUR, from: 2026-01-01, rate: ${rate} }]
`;

// Three self-referrals (reject): each advocate's reward and friend discount, paid or pending.
const FILES: Record<string, string> = {
  'advocates.csv': `advocate_id,customer_id,kind,joined_at
a1,c1,customer,2026-01-01
a2,c2,customer,2026-01-01
a3,c3,customer,2026-01-01
`,
  'referrals.csv': `referral_id,advocate_id,friend_id,signed_up_at
r1,a1,c1,2026-11-01T10:00:00Z
r2,a2,c2,2026-11-01T10:00:00Z
r3,a3,c3,2026-11-01T10:00:00Z
`,
  'conversions.csv': `conversion_id,customer_id,amount,currency,stage,converted_at
o1,c1,100,EUR,purchase,2026-11-03T12:00:00Z
o2,c2,100,EUR,purchase,2026-11-03T12:00:00Z
o3,c3,100,EUR,purchase,2026-11-03T12:00:00Z
`,
  'payouts.csv': `payout_id,advocate_id,referral_id,kind,amount,currency,status,created_at,paid_at
p1,a1,r1,reward,25.55,EUR,paid,2026-11-04T12:00:00Z,2026-11-05T12:00:00Z
p2,a1,r1,friend_discount,10.15,EUR,paid,2026-11-03T12:00:00Z,2026-11-03T12:00:00Z
p3,a2,r2,reward,25.55,EUR,pending,2026-11-04T12:00:00Z,
p4,a2,r2,friend_discount,20.35,EUR,pending,2026-11-03T12:00:00Z,
p5,a3,r3,reward,300.05,EUR,paid,2026-11-04T12:00:00Z,2026-11-05T12:00:00Z
p6,a3,r3,friend_discount,40.45,EUR,paid,2026-11-03T12:00:00Z,2026-11-03T12:00:00Z
`,
};

let usd: FixtureDir;
let jpy: FixtureDir;
let r: ReferralsResult;
let y: ReferralsResult;
beforeAll(async () => {
  usd = await makeFixtureDir({ ...FILES, 'gtm.yaml': config('USD', '1.0837') });
  r = (await runOptimizeReferrals({ window: '30d' }, { cwd: usd.dir, asOf: '2026-11-15' })).result;
  jpy = await makeFixtureDir({ ...FILES, 'gtm.yaml': config('JPY', '163.37') });
  y = (await runOptimizeReferrals({ window: '30d' }, { cwd: jpy.dir, asOf: '2026-11-15' })).result;
}, 120_000);
afterAll(async () => {
  await usd?.remove();
  await jpy?.remove();
});

const heldOf = (x: ReferralsResult) =>
  Object.fromEntries(x.fraud.flagged.map((f) => [f.referral_id, f.held_value]));

describe('converted payouts in minor units (USD at 1.0837 per EUR)', () => {
  it('holds each referral in cents: 27.69 + 11.00, 27.69 + 22.05, 325.16 + 43.84', () => {
    expect(heldOf(r)).toEqual({ r1: 38.69, r2: 49.74, r3: 369 });
    expect(r.fraud.value_at_risk).toEqual({ review: 0, reject: 457.43, total: 457.43 });
  });

  it('counts rewards and incentives in the same cents, so they add up to the held total', () => {
    const c = r.funnel.program.current.counts;
    expect([c.rewards, c.incentives]).toEqual([380.54, 76.89]);
    expect(r.fraud.rules.find((x) => x.rule === 'self-referral-customer-id')?.reward_value).toBe(457.43);
  });

  it('writes the same cents in flagged_referrals.csv and backlog.csv', async () => {
    const dir = path.join(usd.dir, r.reports_dir);
    const flagged = await readFile(path.join(dir, 'flagged_referrals.csv'), 'utf8');
    expect(
      flagged
        .trim()
        .split('\n')
        .slice(1)
        .map((l) => l.split(',').at(-1)),
    ).toEqual(['38.69', '49.74', '369']);
    const backlog = await readFile(path.join(dir, 'backlog.csv'), 'utf8');
    expect(backlog).toContain(',457.43,');
    expect(backlog).not.toMatch(/\d\.\d{3,}/);
  });
});

describe('converted payouts in minor units (JPY at 163.37 per EUR, no minor unit)', () => {
  it('holds whole yen: 25.55 EUR is 4,174 yen (4,174.1035), 10.15 EUR 1,658 (1,658.2055)', () => {
    expect(heldOf(y)).toEqual({ r1: 5832, r2: 7499, r3: 55627 });
    expect(y.fraud.value_at_risk.total).toBe(68958);
  });
});

describeOnClickHouse('the same payouts on ClickHouse 18.16', (ch) => {
  it('hold the same cents', async () => {
    const argv = ['optimize-referrals', '--window', '30d', '--as-of', '2026-11-15', '--json'];
    const run = await runOnClickHouse(ch, usd.dir, config('USD', '1.0837'), argv, 'minor');
    expect(run.code, run.stderr).toBe(0);
    const res = run.json<ReferralsResult>();
    expect(heldOf(res)).toEqual({ r1: 38.69, r2: 49.74, r3: 369 });
    expect(res.fraud.value_at_risk.total).toBe(457.43);
    expect([res.funnel.program.current.counts.rewards, res.funnel.program.current.counts.incentives]).toEqual(
      [380.54, 76.89],
    );
  }, 120_000);
});
