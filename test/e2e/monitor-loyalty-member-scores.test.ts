/**
 * member_scores.csv (`--detail full`): one row per member with the figures the run's aggregates are
 * made of, for lifecycle teams' CRM (segment_members.csv lists only the 500 most valuable members of
 * each segment; nothing listed every member).
 *
 * - A six-member programme, every figure against an independent hand computation (FIFO points,
 *   RFM quintiles with score = 1 + ⌊5·B/N⌋, the R × F grid, tier gaps on calendar-year spend, points
 *   expiring 12 months after they were earned; as in /tmp check_small.py of the session): ids and
 *   dimension values starting with `=` or `@` neutralized (`'=M5`).
 * - The demo (seed 7, the usage line): the CSV summed and filtered gives result.json's segment
 *   sizes and values at stake, the RFM segments' members and spend, the churn table's purchasers,
 *   mean P(alive), expected purchases and CLV, and the members per tier.
 * - `--detail summary` writes no such file (`member_scores: null`).
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MonitorLoyaltyResult } from '../../src/commands/monitor-loyalty/index.ts';
import { parseCsv } from '../helpers/csv-parse.ts';
import { DEMO_AS_OF, makeDemoWorkspace, type DemoWorkspace } from '../helpers/demo-workspace.ts';
import { runCli } from '../helpers/run-cli.ts';
import { MODEL_LIMITS } from '../../src/commands/monitor-loyalty/models-stage.ts';

const root = mkdtempSync(path.join(tmpdir(), 'gtm-loy-scores-'));
let demo: DemoWorkspace | undefined;
afterAll(async () => {
  rmSync(root, { recursive: true, force: true });
  await demo?.remove();
});

const YAML = `version: 1
sources:
  - { name: members, entity: members, kind: file, path: data/members.csv }
  - { name: ledger, entity: ledger, kind: file, path: data/ledger.csv }
  - { name: orders, entity: orders, kind: file, path: data/orders.csv }
  - { name: rewards, entity: rewards, kind: file, path: data/rewards.csv }
  - { name: tier_rules, entity: tier_rules, kind: file, path: data/tiers.csv }
currency: { reporting: USD }
loyalty: { program: Small Club, value_per_point: 0.01, points_expire_months: 12 }
output: { snapshot: never }
`;
const FILES: Record<string, string> = {
  'members.csv': `member_id,enrolled_at,tier,region
M1,2026-01-15,Gold,EU
M2,2026-02-01,Silver,EU
M3,2026-11-10,Member,EU
M4,2026-03-01,Gold,US
=M5,2026-04-01,Silver,US
@M6,2026-05-01,Member,=US
`,
  'ledger.csv': `entry_id,member_id,occurred_at,type,points,reward_id
E1,M1,2026-11-05,earn,100,
E2,M1,2026-11-10,redeem,40,R1
E3,M2,2026-11-12,earn,200,
E4,M2,2026-11-20,expire,50,
E5,M3,2026-11-15,earn,10,
E6,M4,2026-10-01,earn,500,
E7,M4,2026-11-25,redeem,100,R1
E8,=M5,2025-12-20,earn,300,
E9,@M6,2026-06-01,earn,120,
`,
  'orders.csv': `order_id,customer_id,amount,ordered_at
O1,M1,100,2026-11-05
O2,M2,220,2026-11-12
O3,C9,50,2026-11-13
O5,M3,30,2026-11-15
O8,M4,70,2026-08-01
O9,=M5,80,2025-12-20
O10,@M6,280,2026-06-01
O11,M1,50,2026-10-01
O12,M2,20,2026-09-01
`,
  'rewards.csv': 'reward_id,name,points,cost\nR1,Coffee,100,0.5\n',
  'tiers.csv': 'tier,rank,qualify\nMember,0,0\nSilver,1,300\nGold,2,1000\n',
};

/**
 * By hand, as-of 2026-11-30: member, tier, region, recency days (as-of date − last purchase date:
 * M1's order of 2026-11-05 is 25 days before; a purchase on the as-of day would be 0; the file said
 * 26, counting the as-of day), orders and spend over 365 days, R, F, M, RFM segment, balance, points expiring within 30
 * days, days to the next expiry, segments. Ids in byte order (`=` and `@` before letters).
 */
const BY_HAND = [
  ["'=M5", 'Silver', 'US', '345', '1', '80', '1', '1', '2', 'Hibernating', '300', '300', '19', 'downgrade-risk;expiring-points;never-redeemed'],
  ["'@M6", 'Member', "'=US", '182', '1', '280', '1', '1', '5', 'Hibernating', '120', '0', '182', 'upgrade-opportunity;never-redeemed'],
  ['M1', 'Gold', 'EU', '25', '2', '150', '3', '4', '3', 'Loyal', '60', '0', '339', 'downgrade-risk'],
  ['M2', 'Silver', 'EU', '18', '2', '240', '4', '4', '4', 'Loyal', '150', '0', '346', 'downgrade-risk;never-redeemed'],
  ['M3', 'Member', 'EU', '15', '1', '30', '5', '1', '1', 'New', '10', '0', '349', ''],
  ['M4', 'Gold', 'US', '121', '1', '70', '2', '1', '1', 'Hibernating', '400', '0', '304', 'downgrade-risk'],
]; // prettier-ignore

