/**
 * monitor-loyalty's experiment units as written: assignments' unit ids keep their letter case and
 * find their member (or, for no member, their orders by customer id) exactly, as the command
 * matches orders to members. `M1` and `m1` are two members, each assigned to its own arm: before,
 * the unit ids were lower-cased, so both became one unit `m1` in two arms (left out as a multiple
 * exposure) and `m4` was member `M4`. Ids that differ only by case are warned about. Every mean is
 * worked out by hand below; ClickHouse 18.16 gives the same readout when a server is installed.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, type CliRun } from '../helpers/run-cli.ts';
import { describeOnClickHouse, loadOnClickHouse } from '../helpers/clickhouse-parity.ts';

const YAML = `version: 1
sources:
  - { name: members, entity: members, kind: file, path: data/members.csv }
  - { name: ledger, entity: ledger, kind: file, path: data/ledger.csv }
  - { name: orders, entity: orders, kind: file, path: data/orders.csv }
  - { name: rewards, entity: rewards, kind: file, path: data/rewards.csv }
  - { name: tier_rules, entity: tier_rules, kind: file, path: data/tiers.csv }
  - { name: experiments, entity: experiments, kind: file, path: data/experiments.csv }
  - { name: assignments, entity: assignments, kind: file, path: data/assignments.csv, mapping: { unit_id: member_id } }
currency: { reporting: USD }
loyalty:
  program: Small Club
  value_per_point: 0.01
  points_expire_months: 12
  experiments: { holdout_variants: [holdout], margin_rate: 0.35 }
output: { snapshot: never }
`;

const MEMBERS = `member_id,enrolled_at,tier,region
M1,2026-01-15,Gold,EU
m1,2026-06-01,Silver,EU
M2,2026-02-01,Silver,EU
M3,2026-11-10,Member,EU
M4,2026-03-01,Gold,EU
`;
const LEDGER = `entry_id,member_id,occurred_at,type,points,reward_id
E1,M1,2026-11-05,earn,100,
E3,M2,2026-11-12,earn,200,
E5,M3,2026-11-15,earn,10,
`;
/** O9 is customer m4's: no member's (M4 is), a non-member order. */
const ORDERS = `order_id,customer_id,amount,ordered_at,currency
O1,M1,100,2026-11-05,USD
O2,M2,220,2026-11-12,USD
O3,C9,50,2026-11-13,USD
O5,M3,30,2026-11-15,USD
O8,M4,70,2026-08-01,USD
O9,m4,40,2026-11-20,USD
O10,m1,60,2026-11-18,USD
`;
const EXPERIMENTS = `experiment_id,name,variant,weight,is_control,start_at,end_at,method,status
exp1,Double pts,holdout,50,true,2026-11-01T00:00:00Z,2026-11-30T00:00:00Z,frequentist,completed
exp1,Double pts,double,50,false,2026-11-01T00:00:00Z,2026-11-30T00:00:00Z,frequentist,completed
`;
/**
 * holdout: M1 (100), M2 (220), m4 (customer m4's 40) → n 3, mean revenue 120;
 * double: m1 (60), M3 (30) → n 2, mean 45. Lower-cased (before): m1 in both arms (left out),
 * holdout m2 (220) and m4 as member M4 (no order in the window: 0), double m3 (30).
 */
const ASSIGNMENTS = `experiment_id,member_id,variant,assigned_at
exp1,M1,holdout,2026-11-01
exp1,M2,holdout,2026-11-01
exp1,m4,holdout,2026-11-01
exp1,m1,double,2026-11-01
exp1,M3,double,2026-11-01
`;

const root = mkdtempSync(path.join(tmpdir(), 'gtm-loy-units-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function workspace(name: string): string {
  const dir = path.join(root, name);
  mkdirSync(path.join(dir, 'data'), { recursive: true });
  writeFileSync(path.join(dir, 'gtm.yaml'), YAML);
  const files: Record<string, string> = {
    'members.csv': MEMBERS,
    'ledger.csv': LEDGER,
    'orders.csv': ORDERS,
    'rewards.csv': 'reward_id,name,points,cost,currency\nR1,Coffee,100,0.5,USD\n',
    'tiers.csv': 'tier,rank,qualify\nMember,0,0\nSilver,1,300\nGold,2,1000\n',
    'experiments.csv': EXPERIMENTS,
    'assignments.csv': ASSIGNMENTS,
  };
  for (const [f, text] of Object.entries(files)) writeFileSync(path.join(dir, 'data', f), text);
  return dir;
}

const ML = ['monitor-loyalty', '--window', '30d', '--as-of', '2026-11-30', '--detail', 'full', '--json'];

interface Arm {
  name: string;
  n: number;
  mean: number;
}
interface Result {
  warnings: string[];
  experiments: {
    multiple_exposures: Record<string, number>;
    readouts: { id: string; units: number; metrics: { name: string; control: Arm; variants: Arm[] }[] }[];
  };
}

async function run(dir: string, extra: string[] = []): Promise<{ cli: CliRun; result: Result }> {
  const cli = await runCli([...ML, ...extra], { cwd: dir, env: { ...process.env, GTM_SNAPSHOT: 'never' } });
  expect(cli.code, cli.stderr).toBe(0);
  return { cli, result: cli.json<Result>() };
}

const revenue = (r: Result) => {
  const m = r.experiments.readouts.find((x) => x.id === 'exp1')?.metrics.find((x) => x.name === 'revenue');
  return (
    m && { control: m.control, variants: m.variants.map((v) => ({ name: v.name, n: v.n, mean: v.mean })) }
  );
};

describe('experiment unit ids as written (monitor-loyalty)', () => {
  let out: { cli: CliRun; result: Result };
  beforeAll(async () => {
    out = await run(workspace('duck'));
  });

  it('M1 and m1 are two units, each in its arm, with its own orders; m4 is no member M4', () => {
    expect(out.result.experiments.multiple_exposures).toEqual({ exp1: 0 });
    expect(out.result.experiments.readouts.find((x) => x.id === 'exp1')?.units).toBe(5);
    const rev = revenue(out.result)!;
    expect(rev.control).toMatchObject({ name: 'holdout', n: 3 });
    expect(rev.control.mean).toBeCloseTo(120, 9);
    expect(rev.variants).toHaveLength(1);
    expect(rev.variants[0]).toMatchObject({ name: 'double', n: 2 });
    expect(rev.variants[0].mean).toBeCloseTo(45, 9);
  });

  it('warns about unit ids that differ only by case, and units that are members but for case', () => {
    const w = out.result.warnings.join('\n');
    expect(w).toMatch(
      /1 experiment unit id differs from another only by letter case \(M1 \/ m1\): ids are matched exactly, so each is a unit of its own/,
    );
    expect(w).toMatch(
      /1 experiment assignment of unit ids that are member ids but for letter case \(m4\) are not those members'/,
    );
    expect(out.cli.stderr).toMatch(/warning: 1 experiment unit id differs from another only by letter case/);
  });
});

describeOnClickHouse('the same on ClickHouse 18.16', (ch) => {
  it("gives the DuckDB experiments and warnings from the server's tables", async () => {
    const dir = workspace('ch');
    await loadOnClickHouse(dir, ch.url, 'loy_units', YAML);
    const duck = await run(dir);
    const onCh = await run(dir, ['--config', 'gtm.clickhouse.yaml']);
    expect(revenue(onCh.result)).toEqual(revenue(duck.result));
    expect(onCh.result.experiments.multiple_exposures).toEqual({ exp1: 0 });
    expect(onCh.result.warnings).toEqual(duck.result.warnings);
  }, 180_000);
});
