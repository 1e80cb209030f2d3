// One path-summary file in its own process, so peak RSS belongs to this file alone: where the time
// of `gtm attribute --paths` goes (read, parse, prepare, each model).
import { readFileSync } from 'node:fs';
import {
  attribute,
  MODEL_NAMES,
  parsePathColumns,
  preparePaths,
  type ModelName,
} from '../src/analyses/attribution/index.ts';

const file = process.argv[2];
const models = (process.argv[3]?.split(',') ?? MODEL_NAMES) as ModelName[];
let t = performance.now();
const bytes = readFileSync(file);
const readMs = performance.now() - t;
t = performance.now();
const parsed = parsePathColumns(bytes);
const parseMs = performance.now() - t;
t = performance.now();
const prepared = preparePaths(parsed.paths, {});
const prepareMs = performance.now() - t;
const byModel: Record<string, number> = {};
for (const m of models) {
  t = performance.now();
  const r = attribute(prepared, m, m === 'custom' ? { customWeights: { first: 0.5, last: 0.3 } } : {});
  byModel[m] = performance.now() - t;
  const credited = r.channels.reduce((s, c) => s + c.conversions, 0);
  if (!(Math.abs(credited - r.totals.conversions) < 1e-6 * Math.max(1, r.totals.conversions)))
    throw new Error(`${m}: credit does not sum to conversions`);
}
let journeys = 0;
for (let r = 0; r < parsed.paths.rows; r++) journeys += parsed.paths.conversions[r] + parsed.paths.nulls[r];
console.log(
  JSON.stringify({
    bytes: bytes.length,
    journeys,
    paths: parsed.paths.rows,
    touches: parsed.paths.offsets[parsed.paths.rows],
    read_ms: readMs,
    parse_ms: parseMs,
    prepare_ms: prepareMs,
    models_ms: Object.values(byModel).reduce((a, b) => a + b, 0),
    models: byModel,
    peak_rss_mb: process.resourceUsage().maxRSS / 1024,
  }),
);
