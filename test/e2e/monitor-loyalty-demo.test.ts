/**
 * `monitor-loyalty` end to end on the generated demo workspace, through the CLI in-process: the
 * specification's usage line verbatim, the planted truth found (churners in win-back with a low
 * P(alive), the tier migration matrix, the breakage of the points issued, every expired cohort to
 * the point), row accounting, KPIs reconciling across dimensions, experiment readouts, the owned
 * backlog, the active-member alert escalating on its second breach, the liability spike escalating
 * at once, and result.json valid against its JSON Schema.
 *
 * The runs build one plan history, so they happen in order in `beforeAll` and the tests read them.
 * The usage line also runs on two more seeds (`EXTRA_SEEDS`), whose planted truth, row accounting,
 * experiments, backlog and result.json take the same assertions: seeds of the s14 sweep that the
 * default seed alone let pass. Seed 5 planted a churner too small to be high-value (not in
 * win-back); seed 11's win-back email left its margin guardrail unproven (kept running), and with
 * pending points valued at the older outstanding points' rate its outstanding redemption rate was
 * 3.5 points low; on both, and on the default seed, the ledger redeemed points members did not hold
 * yet (outstanding points off by a few hundred).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { appendFile } from 'node:fs/promises';
import path from 'node:path';
import { Ajv } from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MonitorLoyaltyResult } from '../../src/commands/monitor-loyalty/index.ts';
import { LOYALTY_USAGE } from '../../src/demo/loyalty-demo.ts';
import { validatePlanRecord, type PlanRecord } from '../../src/orchestrator/index.ts';
import { parseCsv } from '../helpers/csv-parse.ts';
import {
  DEMO_AS_OF,
  DEMO_PREVIOUS_AS_OF,
  DEMO_SEED,
  makeDemoWorkspace,
  type DemoWorkspace,
} from '../helpers/demo-workspace.ts';
import { runCli, type CliRun } from '../helpers/run-cli.ts';

let demo: DemoWorkspace;
/** More seeds for the specification run's assertions (s14 sweep: seeds 5 and 11 failed them before). */
const EXTRA_SEEDS = [5, 11];
const SEEDS = [DEMO_SEED, ...EXTRA_SEEDS];
interface Run {
  cli: CliRun;
  result: MonitorLoyaltyResult;
  plan: PlanRecord;
  reports: string;
}
const runs: Record<string, Run> = {};
/** The demo workspace and specification run of every seed. */
const bySeed: Record<number, { demo: DemoWorkspace; spec: Run }> = {};
const ML = [
  'monitor-loyalty',
  '--window',
  '30d',
  '--dimensions',
  'tier,region',
  '--as-of',
  DEMO_AS_OF,
  '--json',
];

interface Truth {
  churners: string[];
  tier_movers: {
    upgrades: { id: string; from: string; to: string }[];
    downgrades: { id: string; from: string; to: string }[];
  };
  migration: { tiers: string[]; counts: number[][] };
  breakage: {
    ultimate_redemption_rate: number;
    outstanding_points: number;
    outstanding_redemption_rate: number;
    matured_cohorts: {
      cohort: string;
      issued: number;
      redeemed: number;
      expired: number;
      adjusted: number;
    }[];
  };
}

async function runIn(d: DemoWorkspace, name: string, argv: string[]): Promise<Run> {
  const cli = await runCli(argv, { cwd: d.dir });
  if (cli.code !== 0 && cli.code !== 10) throw new Error(`run ${name} exited ${cli.code}: ${cli.stderr}`);
  const result = cli.json<MonitorLoyaltyResult>();
  const plan = validatePlanRecord(JSON.parse(await d.read(result.plan_path)), result.plan_path);
  return { cli, result, plan, reports: path.join(d.dir, result.reports_dir) };
}
const run = async (name: string, argv: string[]) => (runs[name] = await runIn(demo, name, argv));
const SPEC = ['run', LOYALTY_USAGE, '--as-of', DEMO_AS_OF, '--json'];

