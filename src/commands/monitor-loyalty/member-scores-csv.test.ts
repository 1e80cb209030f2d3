/**
 * The number cells of member_scores.csv: rounded to their decimals through a scaled integer (as
 * fast as integers are written), trailing zeros dropped, never `-0`, `NaN` or an exponent for the
 * values a member has.
 */
import { describe, expect, it } from 'vitest';
import { CsvBytes, fixed } from './member-scores-bytes.ts';

describe('fixed', () => {
  it.each([
    [349.43, 6, '349.43'],
    [0.0005, 6, '0.0005'],
    [1e-13, 12, '0'],
    [-2.5, 6, '-2.5'],
    [-1e-7, 6, '0'],
    [0.1 + 0.2, 6, '0.3'],
    [0.9360981897992372, 12, '0.936098189799'],
    [99.9999999, 6, '100'],
    [1, 12, '1'],
    [1234567.891, 6, '1234567.891'],
    [Number.NaN, 6, ''],
    [Number.POSITIVE_INFINITY, 6, ''],
  ])('%s to %i decimals is %s', (v, d, cell) => expect(fixed(v, d)).toBe(cell));

  it('is within half a unit of the last decimal of the value, on random values', () => {
    let seed = 7;
    const random = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
    for (let k = 0; k < 20000; k++) {
      const v = (random() - 0.3) * 10 ** Math.floor(random() * 8 - 2);
      const d = [6, 9, 12][k % 3];
      expect(Math.abs(Number(fixed(v, d)) - v)).toBeLessThanOrEqual(0.5 * 10 ** -d + Math.abs(v) * 1e-15);
    }
  });

  it('is written as the same bytes by CsvBytes (the writer of the file), on random and edge values', () => {
    let seed = 11;
    const random = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
    const values: number[] = [
      0,
      -0,
      1,
      -1,
      0.5,
      -0.5,
      1e-7,
      -1e-7,
      5e-7,
      1e21,
      -1e21,
      2 ** 53,
      2 ** 53 + 2,
      9007199254740.5,
      123456789.123456789,
      1e15 + 0.3,
      0.1 + 0.2,
      99.9999999,
      1e-13,
      Number.NaN,
      Number.NEGATIVE_INFINITY,
      Number.MAX_VALUE,
      Number.MIN_VALUE,
      1 / 3,
      -2 / 3,
    ];
    for (let k = 0; k < 30000; k++) {
      const v = (random() - 0.3) * 10 ** Math.floor(random() * 24 - 10);
      values.push(v, Math.round(v), Math.round(v * 1000) / 1000);
    }
    const out = new CsvBytes();
    const expected: string[] = [];
    for (const v of values)
      for (const d of [0, 6, 9, 12]) {
        out.room(64);
        out.fixed(v, d);
        out.byte(10);
        expected.push(fixed(v, d));
      }
    expect(Buffer.concat(out.end()).toString('utf8')).toBe(`${expected.join('\n')}\n`);
  });

  it('CsvBytes starts a new buffer when a line does not fit, and joins them in order', () => {
    const out = new CsvBytes();
    const lines: string[] = [];
    for (let k = 0; k < 300_000; k++) {
      const text = `é${k}"x`.repeat(1 + (k % 7));
      out.room(3 * text.length + 40);
      out.text(text);
      out.byte(44);
      out.fixed(k / 7, 6);
      out.byte(10);
      lines.push(`${text},${fixed(k / 7, 6)}`);
    }
    expect(Buffer.concat(out.end()).toString('utf8')).toBe(`${lines.join('\n')}\n`);
  });
});