const ML = ['monitor-loyalty', '--window', '30d', '--as-of', '2026-11-30', '--json'];
const env = { ...process.env, GTM_SNAPSHOT: 'never' };

function small(): string {
  const dir = path.join(root, 'small');
  mkdirSync(path.join(dir, 'data'), { recursive: true });
  writeFileSync(path.join(dir, 'gtm.yaml'), YAML);
  for (const [f, text] of Object.entries(FILES)) writeFileSync(path.join(dir, 'data', f), text);
  return dir;
}

const num = (v: string | undefined) => (v === undefined || v === '' ? Number.NaN : Number(v));
const sum = (rows: Record<string, string>[], key: string) =>
  rows.reduce((s, r) => s + (Number.isFinite(num(r[key])) ? num(r[key]) : 0), 0);
const inSegment = (rows: Record<string, string>[], segment: string) =>
  rows.filter((r) => r.segments.split(';').includes(segment));

describe('member_scores.csv on a small programme, against a hand computation', () => {
  it('lists every member with the figures computed by hand, ids and values neutralized', async () => {
    const dir = small();
    const cli = await runCli([...ML, '--detail', 'full'], { cwd: dir, env });
    expect(cli.code, cli.stderr).toBe(0);
    const r = cli.json<MonitorLoyaltyResult>();
    expect(r.member_scores).toEqual({ rows: 6, file: `${r.reports_dir}/member_scores.csv` });
    const text = readFileSync(path.join(dir, r.reports_dir, 'member_scores.csv'), 'utf8');
    const lines = text.trimEnd().split('\n');
    expect(lines[0]).toBe(
      'member_id,tier,region,channel,cohort,recency_days,frequency,monetary,r_score,f_score,m_score,rfm_segment,lifetime_spend,p_alive,expected_purchases,clv,points_balance,expiring_points,days_to_expiry,segments',
    );
    const rows = parseCsv(text);
    expect(
      rows.map((x) => [
        x.member_id,
        x.tier,
        x.region,
        x.recency_days,
        x.frequency,
        x.monetary,
        x.r_score,
        x.f_score,
        x.m_score,
        x.rfm_segment,
        x.points_balance,
        x.expiring_points,
        x.days_to_expiry,
        x.segments,
      ]),
    ).toEqual(BY_HAND);
    // too few members for the models: P(alive), expected purchases and CLV are empty, not 0
    expect(rows.every((x) => x.p_alive === '' && x.expected_purchases === '' && x.clv === '')).toBe(true);
    // the figures of result.json: segment sizes and values at stake
    const seg = (s: string) => r.segments.find((x) => x.segment === s)!;
    expect(inSegment(rows, 'never-redeemed').length).toBe(seg('never-redeemed').size);
    expect(sum(inSegment(rows, 'never-redeemed'), 'points_balance') * 0.01).toBeCloseTo(
      seg('never-redeemed').value_at_stake,
      9,
    );
    expect(sum(inSegment(rows, 'expiring-points'), 'expiring_points') * 0.01).toBeCloseTo(
      seg('expiring-points').value_at_stake,
      9,
    );
    expect(inSegment(rows, 'downgrade-risk').length).toBe(seg('downgrade-risk').size);
    expect(inSegment(rows, 'upgrade-opportunity').length).toBe(seg('upgrade-opportunity').size);
  }, 120_000);

  it('is not written under --detail summary', async () => {
    const dir = path.join(root, 'small');
    const cli = await runCli([...ML, '--detail', 'summary'], { cwd: dir, env });
    expect(cli.code, cli.stderr).toBe(0);
    const r = cli.json<MonitorLoyaltyResult>();
    expect(r.member_scores).toBeNull();
    expect(existsSync(path.join(dir, r.reports_dir, 'member_scores.csv'))).toBe(false);
  }, 120_000);
});