beforeAll(async () => {
  demo = await makeDemoWorkspace();
  bySeed[DEMO_SEED] = { demo, spec: await run('spec', SPEC) };
  await run('again', ML);
  // the active-member guardrail breached at two as-ofs in a row: the day before the demo's, then the demo's
  await run('breach1', [...ML.slice(0, -2), DEMO_PREVIOUS_AS_OF, '--json', '--alert-threshold', '0.9']);
  await run('breach2', [...ML, '--alert_threshold', '0.9', '--fail-on-escalation']);
  // 40 large bonus grants: the liability jumps between two runs
  const rows = Array.from(
    { length: 40 },
    (_, i) => `X${i},M${100001 + i},2026-11-14T12:00:00Z,earn,5000,,,2027-11-14`,
  );
  await appendFile(path.join(demo.dir, 'data/loyalty/points_ledger.csv'), `${rows.join('\n')}\n`);
  await run('spike', ML);
  await run('quarter', [
    'monitor-loyalty',
    '--window',
    'quarter',
    '--detail',
    'summary',
    '--dimensions',
    'cohort,channel',
    '--experiments',
    'none',
    '--as-of',
    DEMO_AS_OF,
    '--json',
  ]);
  for (const seed of EXTRA_SEEDS) {
    const d = await makeDemoWorkspace({ seed });
    bySeed[seed] = { demo: d, spec: await runIn(d, `spec (seed ${seed})`, SPEC) };
  }
}, 600_000);

afterAll(async () => {
  for (const { demo: d } of Object.values(bySeed)) await d.remove();
});

describe.each(SEEDS)('the specification usage line on the demo (seed %i)', (seed) => {
  const spec = () => bySeed[seed].spec;
  it('exits 0 and prints only the result JSON', () => {
    const { cli, result } = spec();
    expect(cli.code).toBe(0);
    expect(cli.stdout).toBe(`${JSON.stringify(JSON.parse(cli.stdout), null, 2)}\n`);
    expect(result.schema).toBe('gtm.monitor-loyalty.result/v1');
    expect(result.inputs).toEqual({
      window: '30d',
      detail: 'full',
      dimensions: ['tier', 'region'],
      experiments: [],
      alert_threshold: 0.25,
      as_of: DEMO_AS_OF,
    });
    expect(result.window).toEqual({
      label: '30d',
      start: '2026-10-17T00:00:00.000Z',
      end: '2026-11-16T00:00:00.000Z',
      days: 30,
    });
    expect(result.program).toBe('Rewards Club');
  });

  it('writes the reporting package once, result.json equal to stdout', () => {
    // PNG snapshots are added when Chromium is installed
    expect(
      readdirSync(spec().reports)
        .filter((f) => !f.endsWith('.png'))
        .sort(),
    ).toEqual(
      [
        'backlog.csv',
        'dashboard.html',
        'experiments.csv',
        'kpi_trends.csv',
        'kpis.csv',
        'liability_cohorts.csv',
        'member_scores.csv',
        'rejects.csv',
        'result.json',
        'rfm_segments.csv',
        'row_accounting.csv',
        'segment_members.csv',
        'segments.csv',
        'summary.md',
        'tier_migration.csv',
      ].sort(),
    );
    expect(JSON.parse(readFileSync(path.join(spec().reports, 'result.json'), 'utf8'))).toEqual(spec().result);
    const html = readFileSync(path.join(spec().reports, 'dashboard.html'), 'utf8');
    for (const title of [
      'KPIs and trends',
      'Tier mix and tier flow',
      'Point liability and breakage',
      'Segments to act on',
      'Backlog',
    ])
      expect(html).toContain(title);
    expect(spec().plan.status).toBe('succeeded');
    expect(spec().plan.strategy).toBe('diamond');
  });

  it('accounts for every row: planted duplicates and rejects found', () => {
    const r = spec().result;
    for (const a of r.row_accounting) expect(a.rows_in).toBe(a.accepted + a.deduplicated + a.rejected);
    const ledger = r.row_accounting.find((a) => a.source === 'loyalty_ledger')!;
    expect([ledger.deduplicated, ledger.rejected]).toEqual([3, 1]);
    expect(r.row_accounting.find((a) => a.source === 'loyalty_orders')!.rejected).toBe(1);
    const rejects = parseCsv(readFileSync(path.join(spec().reports, 'rejects.csv'), 'utf8'));
    expect(rejects.map((x) => x.reason).sort()).toEqual([
      expect.stringMatching(/^amount: cannot read n\/a/),
      expect.stringMatching(/^type: bonus is not one of/),
    ]);
  });
});

