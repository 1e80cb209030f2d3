/**
 * `gtm monitor-loyalty`'s campaign-test readout (sources `experiments` and `assignments`) against
 * SciPy, as a user runs it: 80 members, half in `double`, half in the `holdout` (the control),
 * assigned at noon on 2026-10-02 … 2026-10-06; the test ends 2026-11-01 (`end_at`, exclusive),
 * as-of 2026-11-15. Each member has an order before its assignment and one on its assignment day
 * before noon (neither counts), 0–3 orders after it, and one on 2026-11-01 (after the end: not
 * counted); every ninth order is half refunded (counted net). Expected values from Python on the
 * same files (scipy 1.17.1, numpy 2.4.6): per member the net revenue, whether it purchased and
 * the margin (revenue × 0.35 − earned points × 0.01) over [assigned_at, end_at); relative lift
 * with the delta-method variance, Welch–Satterthwaite df (an arm without variance: the other's
 * n − 1), p = 2 · `stats.t.sf`, interval by `stats.t.ppf(0.975)`; incremental revenue =
 * `stats.ttest_ind(treated, holdout, equal_var=False)`'s difference, p-value and
 * `confidence_interval(0.95)`, × 40 treated members.
 */
import { describe, expect, it } from 'vitest';
import { makeFixtureDir } from '../helpers/fixture-dir.ts';
import { runCli } from '../helpers/run-cli.ts';

/** The workspace's files, by formula (no random numbers). */
function loyaltyExperimentFiles(): Record<string, string> {
  const members = ['member_id,enrolled_at,tier'];
  const ledger = ['entry_id,member_id,occurred_at,type,points,order_id'];
  const orders = ['order_id,customer_id,amount,refunded_amount,ordered_at,currency'];
  const assignments = ['experiment_id,unit_id,variant,assigned_at'];
  let o = 0;
  for (let i = 1; i <= 80; i++) {
    const id = `M${i}`;
    const treated = i % 2 === 0;
    members.push(`${id},2026-01-01,Silver`);
    const day = 1 + (i % 5); // assigned 2026-10-02 … 2026-10-06, noon
    assignments.push(`X1,${id},${treated ? 'double' : 'holdout'},2026-10-0${day}T12:00:00Z`);
    // one order before its assignment (not counted), on the assignment day before noon (not counted),
    // then (i % 4) orders after it, and one on the end day 2026-11-01 (after end_at: not counted)
    const times = [`2026-09-20T10:00:00Z`, `2026-10-0${day}T09:00:00Z`];
    for (let k = 0; k < i % 4; k++)
      times.push(`2026-10-${String(10 + k * 5 + (i % 3)).padStart(2, '0')}T15:00:00Z`);
    times.push('2026-11-01T08:00:00Z');
    for (const t of times) {
      o++;
      const amount = (20 + ((i * 17 + o * 7) % 60) + (treated ? 6 : 0) + 0.5).toFixed(2);
      const refunded = o % 9 === 0 ? (Number(amount) / 2).toFixed(2) : '';
      orders.push(`O${o},${id},${amount},${refunded},${t},USD`);
      ledger.push(`E${o},${id},${t},earn,${Math.round(Number(amount))},O${o}`);
    }
  }
  return {
    'data/members.csv': members.join('\n') + '\n',
    'data/ledger.csv': ledger.join('\n') + '\n',
    'data/orders.csv': orders.join('\n') + '\n',
    'data/assignments.csv': assignments.join('\n') + '\n',
    'data/experiments.csv':
      'experiment_id,variant,weight,is_control,start_at,end_at,status\n' +
      'X1,holdout,0.5,true,2026-10-01,2026-11-01,running\nX1,double,0.5,false,2026-10-01,2026-11-01,running\n',
    'gtm.yaml': `version: 1
sources:
${['members', 'ledger', 'orders', 'experiments', 'assignments'].map((s) => `  - { name: ${s}, entity: ${s}, kind: file, path: data/${s}.csv }`).join('\n')}
currency: { reporting: USD }
loyalty: { program: Test Club, value_per_point: 0.01, points_expire_months: 12 }
output: { snapshot: never }
`,
  };
}

