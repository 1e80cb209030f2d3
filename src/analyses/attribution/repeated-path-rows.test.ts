import { describe, expect, it } from 'vitest';
import { attribute } from './attribute.ts';
import type { PathRecord } from './types.ts';

/**
 * Journeys of one path kept as rows of their own (their touch times differ): the path-level models
 * (Markov, fractribution) sum every row of the path. When the first rows were each a new path and a
 * later row repeated one (a, b, a, a), the later rows were left out of the sums.
 */
const row = (path: string[], value: number, conversions: number, ts: number): PathRecord => ({
  path,
  conversions,
  value,
  nulls: 1 - conversions,
  timestamps: path.map((_, i) => ts + i),
  convertedAt: ts + 100,
});

const rows: PathRecord[] = [
  row(['acme', 'web'], 1100, 1, 1),
  row(['house'], 650, 1, 2),
  row(['acme', 'web'], 240, 1, 3),
  row(['acme', 'web'], 0, 0, 4),
  row(['acme', 'web'], 60, 1, 5),
];
// The same journeys summed per path, as a path summary holds them.
const merged: PathRecord[] = [
  { path: ['acme', 'web'], conversions: 3, value: 1400, nulls: 1 },
  { path: ['house'], conversions: 1, value: 650, nulls: 0 },
];

const byChannel = (r: ReturnType<typeof attribute>) =>
  Object.fromEntries(r.channels.map((c) => [c.channel, [c.conversions, c.value]]));

describe('rows of a repeated path', () => {
  for (const model of ['markov', 'fractribution', 'shapley', 'linear'])
    it(`${model}: credit equals the per-path summary's`, () => {
      const r = attribute(rows, model);
      const m = attribute(merged, model);
      expect(r.totals).toMatchObject({ conversions: 4, value: 2050, nulls: 1, paths: 5, distinctPaths: 2 });
      const got = byChannel(r);
      for (const [ch, [c, v]] of Object.entries(byChannel(m))) {
        expect(got[ch][0]).toBeCloseTo(c, 9);
        expect(got[ch][1]).toBeCloseTo(v, 9);
      }
      const sum = r.channels.reduce((s, c) => s + c.value, 0);
      expect(sum).toBeCloseTo(2050, 9);
    });

  it('markov: conversions split by the removal effects, by hand', () => {
    // Paths: acme > web (3 conversions, 1 null), house (1 conversion). P(convert) = 4/5; without
    // acme or without web 1/5 (effect 0.75 each), without house 3/5 (effect 0.25): 3/7, 3/7, 1/7
    // of the 4 conversions.
    const r = byChannel(attribute(rows, 'markov'));
    expect(r.acme[0]).toBeCloseTo((4 * 3) / 7, 9);
    expect(r.web[0]).toBeCloseTo((4 * 3) / 7, 9);
    expect(r.house[0]).toBeCloseTo(4 / 7, 9);
  });
});
