/**
 * monitor-loyalty's result.json must validate, whole, against the JSON Schema shipped beside the
 * command on the small and edge programmes too, not only on the demo (test/e2e/result-schemas.test.ts):
 * the s9 review ran loy1, loy2 and loy5 and found owner.reason, a null order_earning_rate, a tier
 * rule without `retain`, a segment's `unavailable` reason and an experiment's unbounded adjusted
 * interval ([−∞, +∞] written as [null, null]) all rejected by the schema.
 *
 * Programmes: nobody bought, one purchase each (no repeat buyer), two repeat buyers of four members,
 * and a holdout experiment with 3 units per arm. No roster, so every alert's owner has a reason.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Ajv } from 'ajv';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { MonitorLoyaltyResult } from '../../src/commands/monitor-loyalty/index.ts';
import { runCli, type CliRun } from '../helpers/run-cli.ts';

const root = mkdtempSync(path.join(tmpdir(), 'gtm-loy-schema-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const SOURCES = `version: 1
sources:
  - { name: members, entity: members, kind: file, path: data/members.csv }
  - { name: ledger, entity: ledger, kind: file, path: data/ledger.csv }
  - { name: orders, entity: orders, kind: file, path: data/orders.csv }
  - { name: rewards, entity: rewards, kind: file, path: data/rewards.csv }
  - { name: tier_rules, entity: tier_rules, kind: file, path: data/tiers.csv }
`;
const EXPERIMENT_SOURCES = `  - { name: experiments, entity: experiments, kind: file, path: data/experiments.csv }
  - { name: assignments, entity: assignments, kind: file, path: data/assignments.csv, mapping: { unit_id: member_id } }
`;
const SETTINGS = (experiments: boolean) => `currency: { reporting: USD }
loyalty:
  program: Small Club
  value_per_point: 0.01
  points_expire_months: 12
${experiments ? '  experiments: { holdout_variants: [holdout], margin_rate: 0.35 }\n' : ''}output: { snapshot: never }
`;

const MEMBERS = `member_id,enrolled_at,tier,region
M1,2026-01-15,Gold,EU
M2,2026-02-01,Silver,EU
M3,2026-11-10,Member,EU
M4,2026-03-01,Gold,EU
M5,2026-04-01,Member,US
M6,2026-05-01,Silver,US
`;
const LEDGER = `entry_id,member_id,occurred_at,type,points,reward_id
E1,M1,2026-11-05,earn,100,
E2,M1,2026-11-10,redeem,-40,R1
E3,M2,2026-11-12,earn,200,
E4,M2,2026-11-20,expire,50,
E5,M3,2026-11-15,earn,10,
E6,M4,2026-10-01,earn,500,
E7,M4,2026-11-25,redeem,100,R1
`;
const ORDERS_HEAD = 'order_id,customer_id,amount,ordered_at,currency\n';
const ORDERS_ONE = `${ORDERS_HEAD}O1,M1,100,2026-11-05,USD
O2,M2,220,2026-11-12,USD
O3,C9,50,2026-11-13,USD
O5,M3,30,2026-11-15,USD
O8,M4,70,2026-08-01,USD
`;
const ORDERS_REPEAT = `${ORDERS_ONE}O6,M1,50,2026-10-01,USD
O7,M2,20,2026-09-01,USD
`;
/** The review's loy5 (its negative order, rejected there, left out): 3 units per arm, two holdout members without an order. */
const ORDERS_EXPERIMENT = ORDERS_REPEAT;
/** Every member bought in the experiment's window: no variance in "purchased" to test against. */
const ORDERS_EVERYONE = `${ORDERS_REPEAT}O10,M5,95,2026-11-18,USD
O11,M6,120,2026-11-19,USD
O12,M4,110,2026-11-21,USD
O13,M3,80,2026-11-22,USD
`;
const EXPERIMENTS = `experiment_id,name,variant,weight,is_control,start_at,end_at,primary_metric,guardrail_metrics,method,status,subject,initiative
exp1,Double pts,holdout,50,true,2026-11-01T00:00:00Z,2026-11-30T00:00:00Z,revenue,,frequentist,completed,double points,Loyalty
exp1,Double pts,double,50,false,2026-11-01T00:00:00Z,2026-11-30T00:00:00Z,revenue,,frequentist,completed,double points,Loyalty
`;
const ASSIGNMENTS = `experiment_id,member_id,variant,assigned_at
exp1,M1,double,2026-11-01
exp1,M2,double,2026-11-01
exp1,M4,double,2026-11-01
exp1,M3,holdout,2026-11-01
exp1,M5,holdout,2026-11-01
exp1,M6,holdout,2026-11-01
`;

function workspace(name: string, orders: string, experiments = false): string {
  const dir = path.join(root, name);
  mkdirSync(path.join(dir, 'data'), { recursive: true });
  writeFileSync(
    path.join(dir, 'gtm.yaml'),
    SOURCES + (experiments ? EXPERIMENT_SOURCES : '') + SETTINGS(experiments),
  );
  writeFileSync(path.join(dir, 'data/members.csv'), MEMBERS);
  writeFileSync(path.join(dir, 'data/ledger.csv'), LEDGER);
  writeFileSync(path.join(dir, 'data/orders.csv'), orders);
  writeFileSync(
    path.join(dir, 'data/rewards.csv'),
    'reward_id,name,points,cost,currency\nR1,Coffee,100,0.5,USD\n',
  );
  // no retain column: each tier's qualify threshold is also its retain threshold
  writeFileSync(
    path.join(dir, 'data/tiers.csv'),
    'tier,rank,qualify\nMember,0,0\nSilver,1,300\nGold,2,1000\n',
  );
  if (experiments) {
    writeFileSync(path.join(dir, 'data/experiments.csv'), EXPERIMENTS);
    writeFileSync(path.join(dir, 'data/assignments.csv'), ASSIGNMENTS);
  }
  return dir;
}

