// Benchmark of optimize-referrals end to end: `tsx bench/optimize-referrals.ts [scale]` (scale 1 =
// 10M clicks / 1M referrals / 100k advocates; `0.1` for a quick run). Prints whole-command wall
// time, peak RSS, rows/s, time per stage (the kit's gather and normalize apart from the command's
// own stages) and the floor: one DuckDB scan of the clicks; then the same run through the bundled CLI
// as a user runs it (bench/cli-run.ts; GTM_BENCH_CLI=0 skips it). No timed assertions.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openDuckDb, type Engine } from '../src/data/index.ts';
import { cliLine, runCli } from './cli-run.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DAYS = 90;
const END = Date.UTC(2026, 10, 16); // as-of 2026-11-15, end of day
const START = END - DAYS * 86_400_000;

/** Sizes at scale 1. */
const SIZES = {
  advocates: 100_000,
  shares: 2_000_000,
  clicks: 10_000_000,
  referrals: 1_000_000,
  newCustomers: 300_000,
};

const lit = (s: string) => `'${s.replace(/'/g, "''")}'`;
/** A timestamp `frac` of the way through the 90 days (frac in [0, 1)), plus seconds. */
const ts = (frac: string, plus = '0') =>
  `make_timestamp(CAST((${START / 1000} + floor(${frac} * ${DAYS * 86400}) + ${plus}) * 1000000 AS BIGINT))`;
const u = (key: string, mod = 1_000_000) => `CAST(hash(i, ${lit(key)}) % ${mod} AS BIGINT)`;

/** Advocate index of share `s` (the same expression wherever a share's advocate is needed). */
const advOfShare = (s: string, n: number) => `CAST(hash(${s}, 'adv') % ${n} AS BIGINT)`;

