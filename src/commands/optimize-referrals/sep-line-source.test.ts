/**
 * A mapped source exported by Excel with its delimiter hint (`sep=,` on the first line): the
 * mapping reads the header on line 2, every row is accounted for and a reject names its line in
 * the file. Before, the run stopped on "columns found: sep=, column2".
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeFixtureDir, type FixtureDir } from '../../../test/helpers/fixture-dir.ts';
import { runOptimizeReferrals } from './index.ts';
import type { ReferralsResult } from './result.ts';

const FILES: Record<string, string> = {
  'gtm.yaml': `version: 1
sources:
  - { name: adv, entity: advocates, kind: file, path: advocates.csv }
  - { name: signups, entity: referrals, kind: file, path: referrals.csv }
  - name: orders
    entity: conversions
    kind: file
    path: orders.csv
    mapping: { conversion_id: Order Number, customer_id: Customer, amount: Total, currency: Currency,
               stage: Status, converted_at: Created }
currency: { reporting: USD }
referrals:
  revenue_stages: [purchase]
`,
  'advocates.csv': `advocate_id,customer_id,referral_code,kind,region,persona,joined_at
a1,cust-a1,C1,customer,NA,Dev,2026-01-01
`,
  'referrals.csv': `referral_id,advocate_id,friend_id,signed_up_at
r1,a1,f1,2026-11-01T10:00:00Z
`,
  // line 4 has no customer: rejected on its own line
  'orders.csv': `sep=,
Order Number,Customer,Total,Currency,Status,Created
o1,f1,100,USD,purchase,2026-11-03T12:00:00Z
o2,,50,USD,purchase,2026-11-04T12:00:00Z
o3,n1,60,USD,purchase,2026-11-05T12:00:00Z
`,
};

let dir: FixtureDir;
let r: ReferralsResult;
beforeAll(async () => {
  dir = await makeFixtureDir(FILES);
  r = (await runOptimizeReferrals({ window: '30d' }, { cwd: dir.dir, asOf: '2026-11-15' })).result;
});
afterAll(() => dir?.remove());

describe('a mapped CSV source with a sep= first line', () => {
  it('loads past the hint: rows accounted for, the reject on its line', () => {
    const orders = r.data.row_accounting.find((a) => a.source === 'orders')!;
    expect(orders).toMatchObject({ rows_in: 3, accepted: 2, deduplicated: 0, rejected: 1 });
    const rejects = readFileSync(path.join(dir.dir, r.data.rejects!.file!), 'utf8');
    expect(rejects).toContain('orders,orders.csv,4,customer_id: missing');
    expect(r.funnel.program.current.counts).toMatchObject({ conversions: 1, newCustomers: 2 });
  });
});
