// One benchmark size in its own process, so peak RSS belongs to this size alone.
import { attribute, MODEL_NAMES, preparePaths, type ModelName } from '../src/analyses/attribution/index.ts';
import { buildPathColumns } from '../src/commands/attribute/build-path-summary.ts';
import { openDuckDb } from '../src/data/index.ts';

const file = process.argv[2];
const engine = await openDuckDb();
const rel = `read_parquet('${file.replace(/'/g, "''")}')`;
const [{ n }] = await engine.query<{ n: number }>(`SELECT count(*) AS n FROM ${rel}`);
let t = performance.now();
await engine.query(`SELECT channel, count(*) FROM ${rel} GROUP BY channel`);
const floorMs = performance.now() - t;
// the cost of one sort of the touches by journey and time, materialized (what "near one sort" means)
t = performance.now();
await engine.exec(
  `CREATE TEMP TABLE sorted AS SELECT journey_id, ts, channel FROM ${rel} ORDER BY journey_id, ts`,
);
const sortMs = performance.now() - t;
await engine.exec('DROP TABLE sorted');
const wall0 = performance.now();
const built = await buildPathColumns(engine, rel, {
  journey: 'journey_id',
  time: 'ts',
  channel: 'channel',
  converted: 'converted',
  value: 'value',
});
const models: Record<string, number> = {};
t = performance.now();
// dictionary encoding and aggregation of identical paths happen once, shared by every model
const prepared = preparePaths(built.paths, {});
models.prepare = performance.now() - t;
for (const m of MODEL_NAMES as readonly ModelName[]) {
  t = performance.now();
  const r = attribute(prepared, m, m === 'custom' ? { customWeights: { first: 0.5, last: 0.3 } } : {});
  models[m] = performance.now() - t;
  if (
    !(
      Math.abs(r.channels.reduce((s, c) => s + c.conversions, 0) - r.totals.conversions) <
      1e-6 * Math.max(1, r.totals.conversions)
    )
  )
    throw new Error(`${m}: credit does not sum to conversions`);
}
const wallMs = performance.now() - wall0;
await engine.close();
console.log(
  JSON.stringify({
    touches: Number(n),
    journeys: built.journeys,
    distinct_paths: built.paths.rows,
    floor_ms: floorMs,
    sort_ms: sortMs,
    engine_ms: built.timings.channels_ms + built.timings.paths_ms,
    decode_ms: built.timings.decode_ms,
    models_ms: Object.values(models).reduce((a, b) => a + b, 0),
    models,
    wall_ms: wallMs,
    peak_rss_mb: process.resourceUsage().maxRSS / 1024,
  }),
);