describe.each(SEEDS)('planted truth (seed %i)', (seed) => {
  const spec = () => bySeed[seed].spec;
  const truth = () => bySeed[seed].demo.truth.parts!.loyalty as unknown as Truth;
  it('planted churners have a low P(alive) and are listed for win-back', () => {
    const members = parseCsv(readFileSync(path.join(spec().reports, 'segment_members.csv'), 'utf8'));
    const winBack = new Map(
      members.filter((m) => m.segment === 'win-back').map((m) => [m.member_id, Number(m.p_alive)]),
    );
    // member ids as the demo writes them (M100001): ids are kept as written
    const found = truth().churners.filter((id) => winBack.has(id));
    expect(found.length).toBe(truth().churners.length);
    for (const id of found) expect(winBack.get(id)).toBeLessThan(0.3);
  });

  it('tier movers: the migration matrix equals the generator’s (start × end of the window)', () => {
    const m = spec().result.kpis.tier_migration;
    expect(m.tiers).toEqual(truth().migration.tiers);
    expect(m.counts).toEqual(truth().migration.counts);
    const at = (from: string, to: string) => m.counts[m.tiers.indexOf(from)][m.tiers.indexOf(to)];
    for (const [from, to] of [
      ['Member', 'Silver'],
      ['Silver', 'Gold'],
      ['Gold', 'Platinum'],
    ])
      expect(at(from, to)).toBeGreaterThanOrEqual(
        truth().tier_movers.upgrades.filter((u) => u.from === from && u.to === to).length,
      );
    expect(at('Gold', 'Member') + at('Gold', 'Silver')).toBe(truth().tier_movers.downgrades.length);
  });

  it('every member tier is a tier rule: no unknown tier said anywhere, the alert within its guardrail', () => {
    const r = spec().result;
    expect(r.members.tiers.unknown).toEqual([]);
    expect(r.members.unknown_tiers).toEqual([]);
    for (const file of ['summary.md', 'dashboard.html'])
      expect(readFileSync(path.join(spec().reports, file), 'utf8')).not.toContain('no tier rule describes');
    expect(r.alerts.find((a) => a.id === 'unknown_member_tiers')).toMatchObject({
      value: 0,
      breached: false,
    });
  });

  it('breakage: every expired cohort to the point (FIFO), the ultimate rate within 2 points, outstanding within 3', () => {
    const l = spec().result.liability;
    for (const c of truth().breakage.matured_cohorts) {
      const line = l.cohorts.find((x) => x.cohort === c.cohort)!;
      expect(line).toMatchObject({
        matured: true,
        issued: c.issued,
        redeemed: c.redeemed,
        expired: c.expired,
        adjusted: c.adjusted,
      });
    }
    expect(Math.abs(l.programme_redemption_rate - truth().breakage.ultimate_redemption_rate)).toBeLessThan(
      0.02,
    );
    expect(Math.abs(l.expected_redemption_rate - truth().breakage.outstanding_redemption_rate)).toBeLessThan(
      0.03,
    );
    // every redemption and take-back spends points the member holds: the FIFO lots are the generator's
    expect(l.outstanding_points).toBe(truth().breakage.outstanding_points);
    expect(l.liability).toBeCloseTo(l.outstanding_points * l.value_per_point * l.expected_redemption_rate, 6);
    expect(l.checks.fifo_balance).toBeCloseTo(l.checks.ledger_balance + l.checks.unmatched, 6);
  });

  it('models converge, are applied per member and predict the window within 15%', () => {
    const m = spec().result.models;
    expect(m.bgnbd).toMatchObject({ converged: true, used: true });
    expect(m.gamma_gamma).toMatchObject({ converged: true, used: true });
    expect(Math.abs(m.holdout!.relative_error!)).toBeLessThan(0.15);
    expect(m.clv.members).toBe(spec().result.members.purchasers);
    expect(m.rfm!.segments.reduce((s, x) => s + x.members, 0)).toBe(spec().result.members.purchasers);
  });
});

