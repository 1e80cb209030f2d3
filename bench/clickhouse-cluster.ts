// `npm run bench clickhouse-cluster [N]`: attribution on a two-shard ClickHouse cluster on loopback.
//
// Generates N touches (default 10M; `100M` or any count as the argument), loads them with
// `gtm engine load` into two clickhouse-server processes (a local MergeTree per shard under a
// Distributed table sharded by journey), then runs `gtm attribute --touchpoints gtm.touches
// --clickhouse URL --model markov` as a whole process and prints its wall time, CPU time and peak
// RSS, beside the floor: a plain `count()` and one `GROUP BY channel` on the same Distributed table.
//
// 100M rows take tens of minutes and GBs of disk on a 2-core machine: the script refuses them
// while the load average is 3 or more (GTM_BENCH_FORCE=1 overrides). Needs `npm run build`
// (gtm runs from dist/, as users run it) and clickhouse-server on PATH.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openClickHouse, openDuckDb } from '../src/data/index.ts';
import { findClickHouseServer, startClickHouseCluster } from '../test/helpers/clickhouse-server.ts';
import { ensureTouchData } from './attribution-data.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const arg = (process.argv[2] ?? '10M').toUpperCase();
const touches = Math.round(Number(arg.replace(/M$/, '')) * (arg.endsWith('M') ? 1e6 : 1));
const TIME = '/usr/bin/time';

if (!Number.isFinite(touches) || touches < 1000) {
  console.log(`expects a touch count such as 10M, 100M or 2000000; got "${process.argv[2]}"`);
  process.exit(2);
}
if (!findClickHouseServer()) {
  console.log('skipped: no clickhouse-server on PATH (apt-get install clickhouse-server)');
  process.exit(0);
}
if (!existsSync(path.join(root, 'dist/cli-bundle/main.js'))) {
  console.log('skipped: gtm is not built (npm run build)');
  process.exit(0);
}
const load1 = os.loadavg()[0];
if (touches >= 1e8 && load1 >= 3 && process.env.GTM_BENCH_FORCE !== '1') {
  console.log(
    `skipped: 100M touches need a quiet machine; load average is ${load1.toFixed(1)} (GTM_BENCH_FORCE=1 overrides)`,
  );
  process.exit(0);
}

interface Run {
  wall_s: number;
  cpu_s: number;
  rss_mb: number;
  stdout: string;
}

/** One gtm process: wall, user+system CPU and peak RSS (from /usr/bin/time), its stdout. */
function gtm(args: string[], cwd: string): Run {
  const t = performance.now();
  const r = spawnSync(
    TIME,
    ['-f', 'GTM_BENCH %U %S %M', process.execPath, path.join(root, 'bin/gtm.js'), ...args],
    { cwd, encoding: 'utf8', maxBuffer: 1 << 28 },
  );
  const wall = (performance.now() - t) / 1000;
  const m = /GTM_BENCH ([\d.]+) ([\d.]+) (\d+)/.exec(r.stderr);
  if (r.status !== 0 || !m) throw new Error(`gtm ${args.join(' ')} failed:\n${r.stderr}`);
  return { wall_s: wall, cpu_s: Number(m[1]) + Number(m[2]), rss_mb: Number(m[3]) / 1024, stdout: r.stdout };
}

const loadavg = () =>
  `load ${os
    .loadavg()
    .map((x) => x.toFixed(1))
    .join(' ')}`;
const s = (x: number) => x.toFixed(2);

const dataDir = path.join(root, 'bench-data');
mkdirSync(dataDir, { recursive: true });
process.stdout.write(`  generating ${touches.toLocaleString('en-US')} touches… `);
let t = performance.now();
const duck = await openDuckDb();
const file = await ensureTouchData(duck, dataDir, touches);
await duck.close();
console.log(`${s((performance.now() - t) / 1000)} s`);

const cluster = await startClickHouseCluster(2);
const ws = await mkdtemp(path.join(os.tmpdir(), 'gtm-bench-ch-'));
try {
  writeFileSync(
    path.join(ws, 'gtm.yaml'),
    `version: 1
engine: { memory_limit: 512MB, threads: 2 }
sources:
  - name: touches
    entity: touchpoints
    kind: file
    path: ${JSON.stringify(file)}
    mapping: { person_id: journey_id, occurred_at: ts, utm_source: channel }
`,
  );
  console.log(
    `Attribution on a two-shard ClickHouse cluster (${touches.toLocaleString('en-US')} touches, Distributed table sharded by journey)`,
  );
  const loaded = gtm(
    [
      'engine',
      'load',
      '--clickhouse',
      cluster.urls.join(','),
      '--cluster',
      cluster.cluster,
      '--database',
      'gtm',
      '--json',
    ],
    ws,
  );
  const table = (
    JSON.parse(loaded.stdout) as { tables: { rows: { loaded: number; per_server: number[] } }[] }
  ).tables[0];
  console.log(
    `  gtm engine load: ${table.rows.loaded.toLocaleString('en-US')} rows (${table.rows.per_server.map((n) => n.toLocaleString('en-US')).join(' + ')}) ` +
      `wall ${s(loaded.wall_s)} s, cpu ${s(loaded.cpu_s)} s, peak RSS ${Math.round(loaded.rss_mb)} MB (${loadavg()})`,
  );

  const attribute = gtm(
    [
      'attribute',
      '--touchpoints',
      'gtm.touches',
      '--clickhouse',
      cluster.urls[0],
      '--model',
      'markov',
      '--json',
    ],
    ws,
  );
  const result = JSON.parse(attribute.stdout) as {
    totals: { conversions: number; nulls: number; paths: number };
  };
  const journeys = result.totals.conversions + result.totals.nulls;
  console.log(
    `  gtm attribute --model markov: ${journeys.toLocaleString('en-US')} journeys, ${result.totals.paths.toLocaleString('en-US')} paths; ` +
      `wall ${s(attribute.wall_s)} s, gtm cpu ${s(attribute.cpu_s)} s, gtm peak RSS ${Math.round(attribute.rss_mb)} MB (${loadavg()})`,
  );

  // the floor: the cheapest full scans of the same Distributed table, best of three
  const engine = await openClickHouse({ url: cluster.urls[0], database: 'gtm' });
  const best = async (sql: string) => {
    let min = Infinity;
    for (let i = 0; i < 3; i++) {
      t = performance.now();
      await engine.query(sql);
      min = Math.min(min, (performance.now() - t) / 1000);
    }
    return min;
  };
  const count = await best('SELECT count() AS n FROM touches');
  const groupBy = await best('SELECT channel, count() AS n FROM touches GROUP BY channel');
  // the grouping attribution cannot avoid: every journey once, on its shard
  const byJourney = await best(
    'SELECT count() AS n FROM (SELECT journey_id, count() AS c FROM touches GROUP BY journey_id SETTINGS distributed_group_by_no_merge = 1)',
  );
  await engine.close();
  console.log(
    `  floor: count() ${s(count)} s, GROUP BY channel ${s(groupBy)} s, GROUP BY journey ${s(byJourney)} s; ` +
      `attribute wall / GROUP BY channel ${(attribute.wall_s / groupBy).toFixed(1)}×, / GROUP BY journey ${(attribute.wall_s / byJourney).toFixed(1)}× (${loadavg()})`,
  );
} finally {
  await cluster.stop();
  await rm(ws, { recursive: true, force: true });
}
