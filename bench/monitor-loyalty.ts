// Benchmark of `monitor-loyalty` end to end: 10M ledger rows / 1M members (default; set
// GTM_BENCH_MEMBERS and GTM_BENCH_LEDGER to change), generated with DuckDB SQL as Parquet into
// bench-data/ (git-ignored) with a gtm.yaml beside them, then the whole command run in its own
// process (wall time, peak RSS, rows/s, time per stage, BG/NBD + Gamma-Gamma fits included) next to
// the floor: one DuckDB scan of the ledger file. `tsx bench/monitor-loyalty.ts` prints the table;
// `--generate` only writes the data; the child mode (`--run DIR`) prints one JSON line.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { cliLine, runCli } from './cli-run.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const AS_OF = '2026-11-15';
const DAY_S = 86_400;

/**
 * Members enrolled over 900 days; orders (half of the ledger) at random times after enrolment,
 * each earning floor(amount) points (pending in the last 14 days); redemptions (30%), expiries
 * (12%), negative adjustments (3%) and bonus points (5%) spread the same way.
 */
async function ensureData(members: number, ledger: number): Promise<string> {
  const dir = path.join(root, 'bench-data', `loyalty-${members}-${ledger}`);
  if (existsSync(path.join(dir, 'gtm.yaml'))) {
    // the data stays; the settings are the current ones
    writeFileSync(path.join(dir, 'gtm.yaml'), CONFIG);
    return dir;
  }
  mkdirSync(dir, { recursive: true });
  const { openDuckDb } = await import('../src/data/index.ts');
  const engine = await openDuckDb();
  const end = Date.parse(`${AS_OF}T00:00:00Z`) / 1000 + DAY_S;
  const f = (name: string) => `'${path.join(dir, name)}'`;
  const orders = Math.round(ledger * 0.5);
  const enrolled = (m: string) => `${end} - 900 * ${DAY_S} + (hash(${m}) % (895 * ${DAY_S}))::BIGINT`;
  const after = (m: string, salt: string) =>
    `${enrolled(m)} + (hash(${salt}) % (${end}::BIGINT - (${enrolled(m)})))::BIGINT`;
  await engine.exec(`COPY (SELECT 'm' || i AS member_id, to_timestamp(${enrolled('i')}) AS enrolled_at,
      ['Member', 'Member', 'Member', 'Silver', 'Silver', 'Gold', 'Platinum'][(1 + hash(i, 1) % 7)::BIGINT] AS tier,
      to_timestamp(${enrolled('i')}) AS tier_since, NULL::VARCHAR AS previous_tier,
      ['NA', 'EMEA', 'APAC', 'LATAM'][(1 + hash(i, 2) % 4)::BIGINT] AS region, ['web', 'app', 'store'][(1 + hash(i, 3) % 3)::BIGINT] AS channel
    FROM range(${members}) t(i)) TO ${f('members.parquet')} (FORMAT parquet)`);
  await engine.exec(`COPY (SELECT 'o' || i AS order_id, 'm' || (hash(i, 4) % ${members}) AS customer_id, true AS is_member,
      round(10 + (hash(i, 5) % 15000) / 100.0, 2) AS amount, 'USD' AS currency,
      to_timestamp(${after(`hash(i, 4) % ${members}`, 'i, 6')}) AS ordered_at, 'web' AS channel, NULL::VARCHAR AS reward_id
    FROM range(${orders}) t(i)
    UNION ALL SELECT 'g' || i, 'g' || (i % ${Math.round(orders / 20)}), false, round(10 + (hash(i, 7) % 9000) / 100.0, 2), 'USD',
      to_timestamp(${end} - (hash(i, 8) % (200 * ${DAY_S}))::BIGINT), 'web', NULL
    FROM range(${Math.round(orders / 10)}) t(i)) TO ${f('orders.parquet')} (FORMAT parquet)`);
  const rest = ledger - orders;
  await engine.exec(`COPY (
    SELECT 'e' || i AS entry_id, customer_id AS member_id, ordered_at AS occurred_at,
      CASE WHEN epoch(ordered_at) > ${end - 14 * DAY_S} THEN 'pending' ELSE 'earn' END AS type, floor(amount) AS points,
      order_id, NULL::VARCHAR AS reward_id, ordered_at + INTERVAL 365 DAY AS expires_at
    FROM (SELECT row_number() OVER () AS i, * FROM read_parquet(${f('orders.parquet')}) WHERE is_member)
    UNION ALL
    SELECT 'x' || i, 'm' || (hash(i, 9) % ${members}), to_timestamp(${after(`hash(i, 9) % ${members}`, 'i, 10')}),
      CASE WHEN hash(i, 11) % 50 < 30 THEN 'redeem' WHEN hash(i, 11) % 50 < 42 THEN 'expire' WHEN hash(i, 11) % 50 < 45 THEN 'adjust' ELSE 'earn' END,
      CASE WHEN hash(i, 11) % 50 BETWEEN 42 AND 44 THEN -10 WHEN hash(i, 11) % 50 >= 45 THEN 100 ELSE 20 + hash(i, 12) % 40 END,
      NULL, CASE WHEN hash(i, 11) % 50 < 30 THEN 'R-POINTS' END, NULL
    FROM range(${rest}) t(i)) TO ${f('ledger.parquet')} (FORMAT parquet)`);
  await engine.exec(`COPY (SELECT 'r' || i AS response_id, 'm' || (hash(i, 13) % ${members}) AS customer_id,
      to_timestamp(${end} - (hash(i, 14) % (120 * ${DAY_S}))::BIGINT) AS responded_at, 1 + hash(i, 15) % 5 AS score
    FROM range(${Math.round(members / 5)}) t(i)) TO ${f('csat.parquet')} (FORMAT parquet)`);
  await engine.exec(`COPY (SELECT 'bonus-test' AS experiment_id, 'm' || i AS unit_id,
      CASE WHEN hash(i, 16) % 4 = 0 THEN 'holdout' ELSE 'bonus' END AS variant, to_timestamp(${end - 40 * DAY_S}) AS assigned_at
    FROM range(0, ${members}, 5) t(i)) TO ${f('assignments.parquet')} (FORMAT parquet)`);
  await engine.close();
  writeFileSync(
    path.join(dir, 'rewards.csv'),
    'reward_id,name,points,cost\nR-POINTS,Pay with points,1,0.008\n',
  );
  writeFileSync(
    path.join(dir, 'tier_rules.csv'),
    'tier,rank,qualify,retain,measure,qualification_months,qualification_period\nMember,0,0,0,spend,12,calendar\nSilver,1,300,240,spend,12,calendar\nGold,2,800,640,spend,12,calendar\nPlatinum,3,2000,1600,spend,12,calendar\n',
  );
  writeFileSync(
    path.join(dir, 'experiments.csv'),
    'experiment_id,name,variant,weight,is_control,start_at,end_at,method\nbonus-test,Bonus test,holdout,25,true,2026-10-06,2026-11-05,frequentist\nbonus-test,Bonus test,bonus,75,false,2026-10-06,2026-11-05,frequentist\n',
  );
  writeFileSync(path.join(dir, 'gtm.yaml'), CONFIG);
  return dir;
}