const ML = ['monitor-loyalty', '--window', '30d', '--as-of', '2026-11-30', '--detail', 'full', '--json'];
const CASES = [
  ['no purchases', ORDERS_HEAD, false],
  ['one purchase each, no repeat buyer', ORDERS_ONE, false],
  ['two repeat buyers of six members', ORDERS_REPEAT, false],
  ['a holdout experiment with 3 units per arm', ORDERS_EXPERIMENT, true],
  ['the same experiment, every member bought', ORDERS_EVERYONE, true],
] as const;
const runs = new Map<string, { dir: string; cli: CliRun; result: Record<string, unknown> }>();

beforeAll(async () => {
  for (const [name, orders, experiments] of CASES) {
    const dir = workspace(name.replace(/\W+/g, '-'), orders, experiments);
    const cli = await runCli(ML, { cwd: dir, env: { ...process.env, GTM_SNAPSHOT: 'never' } });
    runs.set(name, { dir, cli, result: cli.code === 0 ? cli.json() : {} });
  }
}, 180_000);

const schema = JSON.parse(
  readFileSync(path.resolve('src/commands/monitor-loyalty/monitor-loyalty.result.schema.json'), 'utf8'),
);
const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);

it.each(CASES.map(([name]) => [name]))('%s: exit 0 and result.json validates, whole', (name) => {
  const { dir, cli, result } = runs.get(name)!;
  expect(cli.code, cli.stderr).toBe(0);
  const ok = validate(result);
  expect(validate.errors ?? []).toEqual([]);
  expect(ok).toBe(true);
  const onDisk = JSON.parse(readFileSync(path.join(dir, String(result.reports_dir), 'result.json'), 'utf8'));
  expect(onDisk).toEqual(result);
});

/** The values at a dotted path, `*` spreading an array: at(r, 'alerts.*.owner'). */
function at(value: unknown, dotted: string): unknown[] {
  let found = [value];
  for (const key of dotted.split('.'))
    found = found.flatMap((v) =>
      key === '*'
        ? Array.isArray(v)
          ? v
          : []
        : v && typeof v === 'object' && key in v
          ? [(v as Record<string, unknown>)[key]]
          : [],
    );
  return found;
}

it('the runs do exercise the shapes the schema rejected', () => {
  const all = [...runs.values()].map((r) => r.result);
  for (const r of all) {
    // an alert owner without a roster: no person, and the reason
    const owners = at(r, 'alerts.*.owner') as { person: string | null; reason?: string }[];
    expect(owners.some((o) => o.person === null && /no owner/.test(o.reason ?? ''))).toBe(true);
    // a rate with no orders to divide by
    expect(at(r, 'kpis.overall.previous.order_earning_rate')).toEqual([null]);
    // tier rules without retain
    expect(at(r, 'members.tiers.thresholds.*.retain')).toEqual([]);
    expect(at(r, 'members.tiers.thresholds.*.qualify')).toEqual([0, 300, 1000]);
    // a segment that could not be computed, with its reason
    expect(at(r, 'segments.*.unavailable').some((u) => typeof u === 'string')).toBe(true);
  }
  // 3 units per arm: the adjusted interval is unbounded ([−∞, +∞]), written as nulls
  const exp = runs.get('a holdout experiment with 3 units per arm')!.result;
  expect(at(exp, 'experiments.readouts.*.metrics.*.variants.*.adjusted_ci')).toContainEqual([null, null]);
  // a metric with no variance in either arm: no interval, and the error saying why
  const everyone = runs.get('the same experiment, every member bought')!.result;
  const variants = at(everyone, 'experiments.readouts.*.metrics.*.variants.*') as {
    ci: unknown;
    error: string | null;
  }[];
  expect(variants.find((v) => v.ci === null)?.error).toMatch(/no variance/);
});

it('the schema is not vacuous: wrong types in the fields it now allows are still refused', () => {
  const base = runs.get('one purchase each, no repeat buyer')!.result;
  const broken = (edit: (r: MonitorLoyaltyResult) => void) => {
    const r = structuredClone(base) as unknown as MonitorLoyaltyResult;
    edit(r);
    return validate(r);
  };
  expect(validate(base)).toBe(true);
  expect(broken((r) => Object.assign(r.segments[0], { unavailable: 42 }))).toBe(false);
  expect(
    broken((r) =>
      Object.assign(r.alerts[0], { owner: { role: 'x', person: null, fallbackUsed: null, surprise: 1 } }),
    ),
  ).toBe(false);
  expect(broken((r) => Object.assign(r.members.tiers.thresholds[0], { retain: 'high' }))).toBe(false);
  expect(broken((r) => Object.assign(r.kpis.overall, { order_earning_rate: 'n/a' }))).toBe(false);
});
