/**
 * Google Analytics writes direct traffic as the source `(direct)` (medium `(none)`): a path file of
 * GA sources kept it as an ordinary channel, so last-non-direct credited `(direct)` and `--direct
 * drop` left it in. It is now direct by default, in every form (records, columns, streamed paths,
 * touchWeights); a caller's own list still replaces the defaults.
 */
import { describe, expect, it } from 'vitest';
import { attribute, PathStream, touchWeights } from './index.ts';
import type { PathRecord } from './types.ts';

const credit = (r: ReturnType<typeof attribute>) =>
  Object.fromEntries(r.channels.map((c) => [c.channel, c.conversions]));

// by hand, last-non-direct: A (1 + 2), B 4, (direct) only where nothing else is (5)
const RECORDS: PathRecord[] = [
  { path: ['A', '(direct)'], conversions: 1, value: 10, nulls: 0 },
  { path: ['(Direct) / (None)', 'A', '(direct)'], conversions: 2, value: 20, nulls: 1 },
  { path: ['B', 'Direct'], conversions: 4, value: 40, nulls: 0 },
  { path: ['(direct)'], conversions: 5, value: 50, nulls: 2 },
];

describe('direct channels', () => {
  it("last-non-direct passes over GA's (direct) and (direct) / (none), in any case", () => {
    expect(credit(attribute(RECORDS, 'last-non-direct'))).toEqual({
      A: 3,
      B: 4,
      '(direct)': 5,
      '(Direct) / (None)': 0,
      Direct: 0,
    });
    expect(touchWeights({ path: ['email', '(direct)'] }, 'last-non-direct')).toEqual([1, 0]);
  });

  it('--direct drop removes them unless the path is all direct', () => {
    const r = attribute(RECORDS, 'linear', { direct: 'drop' });
    expect(credit(r)).toEqual({ A: 3, B: 4, '(direct)': 5 });
  });

  it('a streamed path run gives the same credit', () => {
    const channels = ['A', '(direct)', '(Direct) / (None)', 'B', 'Direct'];
    const stream = new PathStream(channels, 'last-non-direct');
    for (const r of RECORDS) {
      const codes = Int32Array.from(r.path, (c) => channels.indexOf(c));
      stream.add(codes, 0, codes.length, r.conversions, r.value, r.nulls);
    }
    const byChannel = Object.fromEntries(stream.finish().channels.map((c) => [c.channel, c.conversions]));
    expect(byChannel).toMatchObject({ A: 3, B: 4, '(direct)': 5 });
  });

  it("the caller's own list replaces the defaults", () => {
    const r = attribute(RECORDS, 'last-non-direct', { directChannels: ['direct'] });
    expect(credit(r)).toMatchObject({ A: 0, '(direct)': 8, B: 4 });
  });
});
