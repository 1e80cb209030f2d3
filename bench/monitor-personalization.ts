// Benchmark of `monitor-personalization` end to end: 50M decisions / 5M outcomes (default; set
// GTM_BENCH_DECISIONS and GTM_BENCH_OUTCOMES to change), generated with DuckDB SQL as Parquet into
// bench-data/ (git-ignored) with a gtm.yaml beside them, then the whole command run in its own
// process (wall time, peak RSS, rows/s, time per stage) next to the floor: one DuckDB scan of the
// decisions file. `tsx bench/monitor-personalization.ts [decisions]` prints the table (a size like
// 10M or 10000000 as the argument: outcomes a tenth of it, unless GTM_BENCH_OUTCOMES says; iterate at
// 10M, run 50M at the start and end of a piece of work); the child mode (`--run DIR`) prints one
// JSON line. The CPU of the command alone (before the floor's scan) is printed beside the child's.
// GTM_BENCH_MEMORY_LIMIT (default 5GB) is the engine's `memory_limit` (gtm.yaml is rewritten on
// every run); GTM_BENCH_PROFILE=1 prints the engine time of the slowest statements to stderr.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { cliLine, runCli } from './cli-run.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const AS_OF = '2026-11-15';
const DAY_S = 86_400;

/** Where a data set of this size lives, generated once. */
async function ensureData(decisions: number, outcomes: number): Promise<string> {
  const dir = path.join(root, 'bench-data', `personalization-${decisions}-${outcomes}`);
  if (existsSync(path.join(dir, 'rule_changes.csv'))) return dir;
  mkdirSync(dir, { recursive: true });
  const { openDuckDb } = await import('../src/data/index.ts');
  const engine = await openDuckDb();
  const users = Math.max(1000, Math.round(decisions / 10));
  const end = Date.parse(`${AS_OF}T00:00:00Z`) / 1000 + DAY_S;
  const span = 77 * DAY_S;
  const f = (name: string) => `'${path.join(dir, name)}'`;
  // Six rules; 10% of users in the holdout; user u's decisions spread over the 77 days.
  await engine.exec(`COPY (
    SELECT 'd' || i AS decision_id, 'u' || (i % ${users}) AS user_id,
      to_timestamp(${end - span} + (hash(i) % ${span})::BIGINT) AS ts,
      CASE WHEN i % 10 = 9 THEN 'Lifecycle Email' ELSE 'PLG Onboarding' END AS initiative,
      CASE WHEN i % 10 = 9 THEN 'winback_email'
        ELSE ['welcome_hero', 'onboarding_checklist', 'trial_nudge', 'usecase_recommender', 'pricing_banner'][(1 + (i // 10) % 5)::BIGINT] END AS rule,
      CASE WHEN hash(i % ${users}) % 10 = 0 THEN 'holdout' WHEN hash(i) % 100 = 0 THEN 'default' WHEN hash(i % ${users}, 1) % 2 = 0 THEN 'variant_a' ELSE 'variant_b' END AS variant,
      ['new_trial', 'returning', 'enterprise_trial'][(1 + hash(i % ${users}, 2) % 3)::BIGINT] AS profile,
      ['web', 'in_app', 'email'][(1 + hash(i % ${users}, 3) % 3)::BIGINT] AS channel,
      '2026-' || lpad((1 + hash(i % ${users}, 4) % 11)::VARCHAR, 2, '0') AS cohort,
      CASE WHEN hash(i) % 100 = 0 THEN 'STALE' WHEN hash(i % ${users}) % 10 = 0 THEN 'SPLIT' ELSE 'TARGETING_MATCH' END AS reason,
      NULL::VARCHAR AS error_code, 'granted' AS consent_state
    FROM range(${decisions}) t(i)) TO ${f('decisions.parquet')} (FORMAT parquet)`);
  await engine.exec(`COPY (
    SELECT 'e' || i AS event_id, 'u' || (hash(i, 7) % ${users}) AS user_id,
      to_timestamp(${end - span} + (hash(i, 8) % ${span})::BIGINT) AS ts,
      ['feature_used', 'feature_used', 'activated', 'purchase'][(1 + hash(i, 9) % 4)::BIGINT] AS event,
      CASE WHEN hash(i, 9) % 4 = 3 THEN round(20 + (hash(i, 10) % 40000) / 100.0, 2) END AS amount,
      'USD' AS currency
    FROM range(${outcomes}) t(i)) TO ${f('outcomes.parquet')} (FORMAT parquet)`);
  await engine.exec(`COPY (
    SELECT 'u' || u AS user_id, 'personalization' AS purpose, 'granted' AS status,
      to_timestamp(${end - span - DAY_S}) AS recorded_at FROM range(${users}) t(u)
    UNION ALL
    SELECT 'u' || u, 'personalization', 'withdrawn', to_timestamp(${end - 10 * DAY_S} + (hash(u) % ${DAY_S})::BIGINT)
    FROM range(${users}) t(u) WHERE hash(u, 11) % 1000 = 0) TO ${f('consent.parquet')} (FORMAT parquet)`);
  await engine.close();
  writeFileSync(
    path.join(dir, 'rule_changes.csv'),
    'change_id,rule,live_at,author,description,approver,approved_at\n' +
      'c1,welcome_hero,2026-10-01T09:00:00Z,maya,copy,felix,2026-10-01T08:00:00Z\n' +
      'c2,onboarding_checklist,2026-11-10T10:00:00Z,jamie,reorder,,\n',
  );
  writeFileSync(
    path.join(dir, 'experiments.csv'),
    'experiment_id,variant,weight,is_control,start_at,end_at,primary_metric,guardrail_metrics,method,rule,initiative\n' +
      'exp-1,variant_a,50,true,2026-10-20,2026-12-01,conversion_rate,revenue_per_user,frequentist,onboarding_checklist,PLG Onboarding\n' +
      'exp-1,variant_b,50,false,2026-10-20,2026-12-01,conversion_rate,revenue_per_user,frequentist,onboarding_checklist,PLG Onboarding\n',
  );
  return dir;
}

