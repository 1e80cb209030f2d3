/**
 * `optimize-referrals` end to end on the generated demo workspace, through the CLI in-process: the
 * specification's usage line verbatim, the deliverables, every planted fraud pattern found by its
 * rule, no clean referral (look-alikes included) rejected, partners of known quality, the planted
 * SMS leak in the insights and the backlog, row accounting against the planted truth, the diamond's
 * merge gate, the experiment readout, alerts escalating on the second breach along the ladder, and
 * result.json valid against its JSON Schema.
 *
 * The runs build one plan history (alert streaks), so they happen in order in `beforeAll`.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv } from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReferralsResult } from '../../src/commands/optimize-referrals/index.ts';
import { validatePlanRecord, type PlanRecord } from '../../src/orchestrator/index.ts';
import { parseCsv } from '../helpers/csv-parse.ts';
import {
  DEMO_AS_OF,
  DEMO_PREVIOUS_AS_OF,
  makeDemoWorkspace,
  type DemoWorkspace,
} from '../helpers/demo-workspace.ts';
import { runCli, type CliRun } from '../helpers/run-cli.ts';

const LINE = `/referral-program-orchestration:optimize-referrals --window 30d --detail full --dimensions "channel,partner-tier"`;

interface Truth {
  usage: string;
  rows: Record<string, number>;
  rejects: { source: string; file: string; row: number; reason: string }[];
  duplicates: Record<string, number>;
  planted: Record<string, { rule: string; referrals: string[]; band: 'review' | 'reject' }>;
  look_alikes: Record<string, { referrals: string[]; note: string }>;
  partners: Record<string, string[]>;
  experiment: { id: string; control: string; treatment: string; conversion_lift: number };
  leak: { dimension: string; value: string; stage: string };
}

interface Run {
  cli: CliRun;
  result: ReferralsResult;
  plan: PlanRecord;
  reports: string;
}

let demo: DemoWorkspace;
let truth: Truth;
const runs: Record<string, Run> = {};
/** The day after the demo's as-of: a third period in a row. */
const NEXT_AS_OF = '2026-11-16';

async function runIn(ws: DemoWorkspace, name: string, argv: string[]): Promise<Run> {
  const cli = await runCli(argv, { cwd: ws.dir });
  if (cli.code !== 0) throw new Error(`run ${name} exited ${cli.code}: ${cli.stderr}`);
  const result = cli.json<ReferralsResult>();
  const plan = validatePlanRecord(JSON.parse(await ws.read(result.plan_path)), result.plan_path);
  return { cli, result, plan, reports: path.join(ws.dir, result.reports_dir) };
}

async function run(name: string, argv: string[]): Promise<Run> {
  return (runs[name] = await runIn(demo, name, argv));
}

const csv = (r: Run, file: string) => parseCsv(readFileSync(path.join(r.reports, file), 'utf8'));

/**
 * The planted truth's assertions, on the usage line's run of a demo workspace (any seed): every
 * planted pattern found by its rule at least in its band, the ring; no clean referral rejected; the
 * partners of known quality; the SMS leak in the insights and the backlog; row accounting.
 */
function expectPlantedFound(r: Run, truth: Truth): void {
  const flagged = new Map(csv(r, 'flagged_referrals.csv').map((row) => [row.referral_id, row]));
  for (const [name, p] of Object.entries(truth.planted))
    for (const id of p.referrals) {
      const row = flagged.get(id);
      expect(row, `${name}: ${id} not flagged`).toBeDefined();
      expect(row!.rules.split(' '), `${name}: ${id}`).toContain(p.rule);
      if (p.band === 'reject') expect(row!.band, `${name}: ${id}`).toBe('reject');
      expect(row!.reasons.length).toBeGreaterThan(0);
    }
  const ring = r.result.fraud.rings;
  expect(ring).toHaveLength(1);
  expect(ring[0].members).toBe(8);
  // devices and cards link it: a strong ring, weighed in full (not a colleagues' email-domain ring)
  expect(ring[0].strength).toBe('strong');
  // and each of its 8 accounts by its own device or card (h-ring24b): none by an email domain only
  expect(ring[0].strongly_tied).toBe(8);
  expect(ring[0].shared_identifiers.map((s) => s.kind).sort()).toEqual([
    'device',
    'device',
    'payment',
    'payment',
  ]);
}