async function generate(engine: Engine, dir: string, n: typeof SIZES): Promise<void> {
  const out = (name: string, select: string) =>
    engine.exec(
      `COPY (${select}) TO ${lit(path.join(dir, `${name}.parquet`))} (FORMAT parquet, ROW_GROUP_SIZE 500000)`,
    );
  const uas = `['Mozilla/5.0 (Windows NT 10.0) Chrome/130', 'Mozilla/5.0 (Macintosh) Safari/605', 'Mozilla/5.0 (iPhone) Mobile/15E148', 'Mozilla/5.0 (Linux; Android 15) Chrome/130', 'Mozilla/5.0 (X11; Linux) Firefox/132']`;
  // `salt` keeps advocates' and clicks' addresses apart (advocate 7 and click 7 are not one session)
  const ip = (x: string, salt: string) =>
    `CAST(10 + hash(${x}, 'a${salt}') % 200 AS VARCHAR) || '.' || CAST(hash(${x}, 'b${salt}') % 256 AS VARCHAR) || '.' || CAST(hash(${x}, 'c${salt}') % 256 AS VARCHAR) || '.' || CAST(1 + hash(${x}, 'd${salt}') % 250 AS VARCHAR)`;
  await out(
    'advocates',
    `SELECT 'adv' || i AS advocate_id, 'cust-a' || i AS customer_id, 'code' || i AS referral_code,
       CASE WHEN i % 100 = 0 THEN 'partner' ELSE 'customer' END AS kind,
       CASE WHEN i % 100 = 0 THEN ['platinum', 'gold', 'silver'][1 + ${u('tier', 3)}] END AS tier,
       ['NA', 'EMEA', 'APAC', 'LATAM'][1 + ${u('region', 4)}] AS region,
       ['Developer', 'Team Lead', 'Founder', 'Ops'][1 + ${u('persona', 4)}] AS persona,
       'Adv' || ${u('fn', 500)} || ' Person' || ${u('ln', 2000)} AS name,
       'user' || i || '@' || ['gmail.com', 'outlook.com', 'yahoo.com', 'co' || (i % 5000) || '.example'][1 + ${u('dom', 4)}] AS email,
       ${ts(`${u('join')} / 1e6 - 1.5`)} AS joined_at, ${ip('i', 'adv')} AS ip, ${uas}[1 + ${u('ua', 5)}] AS user_agent,
       'd-a' || i AS device_id, 'card-a' || i AS payment_fingerprint
     FROM range(${n.advocates}) t(i)`,
  );
  await out(
    'shares',
    `SELECT 's' || i AS share_id, 'adv' || ${advOfShare('i', n.advocates)} AS advocate_id,
       ['email', 'sms', 'whatsapp', 'social', 'link'][1 + ${u('ch', 5)}] AS channel,
       ${ts(`i / ${n.shares}`)} AS shared_at, 1 + ${u('rc', 3)} AS recipients
     FROM range(${n.shares}) t(i)`,
  );
  // click i belongs to share i % shares; its session fields are functions of i
  await out(
    'clicks',
    `SELECT 'k' || i AS click_id, 'code' || ${advOfShare(`i % ${n.shares}`, n.advocates)} AS referral_code,
       's' || (i % ${n.shares}) AS share_id, ${ip('i', 'clk')} AS ip, ${uas}[1 + ${u('ua', 5)}] AS user_agent,
       'd-k' || i AS device_id, 'ck' || i AS cookie_id,
       CASE WHEN ${u('coupon', 1000)} < 5 THEN 'https://www.retailmenot.com/view/acme' END AS referrer,
       ${ts(`(i % ${n.shares}) / ${n.shares}`, u('delay', 86400))} AS clicked_at
     FROM range(${n.clicks}) t(i)`,
  );
  const step = Math.floor(n.clicks / n.referrals);
  // referral j signs up from click j·step: same IP, user agent, device and cookie (re-derived from the click index)
  await out(
    'referrals',
    `SELECT 'r' || j AS referral_id, 'adv' || ${advOfShare(`(j * ${step}) % ${n.shares}`, n.advocates)} AS advocate_id,
       CASE WHEN j % 100 = 7 AND j > 100 THEN 'cust-f' || (j - 50) ELSE 'cust-f' || j END AS friend_id,
       CASE WHEN j % 400 = 3 THEN 'user' || ${advOfShare(`(j * ${step}) % ${n.shares}`, n.advocates)} || '+ref@gmail.com'
            ELSE 'friend' || j || '@' || ['gmail.com', 'icloud.com', 'proton.me', 'mailinator.com'][1 + CASE WHEN hash(j, 'disp') % 1000 < 3 THEN 3 ELSE CAST(hash(j, 'fd') % 3 AS BIGINT) END] END AS email,
       'Friend' || (hash(j, 'ffn') % 500) || ' Someone' || (hash(j, 'fln') % 5000) AS name,
       ${ip(`j * ${step}`, 'clk')} AS ip, ${uas}[1 + CAST(hash(j * ${step}, 'ua') % 5 AS BIGINT)] AS user_agent,
       CASE WHEN j % 1000 < 5 THEN 'd-ring-' || (j // 1000) ELSE 'd-k' || (j * ${step}) END AS device_id,
       'ck' || (j * ${step}) AS cookie_id,
       CASE WHEN j % 1000 < 5 THEN 'card-ring-' || (j // 1000) ELSE 'card-f' || j END AS payment_fingerprint,
       'k' || (j * ${step}) AS click_id,
       ${ts(`((j * ${step}) % ${n.shares}) / ${n.shares}`, `(hash(j * ${step}, 'delay') % 86400) + 600`)} AS signed_up_at
     FROM range(${n.referrals}) t(j)`,
  );
  await engine.exec(
    `CREATE OR REPLACE TABLE r AS SELECT * FROM read_parquet(${lit(path.join(dir, 'referrals.parquet'))})`,
  );
  await out(
    'conversions',
    `SELECT 'o' || row_number() OVER () AS conversion_id, customer_id, amount, 'USD' AS currency, 'purchase' AS stage,
       converted_at, CASE WHEN hash(customer_id, 'refund') % 100 < 2 THEN converted_at + INTERVAL 9 DAY END AS refunded_at,
       NULL::DOUBLE AS refund_amount, referrer, NULL::VARCHAR AS coupon_code
     FROM (
       SELECT friend_id AS customer_id, CAST(20 + hash(referral_id, 'amt') % 200 AS DOUBLE) AS amount,
              signed_up_at + to_seconds(CAST(3600 + hash(referral_id, 'cv') % 259200 AS BIGINT)) AS converted_at,
              CASE WHEN hash(referral_id, 'cp') % 200 = 0 THEN 'https://www.retailmenot.com/view/acme' END AS referrer
       FROM r WHERE hash(referral_id, 'conv') % 100 < 35
       UNION ALL
       SELECT friend_id, CAST(15 + hash(referral_id, 'amt2') % 100 AS DOUBLE), signed_up_at + INTERVAL 20 DAY, NULL
       FROM r WHERE hash(referral_id, 'conv') % 100 < 15
       UNION ALL
       SELECT 'cust-n' || i, CAST(20 + ${u('amt', 300)} AS DOUBLE), ${ts(`i / ${n.newCustomers}`)}, NULL
       FROM range(${n.newCustomers}) t(i)
     ) c WHERE converted_at < ${ts('1')}`,
  );
  await out(
    'payouts',
    `SELECT 'p' || referral_id || '-' || kind AS payout_id, advocate_id, referral_id, kind,
       CASE kind WHEN 'reward' THEN 25 WHEN 'incentive' THEN 10 ELSE 1.5 END AS amount, 'USD' AS currency,
       CASE WHEN kind = 'reward' AND paid_at IS NULL THEN 'pending' ELSE 'paid' END AS status, created_at,
       CASE WHEN kind <> 'reward' THEN created_at ELSE paid_at END AS paid_at
     FROM (SELECT referral_id, advocate_id, signed_up_at + INTERVAL 2 DAY AS created_at,
             CASE WHEN signed_up_at + INTERVAL 9 DAY < ${ts('1')} THEN signed_up_at + INTERVAL 9 DAY END AS paid_at
           FROM r WHERE hash(referral_id, 'conv') % 100 < 35) x, (SELECT unnest(['reward', 'incentive', 'fee']) AS kind) k
     WHERE created_at < ${ts('1')}`,
  );
  await out(
    'nps',
    `SELECT 'n' || i AS response_id, 'adv' || (hash(i, 'who') % ${n.advocates}) AS respondent_id,
       CAST(hash(i, 'score') % 11 AS VARCHAR) AS score, ${ts(`${u('at')} / 1e6`)} AS responded_at
     FROM range(${Math.round(n.advocates / 5)}) t(i)`,
  );
}

