// `npm run bench clickhouse-scale [N]`: track-source and attribute on N touches in a two-shard
// ClickHouse cluster on loopback (default 10M; `100M`, `1M` or any count as the argument).
//
// The data is generated on the servers (`INSERT … SELECT … FROM numbers(N)`, deterministic hashes
// of the row number), each shard keeping the persons the Distributed table's sharding key sends it:
//   touches        N rows, sharded by person: N/20 persons in N/100 accounts (5 per account), a
//                  person's touches spread over 2026-01-01 … 2026-11-15 in global time-free order
//                  (rows interleave persons), a base channel per person kept 60% of the time,
//                  the rest skewed over 11 source/medium/touch-type combos (partner newsletters,
//                  webinars, downloads, rare deal registrations and partner referrals), 35% of
//                  the touches from 1 September on are the "AI Launch Tour" campaign's (three
//                  spellings, seven assets), half carry their account (the others get it through
//                  the person), 2% repeat the previous touch 30 s later (duplicates for the
//                  dedupe), and a per-person `converted`/`value` for `gtm attribute`;
//   contacts       N/20 persons (people: account, creation, persona, region, segment), sharded
//                  by person;
//   opportunities  N/40 (one per 40 touches, 2.5 per account), stages, currencies (USD/EUR/GBP),
//                  campaign tags, created over the same period: copied whole to both servers, as
//                  `gtm engine load` copies small sources.
// Rates, partners, the campaign, targets and the roster stay in gtm.yaml, as a user has them.
//
// Then, each as a whole process timed by /usr/bin/time (wall, user+system CPU, peak RSS):
//   gtm track-source --campaign "AI Launch Tour" --window 30d --detail full   (engine: clickhouse)
//   gtm attribute --touchpoints gtm.touches --clickhouse URL … --model markov
// beside the floor measured in the same run (a plain count() and one GROUP BY of the touches
// table), and the servers' own figures from system.query_log (rows and bytes read, the largest
// query memory, on both servers).
//
// At N ≤ 2M the tables are exported to CSV and track-source and attribute run on DuckDB over those
// files: their result.json numbers must equal the cluster's to 1e-9 (the parity check; printed).
//
// The servers generate under `nice -n 10` and are set back to nice 0 for the measurements (as
// the gtm process runs; needs root, else they stay at 10), with max_memory_usage 3 GB per query (4 GB for all queries,
// GROUP BY and ORDER BY spill to disk past 1.5 GB, distributed_aggregation_memory_efficient on). gtm waits up to
// two hours for one statement (engine.timeout_s: 7200). GTM_BENCH_ONLY=generate only generates. The generated data stays in
// bench-data/clickhouse-scale-N/ and is reused by the next run (GTM_BENCH_KEEP=0 deletes it at the
// end). 100M touches need ~12 GB of disk and a quiet machine: refused while the load average is 3
// or more (GTM_BENCH_FORCE=1 overrides). Needs `npm run build` and clickhouse-server on PATH.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import {
  createWriteStream,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import http from 'node:http';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import {
  clickHouseConfigXml,
  clickHouseUsersXml,
  findClickHouseServer,
} from '../test/helpers/clickhouse-server.ts';
import { freePort } from '../test/helpers/postgres-server.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const arg = (process.argv[2] ?? '10M').toUpperCase();
const N = Math.round(
  Number(arg.replace(/[MK]$/, '')) * (arg.endsWith('M') ? 1e6 : arg.endsWith('K') ? 1e3 : 1),
);
const TIME = '/usr/bin/time';
const PARITY_MAX = 2_000_000;
const AS_OF = '2026-11-15';

if (!Number.isFinite(N) || N < 10_000) {
  console.log(`expects a touch count such as 1M, 10M, 100M or 2000000; got "${process.argv[2]}"`);
  process.exit(2);
}
const server = findClickHouseServer();
if (!server) {
  console.log('skipped: no clickhouse-server on PATH (apt-get install clickhouse-server)');
  process.exit(0);
}
if (!existsSync(path.join(root, 'dist/cli-bundle/main.js'))) {
  console.log('skipped: gtm is not built (npm run build)');
  process.exit(0);
}
if (N >= 5e7 && os.loadavg()[0] >= 3 && process.env.GTM_BENCH_FORCE !== '1') {
  console.log(
    `skipped: ${arg} touches need a quiet machine; load average is ${os.loadavg()[0].toFixed(1)} (GTM_BENCH_FORCE=1 overrides)`,
  );
  process.exit(0);
}

const loadavg = () =>
  `load ${os
    .loadavg()
    .map((x) => x.toFixed(1))
    .join(' ')}`;
const s2 = (x: number) => x.toFixed(2);
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const mb = (bytes: number) => `${fmt(bytes / 2 ** 20)} MB`;

// ---------------------------------------------------------------------------------------------
// the cluster: two servers whose data directories persist under bench-data/

interface Shard {
  url: string;
  dir: string;
  child: ChildProcess;
  stderr: () => string;
}

