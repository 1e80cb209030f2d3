import { describe, expect, it } from 'vitest';
import { attribute } from './attribute.ts';
import { preparePaths, type PreparedPaths } from './prepare-paths.ts';
import type { PathOptions, PathRecord } from './types.ts';

const DAY = 86_400_000;

/** Prepared sequences as channel-label arrays, in row order. */
const sequencesOf = (prep: PreparedPaths): string[][] =>
  Array.from({ length: prep.rowCount }, (_, r) => {
    const s = prep.rowSeq[r];
    if (s < 0) return [];
    const out: string[] = [];
    for (let k = prep.sequences.starts[s]; k < prep.sequences.starts[s + 1]; k++)
      out.push(prep.tokens[prep.sequences.data[k]]);
    return out;
  });

const one = (path: string[], options: PathOptions): string[] =>
  sequencesOf(preparePaths([{ path, conversions: 1, value: 1, nulls: 0 }], options))[0];

// The example of google/fractribution's tuple_transforms.py docstrings: (D, A, B, B, C, D, C, C).
const EXAMPLE = ['D', 'A', 'B', 'B', 'C', 'D', 'C', 'C'];

describe('path transforms (fractribution semantics)', () => {
  it.each([
    ['unique', ['D', 'A', 'B', 'B', 'C', 'D', 'C', 'C']],
    ['exposure', ['D', 'A', 'B', 'C', 'D', 'C']],
    ['first', ['D', 'A', 'B', 'C']],
    ['frequency', ['D(2)', 'A(1)', 'B(2)', 'C(3)']],
    ['first-touch', ['D']],
    ['trim(3)', ['D', 'C', 'C']],
  ] as const)('%s', (transform, expected) => {
    expect(one(EXAMPLE, { transforms: [transform] })).toEqual(expected);
  });

  it('chains transforms in the order given', () => {
    expect(one(EXAMPLE, { transforms: ['exposure', { trim: 2 }] })).toEqual(['D', 'C']);
    expect(one(EXAMPLE, { transforms: [{ trim: 2 }, 'exposure'] })).toEqual(['C']);
  });

  it('remove-direct drops direct unless the path is all direct; remove-last-direct drops a trailing run', () => {
    expect(one(['Direct', 'seo', 'direct', 'ads', 'direct'], { transforms: ['remove-direct'] })).toEqual([
      'seo',
      'ads',
    ]);
    expect(one(['direct', 'direct'], { transforms: ['remove-direct'] })).toEqual(['direct', 'direct']);
    expect(one(['direct', 'seo', 'direct', 'direct'], { transforms: ['removeIfLastAndNotAll'] })).toEqual([
      'direct',
      'seo',
    ]);
    expect(one(['direct', 'direct'], { transforms: ['remove-last-direct'] })).toEqual(['direct', 'direct']);
    expect(one(['seo', 'brand'], { direct: 'drop', directChannels: ['brand'] })).toEqual(['seo']);
    expect(one(['brand', 'seo', 'brand'], { direct: 'drop-last', directChannels: ['brand'] })).toEqual([
      'brand',
      'seo',
    ]);
  });

  it('rejects unknown transforms naming the option', () => {
    expect(() => one(EXAMPLE, { transforms: ['shuffle' as never] })).toThrow(
      /unknown path transform "shuffle"/,
    );
  });
});

describe('filters', () => {
  const journey: PathRecord = {
    path: ['a', 'b', 'c', 'd'],
    conversions: 1,
    value: 10,
    nulls: 0,
    timestamps: [0, 10 * DAY, 20 * DAY, 25 * DAY],
    convertedAt: 30 * DAY,
  };

  it('lookback by steps keeps the most recent touches', () => {
    expect(one(['a', 'b', 'c', 'd'], { lookbackSteps: 2 })).toEqual(['c', 'd']);
  });

  it('lookback by days keeps touches at most N days before the conversion', () => {
    expect(sequencesOf(preparePaths([journey], { lookbackDays: 10 }))[0]).toEqual(['c', 'd']);
    expect(sequencesOf(preparePaths([journey], { lookbackDays: 30 }))[0]).toEqual(['a', 'b', 'c', 'd']);
  });

  it('the conversion window drops whole journeys and accounts for them', () => {
    const prep = preparePaths(
      [journey, { ...journey, timestamps: [20 * DAY, 21 * DAY, 22 * DAY, 23 * DAY] }],
      {
        conversionWindowDays: 15,
      },
    );
    expect(prep.rowCount).toBe(1);
    expect(prep.dropped).toEqual({ journeys: 1, conversions: 1, value: 10, nulls: 0 });
  });

  it('include and exclude channels; a journey left empty is credited to (unmatched)', () => {
    expect(one(['a', 'b', 'c'], { includeChannels: ['a', 'c'] })).toEqual(['a', 'c']);
    expect(one(['a', 'b', 'c'], { excludeChannels: ['b'] })).toEqual(['a', 'c']);
    const res = attribute(
      [
        { path: ['a'], conversions: 2, value: 20, nulls: 0 },
        { path: ['b'], conversions: 1, value: 5, nulls: 0 },
      ],
      'linear',
      { excludeChannels: ['b'] },
    );
    expect(res.channels).toEqual([
      { channel: 'a', conversions: 2, value: 20 },
      { channel: '(unmatched)', conversions: 1, value: 5 },
    ]);
  });

  it('moves a removed touch’s funnel role to the nearest kept touch before it', () => {
    const rec: PathRecord = {
      path: ['a', 'x', 'x', 'b', 'c'],
      conversions: 1,
      value: 1,
      nulls: 0,
      roles: { lead: 2, opportunity: 4 },
    };
    const prep = preparePaths([rec], { transforms: ['exposure'] });
    expect(sequencesOf(prep)[0]).toEqual(['a', 'x', 'b', 'c']);
    expect(Array.from(prep.roles!.subarray(0, 3))).toEqual([1, 3, -1]);
    // a lead on a dropped first touch moves forward to the first kept one
    const early = preparePaths([{ ...rec, roles: { lead: 0 } }], { excludeChannels: ['a'] });
    expect(Array.from(early.roles!.subarray(0, 3))).toEqual([0, -1, -1]);
  });

  it('merges identical prepared paths without timestamps into one row', () => {
    const prep = preparePaths(
      [
        { path: ['a', 'a', 'b'], conversions: 1, value: 2, nulls: 3 },
        { path: ['a', 'b'], conversions: 4, value: 5, nulls: 6 },
      ],
      { transforms: ['exposure'] },
    );
    expect(prep.rowCount).toBe(1);
    expect([prep.conversions[0], prep.value[0], prep.nulls[0]]).toEqual([5, 7, 9]);
  });

  it('validates records and options with what to fix', () => {
    expect(() => preparePaths([{ path: ['a'], conversions: -1, value: 0, nulls: 0 }])).toThrow(
      /record 1: conversions/,
    );
    expect(() =>
      preparePaths([{ path: ['a'], conversions: 1, value: 0, nulls: 0, timestamps: [1, 2] }]),
    ).toThrow(/2 timestamps for 1 touches/);
    expect(() =>
      preparePaths([{ path: ['a'], conversions: 1, value: 0, nulls: 0, roles: { lead: 3 } }]),
    ).toThrow(/roles.lead = 3/);
    expect(() => preparePaths([], { lookbackSteps: 0 })).toThrow(/lookbackSteps must be a whole number/);
  });
});