function workspaceYaml(dir: string): string {
  const src = (name: string, entity: string) =>
    `  - { name: ${name}, entity: ${entity}, kind: file, path: ${path.join(dir, `${name}.parquet`)} }`;
  return `version: 1
sources:
${src('advocates', 'advocates')}
${src('shares', 'shares')}
${src('clicks', 'clicks')}
${src('referrals', 'referrals')}
${src('conversions', 'conversions')}
${src('payouts', 'payouts')}
${src('nps', 'nps_responses')}
currency: { reporting: USD }
roster:
  roles:
    referral_architect: { people: [{ name: A }] }
    partner_ops: { people: [{ name: B }] }
    referral_growth_marketer: { people: [{ name: C }] }
    referral_fraud_analyst: { people: [{ name: D }] }
    marketing_ops: { people: [{ name: E }] }
thresholds: { max_reject_rate: 0.01 }
# the benchmark measures the command, not a Chromium screenshot of its dashboard
output: { snapshot: never }
`;
}

/**
 * `GTM_BENCH_PROFILE=1`: every statement the engine runs timed (wall and process CPU; the engine
 * runs one statement at a time), the top 30 by CPU printed to stderr at the end (`=N` the top N,
 * `=all` every one: to compare two runs statement by statement).
 */
async function profileStatements(): Promise<() => void> {
  const probe = await openDuckDb();
  type Serial = (sql: string, fn: () => Promise<unknown>) => Promise<unknown>;
  const proto = Object.getPrototypeOf(probe) as { serial: Serial };
  await probe.close();
  const stats: { sql: string; wall: number; cpu: number }[] = [];
  const serial = proto.serial;
  proto.serial = function (this: unknown, sql: string, fn: () => Promise<unknown>) {
    return serial.call(this, sql, async () => {
      const t = performance.now();
      const c = process.cpuUsage();
      try {
        return await fn();
      } finally {
        const u = process.cpuUsage(c);
        stats.push({ sql, wall: performance.now() - t, cpu: (u.user + u.system) / 1000 });
      }
    });
  };
  return () => {
    const total = stats.reduce((s, x) => s + x.cpu, 0);
    console.error(`statements: ${stats.length}, CPU ${(total / 1000).toFixed(2)} s; by CPU:`);
    const env = process.env.GTM_BENCH_PROFILE;
    const top = env === 'all' ? stats.length : Number(env) > 1 ? Number(env) : 30;
    for (const x of [...stats].sort((a, b) => b.cpu - a.cpu).slice(0, top))
      console.error(
        `  ${(x.cpu / 1000).toFixed(2).padStart(6)} s CPU ${(x.wall / 1000).toFixed(2).padStart(6)} s wall  ${x.sql.replace(/\s+/g, ' ').slice(0, 220)}`,
      );
  };
}

