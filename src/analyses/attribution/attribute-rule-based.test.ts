import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { attribute } from './attribute.ts';
import { parsePathSummary } from './parse-path-summary.ts';
import type { PathRecord } from './types.ts';
import { referencePath } from '../../../test/helpers/reference-data.ts';

// ChannelAttribution's example data (Data.csv / PathData), GPL-3.0,
// https://github.com/DavideAltomare/ChannelAttribution: 10,000 journeys, 19,785 conversions.
const records: PathRecord[] = parsePathSummary(
  readFileSync(referencePath('attribution/channelattribution-paths.csv'), 'utf8'),
).records;

/** Credit by straightforward loops: `weightsOf` returns per-touch weights for one path. */
function loopCredit(weightsOf: (path: string[]) => number[]) {
  const conv = new Map<string, number>();
  const value = new Map<string, number>();
  for (const r of records) {
    const w = weightsOf(r.path);
    r.path.forEach((c, i) => {
      conv.set(c, (conv.get(c) ?? 0) + r.conversions * w[i]);
      value.set(c, (value.get(c) ?? 0) + r.value * w[i]);
    });
  }
  return { conv, value };
}

const positional = (first: number, middle: number, last: number) => (p: string[]) => {
  const n = p.length;
  if (n === 1) return [1];
  if (n === 2) return [first / (first + last), last / (first + last)];
  return p.map((_, i) => (i === 0 ? first : i === n - 1 ? last : middle / (n - 2)));
};

const independent: Record<string, (p: string[]) => number[]> = {
  'first-touch': (p) => p.map((_, i) => (i === 0 ? 1 : 0)),
  'last-touch': (p) => p.map((_, i) => (i === p.length - 1 ? 1 : 0)),
  linear: (p) => p.map(() => 1 / p.length),
  'position-based': positional(0.4, 0.2, 0.4),
  'j-shaped': positional(0.2, 0.2, 0.6),
  'inverse-j': positional(0.6, 0.2, 0.2),
  'time-decay': (p) => {
    // no timestamps: half-life of one step back from the last touch
    const w = p.map((_, i) => 0.5 ** (p.length - 1 - i));
    const s = w.reduce((a, b) => a + b, 0);
    return w.map((x) => x / s);
  },
};

describe('rule-based models on ChannelAttribution Data', () => {
  it('has the documented totals', () => {
    const res = attribute(records, 'linear');
    expect(res.totals.conversions).toBe(19785);
    expect(res.totals.value).toBeCloseTo(74802.97, 2);
    expect(res.totals.nulls).toBe(68602);
    expect(res.channels).toHaveLength(12);
  });

  it.each(Object.keys(independent))('%s matches an independent loop computation', (model) => {
    const res = attribute(records, model);
    const { conv, value } = loopCredit(independent[model]);
    for (const c of res.channels) {
      expect(c.conversions).toBeCloseTo(conv.get(c.channel)!, 7);
      expect(c.value).toBeCloseTo(value.get(c.channel)!, 7);
    }
  });

  it('last-non-direct skips the configured direct channel unless the path is all direct', () => {
    const res = attribute(records, 'last-non-direct', { directChannels: ['ALPHA'] });
    const { conv } = loopCredit((p) => {
      let i = p.length - 1;
      while (i >= 0 && p[i] === 'alpha') i--;
      if (i < 0) i = p.length - 1;
      return p.map((_, k) => (k === i ? 1 : 0));
    });
    for (const c of res.channels) expect(c.conversions).toBeCloseTo(conv.get(c.channel)!, 9);
    // alpha keeps only the journeys that are all alpha
    const allAlpha = records
      .filter((r) => r.path.every((c) => c === 'alpha'))
      .reduce((s, r) => s + r.conversions, 0);
    expect(res.channels.find((c) => c.channel === 'alpha')!.conversions).toBe(allAlpha);
  });

  it('custom weight arrays repeat their last entry and are normalised', () => {
    const res = attribute(records, 'custom', { customWeights: [3, 1, 2] });
    const { conv } = loopCredit((p) => {
      const w = p.map((_, i) => [3, 1, 2][Math.min(i, 2)]);
      const s = w.reduce((a, b) => a + b, 0);
      return w.map((x) => x / s);
    });
    for (const c of res.channels) expect(c.conversions).toBeCloseTo(conv.get(c.channel)!, 7);
  });
});

describe('time-decay with timestamps', () => {
  it('weights touches by 2^(−age / half-life) from the conversion', () => {
    const day = 86_400_000;
    const res = attribute(
      [
        {
          path: ['a', 'b', 'c'],
          conversions: 1,
          value: 100,
          nulls: 0,
          timestamps: [0, 7 * day, 14 * day],
          convertedAt: 14 * day,
        },
      ],
      'time-decay',
      { halfLifeDays: 7, perPath: true },
    );
    // ages 14, 7, 0 days → weights 1/4, 1/2, 1 → normalised by 7/4
    expect(res.perPath![0].shares.a).toBeCloseTo(1 / 7, 15);
    expect(res.perPath![0].shares.b).toBeCloseTo(2 / 7, 15);
    expect(res.perPath![0].shares.c).toBeCloseTo(4 / 7, 15);
  });
});