function expectNoCleanRejected(r: Run, truth: Truth): void {
  const planted = new Set(Object.values(truth.planted).flatMap((p) => p.referrals));
  const rejected = csv(r, 'flagged_referrals.csv').filter((x) => x.band === 'reject');
  expect(rejected.filter((x) => !planted.has(x.referral_id)).map((x) => x.referral_id)).toEqual([]);
  const bands = new Map(csv(r, 'flagged_referrals.csv').map((x) => [x.referral_id, x.band]));
  for (const [name, l] of Object.entries(truth.look_alikes))
    for (const id of l.referrals) expect(bands.get(id) ?? 'approve', `${name}: ${id}`).not.toBe('reject');
  // colleagues and the family share an IP only: they pass
  for (const id of [
    ...truth.look_alikes.office_colleagues.referrals,
    ...truth.look_alikes.family_same_surname.referrals,
  ])
    expect(bands.get(id) ?? 'approve', id).toBe('approve');
}

function expectPartners(r: Run, truth: Truth): void {
  const status = new Map(r.result.partners.partners.map((p) => [p.partner, p.status]));
  for (const [s, ids] of Object.entries(truth.partners))
    for (const id of ids) expect(status.get(id), id).toBe(s);
  expect(csv(r, 'partners.csv')).toHaveLength(r.result.partners.partners.length);
}

function expectLeak(r: Run, truth: Truth): void {
  const res = r.result;
  expect(
    res.insights.some((s) => s.includes(`${truth.leak.value} sign-up rate fell`)),
    res.insights.join('\n'),
  ).toBe(true);
  const item = res.backlog.find(
    (b) => b.id === `regression-${truth.leak.stage}-${truth.leak.dimension}-${truth.leak.value}`,
  );
  expect(item?.priority).toBe('high');
  for (const b of res.backlog) {
    expect(b.owner.person, b.id).toBeTruthy();
    expect(b.eta >= DEMO_AS_OF, b.id).toBe(true);
    const l = b.projected_lift;
    expect((l.extra_conversions ?? 0) + (l.cost_avoided ?? 0), b.id).toBeGreaterThan(0);
  }
  // the growth marketer is at a conference at as-of: messaging items fall back to the architect
  const messaging = res.backlog.find((b) => b.kind === 'messaging')!;
  expect(messaging.owner.fallback_used).toMatchObject({
    from: 'referral_growth_marketer',
    to: 'referral_architect',
  });
  expect(csv(r, 'backlog.csv')).toHaveLength(res.backlog.length);
}

function expectRowAccounting(r: Run, truth: Truth): void {
  const acc = r.result.data.row_accounting;
  const bySource = new Map(acc.map((a) => [a.source, a]));
  const file: Record<string, string> = {
    referral_advocates: 'advocates.csv',
    referral_shares: 'shares.csv',
    referral_clicks: 'clicks.csv',
    referral_signups: 'signups.csv',
    orders: 'orders.csv',
    referral_payouts: 'payouts.csv',
    nps_survey: 'nps.csv',
  };
  for (const [source, name] of Object.entries(file))
    expect(bySource.get(source)?.rows_in, source).toBe(truth.rows[name]);
  for (const a of acc) expect(a.rows_in).toBe(a.accepted + a.deduplicated + a.rejected);
  expect(bySource.get('referral_clicks')).toMatchObject({
    rejected: 1,
    deduplicated: truth.duplicates.referral_clicks,
  });
  const rejects = csv(r, 'rejects.csv').filter((x) => x.source === 'referral_clicks');
  expect(rejects.map((x) => [x.file, Number(x.row)])).toEqual(truth.rejects.map((x) => [x.file, x.row]));
  expect(rejects[0].reason).toMatch(/^clicked_at/);
}

beforeAll(async () => {
  demo = await makeDemoWorkspace();
  truth = demo.truth.parts!.referrals as unknown as Truth;
  // 1-3. the specification's usage line, verbatim, for the as-of before the demo's, then twice for
  // the demo's: the fraud spike escalates at the second as-of, and the rerun reaches the same
  await run('before', ['run', LINE, '--as-of', DEMO_PREVIOUS_AS_OF, '--json']);
  await run('spec', ['run', LINE, '--as-of', DEMO_AS_OF, '--json']);
  await run('again', ['run', LINE, '--as-of', DEMO_AS_OF, '--json']);
  // 4-5. a conversion-rate guardrail the demo cannot meet at two as-ofs in a row (the demo's and the
  // next day), with every breakdown and the test
  const strict = [
    'optimize-referrals',
    '--window',
    '30d',
    '--dimensions',
    'channel,persona,partner-tier,region',
  ];
  await run('strict1', [
    ...strict,
    '--alert-threshold',
    '0.99',
    '--experiments',
    'ref-double-sided',
    '--as-of',
    DEMO_AS_OF,
    '--json',
  ]);
  await run('strict2', [...strict, '--alert_threshold', '0.99', '--as-of', NEXT_AS_OF, '--json']);
}, 300_000);

afterAll(() => demo?.remove());

