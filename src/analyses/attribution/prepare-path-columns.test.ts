import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { attribute } from './attribute.ts';
import { AttributionInputError } from './attribution-input-error.ts';
import { MODEL_NAMES } from './model-names.ts';
import { parsePathColumns } from './parse-path-columns.ts';
import { parsePathSummary } from './parse-path-summary.ts';
import { preparePaths, type PreparedPaths } from './prepare-paths.ts';
import { SequenceIndex } from './sequence-index.ts';
import type { AttributionOptions, PathColumns } from './types.ts';
import { referencePath } from '../../../test/helpers/reference-data.ts';

// ChannelAttribution's example data (Data.csv / PathData), GPL-3.0,
// https://github.com/DavideAltomare/ChannelAttribution.
const DATA = readFileSync(referencePath('attribution/channelattribution-paths.csv'));

const columns = (channels: string[], paths: number[][], weights: [number, number, number][]): PathColumns => {
  const offsets = new Int32Array(paths.length + 1);
  paths.forEach((p, r) => (offsets[r + 1] = offsets[r] + p.length));
  return {
    channels,
    rows: paths.length,
    offsets,
    codes: Int32Array.from(paths.flat()),
    conversions: Float64Array.from(weights, (w) => w[0]),
    value: Float64Array.from(weights, (w) => w[1]),
    nulls: Float64Array.from(weights, (w) => w[2]),
  };
};

const rowsOf = (prep: PreparedPaths) =>
  Array.from({ length: prep.rowCount }, (_, r) => {
    const s = prep.rowSeq[r];
    const path: string[] = [];
    if (s >= 0)
      for (let k = prep.sequences.starts[s]; k < prep.sequences.starts[s + 1]; k++)
        path.push(prep.tokens[prep.sequences.data[k]]);
    return [path.join('>'), prep.conversions[r], prep.value[r], prep.nulls[r]];
  });