/** The workspace of a data set, with the engine's memory limit of this run. */
const config = (memoryLimit: string) => `version: 1
engine: { memory_limit: ${memoryLimit} }
sources:
  - { name: decisions, entity: decisions, kind: file, path: decisions.parquet,
      mapping: { decision_id: decision_id, user_id: user_id, decided_at: ts, initiative: initiative, rule_id: rule, variant: variant,
                 profile: profile, channel: channel, cohort: cohort, reason: reason, error_code: error_code, consent_state: consent_state } }
  - { name: outcomes, entity: outcomes, kind: file, path: outcomes.parquet,
      mapping: { outcome_id: event_id, user_id: user_id, occurred_at: ts, event: event, value: amount, currency: currency } }
  - { name: consent, entity: consent_records, kind: file, path: consent.parquet,
      mapping: { user_id: user_id, purpose: purpose, status: status, recorded_at: recorded_at } }
  - { name: changes, entity: rule_changes, kind: file, path: rule_changes.csv,
      mapping: { change_id: change_id, rule_id: rule, changed_at: live_at, author: author, change: description, approved_by: approver, approved_at: approved_at } }
  - { name: experiments, entity: experiments, kind: file, path: experiments.csv,
      mapping: { experiment_id: experiment_id, variant: variant, weight: weight, is_control: is_control, start_at: start_at, end_at: end_at,
                 primary_metric: primary_metric, guardrail_metrics: guardrail_metrics, method: method, subject: rule, initiative: initiative } }
currency: { reporting: USD, rates: [] }
roster:
  roles:
    testing_lead: { people: [{ name: Noor }] }
    personalization_architect: { people: [{ name: Felix }] }
    data_privacy_lead: { people: [{ name: Amara }] }
    marketing_ops: { people: [{ name: Lena }] }
thresholds: { max_reject_rate: 0.01 }
personalization:
  initiatives: [PLG Onboarding, Lifecycle Email]
  events: { engagement: [feature_used], conversion: [activated, purchase] }
`;

/**
 * Times every statement of the engine (DuckDB's engine class, patched in this process only) and
 * returns a function that prints the costliest ones to stderr: wall and CPU (the process's, all
 * threads) seconds and the SQL's start.
 */
async function profileStatements(): Promise<() => void> {
  const { openDuckDb } = await import('../src/data/index.ts');
  const probe = await openDuckDb();
  const proto = Object.getPrototypeOf(probe) as {
    serial: (sql: string, fn: () => Promise<unknown>) => Promise<unknown>;
  };
  await probe.close();
  const seen: { ms: number; cpu: number; sql: string }[] = [];
  const serial = proto.serial;
  proto.serial = function (this: unknown, sql: string, fn: () => Promise<unknown>) {
    return serial.call(this, sql, async () => {
      const t = performance.now();
      const c = process.cpuUsage();
      try {
        return await fn();
      } finally {
        const u = process.cpuUsage(c);
        seen.push({ ms: performance.now() - t, cpu: (u.user + u.system) / 1000, sql });
      }
    });
  };
  return () => {
    const total = (k: 'ms' | 'cpu') => (seen.reduce((s, x) => s + x[k], 0) / 1000).toFixed(2);
    process.stderr.write(
      `${seen.length} statements, ${total('ms')} s wall and ${total('cpu')} s CPU in the engine (wall, CPU, SQL):\n`,
    );
    for (const x of [...seen].sort((a, b) => b.cpu - a.cpu).slice(0, 30))
      process.stderr.write(
        `${(x.ms / 1000).toFixed(2).padStart(7)} ${(x.cpu / 1000).toFixed(2).padStart(7)}  ${x.sql.replace(/\s+/g, ' ').slice(0, 200)}\n`,
      );
  };
}