async function startShard(dir: string, http: number, tcp: number, remote: string): Promise<Shard> {
  mkdirSync(dir, { recursive: true });
  const GB = 2 ** 30;
  writeFileSync(
    path.join(dir, 'config.xml'),
    clickHouseConfigXml(
      dir,
      http,
      tcp,
      `<uncompressed_cache_size>268435456</uncompressed_cache_size>
  <keep_alive_timeout>600</keep_alive_timeout>
  <query_log><database>system</database><table>query_log</table><flush_interval_milliseconds>1000</flush_interval_milliseconds></query_log>
  ${remote}`,
    ),
  );
  writeFileSync(
    path.join(dir, 'users.xml'),
    clickHouseUsersXml(`
    <log_queries>1</log_queries>
    <max_memory_usage>${3 * GB}</max_memory_usage>
    <max_memory_usage_for_all_queries>${4 * GB}</max_memory_usage_for_all_queries>
    <max_bytes_before_external_group_by>${1.5 * GB}</max_bytes_before_external_group_by>
    <max_bytes_before_external_sort>${1.5 * GB}</max_bytes_before_external_sort>
    <distributed_aggregation_memory_efficient>1</distributed_aggregation_memory_efficient>
  `),
  );
  const child = spawn('nice', ['-n', '10', ...server!, `--config-file=${path.join(dir, 'config.xml')}`], {
    cwd: dir,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  const url = `http://127.0.0.1:${http}`;
  for (let i = 0; i < 600; i++) {
    if (child.exitCode !== null) break;
    if (
      await ch(url, 'SELECT 1').then(
        () => true,
        () => false,
      )
    )
      return { url, dir, child, stderr: () => stderr };
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGTERM');
  throw new Error(`clickhouse-server did not start: ${stderr}`);
}

/**
 * Sets the niceness of every thread of the servers (setpriority per thread: threads already
 * running keep theirs otherwise): 10 while generating, 0 while measuring, as the gtm process runs.
 */
function reniceShards(shards: Shard[], nice: number): void {
  for (const sh of shards) {
    const pid = sh.child.pid;
    if (!pid) continue;
    let tids: string[] = [];
    try {
      tids = readdirSync(`/proc/${pid}/task`);
    } catch {
      continue;
    }
    for (const tid of tids) spawnSync('renice', ['-n', String(nice), '-p', tid], { stdio: 'ignore' });
  }
}

async function stopShard(sh: Shard): Promise<void> {
  if (sh.child.exitCode !== null) return;
  sh.child.kill('SIGTERM');
  await new Promise((resolve) => sh.child.once('exit', resolve));
}

/**
 * One statement over HTTP (a new connection each, no client timeout: a 100M-row INSERT … SELECT
 * runs for many minutes); the response body is piped to `sink` or returned as text.
 */
function chHttp(url: string, sql: string, sink?: NodeJS.WritableStream): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', agent: false }, (res) => {
      if (res.statusCode === 200 && sink) {
        pipeline(res, sink).then(() => resolve(''), reject);
        return;
      }
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        if (res.statusCode === 200) resolve(text);
        else
          reject(
            new Error(
              `${text.slice(0, 2000)}\n-- in: ${sql.slice(0, Number(process.env.GTM_BENCH_SQL_CHARS ?? 400))}`,
            ),
          );
      });
    });
    req.on('error', reject);
    req.end(sql);
  });
}
const ch = (url: string, sql: string) => chHttp(url, sql);
async function chRows<T>(url: string, sql: string): Promise<T[]> {
  const text = await ch(url, `${sql} FORMAT JSONEachRow`);
  return text
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as T);
}

// ---------------------------------------------------------------------------------------------
// the data, generated on the servers

const DAY = 86400;
const T0 = Date.parse('2026-01-01T00:00:00Z') / 1000;
const T_ASOF = Date.parse(`${AS_OF}T00:00:00Z`) / 1000;
const T_CAMPAIGN = Date.parse('2026-09-01T00:00:00Z') / 1000;
const persons = Math.max(1, Math.round(N / 20));
const accounts = Math.max(1, Math.round(N / 100));
const opportunities = Math.max(1, Math.round(N / 40));
const SHARD_KEY = 'cityHash64(toString(person_id))';

