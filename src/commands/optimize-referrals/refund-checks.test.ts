/**
 * Refunds that cannot be: more than the order (250 on 100) or dated before the purchase. Both were
 * accepted silently and zeroed the order's revenue; they are rejected with a reason naming both
 * values, counted in row accounting and rejects.csv, as a negative refund is, on DuckDB and on
 * ClickHouse 18.16 alike. A full refund and a refund on the purchase day stay accepted. A refunded
 * amount without a refund date (a payments export's "Amount Refunded" mapped alone) was accepted
 * and left out of every window, the order's whole revenue kept: it is rejected naming what to map;
 * "0.00" refunded without a date is no refund and stays accepted.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeOnClickHouse, runOnClickHouse } from '../../../test/helpers/clickhouse-parity.ts';
import { makeFixtureDir, type FixtureDir } from '../../../test/helpers/fixture-dir.ts';
import { runCli } from '../../../test/helpers/run-cli.ts';
import { topReasons } from '../../data/entities/reject-reasons.ts';
import type { ReferralsResult } from './result.ts';

const FILES: Record<string, string> = {
  'gtm.yaml': `version: 1
sources:
  - { name: adv, entity: advocates, kind: file, path: advocates.csv }
  - { name: signups, entity: referrals, kind: file, path: referrals.csv }
  - { name: orders, entity: conversions, kind: file, path: orders.csv }
currency:
  reporting: USD
  rates: [{ currency: EUR, from: 2026-01-01, rate: 1.1 }]
thresholds: { max_reject_rate: 1 }
`,
  'advocates.csv': `advocate_id,customer_id,referral_code,kind,joined_at
a1,cust-a1,C1,customer,2026-01-01
`,
  'referrals.csv': `referral_id,advocate_id,friend_id,signed_up_at
r1,a1,f1,2026-11-01
r2,a1,f2,2026-11-01
r3,a1,f3,2026-11-01
r4,a1,f4,2026-11-01
r5,a1,f5,2026-11-01
r6,a1,f6,2026-11-01
r7,a1,f7,2026-11-01
`,
  // c1 refund above the order, c3 refunded before it was bought, c5 a negative refund, c7 refunded
  // the evening before its purchase day, c8 a refund exported as a negative order, c9 a refunded
  // amount without a refund date; c2 a full refund, c4 refunded on the purchase day (a date
  // without a time, so midnight, before the purchase's hour), c6 a partial refund in EUR, c10 a
  // second order with "0.00" refunded and no date (not refunded): accepted
  'orders.csv': `conversion_id,customer_id,amount,currency,stage,converted_at,refunded_at,refund_amount
c1,f1,100,USD,purchase,2026-11-10,2026-11-11,250
c2,f2,200,USD,purchase,2026-11-12,2026-11-20,200
c3,f3,1000,USD,purchase,2026-11-15,2026-11-01,
c4,f4,10,USD,purchase,2026-11-15T17:00:00Z,2026-11-15,4
c5,f5,30,USD,purchase,2026-11-16,2026-11-17,-5
c6,f6,100,EUR,purchase,2026-11-16,2026-11-18,40
c7,f7,70,USD,purchase,2026-11-16T10:00:00Z,2026-11-15T23:00:00Z,
c8,f8,-45,USD,purchase,2026-11-17,,
c9,f1,49,USD,purchase,2026-11-18,,49
c10,f2,99.00,USD,purchase,2026-11-19,,0.00
`,
};

const ARGV = ['optimize-referrals', '--window', '30d', '--as-of', '2026-11-30', '--json'];
const EXPECTED_REJECTS = [
  [
    '2',
    'refund_amount: 250 is more than amount 100; a refund cannot exceed its order: check both amounts (and their currency)',
  ],
  [
    '4',
    'refunded_at: 2026-11-01 is before the day of converted_at 2026-11-15; a refund cannot come before the purchase: check both times (and their time zone)',
  ],
  [
    '6',
    'refund_amount: -5 is negative; write the amount given back as a positive number (it is taken off the amount)',
  ],
  [
    '8',
    'refunded_at: 2026-11-15T23:00:00Z is before the day of converted_at 2026-11-16T10:00:00Z; a refund cannot come before the purchase: check both times (and their time zone)',
  ],
  // the reason says where a refund belongs in this entity: on its order's row
  [
    '9',
    "amount: -45 is negative; a refund or cancellation belongs on its order's row: keep the amount paid there and map refunded_at (and refund_amount as a positive number for a partial refund) instead of a negative row",
  ],
  // a refunded amount without its date (Stripe's payments export has "Amount Refunded" and no
  // refund date): it was accepted and the order kept its whole revenue in every window
  [
    '10',
    "refund_amount: 49 without refunded_at; a refund needs its date: map refunded_at (the refund's date as a refunds export gives it) or leave refund_amount empty for orders not refunded",
  ],
];

/** The rejects.csv rows of a run: [line, reason]. */
async function rejects(dir: string, r: ReferralsResult): Promise<string[][]> {
  const text = await readFile(path.join(dir, r.data.rejects.file!), 'utf8');
  return text
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => {
      const m = /^orders,orders\.csv,(\d+),(.*),$/.exec(l);
      return m ? [m[1], m[2]] : [l];
    });
}