/** Child mode: one run of the command in `dir`, timed, with the stage durations from its plan. */
async function runOnce(dir: string): Promise<void> {
  const profile = process.env.GTM_BENCH_PROFILE === '1' ? await profileStatements() : null;
  const t0 = performance.now();
  const { runMonitorPersonalization } = await import('../src/commands/monitor-personalization/index.ts');
  const t1 = performance.now();
  const run = await runMonitorPersonalization(
    { initiative: 'PLG Onboarding', window: '14d', detail: 'full' },
    // No dashboard.png: the Chromium snapshot is the kit's, the same for every command.
    { cwd: dir, asOf: AS_OF, snapshot: false },
  );
  const t2 = performance.now();
  const runCpu = process.cpuUsage();
  profile?.();
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
    `SELECT rule, count(*) AS n, count(DISTINCT user_id) AS users FROM read_parquet('${path.join(dir, 'decisions.parquet')}') GROUP BY rule`,
  );
  const floor = performance.now() - t3;
  await engine.close();
  console.log(
    JSON.stringify({
      import_ms: t1 - t0,
      wall_ms: t2 - t1,
      floor_ms: floor,
      peak_rss_mb: process.resourceUsage().maxRSS / 1024,
      cpu_s: (process.cpuUsage().user + process.cpuUsage().system) / 1e6,
      run_cpu_s: (runCpu.user + runCpu.system) / 1e6,
      stages,
      rows: run.result.row_accounting.reduce((s, a) => s + a.rows_in, 0),
      backlog: run.result.backlog.items.length,
    }),
  );
}

async function main(): Promise<void> {
  if (process.argv[2] === '--run') return runOnce(process.argv[3]);
  const arg = /^(\d+(?:\.\d+)?)([kKmM]?)$/.exec(process.argv[2] ?? '');
  const scale = arg ? Number(arg[1]) * (arg[2] === '' ? 1 : /k/i.test(arg[2]) ? 1e3 : 1e6) : null;
  const decisions = Math.round(scale ?? Number(process.env.GTM_BENCH_DECISIONS ?? 50_000_000));
  const outcomes = Number(
    process.env.GTM_BENCH_OUTCOMES ?? (scale === null ? 5_000_000 : Math.round(decisions / 10)),
  );
  process.stdout.write(
    `monitor-personalization: generating ${decisions.toLocaleString('en-US')} decisions / ${outcomes.toLocaleString('en-US')} outcomes… `,
  );
  const t = performance.now();
  const dir = await ensureData(decisions, outcomes);
  writeFileSync(path.join(dir, 'gtm.yaml'), config(process.env.GTM_BENCH_MEMORY_LIMIT ?? '5GB'));
  process.stdout.write(`${((performance.now() - t) / 1000).toFixed(1)} s\n`);
  if (process.argv.includes('--generate')) return;
  const out = execFileSync(
    process.execPath,
    ['--import', 'tsx', fileURLToPath(import.meta.url), '--run', dir],
    {
      encoding: 'utf8',
      maxBuffer: 1 << 24,
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const r = JSON.parse(out.trim().split('\n').pop()!);
  const s = (ms: number | null) => (ms === null ? 'n/a' : (ms / 1000).toFixed(2));
  const gather = Object.entries(r.stages as Record<string, number | null>)
    .filter(([k]) => k.startsWith('gather_'))
    .reduce((m, [, v]) => Math.max(m, v ?? 0), 0);
  console.log(
    `  ${r.rows.toLocaleString('en-US')} rows: wall ${s(r.wall_ms)} s (target ≤ 30 s), ${Math.round(r.rows / (r.wall_ms / 1000)).toLocaleString('en-US')} rows/s, ` +
      `CPU ${r.cpu_s.toFixed(1)} s (whole child, data check and floor included; before the floor ${r.run_cpu_s.toFixed(1)} s), peak RSS ${Math.round(r.peak_rss_mb)} MB (limit 6144), floor (one scan of decisions) ${s(r.floor_ms)} s, wall/floor ${(r.wall_ms / r.floor_ms).toFixed(1)}×`,
  );
  console.log(
    `  stages (s): gather (slowest source) ${s(gather)}, normalize ${s(r.stages.normalize)}, aggregate ${s(r.stages.aggregate)}, governance ${s(r.stages.governance)}, ` +
      `experiments ${s(r.stages.experiments)}, merge ${s(r.stages.merge)}, issues ${s(r.stages.issues)}, backlog ${s(r.stages.backlog)}, report ${s(r.stages.report)}`,
  );
  const command = ['aggregate', 'governance', 'experiments', 'merge', 'issues', 'backlog', 'report'].reduce(
    (sum, k) => sum + ((r.stages[k] as number | null) ?? 0),
    0,
  );
  console.log(
    `  kit (gather + normalize) ${s(gather + (r.stages.normalize ?? 0))} s; the command's own stages ${s(command)} s`,
  );
  if (process.env.GTM_BENCH_CLI !== '0') {
    const args = [
      'monitor-personalization',
      '--initiative',
      'PLG Onboarding',
      '--window',
      '14d',
      '--detail',
      'full',
      '--as-of',
      AS_OF,
      '--no-snapshot',
    ];
    const c = runCli(dir, args);
    console.log(cliLine(args, c, 'target ≤ 30 s within 6 GiB'));
    console.log(
      `    stages (s): ${Object.entries(c.stages)
        .filter(([k]) => !k.startsWith('gather_'))
        .map(([k, v]) => `${k} ${s(v)}`)
        .join(', ')}`,
    );
  }
}

await main();