const CONFIG = `version: 1
sources:
  - { name: members, entity: members, kind: file, path: members.parquet }
  - { name: ledger, entity: ledger, kind: file, path: ledger.parquet }
  - { name: orders, entity: orders, kind: file, path: orders.parquet }
  - { name: rewards, entity: rewards, kind: file, path: rewards.csv }
  - { name: tier_rules, entity: tier_rules, kind: file, path: tier_rules.csv }
  - { name: csat, entity: csat_responses, kind: file, path: csat.parquet }
  - { name: experiments, entity: experiments, kind: file, path: experiments.csv }
  - { name: assignments, entity: assignments, kind: file, path: assignments.parquet }
currency: { reporting: USD, rates: [] }
roster:
  roles:
    member_insights_analyst: { people: [{ name: Ines }] }
    loyalty_strategist: { people: [{ name: Kenji }] }
    loyalty_crm_manager: { people: [{ name: Rosa }] }
    loyalty_finance: { people: [{ name: Paul }] }
    exec_sponsor: { people: [{ name: Dana }] }
    marketing_ops: { people: [{ name: Lena }] }
thresholds: { max_reject_rate: 0.01 }
loyalty: { program: bench, value_per_point: 0.01, points_expire_months: 12 }
# the benchmark measures the command, not a Chromium screenshot of its dashboard
output: { snapshot: never }
# the 4 GiB budget: DuckDB spills what does not fit (the Node heap and DuckDB's own overhead come on top)
engine: { memory_limit: 3GB }
`;

