// `npm run bench`: prints the benchmark figures (no timed assertions; targets are in the README).
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openDuckDb } from '../src/data/index.ts';
import { ensureTouchData } from './attribution-data.ts';
import { machineProbe, probeLine } from './machine-probe.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dataDir = path.join(root, 'bench-data');
const sizes = (process.env.GTM_BENCH_SIZES ?? '1000000,10000000,100000000').split(',').map(Number);
const only = process.argv[2];

if (!only || only === 'attribution') {
  console.log(
    'Attribution: touches → paths in DuckDB → all 14 models (incl. Markov, Shapley, fractribution)',
  );
  console.log(
    'size, journeys, distinct paths, wall s (paths + models), rows/s, engine s, models s, peak RSS MB, floor GROUP BY s, wall/floor',
  );
  for (const size of sizes) {
    const engine = await openDuckDb();
    process.stdout.write(`  generating ${size.toLocaleString('en-US')} touches… `);
    const t = performance.now();
    const file = await ensureTouchData(engine, dataDir, size);
    await engine.close();
    process.stdout.write(`${((performance.now() - t) / 1000).toFixed(1)} s\n`);
    const out = execFileSync(
      process.execPath,
      ['--import', 'tsx', path.join(root, 'bench/attribution-run.ts'), file],
      { encoding: 'utf8', maxBuffer: 1 << 24 },
    );
    const r = JSON.parse(out.trim().split('\n').pop()!);
    const s = (ms: number) => (ms / 1000).toFixed(2);
    console.log(
      `  ${r.touches.toLocaleString('en-US')} touches, ${r.journeys.toLocaleString('en-US')} journeys, ${r.distinct_paths.toLocaleString('en-US')} paths: ` +
        `wall ${s(r.wall_ms)} s, ${Math.round(r.touches / (r.wall_ms / 1000)).toLocaleString('en-US')} rows/s, engine ${s(r.engine_ms)} s, decode ${s(r.decode_ms)} s, models ${s(r.models_ms)} s, ` +
        `peak RSS ${Math.round(r.peak_rss_mb)} MB, floor GROUP BY ${s(r.floor_ms)} s, ratio ${(r.wall_ms / r.floor_ms).toFixed(1)}×, one sort ${s(r.sort_ms)} s (engine/sort ${(r.engine_ms / r.sort_ms).toFixed(2)}×)`,
    );
    console.log(
      `    models (ms): ${Object.entries(r.models as Record<string, number>)
        .map(([m, ms]) => `${m} ${Math.round(ms)}`)
        .join(', ')}`,
    );
  }
}
if (!only || only === 'events') {
  try {
    execFileSync(process.execPath, ['--import', 'tsx', path.join(root, 'bench/events-validate.ts')], {
      stdio: 'inherit',
    });
  } catch {
    console.log('events benchmark failed (see above)');
  }
}

/** The other benchmarks, each its own script (they print their own figures); `npm run bench NAME` runs one. */
const SCRIPTS: Record<string, string[]> = {
  startup: ['bench/startup.ts'],
  'attribute-paths': ['bench/attribute-paths.ts'],
  normalize: ['bench/normalize-entities.ts'],
  demo: ['bench/demo.ts'],
  'optimize-referrals': ['bench/optimize-referrals.ts'],
  'monitor-loyalty': ['bench/monitor-loyalty.ts'],
  'monitor-personalization': ['bench/monitor-personalization.ts'],
  // `npm run bench clickhouse-cluster 100M` for the large run (default 10M touches)
  'clickhouse-cluster': ['bench/clickhouse-cluster.ts'],
  // `npm run bench clickhouse-scale 100M`: track-source and attribute on N touches generated on the cluster (default 10M)
  'clickhouse-scale': ['bench/clickhouse-scale.ts'],
  // attribute's memory on ClickHouse at 1M/5M/20M distinct paths, streamed and kept (GTM_BENCH_PATHS etc.)
  'attribution-stream-memory': ['bench/attribution-stream-memory.ts'],
};
// the machine's speed before the monitoring benchmarks (the VM's speed moves; see bench/machine-probe.ts)
if (!only || only.startsWith('monitor-') || only === 'optimize-referrals')
  console.log(`\n${probeLine(await machineProbe())}`);
for (const [name, [script]] of Object.entries(SCRIPTS)) {
  if (only && only !== name) continue;
  if (!existsSync(path.join(root, script))) continue;
  console.log(`\n${name}: npx tsx ${script}`);
  try {
    execFileSync(process.execPath, ['--import', 'tsx', path.join(root, script), ...process.argv.slice(3)], {
      stdio: 'inherit',
    });
  } catch {
    console.log(`${name} benchmark failed (see above)`);
  }
}
