/**
 * `monitor-loyalty` on a programme a few months old with a handful of members (the s9 review's
 * loy1/loy2 workspaces, written as CSV): too few members to fit the churn and value models on.
 *
 * - no member with a repeat purchase: the run finishes (exit 0, every report written) and says the
 *   models were not fitted, as it does when nobody bought (it stopped with exit 7);
 * - two repeat buyers of four: the BG/NBD is not fitted on them (it converged to a = 10,246,
 *   b = 9.8e-5 and sent two members who bought 18 days before as-of to win-back with P(alive) 8e-9),
 *   so no P(alive), CLV or win-back segment.
 *
 * And the liability of a programme none of whose cohorts has matured (points expire after 12
 * months, the oldest cohort is two months old): valued in full (no breakage recognised) with the
 * curves' USD 0.50 as the floor, not "USD 0 — OK"; an earn reversal is taken back, not expired,
 * and out of its cohort's issued points.
 *
 * And member ids as written: `M1` and `m1` are two members (they were lower-cased and merged, m1's
 * enrolment, tier and region dropped), with a warning naming them; an order of `m4` (member `M4`)
 * is a non-member order, warned likewise.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Ajv } from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatMonitorLoyalty, type MonitorLoyaltyResult } from '../../src/commands/monitor-loyalty/index.ts';
import { runCli, type CliRun } from '../helpers/run-cli.ts';

const root = mkdtempSync(path.join(tmpdir(), 'gtm-loy-small-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

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

const MEMBERS = `member_id,enrolled_at,tier,region
M1,2026-01-15,Gold,EU
M2,2026-02-01,Silver,EU
M3,2026-11-10,Member,EU
M4,2026-03-01,Gold,EU
`;
const LEDGER = `entry_id,member_id,occurred_at,type,points,reward_id
E1,M1,2026-11-05,earn,100,
E2,M1,2026-11-10,redeem,-40,R1
E3,M2,2026-11-12,earn,200,
E4,M2,2026-11-20,expire,50,
E5,M3,2026-11-15,earn,10,
E6,M4,2026-10-01,earn,500,
E7,M4,2026-11-25,redeem,100,R1
E9,M1,2026-11-06,earn,-30,
`;
/** One order each (loy1), and a repeat purchase for M1 and M2 (loy2). */
const ORDERS_ONE = `order_id,customer_id,amount,ordered_at,currency
O1,M1,100,2026-11-05,USD
O2,M2,220,2026-11-12,USD
O3,C9,50,2026-11-13,USD
O5,M3,30,2026-11-15,USD
O8,M4,70,2026-08-01,USD
`;
const ORDERS_REPEAT = `${ORDERS_ONE}O6,M1,50,2026-10-01,USD
O7,M2,20,2026-09-01,USD
`;

function workspace(name: string, orders: string, members = MEMBERS): string {
  const dir = path.join(root, name);
  mkdirSync(path.join(dir, 'data'), { recursive: true });
  writeFileSync(path.join(dir, 'gtm.yaml'), YAML);
  writeFileSync(path.join(dir, 'data/members.csv'), members);
  writeFileSync(path.join(dir, 'data/ledger.csv'), LEDGER);
  writeFileSync(path.join(dir, 'data/orders.csv'), orders);
  writeFileSync(
    path.join(dir, 'data/rewards.csv'),
    'reward_id,name,points,cost,currency\nR1,Coffee,100,0.5,USD\n',
  );
  writeFileSync(
    path.join(dir, 'data/tiers.csv'),
    'tier,rank,qualify\nMember,0,0\nSilver,1,300\nGold,2,1000\n',
  );
  return dir;
}

const ML = ['monitor-loyalty', '--window', '30d', '--as-of', '2026-11-30', '--detail', 'full', '--json'];
const runs: Record<string, { dir: string; cli: CliRun; result: MonitorLoyaltyResult }> = {};

