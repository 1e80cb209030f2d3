/**
 * A friend's click session where it differs from the sign-up's: on DuckDB the clicks' narrow table
 * keeps no session identifier (at 10M clicks one hash of the four cost 3–5 s of CPU in normalize's
 * pass); the named clicks' text is read from the clicks' view by the comparison itself, which keeps
 * those whose session hash differs from their sign-up's, and those are compared exactly.
 *
 * r1's click was made on its advocate's device (the sign-up on another one): advocate and friend
 * share a device. r2's click has the sign-up's session. r3's click has no device, its sign-up has
 * one: nothing of the click differs. r4's click differs in its user agent only (ip + user agent
 * shared with advocate a2, whose own sign-up ip alone is not).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeFixtureDir, type FixtureDir } from '../../../test/helpers/fixture-dir.ts';
import { openDuckDb, type DuckDbEngine } from '../../data/index.ts';
import { runOptimizeReferrals } from './index.ts';
import type { ReferralsResult } from './result.ts';
import { CLICKS_NARROW_DUCKDB } from './sql/derive-sql.ts';
import { clickTextSql } from './sql/risk-sql.ts';

const FILES: Record<string, string> = {
  'gtm.yaml': `version: 1
sources:
  - { name: adv, entity: advocates, kind: file, path: advocates.csv }
  - { name: signups, entity: referrals, kind: file, path: referrals.csv }
  - { name: clicks, entity: clicks, kind: file, path: clicks.csv }
currency: { reporting: USD }
`,
  'advocates.csv': `advocate_id,customer_id,referral_code,kind,joined_at,ip,user_agent,device_id
a1,cust-a1,C1,customer,2026-01-01,10.0.0.1,UA-1,DEV-A1
a2,cust-a2,C2,customer,2026-01-01,10.0.0.2,UA-2,DEV-A2
`,
  'referrals.csv': `referral_id,advocate_id,friend_id,signed_up_at,click_id,ip,user_agent,device_id,cookie_id
r1,a1,f1,2026-11-04T10:00:00Z,k1,10.0.1.1,UA-F1,DEV-F1,CK-1
r2,a1,f2,2026-11-05T10:00:00Z,k2,10.0.1.2,UA-F2,DEV-F2,CK-2
r3,a2,f3,2026-11-06T10:00:00Z,k3,10.0.1.3,UA-F3,DEV-F3,CK-3
r4,a2,f4,2026-11-07T10:00:00Z,k4,10.0.0.2,UA-F4,DEV-F4,CK-4
`,
  'clicks.csv': `click_id,referral_code,clicked_at,ip,user_agent,device_id,cookie_id
k1,C1,2026-11-04T09:00:00Z,10.0.1.1,UA-F1,DEV-A1,CK-1
k2,C1,2026-11-05T09:00:00Z,10.0.1.2,UA-F2,DEV-F2,CK-2
k3,C2,2026-11-06T09:00:00Z,10.0.1.3,UA-F3,,CK-3
k4,C2,2026-11-07T09:00:00Z,10.0.0.2,UA-2,DEV-F4,CK-4
`,
};

let dir: FixtureDir;
let r: ReferralsResult;
beforeAll(async () => {
  dir = await makeFixtureDir(FILES);
  r = (await runOptimizeReferrals({ window: '30d' }, { cwd: dir.dir, asOf: '2026-11-15' })).result;
});
afterAll(() => dir?.remove());

const rulesOf = (id: string) => r.fraud.flagged.find((f) => f.referral_id === id)?.rules ?? [];

describe("a friend's click session", () => {
  it('shares the device it was clicked on with the advocate', () => {
    expect(rulesOf('r1')).toContain('shared-device');
    expect(rulesOf('r2')).not.toContain('shared-device');
    expect(rulesOf('r3')).not.toContain('shared-device');
  });

  it('shares the ip + user agent it was clicked with, not the sign-up ip alone', () => {
    expect(rulesOf('r4')).toContain('shared-ip-user-agent');
    expect(rulesOf('r2')).not.toContain('shared-ip-user-agent');
  });
});

describe('the clicks whose text is fetched (DuckDB)', () => {
  let engine: DuckDbEngine;
  beforeAll(async () => {
    engine = await openDuckDb();
  });
  afterAll(() => engine.close());

  it('keeps no session in the narrow table', () => {
    expect(CLICKS_NARROW_DUCKDB.hashes).toEqual(['click_id', 'referral_code', 'share_id']);
    expect(CLICKS_NARROW_DUCKDB.computed).toBeUndefined();
  });

  it('are the named clicks whose session hash differs from the sign-up', async () => {
    // rowid = rid: sign-up i names the click of row i + 1; session (ip, ua, device, cookie)
    const signups: (string | null)[][] = [
      ['1.1.1.1', 'UA', 'D', 'C'],
      ['1.1.1.1', 'UA', 'D', 'C'],
      ['1.1.1.1', 'UA', 'D', 'C'],
      [null, 'UA', 'D', 'C'],
      ['1.1.1.1', 'UA', 'D', null],
    ];
    const clicks: (string | null)[][] = [
      ['1.1.1.1', 'UA', 'D', 'C'], // same session
      ['1.1.1.1', 'UA2', 'D', 'C'], // user agent differs
      ['1.1.1.1', 'UA', 'D', 'C2'], // cookie differs
      ['1.1.1.1', 'UA', 'D', 'C'], // the sign-up has no ip
      ['1.1.1.1', 'UA', 'D', null], // same session, cookie absent on both
      ['9.9.9.9', 'UA9', 'D9', 'C9'], // named by no sign-up
    ];
    const cols = 'ip VARCHAR, user_agent VARCHAR, device_id VARCHAR, cookie_id VARCHAR';
    await engine.exec(`CREATE TABLE ref_referrals (${cols})`);
    await engine.append('ref_referrals', signups);
    await engine.exec(`CREATE TABLE clicks (_source VARCHAR, _row BIGINT, click_id VARCHAR, ${cols})`);
    await engine.append(
      'clicks',
      clicks.map((c, i) => ['clicks', i + 1, `k${i + 1}`, ...c]),
    );
    await engine.exec(
      `CREATE TABLE ref_click_facts AS SELECT _row - 1 AS rid, CAST(_source AS ENUM ('clicks')) AS _source,
         CAST(_row AS UINTEGER) AS _row FROM clicks WHERE _row <= 5`,
    );
    await engine.exec(
      clickTextSql({
        start: '',
        end: '',
        days: 30,
        from: '',
        maxAccountsPerIdentifier: 5,
        revenueStages: [],
      }),
    );
    const rows = await engine.query<{ click_id: string; user_agent: string; cookie_id: string }>(
      'SELECT click_id, user_agent, cookie_id FROM ref_click_text ORDER BY click_id',
    );
    expect(rows).toEqual([
      { click_id: 'k2', user_agent: 'UA2', cookie_id: 'C' },
      { click_id: 'k3', user_agent: 'UA', cookie_id: 'C2' },
      { click_id: 'k4', user_agent: 'UA', cookie_id: 'C' },
    ]);
  });
});
