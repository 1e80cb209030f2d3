import { describe, expect, it } from 'vitest';
import { plainNumber, withoutFloatNoise } from './plain-number.ts';

describe('plainNumber', () => {
  it('drops the binary noise of double arithmetic', () => {
    // each sum as a double, and the decimal it stands for (by hand)
    expect(0.1 + 0.2).toBe(0.30000000000000004);
    expect(plainNumber(0.1 + 0.2)).toBe(0.3);
    // a revenue total of the track-source demo as a sum of doubles, and its decimal
    expect(plainNumber(1274431.0253999997)).toBe(1274431.0254);
    expect(plainNumber(100800 * 0.2 + 1e-12 * 3.6)).toBe(20160);
    expect(plainNumber(1.1 * 3)).toBe(3.3);
    expect(plainNumber(-(0.1 + 0.7))).toBe(-0.8);
    expect(plainNumber(0.1 * 3 - 0.3)).toBe(5.55111512312578e-17); // a tiny difference stays a number
  });

  it('changes no value of at most 15 significant digits', () => {
    for (const x of [
      0.125, 20160, 1234567.891, 99999999999.9999, 0.000123, -42.5, 2200.55, 1e-9, 123456789012.345,
    ])
      expect(plainNumber(x)).toBe(x);
  });

  it('keeps integers of any size, -0 and non-finite values as they are', () => {
    expect(plainNumber(2 ** 53 + 2)).toBe(9007199254740994);
    expect(plainNumber(1e21)).toBe(1e21);
    expect(Object.is(plainNumber(-0), -0)).toBe(true);
    expect(plainNumber(Number.NaN)).toBeNaN();
    expect(plainNumber(Number.POSITIVE_INFINITY)).toBe(Number.POSITIVE_INFINITY);
  });

  it('writes a share with more than 15 digits to 15', () => {
    expect(plainNumber(1 / 3)).toBe(0.333333333333333);
    expect(plainNumber(2 / 3)).toBe(0.666666666666667);
  });
});

describe('withoutFloatNoise', () => {
  it('copies arrays and plain objects with their numbers plain, leaving the input alone', () => {
    const input = {
      totals: { revenue: 0.1 + 0.2, count: 3 },
      rows: [{ key: 'acme', share: 1.1 * 3 }, null, 'x', true],
      when: new Date(0),
    };
    const out = withoutFloatNoise(input);
    expect(out).toEqual({
      totals: { revenue: 0.3, count: 3 },
      rows: [{ key: 'acme', share: 3.3 }, null, 'x', true],
      when: new Date(0),
    });
    expect(out.when).toBe(input.when);
    expect(input.totals.revenue).toBe(0.30000000000000004);
  });

  it('keeps a key named __proto__ a key', () => {
    const input = JSON.parse('{"__proto__": {"pipeline": 0.30000000000000004}}') as Record<string, unknown>;
    const out = withoutFloatNoise(input);
    expect(Object.keys(out)).toEqual(['__proto__']);
    expect(JSON.stringify(out)).toBe('{"__proto__":{"pipeline":0.3}}');
  });
});
