/**
 * Each account judged by its own links to its ring (h-ring24b). Two companies of a B2B programme;
 * every friend bought once right after signing up and never again after the reward (both groups
 * are rings by the rule: 0 rewarded friends retained), each reward 50 paid:
 *
 * - initech.example: dora → eli, fay, gil, hal, all behind the office IP on their own browsers;
 *   eli and fay also share a kiosk device. Five accounts, one ring; strong links (the device)
 *   connect two of them, fewer than the 3 a ring needs: a **mixed** ring, 2 strongly tied.
 *   eli, fay (strongly tied friends of a weakly tied advocate): shared-ip 0.1 + ring 0.75 →
 *   1 − 0.9 × 0.25 = 0.775 review. gil and hal are tied to the ring by the domain only:
 *   hal: shared-ip 0.1 + ring 0.3 → 1 − 0.9 × 0.7 = 0.37, approve (was 0.775 review: the kiosk made
 *   the whole ring strong); gil converted 20 s after his click, + fast-conversion 0.4 →
 *   1 − 0.9 × 0.6 × 0.7 = 0.622 review (was 1 − 0.9 × 0.6 × 0.25 = 0.865, reject).
 * - max → nia, oto, all three on one tablet (gmail addresses, own IPs): strong, all 3 tied, as
 *   before: shared-device 0.9 + ring 0.75 → 1 − 0.1 × 0.25 = 0.975 reject; oto (20 s) + 0.4 →
 *   1 − 0.1 × 0.6 × 0.25 = 0.985 reject.
 *
 * Held: eli, fay, gil 50 each in review (150), nia, oto in reject (100). Scores computed by hand
 * (noisy-OR, 1 − Π(1 − w)), not by the scorer. On DuckDB and on ClickHouse 18.16.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeOnClickHouse } from '../../../test/helpers/clickhouse-parity.ts';
import { useReferralsRun, type ReferralsSpec } from '../../../test/helpers/referrals-workspace.ts';
import { ringSection } from './dashboard-fraud.ts';
import type { ReferralsResult } from './result.ts';

const SPEC: ReferralsSpec = {
  revenueStages: ['purchase'],
  advocates: `advocate_id,customer_id,referral_code,kind,name,email,joined_at,ip,user_agent,device_id
dora,dora,DORA,customer,Dora Quist,dora.quist@initech.example,2026-01-01,198.51.100.30,UA-dora,dev-dora
max,max,MAX,customer,Max Ubel,maxubel77@gmail.com,2026-01-01,203.0.113.41,UA-max,dev-umbrella-tablet
`,
  clicks: `click_id,referral_code,clicked_at
k-gil,DORA,2026-11-04T10:00:00Z
k-oto,MAX,2026-11-07T10:00:00Z
`,
  referrals: `referral_id,advocate_id,friend_id,email,name,ip,user_agent,device_id,click_id,signed_up_at
r-eli,dora,eli,eli.varga@initech.example,Eli Varga,198.51.100.30,UA-eli,dev-initech-kiosk,,2026-11-02T10:00:00Z
r-fay,dora,fay,fay.okafor@initech.example,Fay Okafor,198.51.100.30,UA-fay,dev-initech-kiosk,,2026-11-03T10:00:00Z
r-gil,dora,gil,gil.brandt@initech.example,Gil Brandt,198.51.100.30,UA-gil,dev-gil,k-gil,2026-11-04T10:00:05Z
r-hal,dora,hal,hal.sorensen@initech.example,Hal Sorensen,198.51.100.30,UA-hal,dev-hal,,2026-11-05T10:00:00Z
r-nia,max,nia,nia.petrov.work@gmail.com,Nia Petrov,203.0.113.52,UA-nia,dev-umbrella-tablet,,2026-11-06T10:00:00Z
r-oto,max,oto,oto.lindqvist@gmail.com,Oto Lindqvist,203.0.113.63,UA-oto,dev-umbrella-tablet,k-oto,2026-11-07T10:00:05Z
`,
  conversions: `conversion_id,customer_id,amount,currency,stage,converted_at
o-eli,eli,1200,USD,purchase,2026-11-02T11:00:00Z
o-fay,fay,1200,USD,purchase,2026-11-03T11:00:00Z
o-gil,gil,1200,USD,purchase,2026-11-04T10:00:20Z
o-hal,hal,1200,USD,purchase,2026-11-05T11:00:00Z
o-nia,nia,1200,USD,purchase,2026-11-06T11:00:00Z
o-oto,oto,1200,USD,purchase,2026-11-07T10:00:20Z
`,
  payouts: `payout_id,advocate_id,referral_id,kind,amount,currency,status,created_at,paid_at
p-eli,dora,r-eli,reward,50,USD,paid,2026-11-02T12:00:00Z,2026-11-03T12:00:00Z
p-fay,dora,r-fay,reward,50,USD,paid,2026-11-03T12:00:00Z,2026-11-04T12:00:00Z
p-gil,dora,r-gil,reward,50,USD,paid,2026-11-04T12:00:00Z,2026-11-05T12:00:00Z
p-hal,dora,r-hal,reward,50,USD,paid,2026-11-05T12:00:00Z,2026-11-06T12:00:00Z
p-nia,max,r-nia,reward,50,USD,paid,2026-11-06T12:00:00Z,2026-11-07T12:00:00Z
p-oto,max,r-oto,reward,50,USD,paid,2026-11-07T12:00:00Z,2026-11-08T12:00:00Z
`,
};

type FlaggedRow = ReferralsResult['fraud']['flagged'][number];

const ref = useReferralsRun(SPEC);

const ringOf = (r: ReferralsResult, account: string) =>
  r.fraud.rings.find((x) => x.accounts.includes(account));
const verdicts = (r: ReferralsResult) =>
  Object.fromEntries(r.fraud.flagged.map((f: FlaggedRow) => [f.referral_id, [f.band, f.score]]));
const ringEvidence = (r: ReferralsResult, referral: string) => {
  const f = r.fraud.flagged.find((x) => x.referral_id === referral)!;
  return f.evidence.find((e) => e.rule === 'ring')!;
};

describe('the ring rule weighs each account by its own tie (DuckDB)', () => {
  it('two colleagues on a kiosk and three on the domain only: one mixed ring of 5, 2 strongly tied', () => {
    const initech = ringOf(ref.result, 'dora')!;
    expect([...initech.accounts].sort()).toEqual(['dora', 'eli', 'fay', 'gil', 'hal']);
    expect(initech).toMatchObject({
      members: 5,
      strength: 'mixed',
      link_kinds: ['device', 'email-domain'],
      strongly_tied: 2,
      strongly_tied_accounts: ['eli', 'fay'],
      rewarded_friends: 4,
      retained_friends: 0,
      rewards_paid: 200,
    });
  });

  it('the three tied by the domain only get the weak weight; eli and fay the full one', () => {
    const v = verdicts(ref.result);
    expect(v['r-eli']).toEqual(['review', 0.775]);
    expect(v['r-fay']).toEqual(['review', 0.775]);
    expect(v['r-gil']).toEqual(['review', 0.622]);
    expect(v['r-hal']).toBeUndefined(); // 0.37, approved
    const gil = ringEvidence(ref.result, 'r-gil');
    expect(gil.weight).toBe(0.3);
    expect(gil.evidence).toMatchObject({
      strength: 'mixed',
      tie: 'weak',
      party: 'advocate',
      account: 'dora',
      tiedBy: ['email-domain:initech.example'],
      note: 'linked only by the shared email domain initech.example',
    });
    const eli = ringEvidence(ref.result, 'r-eli');
    expect(eli.weight).toBe(0.75);
    expect(eli.evidence).toMatchObject({
      tie: 'strong',
      party: 'friend',
      account: 'eli',
      tiedBy: ['device:dev-initech-kiosk', 'email-domain:initech.example'],
    });
    expect(eli.evidence.note).toBeUndefined();
    const reasons = ref.result.fraud.flagged.find((f) => f.referral_id === 'r-gil')!.reasons.join(' | ');
    expect(reasons).toContain('tiedBy=email-domain:initech.example');
  });

  it('three accounts on one tablet: a strong ring, all tied, weighed as before', () => {
    const tablet = ringOf(ref.result, 'max')!;
    expect(tablet).toMatchObject({
      accounts: ['max', 'nia', 'oto'],
      strength: 'strong',
      link_kinds: ['device'],
      strongly_tied: 3,
      strongly_tied_accounts: ['max', 'nia', 'oto'],
    });
    const v = verdicts(ref.result);
    expect(v['r-nia']).toEqual(['reject', 0.975]);
    expect(v['r-oto']).toEqual(['reject', 0.985]);
    expect(ringEvidence(ref.result, 'r-nia').evidence).toMatchObject({
      strength: 'strong',
      tie: 'strong',
      party: 'advocate',
      account: 'max',
      tiedBy: ['device:dev-umbrella-tablet'],
    });
    expect(ref.result.fraud.value_at_risk).toEqual({ review: 150, reject: 100, total: 250 });
  });

  it('the backlog freezes the strongly tied and checks the rest; rings.csv and the dashboard count them', async () => {
    const r = ref.result;
    const initech = ringOf(r, 'dora')!;
    const tablet = ringOf(r, 'max')!;
    const mixed = r.backlog.find((b) => b.id === `ring-${initech.ring + 1}`)!;
    expect(mixed.title).toBe(
      `Freeze the 2 strongly tied accounts of ring #${initech.ring + 1} and claw back their rewards; check the 3 accounts linked only by the shared email domain initech.example`,
    );
    // the rewards on eli's and fay's referrals (50 + 50), not the ring's 200
    expect(mixed.projected_lift.cost_avoided).toBe(100);
    expect(mixed.projected_lift.basis).toContain('USD 100.00 (of USD 200.00');
    const strong = r.backlog.find((b) => b.id === `ring-${tablet.ring + 1}`)!;
    expect(strong.title).toBe(
      `Freeze the 3 accounts of ring #${tablet.ring + 1} and claw back their rewards`,
    );
    expect(strong.projected_lift.cost_avoided).toBe(100);

    const csv = await readFile(path.join(ref.dir, r.reports_dir, 'rings.csv'), 'utf8');
    const [header, ...rows] = csv.trim().split(/\r?\n/);
    expect(header.split(',').slice(-4)).toEqual([
      'strongly_tied',
      'strongly_tied_accounts',
      'strength',
      'link_kinds',
    ]);
    expect(rows.find((x) => x.includes('dora'))).toMatch(/,2,eli fay,mixed,device email-domain$/);
    expect(rows.find((x) => x.includes('max'))).toMatch(/,3,max nia oto,strong,device$/);

    const section = ringSection(r);
    expect(section.intro).toContain('the ring rule weighs 0.3 for its referrals instead of 0.75');
    const table = section.blocks.find((b) => b.kind === 'table');
    const shown =
      table?.kind === 'table' ? table.rows.map((x) => [x.members, x.strength, x.strongly_tied]) : [];
    expect(shown.sort()).toEqual([
      [3, 'strong', 3],
      [5, 'mixed', 2],
    ]);
  });
});

describeOnClickHouse('the same on ClickHouse 18.16', (ch) => {
  it('gives the same rings, ties and verdicts', async () => {
    const duck = ref.result;
    const run = await ref.onClickHouse(ch, 'ring_ties');
    expect(run.code, run.stderr).toBe(0);
    const r = run.json<ReferralsResult>();
    expect(r.fraud.rings).toEqual(duck.fraud.rings);
    expect(verdicts(r)).toEqual(verdicts(duck));
    const evidence = (x: ReferralsResult) =>
      x.fraud.flagged.map((f) => [f.referral_id, f.evidence.find((e) => e.rule === 'ring')?.evidence]);
    expect(evidence(r)).toEqual(evidence(duck));
    expect(r.backlog.filter((b) => b.id.startsWith('ring-'))).toEqual(
      duck.backlog.filter((b) => b.id.startsWith('ring-')),
    );
  }, 120_000);
});
