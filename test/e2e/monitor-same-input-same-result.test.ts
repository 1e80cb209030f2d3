/**
 * The same input gives the same result.json, bit for bit: monitor-loyalty and
 * monitor-personalization run twice on one generated workspace (a few hundred thousand rows with
 * fractional amounts, so DuckDB aggregates on several threads) must report identical numbers but
 * for run ids, paths and times. Sums of DOUBLE amounts in a parallel hash aggregate add in an order
 * that changes between runs (the last bits of revenue, AOV, cost per point, revenue per user, test
 * statistics and intervals differed); amounts are summed as exact decimals now.
 */
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runMonitorLoyalty } from '../../src/commands/monitor-loyalty/index.ts';
import { runMonitorPersonalization } from '../../src/commands/monitor-personalization/index.ts';
import { openDuckDb } from '../../src/data/index.ts';

const AS_OF = '2026-11-15';
const DAY_S = 86_400;
const END = Date.parse(`${AS_OF}T00:00:00Z`) / 1000 + DAY_S;
const root = mkdtempSync(path.join(tmpdir(), 'gtm-same-result-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Keys that differ between two runs by design. */
const VOLATILE = new Set([
  'run_id',
  'plan_path',
  'reports_dir',
  'generated_at',
  'started_at',
  'ended_at',
  'duration_ms',
  'as_of_generated',
  'evaluated_at',
  // a report file's path names the run
  'file',
]);

/** Paths (`.kpis.overall.revenue: a | b`) where two results differ, but for `VOLATILE` keys. */
function differences(a: unknown, b: unknown, at = ''): string[] {
  if (typeof a !== 'object' || a === null || typeof b !== 'object' || b === null) {
    return Object.is(a, b) || JSON.stringify(a) === JSON.stringify(b)
      ? []
      : [`${at}: ${JSON.stringify(a)} | ${JSON.stringify(b)}`];
  }
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys]
    .filter((k) => !VOLATILE.has(k))
    .flatMap((k) =>
      differences((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${at}.${k}`),
    );
}

/** A second workspace with the same files: a run reads its workspace's earlier runs (repeats, alerts). */
function copyOf(dir: string): string {
  const copy = `${dir}-again`;
  cpSync(dir, copy, { recursive: true });
  return copy;
}

/** Parquet files of `dir` from `COPY (select) TO file` statements. */
async function writeParquet(dir: string, files: Record<string, string>): Promise<void> {
  const engine = await openDuckDb();
  try {
    for (const [name, select] of Object.entries(files)) {
      await engine.exec(`COPY (${select}) TO '${path.join(dir, name)}' (FORMAT parquet)`);
    }
  } finally {
    await engine.close();
  }
}

// 4 threads whatever the machine: the order of partial sums must not matter on a 1-core runner either
const ENGINE = 'engine: { threads: 4, memory_limit: 2GB }';

/** 20k members, 170k orders with cents (20k of guests), 250k ledger rows, rewards costing 0.008 a point. */
async function loyaltyWorkspace(): Promise<string> {
  const dir = path.join(root, 'loyalty');
  mkdirSync(dir, { recursive: true });
  const members = 20_000;
  const orders = 150_000;
  const enrolled = (m: string) => `${END} - 900 * ${DAY_S} + (hash(${m}) % (895 * ${DAY_S}))::BIGINT`;
  const after = (m: string, salt: string) =>
    `${enrolled(m)} + (hash(${salt}) % (${END}::BIGINT - (${enrolled(m)})))::BIGINT`;
  await writeParquet(dir, {
    'members.parquet': `SELECT 'm' || i AS member_id, to_timestamp(${enrolled('i')}) AS enrolled_at,
        ['Member', 'Silver', 'Gold'][(1 + hash(i, 1) % 3)::BIGINT] AS tier,
        ['NA', 'EMEA', 'APAC'][(1 + hash(i, 2) % 3)::BIGINT] AS region
      FROM range(${members}) t(i)`,
    'orders.parquet': `SELECT 'o' || i AS order_id, 'm' || (hash(i, 4) % ${members}) AS customer_id, true AS is_member,
        round(10 + (hash(i, 5) % 15000) / 100.0, 2) AS amount, 'USD' AS currency,
        to_timestamp(${after(`hash(i, 4) % ${members}`, 'i, 6')}) AS ordered_at
      FROM range(${orders}) t(i)
      UNION ALL SELECT 'g' || i, 'g' || (i % 3000), false, round(10 + (hash(i, 7) % 9000) / 100.0, 2), 'USD',
        to_timestamp(${END} - (hash(i, 8) % (200 * ${DAY_S}))::BIGINT)
      FROM range(20000) t(i)`,
    'ledger.parquet': `SELECT 'e' || i AS entry_id, 'm' || (hash(i, 4) % ${members}) AS member_id,
        to_timestamp(${after(`hash(i, 4) % ${members}`, 'i, 6')}) AS occurred_at, 'earn' AS type,
        floor(10 + (hash(i, 5) % 15000) / 100.0) AS points, 'o' || i AS order_id, NULL::VARCHAR AS reward_id
      FROM range(${orders}) t(i)
      UNION ALL
      SELECT 'x' || i, 'm' || (hash(i, 9) % ${members}), to_timestamp(${after(`hash(i, 9) % ${members}`, 'i, 10')}),
        CASE WHEN hash(i, 11) % 50 < 30 THEN 'redeem' ELSE 'expire' END, 20 + hash(i, 12) % 40,
        NULL, CASE WHEN hash(i, 11) % 50 < 30 THEN 'R-POINTS' END
      FROM range(100000) t(i)`,
    'assignments.parquet': `SELECT 'bonus-test' AS experiment_id, 'm' || i AS unit_id,
        CASE WHEN hash(i, 16) % 4 = 0 THEN 'holdout' ELSE 'bonus' END AS variant,
        to_timestamp(${END - 40 * DAY_S}) AS assigned_at
      FROM range(0, ${members}, 2) t(i)`,
  });
  writeFileSync(
    path.join(dir, 'rewards.csv'),
    'reward_id,name,points,cost\nR-POINTS,Pay with points,1,0.008\n',
  );
  writeFileSync(
    path.join(dir, 'experiments.csv'),
    'experiment_id,name,variant,weight,is_control,start_at,end_at,method\n' +
      'bonus-test,Bonus test,holdout,25,true,2026-10-06,2026-11-05,frequentist\n' +
      'bonus-test,Bonus test,bonus,75,false,2026-10-06,2026-11-05,frequentist\n',
  );
  writeFileSync(
    path.join(dir, 'gtm.yaml'),
    `version: 1
${ENGINE}
sources:
  - { name: members, entity: members, kind: file, path: members.parquet }
  - { name: ledger, entity: ledger, kind: file, path: ledger.parquet }
  - { name: orders, entity: orders, kind: file, path: orders.parquet }
  - { name: rewards, entity: rewards, kind: file, path: rewards.csv }
  - { name: experiments, entity: experiments, kind: file, path: experiments.csv }
  - { name: assignments, entity: assignments, kind: file, path: assignments.parquet }
currency: { reporting: USD, rates: [] }
loyalty: { program: Same Club, value_per_point: 0.01, points_expire_months: 12 }
output: { snapshot: never }
`,
  );
  return dir;
}

/** 300k decisions of 40k users (a holdout and two variants of an experiment), 200k outcomes with cents. */
async function personalizationWorkspace(): Promise<string> {
  const dir = path.join(root, 'personalization');
  mkdirSync(dir, { recursive: true });
  const users = 40_000;
  const span = 40 * DAY_S;
  await writeParquet(dir, {
    'decisions.parquet': `SELECT 'd' || i AS decision_id, 'u' || (i % ${users}) AS user_id,
        to_timestamp(${END - span} + (hash(i) % ${span})::BIGINT) AS decided_at, 'PLG Onboarding' AS initiative,
        ['welcome_hero', 'onboarding_checklist'][(1 + (i // 10) % 2)::BIGINT] AS rule_id,
        CASE WHEN hash(i % ${users}) % 10 = 0 THEN 'holdout' WHEN hash(i % ${users}, 1) % 2 = 0 THEN 'variant_a' ELSE 'variant_b' END AS variant,
        ['web', 'in_app'][(1 + hash(i % ${users}, 3) % 2)::BIGINT] AS channel, 'granted' AS consent_state
      FROM range(300000) t(i)`,
    'outcomes.parquet': `SELECT 'e' || i AS outcome_id, 'u' || (hash(i, 7) % ${users}) AS user_id,
        to_timestamp(${END - span} + (hash(i, 8) % ${span})::BIGINT) AS occurred_at,
        ['feature_used', 'activated', 'purchase', 'purchase'][(1 + hash(i, 9) % 4)::BIGINT] AS event,
        CASE WHEN hash(i, 9) % 4 >= 2 THEN round(20 + (hash(i, 10) % 40000) / 100.0, 2) END AS value, 'USD' AS currency
      FROM range(200000) t(i)`,
  });
  writeFileSync(
    path.join(dir, 'experiments.csv'),
    'experiment_id,variant,weight,is_control,start_at,end_at,primary_metric,guardrail_metrics,method,subject,initiative\n' +
      'exp-1,variant_a,50,true,2026-10-20,2026-12-01,conversion_rate,revenue_per_user,frequentist,onboarding_checklist,PLG Onboarding\n' +
      'exp-1,variant_b,50,false,2026-10-20,2026-12-01,conversion_rate,revenue_per_user,frequentist,onboarding_checklist,PLG Onboarding\n',
  );
  writeFileSync(
    path.join(dir, 'gtm.yaml'),
    `version: 1
${ENGINE}
sources:
  - { name: decisions, entity: decisions, kind: file, path: decisions.parquet }
  - { name: outcomes, entity: outcomes, kind: file, path: outcomes.parquet }
  - { name: experiments, entity: experiments, kind: file, path: experiments.csv }
currency: { reporting: USD, rates: [] }
personalization:
  initiatives: [PLG Onboarding]
  events: { engagement: [feature_used], conversion: [activated, purchase] }
output: { snapshot: never }
`,
  );
  return dir;
}

describe('the same input gives the same result.json', () => {
  it('monitor-loyalty: two runs report the same numbers to the last bit', async () => {
    const dir = await loyaltyWorkspace();
    const run = (cwd: string) =>
      runMonitorLoyalty(
        { window: '30d', detail: 'full', dimensions: ['tier', 'region'] },
        { cwd, asOf: AS_OF },
      );
    const again = copyOf(dir);
    const a = await run(dir);
    const b = await run(again);
    // the sums are real: revenue with cents, a reward cost per point of 0.008
    expect(a.result.kpis.overall.revenue).toBeGreaterThan(1e5);
    expect(a.result.kpis.overall.cost_per_point).toBeCloseTo(0.008, 12);
    expect(differences(a.result, b.result)).toEqual([]);
  }, 60_000);

  it('monitor-personalization: two runs report the same numbers to the last bit', async () => {
    const dir = await personalizationWorkspace();
    const run = (cwd: string) =>
      runMonitorPersonalization(
        { initiative: 'PLG Onboarding', window: '14d', detail: 'full' },
        { cwd, asOf: AS_OF, snapshot: false },
      );
    const again = copyOf(dir);
    const a = await run(dir);
    const b = await run(again);
    expect(JSON.stringify(a.result)).toMatch(/revenue_per_user/);
    expect(differences(a.result, b.result)).toEqual([]);
  }, 60_000);
});