/** source, medium, touch type, partner: the channel mixes a person's touches are drawn from. */
const COMBOS: [string, string, string, string | null][] = [
  ['google', 'organic', 'page_view', null],
  ['bing', 'organic', 'page_view', null],
  ['(direct)', '(none)', 'page_view', null],
  ['adwords', 'cpc', 'ad_click', null],
  ['LinkedIn', 'Paid-Social', 'ad_click', null],
  ['programmatic', 'display', 'ad_click', null],
  ['marketo', 'email', 'email_click', null],
  ['nimbus-newsletter', 'Email', 'email_click', 'nimbus'],
  ['nimbus', 'webinar', 'webinar_attended', 'nimbus'],
  ['quantia', 'content', 'content_download', 'Quantia Data Inc.'],
  ['events', 'event', 'event_attended', null],
  ['nimbus', 'partner', 'deal_registration', 'nimbus'],
  ['quantia.io', 'referral', 'partner_referral', 'quantia'],
];
const ASSETS = [
  'ailt-keynote-webinar',
  'ailt-workshop-nyc',
  'ailt-case-study',
  'ailt-ebook',
  'ailt-demo-video',
  'ailt-roi-calculator',
  'ailt-blog-series',
];
const str = (x: string | null) => `'${(x ?? '').replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
const arr = (xs: (string | null)[]) => `[${xs.map(str).join(', ')}]`;
/** a uniform draw in [0, 1) from a hash of the row and a salt */
const u = (key: string, salt: string) => `(cityHash64(${key}, '${salt}') % 1000000) / 1000000`;

function touchesSelect(shard: number): string {
  // b: the touch this row copies (2% repeat the previous row 30 s later); p: its person, a: the account
  const combo = `multiIf(${u('b', 'reg')} < 0.004, 12 + toUInt32(cityHash64(b, 'r') % 2),
      ${u('b', 'keep')} < 0.6, 1 + toUInt32(cityHash64(p, 'base') % 11),
      1 + toUInt32(floor(11 * pow(${u('b', 'c')}, 1.6))))`;
  const region = `['NA', 'EMEA', 'APAC', 'LATAM'][1 + cityHash64(a, 'region') % 4]`;
  return `SELECT source_file, source_row, person_id, account_id, occurred_at, touch_type, utm_campaign, utm_source,
      utm_medium, asset, partner, region, converted, value
    FROM (
      SELECT 'touches.csv' AS source_file, toInt64(n + 1) AS source_row, n, b, p, a, person_id,
        nullIf(if(cityHash64(b, 'acct') % 2 = 0, concat('ACC-', toString(a)), ''), '') AS account_id,
        toDateTime(${T0} + cityHash64(b, 'ts') % ${T_ASOF - T0} + (n - b) * 30) AS occurred_at,
        toUInt32(${combo}) AS k,
        (toUInt32(occurred_at) >= ${T_CAMPAIGN} AND ${u('b', 'camp')} < 0.35) AS in_campaign,
        ${arr(COMBOS.map((c) => c[2]))}[k] AS touch_type,
        nullIf(if(in_campaign, ['ai-launch-tour', 'AI Launch Tour', 'ailt-2026'][1 + toUInt32(floor(3 * pow(${u('b', 'spell')}, 3)))],
           ['', 'q3-webinar-series', 'brand', 'retargeting'][1 + cityHash64(b, 'oc') % 4]), '') AS utm_campaign,
        ${arr(COMBOS.map((c) => c[0]))}[k] AS utm_source,
        ${arr(COMBOS.map((c) => c[1]))}[k] AS utm_medium,
        nullIf(if(in_campaign, ${arr(ASSETS)}[1 + cityHash64(b, 'asset') % ${ASSETS.length}],
           if(cityHash64(b, 'blog') % 5 = 0, 'blog-general', '')), '') AS asset,
        nullIf(${arr(COMBOS.map((c) => c[3]))}[k], '') AS partner,
        nullIf(if(cityHash64(b, 'geo') % 10 < 7, ${region}, ''), '') AS region,
        toUInt8(cityHash64(p, 'conv') % 1000 < 40 + 30 * (cityHash64(p, 'base') % 11 = 7)) AS converted,
        round((cityHash64(p, 'v') % 90000) / 100 + 50, 2) AS value
      FROM (
        SELECT n, b, p, a, person_id FROM (
          SELECT number AS n, if(cityHash64(n, 'dup') % 100 < 2 AND n > 0, toUInt64(n - 1), n) AS b,
            cityHash64(b, 'person') % ${persons} AS p, cityHash64(p, 'account') % ${accounts} AS a,
            concat('u', toString(p), '@acc', toString(a), '.example') AS person_id
          FROM numbers(${N}))
        WHERE ${SHARD_KEY} % 2 = ${shard}))`;
}

function contactsSelect(shard: number): string {
  return `SELECT source_file, source_row, person_id, account_id, created_at, persona, region, segment FROM (
      SELECT 'contacts.csv' AS source_file, toInt64(p + 1) AS source_row,
        cityHash64(p, 'account') % ${accounts} AS a,
        concat('u', toString(p), '@acc', toString(a), '.example') AS person_id,
        concat('ACC-', toString(a)) AS account_id,
        toDateTime(${T0 - 200 * DAY} + cityHash64(p, 'created') % ${T_ASOF - T0 + 200 * DAY}) AS created_at,
        ['Engineering Leader', 'Data Scientist', 'IT Operations', 'Developer', 'Executive', 'Procurement'][1 + toUInt32(floor(6 * pow(${u('p', 'persona')}, 1.4)))] AS persona,
        ['NA', 'EMEA', 'APAC', 'LATAM'][1 + cityHash64(a, 'region') % 4] AS region,
        ['SMB', 'Mid-Market', 'Enterprise'][1 + cityHash64(a, 'seg') % 3] AS segment
      FROM (SELECT number AS p FROM numbers(${persons})))
    WHERE ${SHARD_KEY} % 2 = ${shard}`;
}

function opportunitiesSelect(): string {
  const stages = [
    'Closed Won',
    'Closed Lost',
    'Prospecting',
    'Needs Analysis',
    'Proposal/Price Quote',
    'Negotiation/Review',
  ];
  return `SELECT 'opportunities.csv' AS source_file, toInt64(o + 1) AS source_row,
      concat('OPP-', toString(1000000 + o)) AS opportunity_id,
      concat('ACC-', toString(cityHash64(o, 'acct') % ${accounts})) AS account_id,
      toDateTime(${T0 + 4 * DAY} + cityHash64(o, 'created') % ${T_ASOF - T0 - 4 * DAY}) AS created_at,
      multiIf(${u('o', 'stage')} < 0.15, 1, ${u('o', 'stage')} < 0.6, 2, 3 + toUInt32(cityHash64(o, 'open') % 4)) AS si,
      ${arr(stages)}[si] AS stage,
      if(si <= 2, toDate(created_at + (5 + cityHash64(o, 'close') % 55) * 86400), NULL) AS closed_at,
      round(5000 + (cityHash64(o, 'amount') % 24500000) / 100, 2) AS amount,
      ['USD', 'USD', 'USD', 'USD', 'EUR', 'EUR', 'GBP'][1 + cityHash64(o, 'cur') % 7] AS currency,
      nullIf(multiIf(toUInt32(created_at) >= ${T_CAMPAIGN} AND cityHash64(o, 'tag') % 100 < 8, 'AI Launch Tour',
              cityHash64(o, 'tag') % 100 < 25, 'Q3 Webinar Series', cityHash64(o, 'tag') % 100 < 40, 'Website', ''), '') AS campaign,
      ['NA', 'EMEA', 'APAC', 'LATAM'][1 + cityHash64(cityHash64(o, 'acct') % ${accounts}, 'region') % 4] AS region,
      ['SMB', 'Mid-Market', 'Enterprise'][1 + cityHash64(cityHash64(o, 'acct') % ${accounts}, 'seg') % 3] AS segment
    FROM (SELECT number AS o FROM numbers(${opportunities}))`;
}

const TABLES = {
  touches: `source_file String, source_row Int64, person_id String, account_id Nullable(String), occurred_at DateTime,
    touch_type String, utm_campaign Nullable(String), utm_source String, utm_medium String, asset Nullable(String),
    partner Nullable(String), region Nullable(String), converted UInt8, value Float64`,
  contacts: `source_file String, source_row Int64, person_id String, account_id String, created_at DateTime, persona String,
    region String, segment String`,
  opportunities: `source_file String, source_row Int64, opportunity_id String, account_id String, created_at DateTime,
    stage String, closed_at Nullable(Date), amount Float64, currency String, campaign Nullable(String), region String, segment String`,
};
const COLUMNS = (t: keyof typeof TABLES) =>
  TABLES[t]
    .split(',')
    .map((c) => c.trim().split(/\s+/)[0])
    .filter((c) => c !== 'source_file' && c !== 'source_row');

async function generate(shards: Shard[]): Promise<void> {
  // both servers at once, each generating its own shard (the rows whose person it holds)
  const one = async (sh: Shard, i: number) => {
    await ch(sh.url, 'CREATE DATABASE IF NOT EXISTS gtm');
    for (const t of ['touches', 'contacts'] as const) {
      await ch(sh.url, `CREATE TABLE gtm.${t}_local (${TABLES[t]}) ENGINE = MergeTree ORDER BY tuple()`);
      await ch(
        sh.url,
        `CREATE TABLE gtm.${t} AS gtm.${t}_local ENGINE = Distributed('gtm_bench', 'gtm', '${t}_local', ${SHARD_KEY})`,
      );
    }
    await ch(
      sh.url,
      `CREATE TABLE gtm.opportunities (${TABLES.opportunities}) ENGINE = MergeTree ORDER BY tuple()`,
    );
    await ch(sh.url, `INSERT INTO gtm.touches_local ${touchesSelect(i)}`);
    await ch(sh.url, `INSERT INTO gtm.contacts_local ${contactsSelect(i)}`);
    await ch(
      sh.url,
      `INSERT INTO gtm.opportunities SELECT source_file, source_row, ${COLUMNS('opportunities').join(', ')} FROM (${opportunitiesSelect()})`,
    );
  };
  await Promise.all(shards.map(one));
}

// ---------------------------------------------------------------------------------------------
// the workspace: the three sources (tables in the cluster, or the CSV exports for DuckDB), the
// campaign, partners, rates, targets and roster in gtm.yaml

function gtmYaml(engine: string): string {
  return `version: 1