/** Child mode: run the command once and print what it measured as JSON. */
async function runOnce(ws: string): Promise<void> {
  const report = process.env.GTM_BENCH_PROFILE ? await profileStatements() : undefined;
  const { runOptimizeReferrals } = await import('../src/commands/optimize-referrals/index.ts');
  // RSS sampled every 100 ms, attributed to the kit's normalize or to the rest of the run
  let inNormalize = false;
  const peak = { normalize: 0, rest: 0 };
  const sample = () => {
    const rss = process.memoryUsage().rss / 1048576;
    if (inNormalize) peak.normalize = Math.max(peak.normalize, rss);
    else peak.rest = Math.max(peak.rest, rss);
  };
  const timer = setInterval(sample, 100);
  const t = performance.now();
  const cpu = process.cpuUsage();
  const run = await runOptimizeReferrals(
    { window: `${DAYS}d`, detail: 'full', dimensions: ['channel', 'partner-tier'] },
    {
      cwd: ws,
      asOf: '2026-11-15',
      onEvent: (e) => {
        sample();
        if (e.type === 'stage-started' && e.task_id === 'normalize') inNormalize = true;
        if (e.type === 'stage-succeeded' && e.task_id === 'normalize') inNormalize = false;
      },
    },
  );
  const wall = performance.now() - t;
  const used = process.cpuUsage(cpu);
  clearInterval(timer);
  report?.();
  // GTM_BENCH_DUMP=file: the result as JSON, to compare runs of different code on the same data
  if (process.env.GTM_BENCH_DUMP) writeFileSync(process.env.GTM_BENCH_DUMP, JSON.stringify(run.result));
  const tasks = run.record.stages.flatMap((s) => s.tasks);
  const ms = (x: { started_at?: string | null; ended_at?: string | null }) =>
    x.started_at && x.ended_at ? Date.parse(x.ended_at) - Date.parse(x.started_at) : 0;
  const gather = Math.max(0, ...tasks.filter((x) => x.task_id.startsWith('gather_')).map(ms));
  const stages = Object.fromEntries(
    tasks.filter((x) => !x.task_id.startsWith('gather_')).map((x) => [x.task_id, ms(x)]),
  );
  const rowsIn = run.result.data.row_accounting.reduce((s, a) => s + a.rows_in, 0);
  console.log(
    JSON.stringify({
      wall_ms: wall,
      peak_rss_mb: process.resourceUsage().maxRSS / 1024,
      peak_rss_normalize_mb: peak.normalize,
      peak_rss_after_normalize_mb: peak.rest,
      cpu_ms: (used.user + used.system) / 1000,
      rows_in: rowsIn,
      gather_ms: gather,
      stages,
      scored: run.result.fraud.scored,
      candidates: run.result.fraud.candidates,
      by_band: run.result.fraud.by_band,
      rings: run.result.fraud.rings.length,
    }),
  );
}

/** The floor: one DuckDB scan of the clicks (a GROUP BY over all 10M rows), in its own process state. */
async function floor(dir: string): Promise<number> {
  const engine = await openDuckDb();
  const t = performance.now();
  await engine.query(
    `SELECT referral_code, count(*) AS n FROM read_parquet(${lit(path.join(dir, 'clicks.parquet'))}) GROUP BY referral_code ORDER BY n DESC LIMIT 1`,
  );
  const ms = performance.now() - t;
  await engine.close();
  return ms;
}

