// `npx tsx bench/attribution-stream-memory.ts`: gtm's peak memory running `attribute` on ClickHouse
// path summaries with 1M, 5M and 20M distinct paths (issue 14: "memory of the gtm process stays
// under 1 GiB whatever the table size").
//
// The path summaries are generated on a ClickHouse server (one started here, in a temp directory):
// one row per distinct path, as the touchpoints query returns them (`path<TAB>conversions<TAB>value
// <TAB>nulls`, the path as channel codes joined by commas), from `numbers(N)`: path n is the eight
// base-12 digits of n + 12^7 repeated 1 to 4 times (8 to 32 codes, 20 on average; distinct by its
// first eight codes), 30% of them converting with a value, 1 to 3 non-converting journeys each. A
// touch table with 20M distinct paths would hold ~400M touches; the query that groups them is the
// server's work and does not change what gtm reads, so the lines are generated directly and fed to
// the same reader and models the command uses (`dist/`, compiled, in a plain `node` process):
//   stream  `streamPathSummary` (what `gtm attribute --touchpoints T --clickhouse URL` runs for the
//           rule models, Markov and Shapley without a bootstrap, per-path credit or path options);
//   kept    `readPathColumns` + `attributeRecords` (the columns form: what those runs did before,
//           and what compare, fractribution, a bootstrap, per-path credit or path options still use).
// Each run is its own process under /usr/bin/time -v: peak RSS, user + system CPU, wall, with the
// load average beside it. Where both forms ran on the same N, their credit must agree to 1e-9.
//
// Environment: GTM_BENCH_PATHS (default 1000000,5000000,20000000), GTM_BENCH_MODELS (default
// markov,linear,shapley; fractribution or compare run in the kept form only), GTM_BENCH_FORMS
// (default stream,kept), GTM_BENCH_KEPT_MAX (largest N run in the kept form, default 5000000),
// GTM_BENCH_HEAP_MB (caps the child's V8 old space: a run that completes retained less than that). Needs `npm run build` and clickhouse-server on PATH.
import { spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startClickHouse } from '../test/helpers/clickhouse-server.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const sizes = (process.env.GTM_BENCH_PATHS ?? '1000000,5000000,20000000').split(',').map(Number);
const models = (process.env.GTM_BENCH_MODELS ?? 'markov,linear,shapley').split(',');
const keptMax = Number(process.env.GTM_BENCH_KEPT_MAX ?? 5_000_000);
const forms = (process.env.GTM_BENCH_FORMS ?? 'stream,kept').split(',');
// a cap on V8's old space (MB) for the child: a run that completes under it retained no more
const heapCap = process.env.GTM_BENCH_HEAP_MB
  ? [`--max-old-space-size=${Number(process.env.GTM_BENCH_HEAP_MB)}`]
  : [];

const CHANNELS = Array.from({ length: 12 }, (_, i) => `ch${String(i).padStart(2, '0')}`);

/** N distinct path summaries, generated on the server in ClickHouse 18.16's dialect. */
export const syntheticPathsSql = (n: number): string =>
  `SELECT arrayStringConcat(arrayMap((k, mm) -> toString(intDiv(mm, toUInt64(pow(12, 7 - k % 8))) % 12), range(8 * r), replicate(m, range(8 * r))), ',') AS path,
     conv AS conversions, conv * toFloat64(cityHash64(number, 1) % 100000) / 100 AS value, toFloat64(1 + number % 3) AS nulls
   FROM (SELECT number, number + 35831808 AS m, 1 + cityHash64(number, 2) % 4 AS r, toFloat64(cityHash64(number) % 10 < 3) AS conv
         FROM numbers(${Math.trunc(n)}))`;