describe('preparePaths on path columns', () => {
  it('merges repeated paths, pools empty ones last and reports only channels in use', () => {
    // channel 'unused' is in the dictionary but on no path; rows 0 and 2 are the same path
    const cols = columns(
      ['a', 'unused', 'b'],
      [[0, 2], [], [0, 2], [2]],
      [
        [1, 10, 2],
        [0, 0, 5],
        [2, 20, 1],
        [3, 30, 0],
      ],
    );
    const prep = preparePaths(cols);
    expect(prep.channels).toEqual(['a', 'b']);
    expect(rowsOf(prep)).toEqual([
      ['a>b', 3, 30, 3],
      ['b', 3, 30, 0],
      ['', 0, 0, 5],
    ]);
    expect(prep.rowsAreSequences).toBe(true);
  });

  it('applies transforms and channel filters to columns as to records', () => {
    const cols = columns(
      ['a', 'b', 'direct'],
      [[0, 0, 1, 2], [2]],
      [
        [1, 1, 0],
        [1, 1, 0],
      ],
    );
    expect(rowsOf(preparePaths(cols, { transforms: ['exposure'], direct: 'drop' })).map((r) => r[0])).toEqual(
      ['a>b', 'direct'],
    );
    expect(rowsOf(preparePaths(cols, { excludeChannels: ['a'] })).map((r) => r[0])).toEqual([
      'b>direct',
      'direct',
    ]);
  });

  it('shares the arrays of distinct, non-empty paths instead of copying them', () => {
    const cols = columns(
      ['a', 'b'],
      [[0, 1], [1], [1, 0]],
      [
        [1, 1, 1],
        [2, 2, 2],
        [3, 3, 3],
      ],
    );
    const prep = preparePaths(cols);
    expect(prep.conversions.buffer).toBe(cols.conversions.buffer);
    expect(prep.sequences.data.buffer).toBe(cols.codes.buffer);
    expect(rowsOf(prep)).toEqual([
      ['a>b', 1, 1, 1],
      ['b', 2, 2, 2],
      ['b>a', 3, 3, 3],
    ]);
  });

  it.each([
    [
      'a code outside the channels',
      columns(
        ['a'],
        [[0], [1]],
        [
          [1, 1, 1],
          [1, 1, 1],
        ],
      ),
      1,
      /channel code 1/,
    ],
    [
      'negative conversions',
      columns(
        ['a'],
        [[0], [0]],
        [
          [1, 1, 1],
          [-1, 1, 1],
        ],
      ),
      1,
      /conversions must be/,
    ],
    ['a NaN value', columns(['a'], [[0]], [[1, NaN, 1]]), 0, /value must be a finite number/],
    ['infinite nulls', columns(['a'], [[0]], [[1, 1, Infinity]]), 0, /nulls must be/],
  ])('refuses %s, naming the record', (_what, cols, record, message) => {
    let err: unknown;
    try {
      preparePaths(cols);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(AttributionInputError);
    expect((err as AttributionInputError).record).toBe(record);
    expect((err as AttributionInputError).message).toMatch(message);
  });

  it('gives the same credit when the columns are declared distinct (every model)', () => {
    // The example data repeats paths (10,000 rows, 5,408 paths): sum them per path first.
    const byPath = new Map<string, { path: number[]; w: [number, number, number] }>();
    const all = parsePathColumns(DATA).paths;
    for (let r = 0; r < all.rows; r++) {
      const path = Array.from(all.codes.subarray(all.offsets[r], all.offsets[r + 1]));
      const e = byPath.get(path.join()) ?? { path, w: [0, 0, 0] };
      e.w = [e.w[0] + all.conversions[r], e.w[1] + all.value[r], e.w[2] + all.nulls[r]];
      byPath.set(path.join(), e);
    }
    const entries = [...byPath.values()];
    const cols = columns(
      all.channels,
      entries.map((e) => e.path),
      entries.map((e) => e.w),
    );
    const plainPrep = preparePaths(cols);
    const distinctPrep = preparePaths({ ...cols, distinct: true });
    expect(plainPrep.sequences.data.buffer).toBe(cols.codes.buffer);
    for (const model of MODEL_NAMES) {
      const options = { customWeights: { first: 0.5, last: 0.3 } };
      expect(attribute(distinctPrep, model, options)).toEqual(attribute(plainPrep, model, options));
    }
  });

  it('reads 1- and 2-byte codes as 4-byte ones: every model, with and without transforms, bootstrap included', () => {
    const byPath = new Map<string, { path: number[]; w: [number, number, number] }>();
    const all = parsePathColumns(DATA).paths;
    for (let r = 0; r < all.rows; r++) {
      const path = Array.from(all.codes.subarray(all.offsets[r], all.offsets[r + 1]));
      const e = byPath.get(path.join()) ?? { path, w: [0, 0, 0] };
      e.w = [e.w[0] + all.conversions[r], e.w[1] + all.value[r], e.w[2] + all.nulls[r]];
      byPath.set(path.join(), e);
    }
    const entries = [...byPath.values()];
    const wide = {
      ...columns(
        all.channels,
        entries.map((e) => e.path),
        entries.map((e) => e.w),
      ),
      distinct: true,
    };
    const narrow = { ...wide, codes: Uint8Array.from(wide.codes) };
    const mid = { ...wide, codes: Uint16Array.from(wide.codes) };
    // the shared layout keeps the caller's bytes
    expect(preparePaths(narrow).sequences.data).toBe(narrow.codes);
    for (const options of [
      { customWeights: { first: 0.5, last: 0.3 } },
      { customWeights: [1, 2], transforms: ['frequency' as const], markovOrder: 2, bootstrap: 5, seed: 4 },
    ]) {
      for (const model of MODEL_NAMES) {
        const expected = attribute(wide, model, options);
        expect(attribute(narrow, model, options), model).toEqual(expected);
        expect(attribute(mid, model, options), model).toEqual(expected);
      }
    }
    // a lookup that adds to the shared index copies it into 4-byte items first
    const index = preparePaths(narrow).sequences;
    const id = index.add(Int32Array.of(300, 301), 0, 2);
    expect(index.data).toBeInstanceOf(Int32Array);
    expect(Array.from(index.data.subarray(index.starts[id], index.starts[id + 1]))).toEqual([300, 301]);
    expect(index.find(narrow.codes, narrow.offsets[7], narrow.offsets[8] - narrow.offsets[7])).toBe(7);
  });

  it('refuses offsets that do not fit the codes', () => {
    const cols = columns(['a'], [[0]], [[1, 1, 1]]);
    cols.offsets = Int32Array.from([0, 5]);
    expect(() => preparePaths(cols)).toThrow(/inconsistent/);
  });
});

describe('every model on columns equals the model on records (ChannelAttribution example data)', () => {
  const records = parsePathSummary(DATA.toString('utf8')).records;
  const cols = parsePathColumns(DATA).paths;
  const cases: [string, AttributionOptions][] = [
    ['no options', { customWeights: { first: 0.5, last: 0.3 } }],
    [
      'exposure + include',
      { customWeights: [1, 2], transforms: ['exposure'], includeChannels: ['alpha', 'beta', 'eta', 'iota'] },
    ],
  ];
  it.each(cases)('%s', (_name, options) => {
    const fromRecords = preparePaths(records, options);
    const fromColumns = preparePaths(cols, options);
    for (const model of MODEL_NAMES) {
      const a = attribute(fromRecords, model, options);
      const b = attribute(fromColumns, model, options);
      expect(b.totals).toEqual(a.totals);
      expect(b.channels.map((c) => c.channel)).toEqual(a.channels.map((c) => c.channel));
      b.channels.forEach((c, i) => {
        expect(c.conversions).toBeCloseTo(a.channels[i].conversions, 9);
        expect(c.value).toBeCloseTo(a.channels[i].value, 9);
      });
    }
  });
});

describe('SequenceIndex.over', () => {
  it('indexes CSR sequences in place, and copies them before the first add', () => {
    const data = Int32Array.from([1, 2, 2, 3, 1]);
    const starts = Int32Array.from([0, 2, 4, 5]);
    const index = SequenceIndex.over(data, starts, 3)!;
    expect(index.count).toBe(3);
    expect(index.find([2, 3], 0, 2)).toBe(1);
    expect(index.find([3, 2], 0, 2)).toBe(-1);
    expect(index.add([7, 7], 0, 2)).toBe(3);
    expect(index.find([1], 0, 1)).toBe(2);
    expect(Array.from(data)).toEqual([1, 2, 2, 3, 1]);
    expect(Array.from(starts)).toEqual([0, 2, 4, 5]);
  });

  it('defers its hash table over sequences known to be distinct until the first lookup', () => {
    const index = SequenceIndex.over(
      Int32Array.from([1, 2, 2, 3, 1]),
      Int32Array.from([0, 2, 4, 5]),
      3,
      true,
    )!;
    expect(index.count).toBe(3);
    expect(index.find([1], 0, 1)).toBe(2);
    const out = new Int32Array(2);
    index.leaveOneOut(0, out); // [1, 2] without 2 is [1], sequence 2; without 1 is [2], absent
    expect(Array.from(out)).toEqual([-1, 2]);
    expect(SequenceIndex.over(Int32Array.from([1]), Int32Array.from([0, 0, 1]), 2, true)).toBeNull();
  });

  it('declines repeated or empty sequences', () => {
    expect(SequenceIndex.over(Int32Array.from([1, 2, 1, 2]), Int32Array.from([0, 2, 4]), 2)).toBeNull();
    expect(SequenceIndex.over(Int32Array.from([1]), Int32Array.from([0, 0, 1]), 2)).toBeNull();
  });
});