${engine}
output: { snapshot: never }
sources:
  - name: opportunities
    entity: opportunities
    kind: file
    path: data/opportunities.csv
    priority: 1
  - name: contacts
    entity: people
    kind: file
    path: data/contacts.csv
  - name: touches
    entity: touchpoints
    kind: file
    path: data/touches.csv
    priority: 2
currency:
  reporting: USD
  rates:
    - { currency: EUR, from: 2025-06-01, rate: 1.08 }
    - { currency: EUR, from: 2026-10-01, rate: 1.09 }
    - { currency: GBP, from: 2025-06-01, rate: 1.27 }
    - { currency: GBP, from: 2026-10-01, rate: 1.26 }
funnel:
  stages: [lead, mql, sql, opportunity, proposal, negotiation, closed_won]
  mapping: { "Won": closed_won, "Lost": closed_lost }
utm:
  aliases:
    campaign: { "ai launch tour": ai-launch-tour, "ailt-2026": ai-launch-tour }
partners:
  - { id: nimbus, name: Nimbus Cloud, tier: platinum, aliases: [nimbus-cloud, "Nimbus Cloud Inc.", nimbus-newsletter] }
  - { id: quantia, name: Quantia Data, tier: gold, aliases: [quantia.io, "Quantia Data Inc."] }