/** The child: one run of one form, printing one JSON line. Plain node over dist/, as the CLI runs. */
const CHILD = `
const [url, n, form, model, sql, channels] = JSON.parse(process.argv[1]);
const { openClickHouse } = await import(${JSON.stringify(`${root}/dist/data/index.js`)});
const { streamPathSummary } = await import(${JSON.stringify(`${root}/dist/commands/attribute/stream-path-summary.js`)});
const { readPathColumns } = await import(${JSON.stringify(`${root}/dist/commands/attribute/build-path-summary.js`)});
const { attributeRecords, attributeResultOf } = await import(${JSON.stringify(`${root}/dist/commands/attribute/run-attribute.js`)});
const engine = await openClickHouse({ url, origin: 'bench' });
const t = performance.now();
const source = { file: 'synthetic', format: 'touchpoints', columns: {}, records: 0 };
let result;
if (form === 'stream') {
  const s = await streamPathSummary(engine, sql, channels, model, {});
  result = attributeResultOf(s.result, { ...source, records: s.rows });
} else {
  const built = await readPathColumns(engine, sql, channels, 0);
  result = attributeRecords(built.paths, { ...source, records: built.paths.rows }, model, {});
}
await engine.close();
const ru = process.resourceUsage();
console.log(JSON.stringify({ wall_ms: performance.now() - t, max_rss_kb: ru.maxRSS, records: result.source.records,
  distinct: result.totals.distinctPaths, conversions: result.totals.conversions, channels: result.channels }));
`;

interface Run {
  rss_mb: number;
  cpu_s: number;
  wall_s: number;
  load: number;
  out: {
    records: number;
    distinct: number;
    conversions: number;
    channels: { channel: string; conversions: number; value: number }[];
  };
}

function run(url: string, n: number, form: 'stream' | 'kept', model: string): Run {
  const load = loadavg()[0];
  const args = JSON.stringify([url, n, form, model, syntheticPathsSql(n), CHANNELS]);
  const p = spawnSync(
    '/usr/bin/time',
    ['-v', process.execPath, ...heapCap, '--input-type=module', '-e', CHILD, args],
    {
      encoding: 'utf8',
      maxBuffer: 1 << 26,
    },
  );
  if (p.status !== 0) throw new Error(`${form} ${model} ${n} failed: ${p.stderr}`);
  const field = (name: string) => Number(new RegExp(`${name}: ([\\d.:]+)`).exec(p.stderr)?.[1] ?? NaN);
  const wall = /Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): ([\d:.]+)/
    .exec(p.stderr)![1]
    .split(':')
    .map(Number);
  return {
    rss_mb: field('Maximum resident set size \\(kbytes\\)') / 1024,
    cpu_s: field('User time \\(seconds\\)') + field('System time \\(seconds\\)'),
    wall_s: wall.reduce((a, b) => a * 60 + b, 0),
    load,
    out: JSON.parse(p.stdout.trim().split('\n').pop()!),
  };
}

function agree(a: Run['out'], b: Run['out']): string {
  const by = (o: Run['out']) => new Map(o.channels.map((c) => [c.channel, c]));
  const x = by(a);
  let worst = 0;
  for (const [ch, c] of by(b)) {
    const d = x.get(ch);
    if (!d) return `channel ${ch} missing`;
    for (const k of ['conversions', 'value'] as const)
      worst = Math.max(worst, Math.abs(c[k] - d[k]) / Math.max(1, Math.abs(c[k])));
  }
  if (a.distinct !== b.distinct || a.conversions !== b.conversions) return 'totals differ';
  return worst <= 1e-9
    ? `equal (largest relative difference ${worst.toExponential(1)})`
    : `DIFFER by ${worst}`;
}

const server = await startClickHouse();
try {
  console.log(
    `attribute on ClickHouse path summaries (12 channels, 20 codes a path on average); gtm process figures`,
  );
  console.log('paths, model, form: peak RSS MB, CPU s (user+sys), wall s, load avg (1 min) at start');
  for (const n of sizes) {
    for (const model of models) {
      const line = (form: string, r: Run) =>
        `  ${n.toLocaleString('en-US')} paths, ${model}, ${form}: ${Math.round(r.rss_mb)} MB, ${r.cpu_s.toFixed(2)} s CPU, ${r.wall_s.toFixed(1)} s wall, load ${r.load.toFixed(1)}`;
      let stream: Run | null = null;
      if (forms.includes('stream')) {
        stream = run(server.url, n, 'stream', model);
        if (stream.out.distinct !== n)
          throw new Error(`${n} paths generated, ${stream.out.distinct} distinct read`);
        console.log(line('stream', stream));
      }
      if (forms.includes('kept') && n <= keptMax) {
        const kept = run(server.url, n, 'kept', model);
        console.log(`${line('kept', kept)}${stream ? `; credit ${agree(stream.out, kept.out)}` : ''}`);
      }
    }
  }
} finally {
  await server.stop();
}