const SCIPY: Record<
  string,
  { control: number; treated: number; lift: number; se: number; p: number; ci: [number, number] }
> = {
  revenue: {
    control: 102.5,
    treated: 57,
    lift: -0.4439024390243902,
    se: 0.10767932552166343,
    p: 9.282292354199914e-5,
    ci: [-0.6582770534163713, -0.22952782463240906],
  },
  purchased: {
    control: 1,
    treated: 0.5,
    lift: -0.5,
    se: 0.07905694150420949,
    p: 1.8350062347990452e-7,
    ci: [-0.6599077577464418, -0.34009224225355816],
  },
  margin: {
    control: 34.84,
    treated: 19.375,
    lift: -0.44388633754305395,
    se: 0.10768658006331816,
    p: 9.296423812599704e-5,
    ci: [-0.6582753931417197, -0.22949728194438826],
  },
};

interface Variant {
  n: number;
  mean: number;
  effect: number;
  se: number;
  p_value: number;
  ci: [number, number];
}
interface Result {
  experiments: {
    readouts: {
      id: string;
      metrics: { name: string; control: { n: number; mean: number }; variants: Variant[] }[];
    }[];
    incremental: {
      experiment_id: string;
      estimate: {
        revenuePerCustomerLift: number;
        pValue: number;
        ci: [number, number];
        incrementalRevenue: number;
        incrementalRevenueCi: [number, number];
      };
    }[];
  };
}

describe('monitor-loyalty campaign tests against SciPy', () => {
  it('measures each member from its assignment to end_at and reads out as SciPy does', async () => {
    const ws = await makeFixtureDir(loyaltyExperimentFiles());
    try {
      const cli = await runCli(['monitor-loyalty', '--as-of', '2026-11-15', '--json'], {
        cwd: ws.dir,
        env: { ...process.env, GTM_SNAPSHOT: 'never' },
      });
      expect(cli.code, cli.stderr).toBe(0);
      const e = cli.json<Result>().experiments;
      const metrics = e.readouts.find((r) => r.id === 'X1')?.metrics ?? [];
      for (const [name, x] of Object.entries(SCIPY)) {
        const m = metrics.find((y) => y.name === name);
        const v = m?.variants[0];
        if (!m || !v) throw new Error(`no ${name} in ${JSON.stringify(metrics)}`);
        expect([m.control.n, v.n], name).toEqual([40, 40]);
        expect(m.control.mean, name).toBeCloseTo(x.control, 10);
        expect(v.mean, name).toBeCloseTo(x.treated, 10);
        expect(v.effect, name).toBeCloseTo(x.lift, 12);
        expect(v.se, name).toBeCloseTo(x.se, 12);
        expect(v.p_value, name).toBeCloseTo(x.p, 14);
        expect(v.ci[0], name).toBeCloseTo(x.ci[0], 12);
        expect(v.ci[1], name).toBeCloseTo(x.ci[1], 12);
      }
      const inc = e.incremental.find((i) => i.experiment_id === 'X1')?.estimate;
      expect(inc?.revenuePerCustomerLift).toBeCloseTo(-45.5, 10);
      expect(inc?.pValue).toBeCloseTo(0.0012312108743983796, 14);
      expect(inc?.ci[0]).toBeCloseTo(-72.50629894236255, 9);
      expect(inc?.ci[1]).toBeCloseTo(-18.493701057637455, 9);
      expect(inc?.incrementalRevenue).toBeCloseTo(-1820, 9);
      expect(inc?.incrementalRevenueCi[0]).toBeCloseTo(-2900.251957694502, 8);
      expect(inc?.incrementalRevenueCi[1]).toBeCloseTo(-739.7480423054982, 8);
    } finally {
      await ws.remove();
    }
  }, 120_000);
});