campaigns:
  - id: ai-launch-tour
    name: AI Launch Tour
    partners: [nimbus, quantia]
    start: 2026-09-01
    end: 2026-11-30
    utm_campaigns: [ai-launch-tour]
    lookback_days: 90
    assets:
${ASSETS.map((a, i) => `      - { id: ${a}, name: "${a}", type: ${['webinar', 'event', 'content', 'content', 'video', 'tool', 'content'][i]}${i < 3 ? ', partner: nimbus' : i < 5 ? ', partner: quantia' : ''} }`).join('\n')}
    targets:
      nimbus: { pipeline: ${Math.round(N * 60)}, revenue: ${Math.round(N * 9)} }
      quantia: { pipeline: ${Math.round(N * 40)}, revenue: ${Math.round(N * 6)} }
dedupe:
  touchpoints: { keys: [person_id, touch_type, occurred_at, utm_campaign, asset, channel], time_tolerance_seconds: 120 }
  opportunities: { keys: [opportunity_id] }
roster:
  roles:
    co_marketing_analytics_lead: { people: [{ name: Priya Raman, email: priya@example.com }], fallback: marketing_ops }
    revops_finance: { people: [{ name: Marcus Lee, email: marcus@example.com }] }
    exec_sponsor: { people: [{ name: Dana Whitfield, email: dana@example.com }] }
    partner_manager: { people: [{ name: Tomás Ortega, email: tomas@example.com }] }
    content_lead: { people: [{ name: Grace Kim, email: grace@example.com }] }
    demand_gen_lead: { people: [{ name: Omar Haddad, email: omar@example.com }] }
    marketing_ops: { people: [{ name: Lena Berg, email: lena@example.com }] }
escalation:
  track-source: [co_marketing_analytics_lead, revops_finance, exec_sponsor]
attribution: { model: linear, half_life_days: 7, bootstrap: 100, seed: 42 }
`;
}

// ---------------------------------------------------------------------------------------------
// timing

interface Run {
  wall_s: number;
  cpu_s: number;
  rss_mb: number;
  stdout: string;
  start: number;
}

/** gtm as users run it (dist/), or from the sources with GTM_BENCH_FROM_SOURCE=1 (tsx compiles them: more CPU). */
const GTM =
  process.env.GTM_BENCH_FROM_SOURCE === '1'
    ? ['--import', 'tsx', path.join(root, 'bench/gtm-from-source.ts')]
    : [path.join(root, 'bin/gtm.js')];

/** One gtm process: wall, user+system CPU and peak RSS (from /usr/bin/time), its stdout. */
function gtm(args: string[], cwd: string): Run {
  const start = Math.floor(Date.now() / 1000);
  const t = performance.now();
  const r = spawnSync(TIME, ['-f', 'GTM_BENCH %U %S %M', process.execPath, ...GTM, ...args], {
    cwd,
    encoding: 'utf8',
    maxBuffer: 1 << 30,
  });
  const wall = (performance.now() - t) / 1000;
  const m = /GTM_BENCH ([\d.]+) ([\d.]+) (\d+)/.exec(r.stderr);
  if (!m || (r.status !== 0 && r.status !== 1))
    throw new Error(`gtm ${args.join(' ')} failed (${r.status}):\n${r.stderr.slice(-4000)}`);
  return {
    wall_s: wall,
    cpu_s: Number(m[1]) + Number(m[2]),
    rss_mb: Number(m[3]) / 1024,
    stdout: r.stdout,
    start,
  };
}

/** The servers' figures for the queries that started at or after `since` (epoch s), both servers. */
async function serverFigures(shards: Shard[], since: number): Promise<string> {
  let queries = 0;
  let readRows = 0;
  let readBytes = 0;
  let maxMem = 0;
  let sumMs = 0;
  for (const sh of shards) {
    await ch(sh.url, 'SYSTEM FLUSH LOGS');
    const [r] = await chRows<{ q: string; rr: string; rb: string; mm: string; ms: string }>(
      sh.url,
      `SELECT toString(countIf(is_initial_query = 1)) AS q, toString(sum(read_rows)) AS rr, toString(sum(read_bytes)) AS rb,
        toString(max(memory_usage)) AS mm, toString(sumIf(query_duration_ms, is_initial_query = 1)) AS ms
       FROM system.query_log WHERE type = 2 AND toUInt32(query_start_time) >= ${since}
         AND query NOT LIKE '%system.query_log%' AND query NOT LIKE 'SYSTEM FLUSH%'`,
    );
    queries += Number(r.q);
    readRows += Number(r.rr);
    readBytes += Number(r.rb);
    maxMem = Math.max(maxMem, Number(r.mm));
    sumMs += Number(r.ms);
  }
  return `servers: ${queries} queries, ${fmt(readRows)} rows / ${mb(readBytes)} read, largest query memory ${mb(maxMem)}, queries' time ${s2(sumMs / 1000)} s`;
}