describe('member_scores.csv on the demo: the aggregates of result.json', () => {
  let r: MonitorLoyaltyResult;
  let rows: Record<string, string>[];
  beforeAll(async () => {
    demo = await makeDemoWorkspace();
    const cli = await runCli(
      [
        'run',
        '/loyalty-lifecycle-orchestration:monitor-loyalty --window 30d --detail full --dimensions "tier,region"',
        '--as-of',
        DEMO_AS_OF,
        '--json',
      ],
      { cwd: demo.dir },
    );
    if (cli.code !== 0 && cli.code !== 10) throw new Error(`exit ${cli.code}: ${cli.stderr}`);
    r = cli.json<MonitorLoyaltyResult>();
    rows = parseCsv(readFileSync(path.join(demo.dir, r.reports_dir, 'member_scores.csv'), 'utf8'));
  }, 300_000);

  it('the same result and file with the fits in a worker thread (as at scale)', async () => {
    const was = MODEL_LIMITS.threadFrom;
    MODEL_LIMITS.threadFrom = 0;
    try {
      const cli = await runCli(
        [
          'monitor-loyalty',
          '--window',
          '30d',
          '--detail',
          'full',
          '--dimensions',
          'tier,region',
          '--as-of',
          DEMO_AS_OF,
          '--json',
        ],
        { cwd: demo!.dir },
      );
      expect([0, 10]).toContain(cli.code);
      const t = cli.json<MonitorLoyaltyResult>();
      // the run's own names and times aside, the same result: fits, scores, segments
      const same = (x: MonitorLoyaltyResult) =>
        JSON.parse(
          JSON.stringify(x)
            .replaceAll(x.run_id, 'RUN')
            .replaceAll(path.basename(x.plan_path), 'PLAN')
            .replace(/"evaluated_at":"[^"]*"/g, '"evaluated_at":""'),
        ) as unknown;
      expect(t.models.bgnbd?.used).toBe(true);
      expect(same(t)).toEqual(same(r));
      expect(readFileSync(path.join(demo!.dir, t.reports_dir, 'member_scores.csv'))).toEqual(
        readFileSync(path.join(demo!.dir, r.reports_dir, 'member_scores.csv')),
      );
    } finally {
      MODEL_LIMITS.threadFrom = was;
    }
  }, 300_000);

  it('one row per member, each id once', () => {
    expect(rows.length).toBe(r.members.members);
    expect(r.member_scores?.rows).toBe(r.members.members);
    expect(new Set(rows.map((x) => x.member_id)).size).toBe(rows.length);
  });

  it('every segment: its members and value at stake', () => {
    const vpp = r.liability.value_per_point;
    for (const s of r.segments) {
      const members = inSegment(rows, s.segment);
      expect(members.length, s.segment).toBe(s.size);
      const value =
        s.segment === 'expiring-points'
          ? sum(members, 'expiring_points') * vpp
          : s.segment === 'never-redeemed'
            ? sum(members, 'points_balance') * vpp
            : s.segment === 'win-back'
              ? members.reduce((a, x) => a + num(x.lifetime_spend) * (1 - num(x.p_alive)), 0)
              : null;
      if (value !== null) expect(value, s.segment).toBeCloseTo(s.value_at_stake, 4);
    }
    expect(inSegment(rows, 'win-back').length).toBeGreaterThan(0);
  });

  it('the RFM segments, the churn table and CLV', () => {
    for (const s of r.models.rfm!.segments) {
      const members = rows.filter((x) => x.rfm_segment === s.segment);
      expect(members.length, s.segment).toBe(s.members);
      expect(sum(members, 'monetary'), s.segment).toBeCloseTo(s.spend, 4);
    }
    const o = r.models.churn.overall;
    const scored = rows.filter((x) => x.p_alive !== '');
    expect(scored.length).toBe(o.purchasers);
    expect(sum(scored, 'p_alive') / scored.length).toBeCloseTo(o.mean_p_alive!, 9);
    expect(sum(scored, 'expected_purchases')).toBeCloseTo(o.expected_purchases!, 6);
    expect(sum(rows, 'clv')).toBeCloseTo(r.models.clv.total!, 4);
    expect(sum(rows, 'lifetime_spend')).toBeCloseTo(o.lifetime_spend, 4);
    for (const t of r.models.churn.by_dimension.tier ?? [])
      expect(rows.filter((x) => x.tier === t.key).length, t.key).toBe(t.members);
  });

  it('the members segment_members.csv lists have the same scores', () => {
    const listed = parseCsv(readFileSync(path.join(demo!.dir, r.reports_dir, 'segment_members.csv'), 'utf8'));
    const byId = new Map(rows.map((x) => [x.member_id, x]));
    for (const m of listed.slice(0, 50)) {
      const x = byId.get(m.member_id)!;
      // member_scores.csv rounds to 12 decimals, segment_members.csv to 15 significant digits:
      // half a unit of the 12th decimal apart at most, and of the 15th digit
      expect(Math.abs(num(x.p_alive) - num(m.p_alive))).toBeLessThanOrEqual(5e-13 + 5e-16);
      expect(num(x.points_balance)).toBe(num(m.points_balance));
      expect(x.segments.split(';')).toContain(m.segment);
    }
  });
});
