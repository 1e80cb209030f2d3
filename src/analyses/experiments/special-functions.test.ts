import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  chiSquareSurvival,
  normalCdf,
  normalPdf,
  normalQuantile,
  tCdf,
  tQuantile,
} from './special-functions.ts';

// Reference values computed with mpmath at 50 digits (test/reference-data/distributions/generate.py):
// an independent arbitrary-precision computation, down to p-values of 1e-300 and up to ν = 1e9.
const rows = readFileSync(
  new URL('../../../test/reference-data/distributions/reference-distributions.csv', import.meta.url),
  'utf8',
)
  .trim()
  .split('\n')
  .slice(1)
  .map((line) => {
    const [fn, a, b, value] = line.split(',');
    return { fn, a: Number(a), b: b === '' ? Number.NaN : Number(b), value: Number(value) };
  });

const functions: Record<string, (a: number, b: number) => number> = {
  normal_cdf: (x) => normalCdf(x),
  normal_pdf: (x) => normalPdf(x),
  normal_quantile: (p) => normalQuantile(p),
  t_cdf: (x, dof) => tCdf(x, dof),
  t_quantile: (p, dof) => tQuantile(p, dof),
  chisquare_survival: (x, k) => chiSquareSurvival(x, k),
};

/** Relative error, or the absolute value where the reference is 0 (underflowed). */
const error = (got: number, want: number) =>
  want === 0 ? Math.abs(got) : Math.abs(got - want) / Math.abs(want);

describe('distribution functions against 50-digit mpmath', () => {
  it('has every function on its grid', () => {
    const counts = Object.fromEntries(Object.keys(functions).map((f) => [f, 0]));
    for (const r of rows) counts[r.fn]++;
    expect(counts).toEqual({
      normal_cdf: 27,
      normal_pdf: 27,
      normal_quantile: 27,
      t_cdf: 306,
      t_quantile: 289,
      chisquare_survival: 135,
    });
  });

  for (const [fn, tolerance] of [
    ['normal_cdf', 1e-13],
    ['normal_pdf', 1e-13],
    ['normal_quantile', 1e-14],
    ['t_cdf', 1e-11],
    ['t_quantile', 1e-12],
    ['chisquare_survival', 1e-12],
  ] as const)
    it(`${fn} to ${tolerance} relative, tails included`, () => {
      const bad = rows
        .filter((r) => r.fn === fn)
        .map((r) => ({ ...r, got: functions[fn](r.a, r.b) }))
        .filter((r) => !(error(r.got, r.value) <= tolerance));
      expect(bad).toEqual([]);
    });
});

describe('closed forms and edges', () => {
  it('t with 1 and 2 degrees of freedom is Cauchy and the closed form', () => {
    for (const x of [-1e8, -30, -1, -1e-6, 0.5, 7]) {
      // the lower tail in forms that do not cancel: atan(1/|x|)/π and the t(2) tail
      const cauchy = x < 0 ? Math.atan(-1 / x) / Math.PI : 1 - Math.atan(1 / x) / Math.PI;
      const two = x < 0 ? 0.5 * (1 + x / Math.sqrt(2 + x * x)) : 0.5 + x / (2 * Math.sqrt(2 + x * x));
      expect(error(tCdf(x, 1), cauchy)).toBeLessThan(1e-13);
      if (x > -30) expect(error(tCdf(x, 2), two)).toBeLessThan(1e-13);
    }
    expect(tQuantile(0.975, 1)).toBeCloseTo(Math.tan(Math.PI * 0.475), 12);
  });

  it('χ² with 2 degrees of freedom is exponential: P(X ≥ x) = e^(−x/2)', () => {
    for (const x of [0.001, 1, 10, 100, 1400])
      expect(error(chiSquareSurvival(x, 2), Math.exp(-x / 2))).toBeLessThan(1e-13);
  });

  it('quantiles invert their CDFs', () => {
    for (const p of [1e-9, 0.01, 0.3, 0.77, 0.999]) {
      expect(normalCdf(normalQuantile(p))).toBeCloseTo(p, 15);
      for (const dof of [0.7, 3, 41.5, 2e5])
        expect(error(tCdf(tQuantile(p, dof), dof), p)).toBeLessThan(1e-12);
    }
  });

  it('answers the edges as the limits, and NaN outside the domain', () => {
    expect([normalCdf(-Infinity), normalCdf(Infinity), normalQuantile(0), normalQuantile(1)]).toEqual([
      0,
      1,
      -Infinity,
      Infinity,
    ]);
    expect([tCdf(0, 3), tCdf(-Infinity, 3), tCdf(Infinity, 3), tCdf(1.5, Infinity)]).toEqual([
      0.5,
      0,
      1,
      normalCdf(1.5),
    ]);
    expect([tQuantile(0.5, 9), tQuantile(0, 9), tQuantile(1, 9)]).toEqual([0, -Infinity, Infinity]);
    expect([chiSquareSurvival(0, 3), chiSquareSurvival(-1, 3), chiSquareSurvival(Infinity, 3)]).toEqual([
      1, 1, 0,
    ]);
    for (const v of [
      normalQuantile(1.1),
      tCdf(1, 0),
      tCdf(Number.NaN, 4),
      tQuantile(-0.1, 4),
      chiSquareSurvival(1, -2),
    ])
      expect(v).toBeNaN();
  });
});