async function main(): Promise<void> {
  if (process.argv[2] === '--run') return runOnce(process.argv[3]);
  const scale = Number(process.argv[2] ?? '1');
  const n = Object.fromEntries(
    Object.entries(SIZES).map(([k, v]) => [k, Math.round(v * scale)]),
  ) as typeof SIZES;
  const dir = path.join(root, 'bench-data', `referrals-${n.clicks}`);
  const ws = path.join(dir, 'ws');
  if (!existsSync(path.join(dir, 'nps.parquet'))) {
    mkdirSync(ws, { recursive: true });
    const engine = await openDuckDb();
    process.stdout.write(`  generating ${n.clicks.toLocaleString('en-US')} clicks… `);
    const t = performance.now();
    await generate(engine, dir, n);
    await engine.close();
    process.stdout.write(`${((performance.now() - t) / 1000).toFixed(1)} s\n`);
  }
  mkdirSync(ws, { recursive: true });
  writeFileSync(path.join(ws, 'gtm.yaml'), workspaceYaml(dir));
  const floorMs = await floor(dir);
  const out = execFileSync(
    process.execPath,
    ['--import', 'tsx', fileURLToPath(import.meta.url), '--run', ws],
    {
      encoding: 'utf8',
      maxBuffer: 1 << 24,
    },
  );
  const r = JSON.parse(out.trim().split('\n').pop()!);
  const s = (x: number) => (x / 1000).toFixed(2);
  const own = Object.entries(r.stages as Record<string, number>).filter(
    ([k]) => !['normalize', 'report'].includes(k),
  );
  console.log('optimize-referrals: 90d window over everything, dimensions channel,partner-tier');
  console.log(
    `  ${n.clicks.toLocaleString('en-US')} clicks / ${n.referrals.toLocaleString('en-US')} referrals / ${n.advocates.toLocaleString('en-US')} advocates (${r.rows_in.toLocaleString('en-US')} input rows): ` +
      `wall ${s(r.wall_ms)} s (CPU ${s(r.cpu_ms)} s), ${Math.round(r.rows_in / (r.wall_ms / 1000)).toLocaleString('en-US')} rows/s, ` +
      `peak RSS ${Math.round(r.peak_rss_mb)} MB (${Math.round(r.peak_rss_normalize_mb)} MB in the kit's normalize, ${Math.round(r.peak_rss_after_normalize_mb)} MB in the rest); ` +
      `floor (one DuckDB scan of the clicks) ${s(floorMs)} s, ratio ${(r.wall_ms / floorMs).toFixed(1)}×`,
  );
  console.log(
    `    kit: gather ${s(r.gather_ms)} s, normalize ${s(r.stages.normalize ?? 0)} s, report ${s(r.stages.report ?? 0)} s; command: ${own.map(([k, v]) => `${k} ${s(v)} s`).join(', ')}`,
  );
  console.log(
    `    load average at the end: ${loadavg()
      .map((x) => x.toFixed(1))
      .join(', ')} (2 cores; other work on the machine stretches wall times)`,
  );
  console.log(
    `    scored ${r.scored.toLocaleString('en-US')} referrals, ${r.candidates.toLocaleString('en-US')} candidates, bands ${JSON.stringify(r.by_band)}, ${r.rings} rings`,
  );
  if (process.env.GTM_BENCH_CLI !== '0') {
    const args = [
      'optimize-referrals',
      '--window',
      `${DAYS}d`,
      '--detail',
      'full',
      '--dimensions',
      'channel,partner-tier',
      '--as-of',
      '2026-11-15',
    ];
    const c = runCli(ws, args);
    console.log(cliLine(args, c, 'target ≤ 20 s within 4 GiB'));
    console.log(
      `    stages (s): ${Object.entries(c.stages)
        .map(([k, v]) => `${k} ${v === null ? 'n/a' : s(v)}`)
        .join(', ')}`,
    );
  }
}

await main();