beforeAll(async () => {
  for (const [name, orders, members] of [
    ['one-purchase', ORDERS_ONE, MEMBERS],
    ['two-repeat-buyers', ORDERS_REPEAT, MEMBERS],
    // the review's loy3: M1 and m1 are two members with their own data; an order of m4 (member M4)
    ['id-case', `${ORDERS_ONE}O9,m4,40,2026-11-20,USD\n`, `${MEMBERS}m1,2026-06-01,Silver,Zürich\n`],
  ] as const) {
    const dir = workspace(name, orders, members);
    const cli = await runCli(ML, { cwd: dir, env: { ...process.env, GTM_SNAPSHOT: 'never' } });
    if (cli.code !== 0) throw new Error(`${name}: exit ${cli.code}: ${cli.stderr}`);
    runs[name] = { dir, cli, result: cli.json<MonitorLoyaltyResult>() };
  }
}, 120_000);

describe('churn and value models on too few members', () => {
  it('no repeat purchase: exit 0, the models not fitted, every report written', () => {
    const { dir, result, cli } = runs['one-purchase'];
    expect(result.models.bgnbd).toBeNull();
    expect(result.models.gamma_gamma).toBeNull();
    expect(result.models.warnings.join('\n')).toMatch(
      /churn and value models were not fitted: too few members to fit on: 4 members .*min_purchasers: 50.* 0 repeat buyers/,
    );
    expect(cli.stderr).toMatch(/warning: the churn and value models were not fitted/);
    for (const f of [
      'summary.md',
      'dashboard.html',
      'result.json',
      'kpis.csv',
      'liability_cohorts.csv',
      'segments.csv',
    ])
      expect(existsSync(path.join(dir, result.reports_dir, f)), f).toBe(true);
  });

  it('two repeat buyers: no fit, no P(alive), no win-back segment', () => {
    const { dir, result } = runs['two-repeat-buyers'];
    expect(result.models.bgnbd).toBeNull();
    expect(result.models.holdout).toBeNull();
    expect(result.models.warnings.join('\n')).toMatch(
      /too few members to fit on: 4 members .* 2 repeat buyers/,
    );
    expect(result.models.churn.overall.mean_p_alive).toBeNull();
    const winBack = result.segments.find((s) => s.segment === 'win-back')!;
    expect(winBack.unavailable).toMatch(/not available/);
    expect(result.backlog.some((b) => b.id === 'win-back')).toBe(false);
    expect(readFileSync(path.join(dir, result.reports_dir, 'summary.md'), 'utf8')).not.toMatch(
      /probably lapsed/,
    );
  });
});