describe('optimize-referrals on the demo workspace', () => {
  it('the usage line in gtm.yaml is the specification’s, and it writes every deliverable', () => {
    expect(truth.usage).toBe(LINE);
    for (const f of [
      'result.json',
      'summary.md',
      'dashboard.html',
      'funnel.csv',
      'partners.csv',
      'flagged_referrals.csv',
      'backlog.csv',
      'rings.csv',
      'trends.csv',
      'row_accounting.csv',
      'rejects.csv',
    ])
      expect(existsSync(path.join(runs.spec.reports, f)), f).toBe(true);
    const html = readFileSync(path.join(runs.spec.reports, 'dashboard.html'), 'utf8');
    expect(html.match(/(?:src|href)\s*=\s*"https?:/g) ?? []).toEqual([]);
    for (const title of [
      'Referral funnel and KPIs',
      'Trends',
      'Fraud and risk review',
      'Fraud clusters',
      'Partner health',
      'Optimization backlog',
    ])
      expect(html, title).toContain(title);
    const md = readFileSync(path.join(runs.spec.reports, 'summary.md'), 'utf8');
    expect(md).toContain('Summary and insights');
  });

  it('finds every planted fraud pattern with its rule, at least in its band', () => {
    expectPlantedFound(runs.spec, truth);
  });

  it('rejects no clean referral: only planted ones are rejected, and no look-alike is', () => {
    expectNoCleanRejected(runs.spec, truth);
  });

  it('classifies the partners of known quality', () => {
    expectPartners(runs.spec, truth);
  });

  it('names the planted SMS leak in the insights and sizes it in the backlog', () => {
    expectLeak(runs.spec, truth);
  });

  it('accounts for every input row against the planted truth', () => {
    expectRowAccounting(runs.spec, truth);
  });

  it('runs diagnostics ‖ risk as a diamond whose merge gate reconciles them', () => {
    const p = runs.spec.plan;
    expect(p.strategy).toBe('diamond');
    const tasks = p.stages.flatMap((s) => s.tasks);
    expect(tasks.find((t) => t.task_id === 'reconcile')!.dependencies.sort()).toEqual([
      'diagnostics',
      'risk',
    ]);
    const parallel = p.stages.find((s) => s.tasks.some((t) => t.task_id === 'risk'))!;
    expect(parallel.tasks.map((t) => t.task_id).sort()).toEqual(['diagnostics', 'risk']);
    expect(tasks.find((t) => t.task_id === 'experiments')!.status).toBe('skipped');
    expect(tasks.filter((t) => t.task_id !== 'experiments').every((t) => t.status === 'succeeded')).toBe(
      true,
    );
    const r = runs.spec.result;
    expect(r.fraud.by_band.approve + r.fraud.by_band.review + r.fraud.by_band.reject).toBe(r.fraud.scored);
    expect(r.fraud.scored).toBe(r.funnel.program.current.counts.referrals);
  });

  it('gives the same numbers on the same data (a second run differs only in ids, paths and alert history)', () => {
    const a = runs.spec.result;
    const b = runs.again.result;
    expect(b.funnel).toEqual(a.funnel);
    expect(b.insights).toEqual(a.insights);
    expect(b.fraud).toEqual(a.fraud);
    expect(b.partners).toEqual(a.partners);
    expect(b.backlog).toEqual(a.backlog);
  });

  it('escalates the fraud spike on the second breach in a row, along the ladder', () => {
    const fraud = (r: Run) => r.plan.alerts.find((x) => x.id === 'referral_fraud_reject_share')!;
    expect(fraud(runs.before)).toMatchObject({ breached: true, consecutive_breaches: 1, escalate: false });
    expect(fraud(runs.spec)).toMatchObject({
      breached: true,
      consecutive_breaches: 2,
      escalate: true,
      previous: { plan_id: runs.before.plan.plan_id },
    });
    for (const r of [runs.spec, runs.again]) {
      expect(r.result.escalations.find((e) => e.alert_id === 'referral_fraud_reject_share')).toMatchObject({
        role: 'referral_architect',
        person: 'Nadia Petrov',
      });
    }
    // the rerun for the same as-of is not a third breach: same streak, same rung (was partner_ops)
    expect(fraud(runs.again)).toMatchObject({
      consecutive_breaches: 2,
      previous: { plan_id: runs.before.plan.plan_id },
    });
    expect(
      runs.strict1.result.escalations.find((e) => e.alert_id === 'referral_fraud_reject_share'),
    ).toMatchObject({
      role: 'referral_architect',
    });
    // a third as-of in a row goes one step up the ladder
    expect(fraud(runs.strict2)).toMatchObject({ consecutive_breaches: 3 });
    const c = runs.strict2.result.escalations.find((e) => e.alert_id === 'referral_fraud_reject_share');
    expect(c).toMatchObject({ role: 'partner_ops' });
  });

  it('--alert-threshold is the minimum conversion rate: breached twice, it escalates', () => {
    const a = runs.strict1.result.alerts.find((x) => x.id === 'referral_conversion_rate')!;
    const b = runs.strict2.result.alerts.find((x) => x.id === 'referral_conversion_rate')!;
    expect(a).toMatchObject({ threshold: 0.99, breached: true, consecutive_breaches: 1 });
    expect(b).toMatchObject({ breached: true, consecutive_breaches: 2, escalate: true });
    expect(runs.spec.result.alerts.find((x) => x.id === 'referral_conversion_rate')).toMatchObject({
      threshold: 0.2,
      breached: false,
    });
  });

  it('refuses an --alert-threshold outside 0..1 with a usage error', async () => {
    const bad = await runCli(['optimize-referrals', '--alert-threshold', '1.5', '--as-of', DEMO_AS_OF], {
      cwd: demo.dir,
    });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/alert-threshold/);
  });

  it('reads out the incentive test with its guardrails and plans its follow-up', () => {
    const e = runs.strict1.result.experiments!;
    expect(e.missing).toEqual([]);
    const x = e.readouts[0];
    expect(x.id).toBe(truth.experiment.id);
    const primary = x.metrics.find((m) => m.name === 'referred_conversions')!;
    expect(primary.control.name).toBe(truth.experiment.control);
    expect(primary.variants[0].effect!).toBeGreaterThan(0);
    expect(x.metrics.find((m) => m.name === 'cost_per_referred_customer')?.guardrail).toBe(true);
    // the fraud-rate guardrail is read out, or noted as holding when no arm has a flagged referral
    expect(
      x.metrics.some((m) => m.name === 'fraud_rate' && m.guardrail) ||
        e.notes.some((n) => n.metric === 'fraud_rate'),
    ).toBe(true);
    if (x.recommendation.action === 'ship')
      expect(runs.strict1.result.backlog.some((b) => b.id === `experiment-ship-${x.id}`)).toBe(true);
  });

  it('result.json validates against its JSON Schema (default run, every breakdown with the test)', () => {
    const schema = JSON.parse(
      readFileSync(
        path.resolve('src/commands/optimize-referrals/optimize-referrals.result.schema.json'),
        'utf8',
      ),
    );
    const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
    for (const name of ['spec', 'strict1']) {
      const ok = validate(runs[name].result);
      expect(validate.errors ?? [], name).toEqual([]);
      expect(ok).toBe(true);
      expect(JSON.parse(readFileSync(path.join(runs[name].reports, 'result.json'), 'utf8'))).toEqual(
        runs[name].result,
      );
    }
    expect(validate({ schema: 'gtm.optimize-referrals.result/v1' })).toBe(false);
  });
});

/**
 * The planted truth on seeds the rules were not tuned on (the workspace above is seed 7): the
 * usage line once per seed, the same assertions. Seeds 1-23 of the generator before 2026-12-06
 * failed in 10: Apex, a partner of proven quality, not `grow` (its 30-odd sign-ups a window left
 * its conversion per click near the median partner's), the SMS leak under the 40% breakage line or
 * outranked by a 4-of-30 conversion fall, and Apex flagged for velocity against the MAD of seven
 * partners' week peaks (median 3.5, MAD 0.5). Seeds 2 and 6 failed then, and on today's data
 * Apex's growing weeks (seed 2: 13, 8, 1, 2, 1 conversions, latest first) exceed that peer norm
 * again: they pass only because a handful of peers asks for a burst against the partner's own level.
 */
describe.each([2, 6])('optimize-referrals on the demo workspace of seed %i', (seed) => {
  let ws: DemoWorkspace;
  let t: Truth;
  let r: Run;
  beforeAll(async () => {
    ws = await makeDemoWorkspace({ seed });
    t = ws.truth.parts!.referrals as unknown as Truth;
    r = await runIn(ws, `seed ${seed}`, ['run', LINE, '--as-of', DEMO_AS_OF, '--json']);
  }, 120_000);
  afterAll(() => ws?.remove());

  it('finds every planted fraud pattern with its rule, at least in its band', () => expectPlantedFound(r, t));
  it('rejects no clean referral, look-alikes included', () => expectNoCleanRejected(r, t));
  it('classifies the partners of known quality', () => expectPartners(r, t));
  it('names the planted SMS leak in the insights and sizes it in the backlog', () => expectLeak(r, t));
  it('accounts for every input row against the planted truth', () => expectRowAccounting(r, t));
});
