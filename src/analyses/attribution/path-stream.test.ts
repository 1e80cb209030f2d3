import { describe, expect, it } from 'vitest';
import { attribute } from './attribute.ts';
import { AttributionInputError } from './attribution-input-error.ts';
import { createRng, type Rng } from './create-rng.ts';
import { MODEL_NAMES, type ModelName } from './model-names.ts';
import { PathStream, pathStreamBlocker } from './path-stream.ts';
import type { AttributionOptions, PathColumns } from './types.ts';

/** Distinct random paths over `k` channels (some unused, some paths empty), with random weights. */
function randomColumns(rng: Rng, k: number, rows: number, opts: { empty?: boolean } = {}): PathColumns {
  const channels = Array.from({ length: k }, (_, i) =>
    i === 1 ? 'Direct' : `ch${String(i).padStart(2, '0')}`,
  );
  // a few channels never appear, so the result lists fewer channels than the dictionary
  const pool = channels.map((_, i) => i).filter((i) => i === 1 || i % 5 !== 3);
  const seen = new Set<string>();
  const paths: number[][] = [];
  let guard = 0;
  while (paths.length < rows && guard++ < rows * 50) {
    const len = opts.empty && rng.next() < 0.05 ? 0 : 1 + Math.floor(rng.next() * rng.next() * 9);
    const p = Array.from({ length: len }, () => pool[Math.floor(rng.next() * pool.length)]);
    // repeats of one channel in a row, as real journeys have
    if (len > 2 && rng.next() < 0.3) p[len - 1] = p[len - 2];
    const key = p.join(',');
    if (len > 0 && seen.has(key)) continue;
    seen.add(key);
    paths.push(p);
  }
  const n = paths.length;
  const offsets = new Int32Array(n + 1);
  paths.forEach((p, r) => (offsets[r + 1] = offsets[r] + p.length));
  const conversions = new Float64Array(n);
  const value = new Float64Array(n);
  const nulls = new Float64Array(n);
  for (let r = 0; r < n; r++) {
    const u = rng.next();
    conversions[r] = u < 0.35 ? 0 : u < 0.9 ? Math.floor(rng.next() * 6) : rng.next() * 3;
    nulls[r] = rng.next() < 0.2 ? 0 : Math.floor(rng.next() * 40);
    // value without conversions now and then (credited to nobody: unmatched for some models)
    value[r] = conversions[r] > 0 || rng.next() < 0.05 ? Math.round(rng.next() * 1e6) / 100 : 0;
  }
  return {
    channels,
    rows: n,
    offsets,
    codes: Int32Array.from(paths.flat()),
    conversions,
    value,
    nulls,
    distinct: true,
  };
}

function streamed(cols: PathColumns, model: ModelName, options: AttributionOptions) {
  const stream = new PathStream(cols.channels, model, options);
  // codes arrive line by line in a reused buffer, as the ClickHouse reader hands them over
  const line = new Int32Array(64);
  for (let r = 0; r < cols.rows; r++) {
    const off = cols.offsets[r];
    const len = cols.offsets[r + 1] - off;
    line.fill(-7);
    line.set(cols.codes.subarray(off, off + len), 3);
    stream.add(line, 3, len, cols.conversions[r], cols.value[r], cols.nulls[r]);
  }
  expect(stream.rows).toBe(cols.rows);
  return stream.finish();
}

const STREAMED = MODEL_NAMES.filter((m) => m !== 'fractribution');
const OPTIONS: AttributionOptions[] = [
  {},
  { markovOrder: 2, shapleyRates: 'exact', halfLifeSteps: 2.5 },
  { markovOrder: 3, directChannels: ['direct', 'ch02'], positionWeights: { first: 0.3, last: 0.5 } },
  { customWeights: [3, 1, 0, 2], jShapedWeights: { first: 0.1, last: 0.7 }, maxShapleyChannels: 12 },
];