describe.each(SEEDS)('diagnostics, experiments and the backlog (seed %i)', (seed) => {
  const spec = () => bySeed[seed].spec;
  it('KPIs reconcile across dimensions and the merge gate checked them', () => {
    const k = spec().result.kpis;
    for (const rows of [k.by_dimension.tier!, k.by_dimension.region!]) {
      expect(rows.reduce((s, r) => s + r.members, 0)).toBe(k.overall.members);
      expect(rows.reduce((s, r) => s + r.revenue, 0)).toBeCloseTo(k.overall.revenue, 6);
    }
    expect(k.overall.active_member_rate).toBeCloseTo(k.overall.active_members / k.overall.members, 12);
    expect(spec().result.checks.length).toBeGreaterThan(5);
  });

  it('reads out the campaign tests with guardrails, next tests and the holdout lift', () => {
    const e = spec().result.experiments!;
    const dp = e.readouts.find((r) => r.id === 'double-points-oct')!;
    expect(dp.recommendation.action).toBe('roll back');
    expect(dp.metrics.find((m) => m.name === 'points_liability')!.variants[0].decision).toBe('violated');
    expect(dp.health.enough_sample).toBe(true);
    // the roll back's value at stake: the liability per unit of revenue the variant adds × its revenue
    const liab = dp.metrics.find((m) => m.name === 'points_liability')!;
    const rev = dp.metrics.find((m) => m.name === 'revenue')!.variants[0];
    const item = spec().result.backlog.find((b) => b.id === 'experiment-double-points-oct')!;
    // the action once in the title, the next test in the evidence
    expect(item.title).toBe(`Roll back ${rev.name} of ${dp.name}`);
    expect(item.evidence).toMatch(/ Next test: Roll back .+; test a smaller change/);
    expect(item.value_at_stake).toBeCloseTo(
      (liab.variants[0].mean - liab.control.mean) * rev.mean * rev.n,
      6,
    );
    expect(e.readouts.find((r) => r.id === 'winback-email-sep')!.recommendation.action).toBe('ship');
    for (const r of e.readouts) expect(r.next_test.length).toBeGreaterThan(20);
    const lift = e.incremental.find((i) => i.experiment_id === 'double-points-oct')!.estimate;
    expect(lift.ok && lift.revenuePerCustomerLift > 0).toBe(true);
    expect(e.readouts.map((r) => r.id).sort()).toEqual(['double-points-oct', 'winback-email-sep']);
  });

  it('every backlog item has evidence, an owner (fallback recorded), an ETA and a projected lift', () => {
    const b = spec().result.backlog;
    expect(b.length).toBeGreaterThanOrEqual(5);
    for (const item of b) {
      expect(item.evidence.length).toBeGreaterThan(10);
      expect(item.owner.person).toBeTruthy();
      expect(item.eta).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(Number.isFinite(item.projected_lift)).toBe(true);
    }
    const winBack = b.find((x) => x.id === 'win-back')!;
    expect(winBack.owner.fallback_used).toMatchObject({ from: 'loyalty_crm_manager' });
    expect(winBack.lift_basis).toContain('winback-email-sep');
  });
});

