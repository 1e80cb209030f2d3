import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Engine } from '../src/data/index.ts';

/**
 * Writes a seeded synthetic touch log (Parquet) with `touches` rows over ~touches/10 journeys:
 * 12 channels with a skewed mix, strong channel persistence within a journey (as in real logs),
 * lengths 1..19 (mean 10), conversion rate ~5% driven by channel and length, values 50..950.
 * Rows are in global time order (journeys interleaved), as an event log is, so building paths
 * really has to group and order them.
 */
export async function ensureTouchData(engine: Engine, dir: string, touches: number): Promise<string> {
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `touches-${touches}.parquet`);
  if (existsSync(file)) return file;
  const journeys = Math.round(touches / 10);
  await engine.exec(`COPY (
    WITH j AS (SELECT range AS journey_id, 1 + (hash(range, 'len') % 19)::INT AS len, (hash(range, 'base') % 12)::INT AS base FROM range(${journeys}))
    SELECT j.journey_id, 1767225600 + (j.journey_id % 86400) * 30 + k * 3600 + (hash(j.journey_id, k, 't') % 600)::BIGINT AS ts,
      'ch_' || CASE WHEN hash(j.journey_id, k, 'p') % 100 < 70 THEN j.base ELSE floor(12 * pow((hash(j.journey_id, k, 'c') % 1000000) / 1e6, 1.6))::INT END AS channel,
      (hash(j.journey_id, 'conv') % 1000 < 30 + 25 * (j.base = 3)::INT + 20 * (j.len > 10)::INT)::INT AS converted,
      round((hash(j.journey_id, 'v') % 90000) / 100.0 + 50, 2) AS value
    FROM range(20) r(k) JOIN j ON r.k < j.len
  ) TO '${file.replace(/'/g, "''")}' (FORMAT parquet, ROW_GROUP_SIZE 1000000)`);
  return file;
}