describe('PathStream: a model over paths one at a time equals the path form', () => {
  it.each([
    [11, 7, 400, false],
    [23, 12, 2500, true],
    [37, 3, 60, true],
    [41, 9, 1, false],
  ])(
    'seed %i, %i channels, %i paths (empty paths: %s): every streamed model and option, exactly',
    (seed, k, rows, empty) => {
      const cols = randomColumns(createRng(seed), k, rows, { empty });
      for (const options of OPTIONS) {
        const opts = { customWeights: { first: 0.5, last: 0.3 }, ...options };
        for (const model of STREAMED) {
          const expected = attribute(cols, model, opts);
          const got = streamed(cols, model, opts);
          // the same additions in the same order: equal to the last bit, details included
          expect(got, `${model} ${JSON.stringify(options)}`).toEqual(expected);
        }
      }
    },
  );

  it('the sums are real: totals, unmatched and a hand-checked linear split', () => {
    const cols: PathColumns = {
      channels: ['email', 'search', 'social'],
      rows: 3,
      offsets: Int32Array.of(0, 2, 2, 3),
      codes: Int32Array.of(0, 1, 1),
      conversions: Float64Array.of(2, 1, 1),
      value: Float64Array.of(100, 30, 10),
      nulls: Float64Array.of(3, 4, 5),
      distinct: true,
    };
    const res = streamed(cols, 'linear', {});
    // email > search: 2 conversions split 1/1; search alone: 1; the empty path is unmatched
    expect(res.channels).toEqual([
      { channel: 'search', conversions: 2, value: 60 },
      { channel: '(unmatched)', conversions: 1, value: 30 },
      { channel: 'email', conversions: 1, value: 50 },
    ]);
    expect(res.totals).toEqual({
      conversions: 4,
      value: 140,
      nulls: 12,
      paths: 3,
      distinctPaths: 2,
      dropped: { journeys: 0, conversions: 0, value: 0, nulls: 0 },
    });
  });

  it('errors as the path form: a bad weight names its record, a bad code, too many channels for Shapley', () => {
    const cols = randomColumns(createRng(5), 6, 30);
    cols.nulls[17] = -1;
    expect(() => attribute(cols, 'markov')).toThrow('record 18: nulls must be a finite number ≥ 0, got -1');
    expect(() => streamed(cols, 'markov', {})).toThrow(
      'record 18: nulls must be a finite number ≥ 0, got -1',
    );
    const stream = new PathStream(['a', 'b'], 'linear');
    expect(() => stream.add(Int32Array.of(0, 2), 0, 2, 1, 0, 0)).toThrow(
      'record 1: channel code 2 is not an index into the 2 channels',
    );
    const wide = randomColumns(createRng(6), 12, 300);
    const message = (f: () => unknown) => {
      try {
        f();
      } catch (err) {
        expect(err).toBeInstanceOf(AttributionInputError);
        return (err as Error).message;
      }
      return 'no error';
    };
    const opts = { maxShapleyChannels: 5 };
    expect(message(() => streamed(wide, 'shapley', opts))).toBe(
      message(() => attribute(wide, 'shapley', opts)),
    );
    expect(message(() => new PathStream(['a'], 'custom'))).toBe(message(() => attribute(wide, 'custom')));
    expect(message(() => new PathStream(['a'], 'markov', { markovOrder: 0 }))).toBe(
      message(() => attribute(wide, 'markov', { markovOrder: 0 })),
    );
    expect(message(() => new PathStream(['a'], 'linear', { lookbackDays: -1 }))).toBe(
      message(() => attribute(wide, 'linear', { lookbackDays: -1 })),
    );
  });

  it('names what needs every path: compare, fractribution, a bootstrap, per-path credit, path options', () => {
    const ch = ['a', 'b'];
    expect(pathStreamBlocker('markov', {}, ch)).toBeNull();
    expect(
      pathStreamBlocker('linear', { bootstrap: 0, lookbackDays: 3, direct: 'keep', transforms: [] }, ch),
    ).toBeNull();
    expect(pathStreamBlocker('compare', {}, ch)).toMatch(/fractribution/);
    expect(pathStreamBlocker('fractribution', {}, ch)).toMatch(/fractribution/);
    expect(pathStreamBlocker('markov', { bootstrap: 50 }, ch)).toMatch(/bootstrap/);
    expect(pathStreamBlocker('linear', { perPath: true }, ch)).toMatch(/per-path/);
    for (const o of [
      { transforms: ['exposure' as const] },
      { lookbackSteps: 3 },
      { includeChannels: ['a'] },
      { excludeChannels: ['a'] },
      { direct: 'drop' as const },
    ])
      expect(pathStreamBlocker('linear', o, ch)).toMatch(/path options/);
    expect(pathStreamBlocker('linear', {}, ['a', 'a'])).toMatch(/repeats/);
    expect(
      pathStreamBlocker(
        'shapley',
        {},
        Array.from({ length: 31 }, (_, i) => `c${i}`),
      ),
    ).toMatch(/30 channels/);
    expect(() => new PathStream(ch, 'fractribution')).toThrow(/fractribution/);
  });
});