async function best(url: string, sql: string): Promise<number> {
  let min = Infinity;
  for (let i = 0; i < 3; i++) {
    const t = performance.now();
    await ch(url, sql);
    min = Math.min(min, (performance.now() - t) / 1000);
  }
  return min;
}

// ---------------------------------------------------------------------------------------------
// parity: result.json numbers equal to 1e-9

/** Differences between two JSON values: numbers to 1e-9 relative, the rest exactly; keys in `skip` ignored. */
function differences(a: unknown, b: unknown, where: string, skip: Set<string>, out: string[]): void {
  if (out.length > 20) return;
  if (typeof a === 'number' && typeof b === 'number') {
    if (Math.abs(a - b) > 1e-9 * Math.max(1, Math.abs(a), Math.abs(b))) out.push(`${where}: ${a} ≠ ${b}`);
    return;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) out.push(`${where}: ${a.length} items ≠ ${b.length}`);
    else a.forEach((x, i) => differences(x, b[i], `${where}[${i}]`, skip, out));
    return;
  }
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const k of keys) {
      if (skip.has(k)) continue;
      differences(
        (a as Record<string, unknown>)[k],
        (b as Record<string, unknown>)[k],
        `${where}.${k}`,
        skip,
        out,
      );
    }
    return;
  }
  if (JSON.stringify(a) !== JSON.stringify(b))
    out.push(`${where}: ${JSON.stringify(a)?.slice(0, 120)} ≠ ${JSON.stringify(b)?.slice(0, 120)}`);
}

async function exportCsv(url: string, table: string, cols: string[], file: string): Promise<void> {
  // DateTime as ISO text with Z (the form a user's export has), Date as is
  // (an empty cell for NULL: ClickHouse's CSV writes \\N, which other tools read as text)
  const nullable = new Set([
    'account_id',
    'utm_campaign',
    'asset',
    'partner',
    'region',
    'campaign',
    'closed_at',
  ]);
  const sel = cols.map((c) =>
    c === 'occurred_at' || c === 'created_at'
      ? `concat(replaceOne(toString(${c}), ' ', 'T'), 'Z') AS ${c}`
      : nullable.has(c)
        ? `ifNull(toString(${c}), '') AS ${c}`
        : c,
  );
  await chHttp(
    url,
    `SELECT ${sel.join(', ')} FROM gtm.${table} ORDER BY source_row FORMAT CSVWithNames`,
    createWriteStream(file),
  );
}

// ---------------------------------------------------------------------------------------------

const dataDir = path.join(root, 'bench-data', `clickhouse-scale-${N}`);
const ws = path.join(dataDir, 'ws');
mkdirSync(path.join(ws, 'data'), { recursive: true });
const fresh = !existsSync(path.join(dataDir, 'generated'));
if (fresh) rmSync(path.join(dataDir, 'shard-0'), { recursive: true, force: true });
if (fresh) rmSync(path.join(dataDir, 'shard-1'), { recursive: true, force: true });

const ports = [];
for (let i = 0; i < 2; i++) ports.push({ http: await freePort(), tcp: await freePort() });
const remote = `<remote_servers><gtm_bench>${ports
  .map((p) => `<shard><replica><host>127.0.0.1</host><port>${p.tcp}</port></replica></shard>`)
  .join('')}</gtm_bench></remote_servers>`;
