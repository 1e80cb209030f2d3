import { describe, expect, it } from 'vitest';
import { createRng } from './create-rng.ts';
import { logFactorial, samplePoisson } from './sample-poisson.ts';

describe('createRng', () => {
  it('is deterministic per seed, different across seeds, uniform in [0, 1)', () => {
    const a = createRng(42);
    const b = createRng(42);
    const c = createRng(43);
    const xs = Array.from({ length: 1000 }, () => a.next());
    expect(Array.from({ length: 1000 }, () => b.next())).toEqual(xs);
    expect(c.next()).not.toBe(xs[0]);
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
    // ten equal bins, chi-square with 9 df: 99.9% quantile is 27.9
    const rng = createRng(1);
    const bins = new Array(10).fill(0);
    for (let i = 0; i < 100_000; i++) bins[Math.floor(rng.next() * 10)]++;
    const chi2 = bins.reduce((s, o) => s + (o - 10_000) ** 2 / 10_000, 0);
    expect(chi2).toBeLessThan(27.9);
  });
});

describe('samplePoisson', () => {
  it('logFactorial agrees with direct sums on both sides of the table', () => {
    let direct = 0;
    for (let k = 1; k <= 1000; k++) {
      direct += Math.log(k);
      expect(Math.abs(logFactorial(k) - direct)).toBeLessThan(1e-9 * Math.max(1, direct));
    }
  });

  it.each([0.3, 4, 9.9, 10, 25, 400])('matches the Poisson(%s) pmf (chi-square) and moments', (mean) => {
    const rng = createRng(Math.round(mean * 100));
    const n = 60_000;
    const counts = new Map<number, number>();
    let sum = 0;
    let sumSq = 0;
    let allCounts = true;
    for (let i = 0; i < n; i++) {
      const k = samplePoisson(rng, mean);
      allCounts &&= Number.isInteger(k) && k >= 0;
      counts.set(k, (counts.get(k) ?? 0) + 1);
      sum += k;
      sumSq += k * k;
    }
    expect(allCounts).toBe(true);
    const m = sum / n;
    const v = sumSq / n - m * m;
    expect(Math.abs(m - mean)).toBeLessThan(5 * Math.sqrt(mean / n));
    expect(Math.abs(v / mean - 1)).toBeLessThan(0.05);
    // chi-square over cells with expected count ≥ 20, pooling the tails
    const pmf = (k: number) => Math.exp(-mean + k * Math.log(mean) - logFactorial(k));
    let chi2 = 0;
    let cells = 0;
    let restObserved = n;
    let restExpected = n;
    for (let k = 0; k < mean * 4 + 50; k++) {
      const e = n * pmf(k);
      if (e < 20) continue;
      const o = counts.get(k) ?? 0;
      chi2 += (o - e) ** 2 / e;
      restObserved -= o;
      restExpected -= e;
      cells++;
    }
    if (restExpected >= 20) {
      chi2 += (restObserved - restExpected) ** 2 / restExpected;
      cells++;
    }
    // generous bound: mean + 5 sd of a chi-square with (cells − 1) df
    expect(chi2).toBeLessThan(cells - 1 + 5 * Math.sqrt(2 * (cells - 1)));
  });

  it('returns 0 for a zero mean', () => {
    expect(samplePoisson(createRng(1), 0)).toBe(0);
  });
});