/** Child mode: one run of the command in `dir`, timed, with the stage durations from its plan. */
async function runOnce(dir: string): Promise<void> {
  const t0 = performance.now();
  const { runMonitorLoyalty } = await import('../src/commands/monitor-loyalty/index.ts');
  const t1 = performance.now();
  const cpu = process.cpuUsage();
  const run = await runMonitorLoyalty(
    { window: '30d', detail: 'full', dimensions: ['tier', 'region'] },
    { cwd: dir, asOf: AS_OF },
  );
  const t2 = performance.now();
  const used = process.cpuUsage(cpu);
  const stages = Object.fromEntries(
    run.record.stages.flatMap((s) =>
      s.tasks.map((t) => [
        t.task_id,
        t.started_at && t.ended_at ? Date.parse(t.ended_at) - Date.parse(t.started_at) : null,
      ]),
    ),
  );
  const { openDuckDb } = await import('../src/data/index.ts');
  const engine = await openDuckDb();
  const t3 = performance.now();
  await engine.query(
    `SELECT type, count(*) AS n, count(DISTINCT member_id) AS members, sum(points) AS points FROM read_parquet('${path.join(dir, 'ledger.parquet')}') GROUP BY type`,
  );
  const floor = performance.now() - t3;
  await engine.close();
  const m = run.result.models;
  console.log(
    JSON.stringify({
      import_ms: t1 - t0,
      wall_ms: t2 - t1,
      user_ms: used.user / 1000,
      system_ms: used.system / 1000,
      floor_ms: floor,
      peak_rss_mb: process.resourceUsage().maxRSS / 1024,
      stages,
      rows: run.result.row_accounting.reduce((s, a) => s + a.rows_in, 0),
      ledger_rows: run.result.row_accounting.find((a) => a.entity === 'ledger')?.rows_in ?? 0,
      members: run.result.members.members,
      bgnbd: m.bgnbd && { converged: m.bgnbd.converged, rows: m.bgnbd.rows, members: m.bgnbd.members },
      gamma_gamma: m.gamma_gamma && { converged: m.gamma_gamma.converged, rows: m.gamma_gamma.rows },
    }),
  );
}

async function main(): Promise<void> {
  if (process.argv[2] === '--run') return runOnce(process.argv[3]);
  const members = Number(process.env.GTM_BENCH_MEMBERS ?? 1_000_000);
  const ledger = Number(process.env.GTM_BENCH_LEDGER ?? 10_000_000);
  process.stdout.write(
    `monitor-loyalty: generating ${ledger.toLocaleString('en-US')} ledger rows / ${members.toLocaleString('en-US')} members… `,
  );
  const t = performance.now();
  const dir = await ensureData(members, ledger);
  process.stdout.write(`${((performance.now() - t) / 1000).toFixed(1)} s\n`);
  if (process.argv[2] === '--generate') return;
  const out = execFileSync(
    process.execPath,
    ['--import', 'tsx', fileURLToPath(import.meta.url), '--run', dir],
    {
      encoding: 'utf8',
      maxBuffer: 1 << 24,
    },
  );
  const r = JSON.parse(out.trim().split('\n').pop()!);
  const s = (ms: number | null) => (ms === null ? 'n/a' : (ms / 1000).toFixed(2));
  const stages = r.stages as Record<string, number | null>;
  const gather = Math.max(
    0,
    ...Object.entries(stages)
      .filter(([k]) => k.startsWith('gather_'))
      .map(([, v]) => v ?? 0),
  );
  console.log(
    `  ${r.ledger_rows.toLocaleString('en-US')} ledger rows (${r.rows.toLocaleString('en-US')} rows in all), ${r.members.toLocaleString('en-US')} members: ` +
      `wall ${s(r.wall_ms)} s (CPU user ${s(r.user_ms)} s, system ${s(r.system_ms)} s), ${Math.round(r.ledger_rows / (r.wall_ms / 1000)).toLocaleString('en-US')} ledger rows/s, peak RSS ${Math.round(r.peak_rss_mb)} MB, ` +
      `floor (one DuckDB scan of the ledger) ${s(r.floor_ms)} s, ratio ${(r.wall_ms / r.floor_ms).toFixed(1)}×`,
  );
  console.log(
    `    stages (s): gather ${s(gather)}, ${Object.entries(stages)
      .filter(([k]) => !k.startsWith('gather_'))
      .map(([k, v]) => `${k} ${s(v)}`)
      .join(', ')}`,
  );
  console.log(
    `    BG/NBD ${JSON.stringify(r.bgnbd)}; Gamma-Gamma ${JSON.stringify(r.gamma_gamma)}; module import ${s(r.import_ms)} s`,
  );
  if (process.env.GTM_BENCH_CLI !== '0') {
    const args = [
      'monitor-loyalty',
      '--window',
      '30d',
      '--detail',
      'full',
      '--dimensions',
      'tier,region',
      '--as-of',
      AS_OF,
    ];
    const c = runCli(dir, args);
    console.log(cliLine(args, c, 'target ≤ 20 s within 4 GiB'));
    console.log(
      `    stages (s): ${Object.entries(c.stages)
        .filter(([k]) => !k.startsWith('gather_'))
        .map(([k, v]) => `${k} ${s(v)}`)
        .join(', ')}`,
    );
  }
}

await main();
