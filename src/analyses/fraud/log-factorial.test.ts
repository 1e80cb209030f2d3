import { describe, expect, it } from 'vitest';
import { logFactorial } from './log-factorial.ts';

describe('logFactorial', () => {
  // References: Python 3 `math.lgamma(k + 1)` (C library lgamma), printed with repr().
  it.each([
    [0, 0],
    [1, 0],
    [10, 15.104412573075514],
    [255, 1161.7121011184006],
    [256, 1167.2572785628802],
    [1000, 5912.128178488163],
    [1_000_000, 12815518.384658169],
  ])('ln(%i!) = %f', (k, expected) => {
    expect(logFactorial(k)).toBeCloseTo(expected, 9);
    expect(Math.abs(logFactorial(k) - expected)).toBeLessThanOrEqual(1e-13 * Math.max(1, expected));
  });

  it('is continuous across the table boundary (sums below 256, Stirling above)', () => {
    expect(logFactorial(256) - logFactorial(255)).toBeCloseTo(Math.log(256), 12);
  });
});
