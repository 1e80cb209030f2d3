/**
 * monitor-loyalty's tiers are the tiers at the end of the window, also when the members export is
 * newer than as-of: a member whose `tier_since` is after the window end held `previous_tier` then.
 * Before, a run for an as-of before the export (a back-dated run, or `--as-of` on last month's
 * figures) counted the member in the tier it only reached later: in the tier mix, the KPIs by tier,
 * the migration matrix and the upgrade segment.
 *
 * Hand-worked, as of 2026-11-30 (30d window: 2026-11-01 to 2026-12-01), calendar qualification on
 * spend, Silver from 500:
 * - A1 (Bronze) and A2 (Silver) did not change tier in or after the window;
 * - U1 is Silver since 2026-12-10, Bronze before: Bronze at the window end, with 460 of spend in
 *   2026 up to it, 40 short of Silver (within 10%): an upgrade opportunity of 40 (it was counted as
 *   Silver, far from Gold, and no opportunity; its 600 of 2026-12-09 are after as-of);
 * - U2 is Gold since 2026-12-05, Silver before: Silver at the window end (it was counted as Gold);
 * - U3 is Silver since 2026-11-20, Bronze before: a move inside the window, Bronze → Silver.
 * Tier mix at the window end: Bronze 2 (A1, U1), Silver 3 (A2, U2, U3), Gold 0; migration
 * Bronze → Bronze 2 (A1, U1), Bronze → Silver 1 (U3), Silver → Silver 2 (A2, U2).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.ts';

const YAML = `version: 1
sources:
  - { name: members, entity: members, kind: file, path: data/members.csv }
  - { name: ledger, entity: ledger, kind: file, path: data/ledger.csv }
  - { name: orders, entity: orders, kind: file, path: data/orders.csv }
  - { name: tiers, entity: tier_rules, kind: file, path: data/tiers.csv }
currency: { reporting: USD }
loyalty: { program: Tier Club, value_per_point: 0.01 }
output: { snapshot: never }
`;
const FILES: Record<string, string> = {
  'members.csv': [
    'member_id,enrolled_at,tier,tier_since,previous_tier',
    'A1,2026-01-05,Bronze,2026-01-05,',
    'A2,2026-01-05,Silver,2026-03-01,Bronze',
    'U1,2026-01-05,Silver,2026-12-10,Bronze',
    'U2,2026-01-05,Gold,2026-12-05,Silver',
    'U3,2026-01-05,Silver,2026-11-20,Bronze',
  ].join('\n'),
  'tiers.csv': [
    'tier,rank,qualify,retain,measure,qualification_months,qualification_period,downgrade_policy',
    'Bronze,0,0,0,spend,12,calendar,end_of_period',
    'Silver,1,500,400,spend,12,calendar,end_of_period',
    'Gold,2,1500,1200,spend,12,calendar,end_of_period',
  ].join('\n'),
  'ledger.csv': 'entry_id,member_id,occurred_at,type,points\nE1,U1,2026-11-10,earn,460\n',
  'orders.csv': [
    'order_id,customer_id,amount,ordered_at,currency',
    'O1,U1,460,2026-11-10,USD',
    'O2,U1,600,2026-12-09,USD',
  ].join('\n'),
};

const root = mkdtempSync(path.join(tmpdir(), 'gtm-loy-tier-after-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

interface Result {
  reports_dir: string;
  kpis: {
    tier_mix: { tier: string; members: number }[];
    by_dimension: { tier: { key: string; members: number; revenue: number }[] };
  };
  segments: { segment: string; size: number; value_at_stake: number }[];
}

describe('monitor-loyalty: tiers at the window end when the members export is newer', () => {
  it('counts a member whose tier changed after as-of in the tier held then', async () => {
    const dir = path.join(root, 'ws');
    mkdirSync(path.join(dir, 'data'), { recursive: true });
    writeFileSync(path.join(dir, 'gtm.yaml'), YAML);
    for (const [f, text] of Object.entries(FILES)) writeFileSync(path.join(dir, 'data', f), `${text}\n`);
    const cli = await runCli(['monitor-loyalty', '--window', '30d', '--as-of', '2026-11-30', '--json'], {
      cwd: dir,
      env: { ...process.env, GTM_SNAPSHOT: 'never' },
    });
    expect(cli.code, cli.stderr).toBe(0);
    const r = cli.json<Result>();
    const mix = Object.fromEntries(r.kpis.tier_mix.map((t) => [t.tier, t.members]));
    expect(mix).toEqual({ Bronze: 2, Silver: 3, Gold: 0 });
    const bronze = r.kpis.by_dimension.tier.find((t) => t.key === 'Bronze');
    expect(bronze).toMatchObject({ members: 2, revenue: 460 });
    const up = r.segments.find((s) => s.segment === 'upgrade-opportunity');
    expect(up).toMatchObject({ size: 1 });
    expect(up?.value_at_stake).toBeCloseTo(40, 9);
    const csv = readFileSync(path.join(dir, r.reports_dir, 'tier_migration.csv'), 'utf8');
    // rows: start tier; columns: (joined in window), Bronze, Silver, Gold
    expect(csv.trim().split('\n').slice(1)).toEqual([
      '(joined in window),0,0,0,0',
      'Bronze,0,2,1,0',
      'Silver,0,0,2,0',
      'Gold,0,0,0,0',
    ]);
  }, 120_000);
});
