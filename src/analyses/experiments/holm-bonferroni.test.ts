/**
 * Multiple-testing corrections.
 *
 * R multtest (mt.rawp2adjp) values as published in statsmodels/statsmodels,
 * statsmodels/stats/tests/test_multi.py (res_multtest1: columns rawp, Bonferroni, Holm, Hochberg,
 * SidakSS, SidakSD, BH, …), compared to 1e-12.
 * GrowthBook = growthbook/growthbook, packages/shared/test/experiments.test.ts
 * ("pvalue correction method", "adjusts CIs as we expect").
 */
import { describe, expect, it } from 'vitest';
import { benjaminiHochberg } from './benjamini-hochberg.ts';
import { holmBonferroni } from './holm-bonferroni.ts';
import { widenedInterval } from './widened-interval.ts';

// Sorted raw p-values and the R adjusted values (Holm = column 2, BH = column 6).
const raw = [
  5.23656777208e-5, 2.8140506198e-4, 1.49877310796e-2, 2.02732688798e-2, 1.77096952723e-1, 6.42193923795e-1,
  6.80845947633e-1, 7.1626938238e-1, 8.38541367553e-1, 9.67833824309e-1,
];
const holmR = [
  5.2365677720800005e-4, 2.5326455578199999e-3, 1.1990184863680001e-1, 1.4191288215860001e-1, 1, 1, 1, 1, 1,
  1,
];
const bhR = [
  5.2365677720800005e-4, 1.4070253098999999e-3, 4.995910359866667e-2, 5.0683172199499998e-2,
  3.5419390544599999e-1, 8.9533672797500008e-1, 8.9533672797500008e-1, 8.9533672797500008e-1,
  9.3171263061444454e-1, 9.67833824309e-1,
];

describe('holmBonferroni and benjaminiHochberg against R multtest', () => {
  // Shuffled input: outputs must come back in input order.
  const order = [6, 2, 9, 0, 4, 8, 1, 7, 3, 5];
  const shuffled = order.map((i) => raw[i]);

  it('Holm', () => {
    holmBonferroni(shuffled).forEach((p, k) => expect(Math.abs(p - holmR[order[k]])).toBeLessThan(1e-12));
  });

  it('Benjamini–Hochberg', () => {
    benjaminiHochberg(shuffled).forEach((p, k) => expect(Math.abs(p - bhR[order[k]])).toBeLessThan(1e-12));
  });
});

describe('against GrowthBook’s shared tests', () => {
  it('Holm–Bonferroni', () => {
    const out = holmBonferroni([0.01, 0.04, 0.03, 0.005, 0.55, 0.6]);
    [0.05, 0.12, 0.12, 0.03, 1, 1].forEach((p, i) => expect(out[i]).toBeCloseTo(p, 12));
  });

  it('Benjamini–Hochberg', () => {
    const out = benjaminiHochberg([0.898, 0.138, 0.007, 0.964, 0.538, 0.006, 0.138]);
    [0.964, 0.2415, 0.0245, 0.964, 0.7532, 0.0245, 0.2415].forEach((p, i) =>
      expect(out[i]).toBeCloseTo(p, 8),
    );
  });

  it('widened interval: adjusted p just under α puts the bound on zero', () => {
    const wide = widenedInterval(0.1, [0.05, 0.15], 0.049999999, 0.05);
    expect(wide[0]).toBeGreaterThan(0);
    expect(wide[1]).toBeLessThan(0.2);
    expect(wide[0]).toBeCloseTo(0, 8);
    expect(wide[1]).toBeCloseTo(0.2, 8);
    const at1pct = widenedInterval(0.1, [0.05, 0.15], 0.0099999999, 0.01);
    expect(at1pct[0]).toBeCloseTo(0, 8);
    expect(at1pct[1]).toBeCloseTo(0.2, 8);
  });
});

describe('widenedInterval', () => {
  it('never narrows; an adjusted p of 1 opens the interval', () => {
    expect(widenedInterval(0.1, [-0.5, 0.7], 0.2, 0.05)).toEqual([-0.5, 0.7]);
    expect(widenedInterval(0.1, [0.05, 0.15], 1, 0.05)).toEqual([-Infinity, Infinity]);
  });

  it.each([0.001, 0.01, 0.049, 0.051, 0.2, 0.7])('excludes 0 exactly when adjusted p (%s) < α', (padj) => {
    const [low, high] = widenedInterval(0.1, [0.09, 0.11], padj, 0.05);
    expect(low > 0 || high < 0).toBe(padj < 0.05);
  });

  it('one-sided intervals widen on their finite side only', () => {
    const [low, high] = widenedInterval(0.1, [0.06, Infinity], 0.03, 0.05, 'greater');
    expect(high).toBe(Infinity);
    expect(low).toBeLessThan(0.06);
    expect(low).toBeGreaterThan(0);
  });
});
