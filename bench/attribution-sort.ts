// The yardstick of `gtm attribute --touchpoints`: one DuckDB sort of the same touches by journey and
// time, materialized, in its own process (same engine settings as the command).
import { openDuckDb } from '../src/data/index.ts';

const file = process.argv[2];
const engine = await openDuckDb();
const rel = `read_parquet('${file.replace(/'/g, "''")}')`;
const t = performance.now();
await engine.exec(
  `CREATE TEMP TABLE sorted AS SELECT journey_id, ts, channel FROM ${rel} ORDER BY journey_id, ts`,
);
const sortMs = performance.now() - t;
await engine.close();
console.log(JSON.stringify({ sort_ms: sortMs }));