const shards: Shard[] = [];
try {
  for (const [i, p] of ports.entries())
    shards.push(await startShard(path.join(dataDir, `shard-${i}`), p.http, p.tcp, remote));
  const url = shards[0].url;
  console.log(
    `track-source and attribute on a two-shard ClickHouse cluster (loopback; servers at nice 10 while generating, 0 while measuring; 3 GB per query): ${fmt(N)} touches`,
  );
  if (fresh) {
    const t = performance.now();
    await generate(shards);
    writeFileSync(path.join(dataDir, 'generated'), new Date().toISOString());
    console.log(
      `  generated on the servers (INSERT … SELECT FROM numbers): ${s2((performance.now() - t) / 1000)} s (${loadavg()})`,
    );
  } else console.log(`  data from an earlier run: ${dataDir}`);
  // GTM_BENCH_ONLY=generate: the data only (kept for the next run), nothing measured
  if (process.env.GTM_BENCH_ONLY === 'generate') {
    const [c] = await chRows<{ n: string }>(url, 'SELECT toString(count()) AS n FROM gtm.touches');
    console.log(`  generated only: ${fmt(Number(c.n))} touches in ${dataDir}`);
    await Promise.all(shards.map(stopShard));
    process.exit(0);
  }
  // measured at the gtm process's priority (lowering a niceness needs root: else they stay at 10)
  reniceShards(shards, 0);
  const [counts] = await chRows<Record<string, string>>(
    url,
    `SELECT toString((SELECT count() FROM gtm.touches)) AS touches, toString((SELECT count() FROM gtm.touches_local)) AS shard0,
      toString((SELECT count() FROM gtm.contacts)) AS contacts, toString((SELECT count() FROM gtm.opportunities)) AS opportunities,
      toString((SELECT uniqExact(person_id) FROM gtm.touches)) AS journeys`,
  );
  const [disk] = await chRows<{ b: string }>(
    url,
    `SELECT toString(sum(bytes)) AS b FROM system.parts WHERE active AND database = 'gtm'`,
  );
  console.log(
    `  tables: touches ${fmt(Number(counts.touches))} (shard 1: ${fmt(Number(counts.shard0))}, shard 2: ${fmt(Number(counts.touches) - Number(counts.shard0))}), ` +
      `${fmt(Number(counts.journeys))} persons touched, contacts ${fmt(Number(counts.contacts))}, opportunities ${fmt(Number(counts.opportunities))} (on each server); ` +
      `shard 1 on disk ${mb(Number(disk.b))}`,
  );

  const chYaml = gtmYaml(`engine: { kind: clickhouse, url: "${url}", database: gtm, timeout_s: 7200 }`);
  writeFileSync(path.join(ws, 'gtm.clickhouse.yaml'), chYaml);
  const trackArgs = [
    'track-source',
    '--campaign',
    'AI Launch Tour',
    '--window',
    '30d',
    '--detail',
    'full',
    '--as-of',
    AS_OF,
    '--json',
    '--quiet',
  ];
  const attrArgs = (touchpoints: string) => [
    'attribute',
    '--touchpoints',
    touchpoints,
    '--journey-column',
    'person_id',
    '--time-column',
    'occurred_at',
    '--channel-column',
    'utm_source',
    '--converted-column',
    'converted',
    '--value-column',
    'value',
    '--model',
    'markov',
    '--json',
  ];

  // the floor, then each command, then the floor again (the load moves; both are printed)
  const floor = async () => ({
    count: await best(url, 'SELECT count() FROM gtm.touches'),
    groupBy: await best(url, 'SELECT utm_source, count() FROM gtm.touches GROUP BY utm_source'),
    load: loadavg(),
  });
  const f1 = await floor();
  console.log(
    `  floor: SELECT count() ${s2(f1.count)} s, SELECT utm_source, count() … GROUP BY utm_source ${s2(f1.groupBy)} s (best of 3; ${f1.load})`,
  );

  // GTM_BENCH_ONLY=attribute or track-source runs one of them (no parity check then)
  const only = process.env.GTM_BENCH_ONLY;
  let attribute: Run | null = null;
  if (only !== 'track-source') {
    attribute = gtm(attrArgs('gtm.touches').concat(['--clickhouse', url]), ws);
    const ar = JSON.parse(attribute.stdout) as {
      totals: { conversions: number; nulls: number; paths: number };
    };
    console.log(
      `  gtm attribute --touchpoints gtm.touches --model markov: ${fmt(ar.totals.conversions + ar.totals.nulls)} journeys, ${fmt(ar.totals.paths)} distinct paths; ` +
        `wall ${s2(attribute.wall_s)} s, gtm CPU ${s2(attribute.cpu_s)} s, gtm peak RSS ${fmt(attribute.rss_mb)} MB (${loadavg()}); ` +
        `wall / GROUP BY ${(attribute.wall_s / f1.groupBy).toFixed(0)}×`,
    );
    console.log(`    ${await serverFigures(shards, attribute.start)}`);
  }
  let track: Run | null = null;
  if (only !== 'attribute') {
    track = gtm([...trackArgs, '--config', 'gtm.clickhouse.yaml'], ws);
    const tr = JSON.parse(track.stdout) as {
      journeys?: { opportunities: number; touches: number };
      row_accounting?: {
        source: string;
        rows_in: number;
        accepted: number;
        deduplicated: number;
        rejected: number;
      }[];
    };
    console.log(
      `  gtm track-source --campaign "AI Launch Tour" --window 30d --detail full: ` +
        `wall ${s2(track.wall_s)} s, gtm CPU ${s2(track.cpu_s)} s, gtm peak RSS ${fmt(track.rss_mb)} MB (${loadavg()}); ` +
        `wall / GROUP BY ${(track.wall_s / f1.groupBy).toFixed(0)}×`,
    );
    console.log(
      `    ${(tr.row_accounting ?? []).map((r) => `${r.source} ${fmt(r.rows_in)} in, ${fmt(r.accepted)} accepted, ${fmt(r.deduplicated)} duplicates, ${fmt(r.rejected)} rejected`).join('; ')}`,
    );
    console.log(
      `    ${fmt(tr.journeys?.opportunities ?? 0)} opportunities in scope, ${fmt(tr.journeys?.touches ?? 0)} touches on their journeys; ${await serverFigures(shards, track.start)}`,
    );
  }

  const f2 = await floor();
  // each server's peak resident memory so far (VmHWM: generation included when it ran in this process)
  const hwm = shards.map((sh) => {
    try {
      const status = readFileSync(`/proc/${sh.child.pid}/status`, 'utf8');
      return Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024;
    } catch {
      return 0;
    }
  });
  console.log(`  servers' peak RSS: ${hwm.map((m) => `${fmt(m)} MB`).join(', ')}`);
  const meanFloor = (f1.groupBy + f2.groupBy) / 2;
  console.log(
    `  floor again: count() ${s2(f2.count)} s, GROUP BY ${s2(f2.groupBy)} s (${f2.load}); ratios to the mean GROUP BY floor: ` +
      [
        track ? `track-source ${(track.wall_s / meanFloor).toFixed(0)}×` : '',
        attribute ? `attribute ${(attribute.wall_s / meanFloor).toFixed(0)}×` : '',
      ]
        .filter(Boolean)
        .join(', '),
  );

  if (N <= PARITY_MAX && track && attribute) {
    // the same data as files, on DuckDB
    for (const t of Object.keys(TABLES) as (keyof typeof TABLES)[])
      await exportCsv(url, t, COLUMNS(t), path.join(ws, 'data', `${t}.csv`));
    writeFileSync(path.join(ws, 'gtm.yaml'), gtmYaml('engine: { memory_limit: 2GB, threads: 2 }'));
    const duckTrack = gtm(trackArgs, ws);
    const duckAttr = gtm(attrArgs('data/touches.csv'), ws);
    const skip = new Set([
      'generated_at',
      'run_id',
      'plan',
      'plan_path',
      'artifacts',
      'outputs',
      'timings',
      'engine',
      'duration_ms',
      'sources',
      'reports_dir',
      'file',
      'evaluated_at',
      'previous',
    ]);
    // Markov's transition list follows the order the path rows arrive in (hash order on either
    // engine): compared as a set
    const sorted = (json: string) => {
      const r = JSON.parse(json) as { markov?: { transitions?: { from: string; to: string }[] } };
      r.markov?.transitions?.sort((a, b) => (a.from + '\u0000' + a.to < b.from + '\u0000' + b.to ? -1 : 1));
      return r;
    };
    const d1: string[] = [];
    differences(JSON.parse(duckTrack.stdout), JSON.parse(track.stdout), 'track-source', skip, d1);
    const d2: string[] = [];
    differences(sorted(duckAttr.stdout), sorted(attribute.stdout), 'attribute', skip, d2);
    console.log(
      `  parity (DuckDB on the same rows exported to CSV): track-source ${d1.length ? `DIFFERS:\n    ${d1.join('\n    ')}` : 'result.json numbers equal to 1e-9'}; ` +
        `attribute ${d2.length ? `DIFFERS:\n    ${d2.join('\n    ')}` : 'equal to 1e-9'}`,
    );
    console.log(
      `    DuckDB track-source wall ${s2(duckTrack.wall_s)} s, CPU ${s2(duckTrack.cpu_s)} s, peak RSS ${fmt(duckTrack.rss_mb)} MB; ` +
        `attribute wall ${s2(duckAttr.wall_s)} s, CPU ${s2(duckAttr.cpu_s)} s, peak RSS ${fmt(duckAttr.rss_mb)} MB (${loadavg()})`,
    );
    if (d1.length || d2.length) process.exitCode = 1;
  } else console.log(`  parity: checked at N ≤ ${fmt(PARITY_MAX)} (npm run bench clickhouse-scale 1M)`);
} catch (err) {
  for (const sh of shards)
    if (sh.child.exitCode !== null || sh.stderr().trim())
      console.log(`server ${sh.url} (exit ${sh.child.exitCode}): ${sh.stderr().slice(-2000)}`);
  throw err;
} finally {
  await Promise.all(shards.map(stopShard));
  if (process.env.GTM_BENCH_KEEP === '0') rmSync(dataDir, { recursive: true, force: true });
}