describe('liability of a programme with no matured cohort', () => {
  it('values the 590 outstanding points in full and says why, with the curves as the floor', () => {
    const { dir, result } = runs['two-repeat-buyers'];
    const l = result.liability;
    expect(l.outstanding_points).toBe(590);
    expect(l.liability).toBeCloseTo(5.9, 9);
    expect(l.expected_redemption_rate).toBe(1);
    // The floor, by hand (valuation 2026-11-30): cohort 2026-10 redeemed 0 at age 0 and 100 at age
    // 1, so f₀ = 100 / 0 is infinite and cohort 2026-11 (310 issued, of which 30 taken back by an
    // earn reversal: 280 net; 40 redeemed, 50 expired) has none of its development behind it:
    // Bornhuetter–Ferguson expects 40 + 280 × prior, the prior being the chain ladder's rate with no
    // matured cohort, (100 + 40) / (500 + 280). It expects 280 × 140 / 780 = 50.26 more points
    // redeemed, 0.5026 at 0.01. With f₀ taken as 1 the young cohort counted as fully developed and
    // the floor was 0; with the reversal counted as points taken back out of 310 issued, 0.5358.
    const more = (280 * 140) / 780;
    expect(l.liability_floor).toBeCloseTo(more * 0.01, 12);
    expect(l.immature).toEqual({
      basis: 'expiry',
      oldest_cohort: '2026-10',
      observed_months: 1,
      maturity_age: 13,
      curves_redemption_rate: expect.closeTo(more / 590, 12),
    });
    const summary = readFileSync(path.join(dir, result.reports_dir, 'summary.md'), 'utf8');
    // 590 × 0.01 = 5.90: in cents below 1,000 (it read 'USD 6', and the floor 'USD 0')
    expect(summary).toMatch(/Points liability USD 5\.90 at full value .*no issuance cohort has matured yet/);
    expect(summary).toMatch(/the redemptions seen so far give USD 0\.50, a floor/);
    expect(summary).not.toMatch(/from the matured cohorts/);
    expect(summary).not.toMatch(/Points liability:\*\* \$0\.00 — \*\*OK/);
    // the terminal view says the same amounts (it printed 'Liability (USD): 6 on 590 points' and
    // a floor of '0')
    const terminal = formatMonitorLoyalty(result, 'full');
    expect(terminal).toContain(
      'Liability (USD): 5.90 on 590 points outstanding × 0.01 × 100.0% expected redemption',
    );
    expect(terminal).toContain('the redemptions seen so far give 0.50 (a floor)');
  });

  it('liability_cohorts.csv: expired is type expire only, the earn reversal is out of issued', () => {
    const { dir, result } = runs['two-repeat-buyers'];
    const csv = readFileSync(path.join(dir, result.reports_dir, 'liability_cohorts.csv'), 'utf8');
    const [head, ...rows] = csv
      .trimEnd()
      .split('\n')
      .map((l) => l.split(','));
    const nov = Object.fromEntries(head.map((h, i) => [h, rows.find((r) => r[0] === '2026-11')![i]]));
    // 310 earned, 30 of them reversed (E9): 280 issued (it said 310 issued, 30 adjusted)
    expect(nov).toMatchObject({
      issued: '280',
      reversed: '30',
      redeemed: '40',
      expired: '50',
      adjusted: '0',
      outstanding: '190',
    });
  });

  it('result.json: liability and models valid against their schema', () => {
    const schema = JSON.parse(
      readFileSync(path.resolve('src/commands/monitor-loyalty/monitor-loyalty.result.schema.json'), 'utf8'),
    );
    const ajv = new Ajv({ allErrors: true, strict: false });
    for (const part of ['liability', 'models'] as const) {
      const validate = ajv.compile(schema.properties[part]);
      for (const name of Object.keys(runs)) {
        const ok = validate(runs[name].result[part]);
        expect(ok, `${name} ${part}: ${JSON.stringify(validate.errors)}`).toBe(true);
      }
    }
  });
});

describe('member ids as written', () => {
  it('keeps M1 and m1 as two members, in the source spelling, and warns naming them', () => {
    const { dir, result, cli } = runs['id-case'];
    const acc = result.row_accounting.find((a) => a.source === 'members')!;
    expect(acc).toMatchObject({ rows_in: 5, accepted: 5, deduplicated: 0 });
    expect(result.kpis.overall.members).toBe(5);
    expect(result.members.id_case).toMatchObject({ member_groups: 1, members: ['M1 / m1'] });
    expect(result.warnings[0]).toMatch(/^1 member id differs from another only by letter case \(M1 \/ m1\)/);
    expect(cli.stderr).toMatch(/warning: 1 member id differs from another only by letter case \(M1 \/ m1\)/);
    const rows = readFileSync(path.join(dir, result.reports_dir, 'segment_members.csv'), 'utf8');
    expect(rows).toMatch(/^downgrade-risk,M1,Gold,EU,/m);
    expect(rows).toMatch(/^downgrade-risk,m1,Silver,Zürich,/m);
    expect(rows).not.toMatch(/,m4,|,m2,/);
  });

  it('an order of m4 is no order of member M4, and says so', () => {
    const { result } = runs['id-case'];
    expect(result.members.id_case).toMatchObject({ orders: 1, order_customers: ['m4'] });
    expect(result.warnings.join('\n')).toMatch(
      /1 order of customer ids that are member ids but for letter case \(m4\)/,
    );
    expect(result.kpis.overall.non_member.orders).toBe(2);
  });
});