describe('alerts, escalation and the previous run', () => {
  it('the active member rate escalates on its second breach, to the first rung', () => {
    const a1 = runs.breach1.result.alerts.find((a) => a.id === 'active_member_rate')!;
    expect(a1).toMatchObject({ breached: true, consecutive_breaches: 1, escalate: false, threshold: 0.9 });
    const a2 = runs.breach2.result.alerts.find((a) => a.id === 'active_member_rate')!;
    expect(runs.breach1.plan.as_of).toBe(DEMO_PREVIOUS_AS_OF);
    expect(a2).toMatchObject({ breached: true, consecutive_breaches: 2, escalate: true });
    expect(runs.breach2.cli.code).toBe(10);
    expect(runs.breach2.result.escalations.find((e) => e.alert_id === 'active_member_rate')).toMatchObject({
      role: 'member_insights_analyst',
      person: 'Ines Duarte',
    });
    expect(runs.breach2.result.backlog[0].id).toBe('active-member-rate');
  });

  it('compares the liability with the previous run and escalates a spike at once', () => {
    // a rerun of the demo's as-of with no earlier as-of run yet: nothing to compare with (not
    // the first run of the same as-of, which would read a change of 0 whatever the data)
    const again = runs.again.result.liability;
    expect(again.previous).toBeNull();
    expect(again.change).toBeNull();
    // the guardrail's second as-of compares with the as-of before it
    expect(runs.breach2.result.liability.previous).toMatchObject({
      run_id: runs.breach1.result.run_id,
      as_of: DEMO_PREVIOUS_AS_OF,
    });
    const s = runs.spike.result.liability;
    expect(s.change_rate!).toBeGreaterThan(s.spike_threshold);
    expect(s.spike_escalation).toMatchObject({
      alert_id: 'liability_spike',
      role: 'member_insights_analyst',
      person: 'Ines Duarte',
    });
    expect(runs.spike.result.escalations.some((e) => e.alert_id === 'liability_spike')).toBe(true);
    expect(runs.spike.result.backlog.some((b) => b.id === 'liability-spike')).toBe(true);
  });

  it('runs the quarter window with every dimension and without the review', () => {
    const q = runs.quarter.result;
    expect(q.window).toMatchObject({ label: 'quarter', start: '2026-10-01T00:00:00.000Z' });
    expect(q.experiments).toBeNull();
    expect(Object.keys(q.kpis.by_dimension).sort()).toEqual(['channel', 'cohort', 'tier']);
  });
});

describe('result.json contract', () => {
  const schema = JSON.parse(
    readFileSync(path.resolve('src/commands/monitor-loyalty/monitor-loyalty.result.schema.json'), 'utf8'),
  );
  const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
  it.each(['spec', 'breach2', 'spike', 'quarter'])('validates (%s)', (name) => {
    validate(runs[name].result);
    expect(validate.errors ?? []).toEqual([]);
  });
  it.each(EXTRA_SEEDS)('validates (spec, seed %i)', (seed) => {
    validate(bySeed[seed].spec.result);
    expect(validate.errors ?? []).toEqual([]);
  });
  it('is not vacuous', () => {
    expect(validate({ schema: 'gtm.monitor-loyalty.result/v1' })).toBe(false);
  });
  // sums of spend added in TypeScript printed their binary remainder (rfm spend 26017.890000000003,
  // value_at_stake 1097.9000000000003, projected_lift 109.79000000000003, a check's tolerance
  // 0.48173099999999996): they are to 6 decimals, as the SQL sums are
  it.each(SEEDS)('carries no float noise (spec, seed %i)', (seed) => {
    const noise = bySeed[seed].spec.cli.stdout.match(/"\w+": -?\d+\.\d*(0000000|9999999)\d*/g);
    expect(noise ?? []).toEqual([]);
  });
});
