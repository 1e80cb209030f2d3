import { describe, expect, it } from 'vitest';
import { AttributionInputError } from './attribution-input-error.ts';
import { createRng } from './create-rng.ts';
import { parsePathColumns } from './parse-path-columns.ts';
import { PathColumnsParser } from './path-columns-parser.ts';

const HEADER = 'path;total_conversions;total_conversion_value;total_null';
const bytes = (text: string) => new TextEncoder().encode(text);

const errorOf = (fn: () => unknown): AttributionInputError => {
  try {
    fn();
  } catch (e) {
    if (e instanceof AttributionInputError) return e;
    throw e;
  }
  throw new Error('expected an AttributionInputError');
};

/** The columns as plain arrays, for comparison with hand-written expectations. */
const plain = (text: string | Uint8Array | Uint8Array[], separator?: string) => {
  const { paths, lines } = parsePathColumns(text, { separator });
  return {
    channels: paths.channels,
    offsets: Array.from(paths.offsets),
    codes: Array.from(paths.codes),
    conversions: Array.from(paths.conversions),
    value: Array.from(paths.value),
    nulls: Array.from(paths.nulls),
    lines: Array.from(lines),
  };
};

describe('parsePathColumns', () => {
  // Hand-built: a BOM, CRLF and LF endings, a blank line, a quoted path, a one-touch path, names that
  // differ only by surrounding (Unicode) whitespace, a non-ASCII name, and value forms Number accepts.
  const text =
    '\uFEFF' +
    `${HEADER}\r\n` +
    'email > search;3;300;10\r\n' +
    '\r\n' +
    '"search > ads; promo";1;1e2;0\n' +
    ' email\u00A0 >  café ;0;0;7\n' +
    'search;2;0.5;1\n' +
    'café > email > café;+4;2.25;.5';
  const expected = {
    channels: ['email', 'search', 'ads; promo', 'café'],
    offsets: [0, 2, 4, 6, 7, 10],
    codes: [0, 1, 1, 2, 0, 3, 1, 3, 0, 3],
    conversions: [3, 1, 0, 2, 4],
    value: [300, 100, 0, 0.5, 2.25],
    nulls: [10, 0, 7, 1, 0.5],
    lines: [2, 4, 5, 6, 7],
  };

  it('reads paths into channel codes with row offsets, counts into Float64Arrays', () => {
    expect(plain(text)).toEqual(expected);
    const { paths } = parsePathColumns(text);
    expect(paths.codes).toBeInstanceOf(Int32Array);
    expect(paths.conversions).toBeInstanceOf(Float64Array);
    expect(paths.rows).toBe(5);
  });

  it('gives the same columns whichever way the bytes are split into chunks', () => {
    const all = bytes(text);
    for (let cut = 0; cut <= all.length; cut++) {
      expect(plain([all.subarray(0, cut), all.subarray(cut)])).toEqual(expected);
    }
    // one byte at a time, through a reused buffer, as a file reader would push them
    const parser = new PathColumnsParser();
    const buffer = new Uint8Array(1);
    for (const b of all) {
      buffer[0] = b;
      parser.push(buffer);
    }
    expect(Array.from(parser.finish().paths.codes)).toEqual(expected.codes);
  });

  it('reads plain decimals to exactly the double Number() gives', () => {
    const rng = createRng(11);
    const values: string[] = [];
    for (let i = 0; i < 3000; i++) {
      const intDigits = Math.floor(rng.next() * 10);
      const fracDigits = Math.floor(rng.next() * 9);
      let v = '';
      for (let k = 0; k < intDigits; k++) v += Math.floor(rng.next() * 10);
      if (fracDigits > 0 || v === '') v += '.';
      for (let k = 0; k < fracDigits || v.endsWith('.'); k++) v += Math.floor(rng.next() * 10);
      values.push(rng.next() < 0.3 ? `+${v}` : v);
    }
    values.push('9007199254740993', '0.1', '0.30000000000000004', '123456789012345.6', '1e-7', '0x1F');
    const file = `${HEADER}\n${values.map((v, i) => `a;${i};${v};0`).join('\n')}\n`;
    const { paths } = parsePathColumns(file);
    values.forEach((v, i) => expect(Object.is(paths.value[i], Number(v))).toBe(true));
  });

  it('agrees with a direct string reading on random unquoted summaries', () => {
    const rng = createRng(5);
    const names = ['a', 'b', 'paid search', 'é', ' c ', 'd\u00A0'];
    for (let trial = 0; trial < 200; trial++) {
      const lines = [HEADER];
      for (let l = 0; l < 20; l++) {
        const len = 1 + Math.floor(rng.next() * 4);
        const path = Array.from({ length: len }, () => names[Math.floor(rng.next() * names.length)]);
        lines.push(
          `${path.join(' > ')};${Math.floor(rng.next() * 9)};${(rng.next() * 100).toFixed(2)};${Math.floor(rng.next() * 50)}`,
        );
      }
      const file = lines.join(rng.next() < 0.5 ? '\n' : '\r\n');
      // the reference: split lines and fields as strings, trim names, intern by first appearance
      const channels: string[] = [];
      const codes: number[] = [];
      const conversions: number[] = [];
      for (const line of file.split(/\r?\n/).slice(1)) {
        const [path, c] = line.split(';');
        if (path.trim() !== '')
          for (const name of path.split(' > ').map((n) => n.trim())) {
            if (!channels.includes(name)) channels.push(name);
            codes.push(channels.indexOf(name));
          }
        conversions.push(Number(c));
      }
      const got = plain(file);
      expect([got.channels, got.codes, got.conversions]).toEqual([channels, codes, conversions]);
    }
  });

  it.each([
    [
      'a quoted field that is not closed',
      `${HEADER}\na;1;2;3\n"b;1;2;3\n`,
      3,
      1,
      /quoted field is not closed/,
    ],
    ['text after a closing quote', `${HEADER}\n"b"x;1;2;3\n`, 2, 1, /unexpected text after a closing quote/],
    ['too few fields', `${HEADER}\na;1;2;3\nb;1;2\n`, 3, 4, /expected 4 fields separated by ";", found 3/],
    ['too many fields', `${HEADER}\nb;1;2;3;4\n`, 2, 5, /expected 4 fields separated by ";", found 5/],
    [
      'a word for a count',
      `${HEADER}\na;1;2;3\nb;one;2;3\n`,
      3,
      2,
      /total_conversions "one" is not a non-negative number/,
    ],
    ['an empty count', `${HEADER}\nb;;2;3\n`, 2, 2, /total_conversions "" is not a non-negative number/],
    ['a negative count', `${HEADER}\nb;1;2;-3\n`, 2, 4, /total_null "-3" is not a non-negative number/],
    [
      'an infinite value',
      `${HEADER}\nb;1;Infinity;3\n`,
      2,
      3,
      /total_conversion_value "Infinity" is not a non-negative number/,
    ],
    [
      'an overflowing count',
      `${HEADER}\nb;1e400;2;3\n`,
      2,
      2,
      /total_conversions "1e400" is not a non-negative number/,
    ],
    ['an empty touch', `${HEADER}\na >  > b;1;2;3\n`, 2, 1, /touch 2 of the path has no channel name/],
    // the same empty step whatever the spacing around the separator's symbol
    ['a doubled separator', `${HEADER}\na > > b;1;2;3\n`, 2, 1, /touch 2 of the path has no channel name/],
    ['a doubled symbol', `${HEADER}\na >> b;1;2;3\n`, 2, 1, /touch 2 of the path has no channel name/],
    ['a leading separator', `${HEADER}\n > a;1;2;3\n`, 2, 1, /touch 1 of the path has no channel name/],
    ['a leading symbol', `${HEADER}\n>a > b;1;2;3\n`, 2, 1, /touch 1 of the path has no channel name/],
    [
      'a trailing symbol',
      `${HEADER}\nb;1;2;3\na > b >;1;2;3\n`,
      3,
      1,
      /touch 3 of the path has no channel name/,
    ],
    [
      'a doubled separator, quoted',
      `${HEADER}\n"a > > b";1;2;3\n`,
      2,
      1,
      /touch 2 of the path has no channel name/,
    ],
    ['an empty path', `${HEADER}\na;1;2;3\n;1;10;0\n`, 3, 1, /^the path is empty$/],
    ['a blank path', `${HEADER}\n   ;1;10;0\n`, 2, 1, /^the path is empty$/],
    ['an empty quoted path', `${HEADER}\n"";1;10;0\n`, 2, 1, /^the path is empty$/],
    [
      'a negative value',
      `${HEADER}\nb;1;-10;0\n`,
      2,
      3,
      /total_conversion_value "-10" is not a non-negative number/,
    ],
    [
      'a blank touch (Unicode space)',
      `${HEADER}\na > \u00A0;1;2;3\n`,
      2,
      1,
      /touch 2 of the path has no channel name/,
    ],
  ])('refuses %s with its 1-based line and column', (_what, file, line, column, message) => {
    const e = errorOf(() => parsePathColumns(file));
    expect([e.line, e.column]).toEqual([line, column]);
    expect(e.message).toMatch(message);
    expect(e.hint).toBeTruthy();
    // the same error when the bad line arrives split across chunks
    const all = bytes(file);
    const split = errorOf(() =>
      parsePathColumns([all.subarray(0, all.length - 4), all.subarray(all.length - 4)]),
    );
    expect([split.line, split.column, split.message]).toEqual([e.line, e.column, e.message]);
  });

  it('keeps the separator symbol inside a channel name when no space touches it', () => {
    expect(plain(`${HEADER}\na>b > c-d;1;2;3\n`).channels).toEqual(['a>b', 'c-d']);
    // an unspaced separator leaves no stray symbol to look for: its empty steps are blank touches
    expect(plain(`${HEADER}\na > b|c;1;2;3\n`, '|').channels).toEqual(['a > b', 'c']);
    expect(errorOf(() => parsePathColumns(`${HEADER}\na||b;1;2;3\n`, { separator: '|' })).message).toBe(
      'touch 2 of the path has no channel name',
    );
    expect(errorOf(() => parsePathColumns(`${HEADER}\na;1;-0.5;0\n`)).hint).toMatch(/refunds/);
  });

  it('reports a wrong field count before a bad touch or number on the same line', () => {
    const e = errorOf(() => parsePathColumns(`${HEADER}\na >  > b;x;2\n`));
    expect(e.message).toMatch(/expected 4 fields/);
  });
});