let dir: FixtureDir;
let duck: ReferralsResult;
beforeAll(async () => {
  dir = await makeFixtureDir(FILES);
  const run = await runCli(ARGV, { cwd: dir.dir });
  expect(run.code, run.stderr).toBe(0);
  duck = run.json<ReferralsResult>();
}, 60_000);
afterAll(() => dir?.remove());

describe('refunds above the order or before the purchase (DuckDB)', () => {
  it('are rejected with both values and counted', async () => {
    expect(duck.data.row_accounting.find((a) => a.source === 'orders')).toMatchObject({
      rows_in: 10,
      accepted: 4,
      rejected: 6,
    });
    expect(await rejects(dir.dir, duck)).toEqual(EXPECTED_REJECTS);
    expect(duck.data.rejects.top_reasons.map((t) => t.reason).sort()).toEqual([
      "amount: a value is negative; a refund or cancellation belongs on its order's row: keep the amount paid there and map refunded_at (and refund_amount as a positive number for a partial refund) instead of a negative row",
      'refund_amount: a value is more than amount; a refund cannot exceed its order: check both amounts (and their currency)',
      'refund_amount: a value is negative; write the amount given back as a positive number (it is taken off the amount)',
      "refund_amount: a value without refunded_at; a refund needs its date: map refunded_at (the refund's date as a refunds export gives it) or leave refund_amount empty for orders not refunded",
      'refunded_at: a value is before the day of converted_at; a refund cannot come before the purchase: check both times (and their time zone)',
    ]);
  });

  it('the accepted refunds still net the revenue: c2 0 + c4 (10 − 4) + c6 (100 − 40) × 1.1', () => {
    const c = duck.funnel.program.current.counts;
    expect(c.conversions).toBe(3);
    expect(c.referredRevenue).toBeCloseTo(0 + 6 + 66, 9);
    expect(c.refunded).toBe(3);
  });

  it('summaries fold the values of a cross-column reason', () => {
    expect(
      topReasons([
        'refund_amount: 250 is more than amount 100; a refund cannot exceed its order',
        'refund_amount: 7 is more than amount 5; a refund cannot exceed its order',
      ]),
    ).toEqual([
      { reason: 'refund_amount: a value is more than amount; a refund cannot exceed its order', rows: 2 },
    ]);
    expect(
      topReasons([
        'refund_amount: 49.00 without refunded_at; a refund needs its date',
        'refund_amount: 12 without refunded_at; a refund needs its date',
      ]),
    ).toEqual([{ reason: 'refund_amount: a value without refunded_at; a refund needs its date', rows: 2 }]);
  });
});

describeOnClickHouse('the same checks on ClickHouse 18.16', (ch) => {
  it('rejects the same rows with the same reasons and gives the same funnel', async () => {
    const run = await runOnClickHouse(ch, dir.dir, FILES['gtm.yaml'], ARGV, 'refunds');
    expect(run.code, run.stderr).toBe(0);
    const r = run.json<ReferralsResult>();
    expect(r.data.row_accounting).toEqual(duck.data.row_accounting);
    expect(await rejects(dir.dir, r)).toEqual(EXPECTED_REJECTS);
    expect(r.funnel.program.current.counts).toEqual(duck.funnel.program.current.counts);
  }, 120_000);
});
