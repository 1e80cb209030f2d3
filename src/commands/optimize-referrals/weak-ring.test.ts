/**
 * Rings linked only by a company email domain (h-ring24). Two companies of a B2B programme, each an
 * advocate who referred two colleagues; each colleague bought once, right after signing up, and
 * never again after the reward (so both groups are rings by the rule: 0 of 2 rewarded friends
 * retained). Everyone in one company is behind its office IP, on their own browser:
 *
 * - acme-corp.com: anna → ben, anna → cara. Only the email domain links them: a **weak** ring.
 *   ben: shared-ip 0.1 + ring 0.3 (weak) → 1 − 0.9 × 0.7 = 0.37, approve (was + ring 0.75 →
 *   1 − 0.9 × 0.25 = 0.775, review). cara bought 20 s after her click: + fast-conversion 0.4 →
 *   1 − 0.9 × 0.6 × 0.7 = 0.622, review (was 1 − 0.9 × 0.6 × 0.25 = 0.865, reject: the domain alone
 *   turned a review into a reject).
 * - globex.example: gus → hal, gus → ivy, and hal and ivy also share a laptop (device): hal and ivy
 *   are strongly tied, weighed as before: hal 0.775 review, ivy (20 s) 0.865 reject. Since h-ring24b
 *   the ring is **mixed**, not strong: its strong links connect a pair (hal, ivy), fewer than the 3 a
 *   ring needs, and gus is tied to it by the domain only; its backlog item freezes the two.
 *
 * Scores computed by hand (noisy-OR, 1 − Π(1 − w)), not by the scorer. Held: ben 0 (approve),
 * cara, hal, ivy 50 each → 150 (was 200). On DuckDB and on ClickHouse 18.16.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeOnClickHouse } from '../../../test/helpers/clickhouse-parity.ts';
import {
  makeReferralsWorkspace,
  REFERRALS_ARGS,
  useReferralsRun,
  type ReferralsSpec,
} from '../../../test/helpers/referrals-workspace.ts';
import { runCli } from '../../../test/helpers/run-cli.ts';
import { ringSection } from './dashboard-fraud.ts';
import { fraudLines } from './format.ts';
import type { ReferralsResult } from './result.ts';

const SPEC: ReferralsSpec = {
  revenueStages: ['purchase'],
  advocates: `advocate_id,customer_id,referral_code,kind,name,email,joined_at,ip,user_agent,device_id
anna,anna,ANNA,customer,Anna Berg,anna.berg@acme-corp.com,2026-01-01,198.51.100.10,UA-anna,dev-anna
gus,gus,GUS,customer,Gus Ortiz,gus.ortiz@globex.example,2026-01-01,198.51.100.20,UA-gus,dev-gus
`,
  clicks: `click_id,referral_code,clicked_at
k-cara,ANNA,2026-11-03T10:00:00Z
k-ivy,GUS,2026-11-05T10:00:00Z
`,
  referrals: `referral_id,advocate_id,friend_id,email,name,ip,user_agent,device_id,click_id,signed_up_at
r-ben,anna,ben,ben.ng@acme-corp.com,Ben Ng,198.51.100.10,UA-ben,dev-ben,,2026-11-02T10:00:00Z
r-cara,anna,cara,cara.diaz@acme-corp.com,Cara Diaz,198.51.100.10,UA-cara,dev-cara,k-cara,2026-11-03T10:00:05Z
r-hal,gus,hal,hal.kim@globex.example,Hal Kim,198.51.100.20,UA-hal,dev-globex-laptop,,2026-11-04T10:00:00Z
r-ivy,gus,ivy,ivy.lund@globex.example,Ivy Lund,198.51.100.20,UA-ivy,dev-globex-laptop,k-ivy,2026-11-05T10:00:05Z
`,
  conversions: `conversion_id,customer_id,amount,currency,stage,converted_at
o-ben,ben,1200,USD,purchase,2026-11-02T11:00:00Z
o-cara,cara,1200,USD,purchase,2026-11-03T10:00:20Z
o-hal,hal,1200,USD,purchase,2026-11-04T11:00:00Z
o-ivy,ivy,1200,USD,purchase,2026-11-05T10:00:20Z
`,
  payouts: `payout_id,advocate_id,referral_id,kind,amount,currency,status,created_at,paid_at
p-ben,anna,r-ben,reward,50,USD,paid,2026-11-02T12:00:00Z,2026-11-03T12:00:00Z
p-cara,anna,r-cara,reward,50,USD,paid,2026-11-03T12:00:00Z,2026-11-04T12:00:00Z
p-hal,gus,r-hal,reward,50,USD,paid,2026-11-04T12:00:00Z,2026-11-05T12:00:00Z
p-ivy,gus,r-ivy,reward,50,USD,paid,2026-11-05T12:00:00Z,2026-11-06T12:00:00Z
`,
};

type FlaggedRow = ReferralsResult['fraud']['flagged'][number];

const ref = useReferralsRun(SPEC);

const ringOf = (r: ReferralsResult, account: string) =>
  r.fraud.rings.find((x) => x.accounts.includes(account));
const verdicts = (r: ReferralsResult) =>
  Object.fromEntries(r.fraud.flagged.map((f: FlaggedRow) => [f.referral_id, [f.band, f.score]]));

describe('a ring linked only by a company email domain (DuckDB)', () => {
  it('(a) three colleagues on acme-corp.com: a weak ring, which rejects nobody by itself', () => {
    const duck = ref.result;
    expect(duck.fraud.rings).toHaveLength(2);
    const acme = ringOf(duck, 'anna')!;
    expect(acme).toMatchObject({
      accounts: ['anna', 'ben', 'cara'],
      strength: 'weak',
      link_kinds: ['email-domain'],
      shared_identifiers: [{ kind: 'email-domain', label: 'acme-corp.com', links: 2 }],
      rewarded_friends: 2,
      retained_friends: 0,
      rewards_paid: 100,
    });
    const v = verdicts(duck);
    // ben: shared-ip 0.1 + weak ring 0.3 = 0.37 → approve (not listed); cara: + fast-conversion → 0.622 review
    expect(v['r-ben']).toBeUndefined();
    expect(v['r-cara']).toEqual(['review', 0.622]);
    const cara = duck.fraud.flagged.find((f) => f.referral_id === 'r-cara')!;
    expect(cara.rules.sort()).toEqual(['fast-conversion', 'ring', 'shared-ip']);
    const ring = cara.evidence.find((e) => e.rule === 'ring')!;
    expect(ring.weight).toBe(0.3);
    expect(ring.evidence).toMatchObject({
      strength: 'weak',
      note: 'linked only by the shared email domain acme-corp.com',
    });
    expect(cara.reasons.join(' | ')).toContain('linked only by the shared email domain acme-corp.com');
    expect(duck.fraud.rules.find((r) => r.rule === 'ring')).toMatchObject({
      weight: 0.75,
      weak_ring_weight: 0.3,
    });
  });

  it('(b) the same colleagues sharing a laptop too (globex.example): hal and ivy strongly tied, weighed as before', () => {
    const duck = ref.result;
    const globex = ringOf(duck, 'gus')!;
    expect(globex).toMatchObject({
      accounts: expect.arrayContaining(['gus', 'hal', 'ivy']),
      strength: 'mixed',
      link_kinds: ['device', 'email-domain'],
      strongly_tied: 2,
      strongly_tied_accounts: ['hal', 'ivy'],
    });
    const v = verdicts(duck);
    // hal: shared-ip 0.1 + ring 0.75 = 0.775 review; ivy: + fast-conversion 0.4 → 0.865 reject
    expect(v['r-hal']).toEqual(['review', 0.775]);
    expect(v['r-ivy']).toEqual(['reject', 0.865]);
    const ivy = duck.fraud.flagged.find((f) => f.referral_id === 'r-ivy')!;
    const ring = ivy.evidence.find((e) => e.rule === 'ring')!;
    expect(ring.weight).toBe(0.75);
    expect(ring.evidence).toMatchObject({ strength: 'mixed', tie: 'strong', account: 'ivy' });
    expect(ring.evidence.note).toBeUndefined();
    // held: cara, hal, ivy 50 each (ben is approved)
    expect(duck.fraud.value_at_risk).toEqual({ review: 100, reject: 50, total: 150 });
  });

  it('the backlog checks the weak ring and freezes the strong one; rings.csv says which is which', async () => {
    const duck = ref.result;
    const acme = ringOf(duck, 'anna')!;
    const globex = ringOf(duck, 'gus')!;
    const check = duck.backlog.find((b) => b.id === `ring-${acme.ring + 1}`)!;
    expect(check.title).toBe(
      `Check the 3 accounts of ring #${acme.ring + 1}, linked only by the shared email domain acme-corp.com, before paying more rewards`,
    );
    expect(check).toMatchObject({ priority: 'low', projected_lift: { cost_avoided: null } });
    const freeze = duck.backlog.find((b) => b.id === `ring-${globex.ring + 1}`)!;
    expect(freeze.title).toBe(
      `Freeze the 2 strongly tied accounts of ring #${globex.ring + 1} and claw back their rewards; check the 1 account linked only by the shared email domain globex.example`,
    );
    expect(freeze.projected_lift.cost_avoided).toBe(100);
    const csv = await readFile(path.join(ref.dir, duck.reports_dir, 'rings.csv'), 'utf8');
    const [header, ...rows] = csv.trim().split(/\r?\n/);
    expect(header.split(',').slice(-2)).toEqual(['strength', 'link_kinds']);
    expect(rows.find((x) => x.includes('anna ben cara'))).toMatch(/,weak,email-domain$/);
    expect(rows.find((x) => x.includes('gus'))).toMatch(/,2,hal ivy,mixed,device email-domain$/);
    // the terminal counts the weak ring apart; the dashboard's ring table says which is which
    expect(fraudLines(duck)[0]).toMatch(/; 2 rings \(1 linked only by an email domain\)\.$/);
    const section = ringSection(duck);
    expect(section.intro).toContain('the ring rule weighs 0.3 for its referrals instead of 0.75');
    const table = section.blocks.find((b) => b.kind === 'table');
    const strengths = table?.kind === 'table' ? table.rows.map((x) => [x.members, x.strength]) : [];
    expect(strengths.sort()).toEqual([
      [3, 'mixed'],
      [3, 'weak: email domain only'],
    ]);
  });

  it('ring.weak_weight in gtm.yaml sets the weight (0.75, the rule’s own, weighs the domain as before)', async () => {
    const same = await makeReferralsWorkspace({ ...SPEC, yaml: '  fraud:\n    ring: { weak_weight: 0.75 }' });
    try {
      const run = await runCli(['optimize-referrals', ...REFERRALS_ARGS, '--json'], { cwd: same.dir });
      expect(run.code, run.stderr).toBe(0);
      const v = verdicts(run.json<ReferralsResult>());
      expect(v['r-ben']).toEqual(['review', 0.775]);
      expect(v['r-cara']).toEqual(['reject', 0.865]);
    } finally {
      await same.remove();
    }
  }, 60_000);
});

describeOnClickHouse('the same on ClickHouse 18.16', (ch) => {
  it('gives the same rings, strengths and verdicts', async () => {
    const duck = ref.result;
    const run = await ref.onClickHouse(ch, 'weak_ring');
    expect(run.code, run.stderr).toBe(0);
    const r = run.json<ReferralsResult>();
    expect(r.fraud.rings).toEqual(duck.fraud.rings);
    expect(verdicts(r)).toEqual(verdicts(duck));
  }, 120_000);
});
