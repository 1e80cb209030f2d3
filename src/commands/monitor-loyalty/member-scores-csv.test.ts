/**
 * The number cells of member_scores.csv: rounded to their decimals through a scaled integer (as
 * fast as integers are written), trailing zeros dropped, never `-0`, `NaN` or an exponent for the
 * values a member has.
 */
import { describe, expect, it } from 'vitest';
import { fixed } from './member-scores-csv.ts';

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
});
