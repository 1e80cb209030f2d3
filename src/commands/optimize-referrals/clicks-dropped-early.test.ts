/**
 * The clicks' narrow table (the run's largest: about 600 MB at 10M clicks) is dropped as soon as
 * the last table built from it (the clicks by day) and the share → click median are read, before
 * the rest of the refresh, so that the later tables reuse its memory instead of touching fresh
 * pages. It was dropped at the end of the refresh. The median keeps its value: share s1 at 08:00,
 * its clicks at 09:00, 10:00 and 12:00 (1, 2 and 4 hours: median 2 h over 3 pairs).
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { makeFixtureDir, type FixtureDir } from '../../../test/helpers/fixture-dir.ts';
import { runOptimizeReferrals } from './index.ts';
import type { ReferralsResult } from './result.ts';

const FILES: Record<string, string> = {
  'gtm.yaml': `version: 1
sources:
  - { name: adv, entity: advocates, kind: file, path: advocates.csv }
  - { name: shares, entity: shares, kind: file, path: shares.csv }
  - { name: clicks, entity: clicks, kind: file, path: clicks.csv }
  - { name: signups, entity: referrals, kind: file, path: referrals.csv }
  - { name: orders, entity: conversions, kind: file, path: orders.csv }
currency: { reporting: USD }
`,
  'advocates.csv': `advocate_id,customer_id,referral_code,kind,joined_at
a1,cust-a1,C1,customer,2026-01-01
`,
  'shares.csv': `share_id,advocate_id,channel,shared_at
s1,a1,email,2026-11-04T08:00:00Z
`,
  'clicks.csv': `click_id,referral_code,share_id,clicked_at
k1,C1,s1,2026-11-04T09:00:00Z
k2,C1,s1,2026-11-04T10:00:00Z
k3,C1,s1,2026-11-04T12:00:00Z
`,
  'referrals.csv': `referral_id,advocate_id,friend_id,signed_up_at,click_id
r1,a1,f1,2026-11-04T13:00:00Z,k1
`,
  'orders.csv': `conversion_id,customer_id,amount,currency,stage,converted_at
o1,f1,100,USD,purchase,2026-11-05T10:00:00Z
`,
};

let dir: FixtureDir;
let r: ReferralsResult;
const statements: string[] = [];
beforeAll(async () => {
  dir = await makeFixtureDir(FILES);
  const profile = process.env.GTM_PROFILE_SQL;
  process.env.GTM_PROFILE_SQL = '1';
  const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    statements.push(String(chunk));
    return true;
  });
  try {
    r = (await runOptimizeReferrals({ window: '30d' }, { cwd: dir.dir, asOf: '2026-11-15' })).result;
  } finally {
    spy.mockRestore();
    if (profile === undefined) delete process.env.GTM_PROFILE_SQL;
    else process.env.GTM_PROFILE_SQL = profile;
  }
});
afterAll(() => dir?.remove());

const at = (part: string) => statements.findIndex((s) => s.includes(part));

describe("the clicks' narrow table", () => {
  it('is dropped right after the clicks by day, before the rest of the refresh', () => {
    const drop = at('DROP TABLE IF EXISTS ref_clicks_in');
    expect(at('TABLE ref_click_days AS')).toBeGreaterThan(-1);
    expect(drop).toBeGreaterThan(at('TABLE ref_click_days AS'));
    expect(drop).toBeLessThan(at('TABLE ref_conversions AS'));
  });

  it('gives the share → click median first', () => {
    const s2c = r.funnel.durations.find((s) => s.step === 'share_to_click');
    expect(s2c).toMatchObject({ median_seconds: 7200, pairs: 3 });
  });
});
