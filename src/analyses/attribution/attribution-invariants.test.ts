import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { attribute } from './attribute.ts';
import { compareModels } from './compare-models.ts';
import { createRng } from './create-rng.ts';
import { MODEL_NAMES, type ModelName } from './model-names.ts';
import { parsePathSummary } from './parse-path-summary.ts';
import { preparePaths } from './prepare-paths.ts';
import { samplePoisson } from './sample-poisson.ts';
import type { AttributionOptions, PathRecord } from './types.ts';
import { referencePath } from '../../../test/helpers/reference-data.ts';

// ChannelAttribution's example data (Data.csv / PathData), GPL-3.0,
// https://github.com/DavideAltomare/ChannelAttribution.
const data: PathRecord[] = parsePathSummary(
  readFileSync(referencePath('attribution/channelattribution-paths.csv'), 'utf8'),
).records;

const DAY = 86_400_000;
const options: AttributionOptions = { customWeights: { first: 0.5, middle: 0.2, last: 0.3 } };

/**
 * Journeys with timestamps and funnel roles where channels a and b are interchangeable (every
 * journey has its mirror with a ↔ b) and `dead` only ever ends non-converting journeys.
 */
function symmetricJourneys(): PathRecord[] {
  const rng = createRng(99);
  const channels = ['a', 'b', 'c', 'd', 'direct'];
  const out: PathRecord[] = [];
  for (let i = 0; i < 600; i++) {
    const len = 1 + Math.floor(rng.next() * 6);
    const path = Array.from({ length: len }, () => channels[Math.floor(rng.next() * channels.length)]);
    const start = Math.floor(rng.next() * 1000) * DAY;
    const timestamps = path.map((_, k) => start + k * Math.floor(1 + rng.next() * 5) * DAY);
    const conversions = samplePoisson(rng, 1.2);
    const rec: PathRecord = {
      path,
      conversions,
      value: conversions * Math.round(100 + 900 * rng.next()),
      nulls: samplePoisson(rng, 3),
      timestamps,
      convertedAt: timestamps[len - 1] + DAY,
    };
    if (len >= 3) rec.roles = { lead: 1, opportunity: len - 1 };
    const swap = (c: string) => (c === 'a' ? 'b' : c === 'b' ? 'a' : c);
    out.push(rec, { ...rec, path: path.map(swap) });
  }
  out.push(
    { path: ['c', 'dead'], conversions: 0, value: 0, nulls: 7 },
    { path: ['dead'], conversions: 0, value: 0, nulls: 2 },
  );
  return out;
}

const journeys = symmetricJourneys();
const datasets: [string, PathRecord[]][] = [
  ['ChannelAttribution Data', data],
  ['symmetric journeys', journeys],
];

describe.each(datasets)('invariants of every model on %s', (_name, records) => {
  const prepared = preparePaths(records, options);
  const totalConv = records.reduce((s, r) => s + r.conversions, 0);
  const totalValue = records.reduce((s, r) => s + r.value, 0);

  it.each([...MODEL_NAMES])(
    '%s: credit sums to total conversions and value; identical across runs',
    (model) => {
      const res = attribute(prepared, model, options);
      const conv = res.channels.reduce((s, c) => s + c.conversions, 0);
      const value = res.channels.reduce((s, c) => s + c.value, 0);
      expect(Math.abs(conv - totalConv) / totalConv).toBeLessThan(1e-9);
      expect(Math.abs(value - totalValue) / totalValue).toBeLessThan(1e-9);
      expect(attribute(records, model, options)).toEqual(res);
    },
  );
});

describe('symmetry and null channels', () => {
  it.each([...MODEL_NAMES])(
    '%s gives interchangeable channels equal credit and a never-converting channel 0',
    (model) => {
      const res = attribute(journeys, model, options);
      const by = Object.fromEntries(res.channels.map((c) => [c.channel, c]));
      expect(Math.abs(by.a.conversions - by.b.conversions)).toBeLessThan(1e-9 * res.totals.conversions);
      expect(Math.abs(by.a.value - by.b.value)).toBeLessThan(1e-9 * res.totals.value);
      expect(by.dead?.conversions ?? 0).toBe(0);
      expect(by.dead?.value ?? 0).toBe(0);
    },
  );
});

describe('bootstrap', () => {
  it.each(['markov', 'shapley', 'fractribution', 'linear'] as ModelName[])(
    '%s: same seed → same intervals; intervals contain the estimate; another seed differs',
    (model) => {
      const a = attribute(data, model, { bootstrap: 60, seed: 7 });
      const b = attribute(data, model, { bootstrap: 60, seed: 7 });
      const c = attribute(data, model, { bootstrap: 60, seed: 8 });
      expect(b).toEqual(a);
      expect(c.channels.map((x) => x.conversionsCI)).not.toEqual(a.channels.map((x) => x.conversionsCI));
      expect(a.bootstrap).toEqual({ resamples: 60, seed: 7, level: 0.95 });
      for (const ch of a.channels.filter((x) => x.conversions > 50)) {
        const [lo, hi] = ch.conversionsCI!;
        expect(lo).toBeLessThanOrEqual(ch.conversions);
        expect(hi).toBeGreaterThanOrEqual(ch.conversions);
        expect(hi).toBeGreaterThan(lo);
        const [vlo, vhi] = ch.valueCI!;
        expect(vlo).toBeLessThanOrEqual(ch.value);
        expect(vhi).toBeGreaterThanOrEqual(ch.value);
      }
    },
  );

  it('intervals have the coverage of the Poisson noise they model (linear, a closed form exists)', () => {
    // Linear credit of channel k is Σ_r conv_r·w_rk with conv_r ~ Poisson, so its variance is Σ conv_r·w_rk².
    const res = attribute(data, 'linear', { bootstrap: 400, seed: 3 });
    for (const ch of res.channels.filter((c) => c.conversions > 1000)) {
      let variance = 0;
      for (const r of data) {
        const w = r.path.filter((c) => c === ch.channel).length / r.path.length;
        variance += r.conversions * w * w;
      }
      const width = ch.conversionsCI![1] - ch.conversionsCI![0];
      // a 95% normal interval is 3.92 sd wide; 400 resamples estimate it within ~10%
      expect(width / (3.92 * Math.sqrt(variance))).toBeGreaterThan(0.85);
      expect(width / (3.92 * Math.sqrt(variance))).toBeLessThan(1.15);
    }
  });
});

describe('compareModels', () => {
  it('reports each channel’s min, max and per-model credit, skipping custom without weights', () => {
    const cmp = compareModels(data);
    expect(cmp.skipped).toEqual([{ model: 'custom', reason: 'no customWeights given' }]);
    expect(cmp.models).toEqual(MODEL_NAMES.filter((m) => m !== 'custom'));
    for (const ch of cmp.channels) {
      const values = cmp.models.map((m) => ch.conversions.byModel[m]!);
      expect(ch.conversions.min).toBe(Math.min(...values));
      expect(ch.conversions.max).toBe(Math.max(...values));
      const single = attribute(data, 'markov').channels.find((c) => c.channel === ch.channel)!;
      expect(ch.conversions.byModel.markov).toBe(single.conversions);
    }
  });
});
