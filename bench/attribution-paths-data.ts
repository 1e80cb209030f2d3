import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** ChannelAttribution's example data names its 12 channels after Greek letters; so do we. */
export const BENCH_CHANNELS = [
  'alpha',
  'beta',
  'gamma',
  'delta',
  'epsilon',
  'zeta',
  'eta',
  'theta',
  'iota',
  'kappa',
  'lambda',
  'mi',
];

/**
 * Writes (once, then reuses) a seeded path summary in ChannelAttribution's format,
 * `path;total_conversions;total_conversion_value;total_null`, aggregating `journeys` synthetic
 * journeys: lengths 1..60 (geometric, continue with p = 0.8, mean 5 touches); each touch returns
 * to the channel two steps back with probability 0.54 (journeys bounce between two channels),
 * otherwise draws from a Zipf(1.3) mix of 12 channels, never the previous channel (no channel twice
 * in a row); conversion probability driven by channel and length, values 10..500 per conversion.
 * 1M journeys give ≈ 240k distinct paths (≈ 26 MB) and 5M ≈ 960k (≈ 110 MB), the sizes of issue 9.
 * Paths are written in order of first appearance, as a summary exported from a log would be.
 */
export function ensurePathSummary(dir: string, journeys: number, seed = 42): string {
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `paths-${journeys}-s${seed}.csv`);
  if (existsSync(file)) return file;
  const rnd = mulberry32(seed);
  const zipf = BENCH_CHANNELS.map((_, i) => 1 / Math.pow(i + 1, 1.3));
  const lift = BENCH_CHANNELS.map((_, i) => 0.6 + ((i * 7) % 12) / 10); // channel effect on conversion
  const byPath = new Map<string, [number, number, number]>();
  const parts: string[] = [];
  for (let j = 0; j < journeys; j++) {
    let len = 1;
    while (len < 60 && rnd() < 0.8) len++;
    parts.length = 0;
    let prev = -1;
    let prev2 = -1;
    let odds = 0.02 + 0.01 * Math.min(len, 8);
    for (let k = 0; k < len; k++) {
      let c = prev2;
      if (prev2 < 0 || rnd() >= 0.54) {
        let total = 0;
        for (let d = 0; d < 12; d++) if (d !== prev) total += zipf[d];
        let x = rnd() * total;
        for (c = 0; c < 12; c++) {
          if (c === prev) continue;
          x -= zipf[c];
          if (x <= 0) break;
        }
        if (c === 12) c = prev === 11 ? 10 : 11; // rounding at the very end of the range
      }
      parts.push(BENCH_CHANNELS[c]);
      odds *= Math.pow(lift[c], 1 / len);
      prev2 = prev;
      prev = c;
    }
    const key = parts.join(' > ');
    let row = byPath.get(key);
    if (!row) byPath.set(key, (row = [0, 0, 0]));
    if (rnd() < odds) {
      row[0]++;
      row[1] += Math.round((10 + rnd() * 490) * 100) / 100;
    } else row[2]++;
  }
  const lines = ['path;total_conversions;total_conversion_value;total_null'];
  for (const [key, [c, v, n]] of byPath) lines.push(`${key};${c};${Math.round(v * 100) / 100};${n}`);
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, `${lines.join('\n')}\n`);
  renameSync(tmp, file);
  return file;
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
