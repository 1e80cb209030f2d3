/**
 * BG/NBD against published and independently computed values.
 *
 * FHL = Fader, Hardie & Lee (2005), "Counting your customers the easy way: an alternative to the
 *   Pareto/NBD model", Marketing Science 24(2): CDNOW 1/10th sample, 39-week calibration, weeks:
 *   r = 0.243, α = 4.414, a = 0.793, b = 2.426, LL = −9582.4; E[Y(39) | x=2, tx=30.43, T=38.86] = 1.226
 *   (also lifetimes' test_conditional_expectation_returns_same_value_as_Hardie_excel_sheet).
 * Hardie's spreadsheet via lifetimes' test_expectation_returns_same_value_Hardie_excel_sheet:
 *   E[X(t)] for t = 0.1429, 1, 3, 31.8571, 32, 78 = 0.0078, 0.0532, 0.1506, 1.0405, 1.0437, 1.8576
 *   (lifetimes checks 3 decimals).
 * lifetimes docs = CamDavidsonPilon/lifetimes docs/Quickstart.md (HEAD 4f2833f4): fit summary
 *   r 0.242593, α 4.413532, a 0.792886, b 2.425752 and the five best customers' expected purchases
 *   in the next week.
 * scipy = an independent implementation of eq. (6) run offline, recorded here: Python 3, scipy 1.17.1,
 *   log-likelihood written with scipy.special.gammaln/np.logaddexp, minimised over log-parameters by
 *   scipy.optimize.minimize (Nelder–Mead, xatol = fatol = 1e-12, then BFGS, gtol 1e-10) from zeros;
 *   P(alive) and E[Y(t)] from eqs. (10) and the untransformed ₂F₁ via scipy.special.hyp2f1.
 * mpmath = FHL eqs. (9)/(10) evaluated with mpmath 1.3.0 at 50 digits (mp.hyp2f1), for cases far
 *   outside CDNOW (x = 200, horizons ≫ α + T, a + b < 1, a → 1).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { referencePath } from '../../../test/helpers/reference-data.ts';
import {
  bgnbdConditionalExpectedPurchases,
  bgnbdExpectedPurchases,
  bgnbdLogLikelihood,
  bgnbdProbabilityAlive,
  fitBgnbd,
  LoyaltyInputError,
  predictBgnbd,
} from './index.ts';

const rows = readFileSync(referencePath('loyalty', 'cdnow-customers-summary.csv'), 'utf8')
  .trim()
  .split('\n')
  .slice(1)
  .map((line) => line.split(',').map(Number));
const cdnow = { x: rows.map((r) => r[1]), tx: rows.map((r) => r[2]), T: rows.map((r) => r[3]) };

const SCIPY = {
  r: 0.24259289362790748,
  alpha: 4.413531515004253,
  a: 0.7928860827156742,
  b: 2.425753555288405,
};
const SCIPY_LL = -9582.425560567364;
const fit = fitBgnbd(cdnow);

function relative(a: number, b: number): number {
  return Math.abs(a - b) / Math.abs(b);
}

describe('fitBgnbd on CDNOW (2,357 customers, weeks)', () => {
  it('reproduces FHL (2005): r 0.243, α 4.414, a 0.793, b 2.426 (3 decimals)', () => {
    expect(fit.converged).toBe(true);
    expect(fit.params.r.toFixed(3)).toBe('0.243');
    expect(fit.params.alpha.toFixed(3)).toBe('4.414');
    expect(fit.params.a.toFixed(3)).toBe('0.793');
    expect(fit.params.b.toFixed(3)).toBe('2.426');
  });

  it('matches the scipy optimum to 1e-6 relative and lifetimes docs to its 6 printed digits', () => {
    for (const k of ['r', 'alpha', 'a', 'b'] as const)
      expect(relative(fit.params[k], SCIPY[k])).toBeLessThan(1e-6);
    expect(fit.params.r).toBeCloseTo(0.242593, 6);
    expect(fit.params.alpha).toBeCloseTo(4.413532, 5);
    expect(fit.params.a).toBeCloseTo(0.792886, 6);
    expect(fit.params.b).toBeCloseTo(2.425752, 5);
  });

  it('log-likelihood −9582.4 (FHL) = −9582.425560567364 (scipy) to 1e-8', () => {
    expect(fit.logLikelihood.toFixed(1)).toBe('-9582.4');
    expect(Math.abs(fit.logLikelihood - SCIPY_LL)).toBeLessThan(1e-8);
    expect(Math.abs(bgnbdLogLikelihood(SCIPY, cdnow) - SCIPY_LL)).toBeLessThan(1e-8);
    expect(fit.rows).toBe(2357);
    expect(fit.members).toBe(2357);
  });

  it('distinct (x, tx, T) with counts gives the fit of the raw rows (likelihood evaluated per combination)', () => {
    const counts = new Map<string, number>();
    for (let i = 0; i < cdnow.x.length; i++) {
      const key = `${cdnow.x[i]},${cdnow.tx[i]},${cdnow.T[i]}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    const keys = [...counts.keys()].map((k) => k.split(',').map(Number));
    const weighted = fitBgnbd({
      x: Float64Array.from(keys, (k) => k[0]),
      tx: Float64Array.from(keys, (k) => k[1]),
      T: Float64Array.from(keys, (k) => k[2]),
      weight: Float64Array.from(counts.values()),
    });
    expect(weighted.rows).toBeLessThan(2357);
    expect(weighted.members).toBe(2357);
    expect(Math.abs(weighted.logLikelihood - SCIPY_LL)).toBeLessThan(1e-8);
    for (const k of ['r', 'alpha', 'a', 'b'] as const)
      expect(relative(weighted.params[k], SCIPY[k])).toBeLessThan(1e-6);
  });

  it('above 50,000 rows (warm start on a subsample): 26 copies of CDNOW fit as CDNOW', () => {
    const copies = 26;
    const repeat = (v: number[]): Float64Array => {
      const out = new Float64Array(v.length * copies);
      for (let k = 0; k < copies; k++) out.set(v, k * v.length);
      return out;
    };
    const big = fitBgnbd({ x: repeat(cdnow.x), tx: repeat(cdnow.tx), T: repeat(cdnow.T) });
    expect(big.rows).toBe(2357 * copies);
    expect(big.converged).toBe(true);
    expect(Math.abs(big.logLikelihood - copies * SCIPY_LL)).toBeLessThan(1e-6);
    for (const k of ['r', 'alpha', 'a', 'b'] as const)
      expect(relative(big.params[k], SCIPY[k])).toBeLessThan(1e-6);
  });

  it('the time unit only rescales α (days instead of weeks)', () => {
    const days = fitBgnbd({ x: cdnow.x, tx: cdnow.tx.map((v) => v * 7), T: cdnow.T.map((v) => v * 7) });
    expect(relative(days.params.alpha, fit.params.alpha * 7)).toBeLessThan(1e-6);
    expect(relative(days.params.b, fit.params.b)).toBeLessThan(1e-6);
    // Each repeat purchase's density carries one 1/time unit: LL shifts by −Σx·ln 7.
    const sumX = cdnow.x.reduce((s, v) => s + v, 0);
    expect(Math.abs(days.logLikelihood - (SCIPY_LL - sumX * Math.log(7)))).toBeLessThan(1e-7);
  });
});

describe('fitBgnbd when dropout does not vary between members (a, b → ∞)', () => {
  // 20,000 members simulated from the limit of the model: λ ~ Gamma(2, rate 10) (mean 0.2 a week),
  // the same dropout probability 0.1 after every repeat purchase, 20–60 weeks since the first one.
  let seed = 12345;
  const uniform = () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const exp = () => -Math.log(1 - uniform());
  const sim = { x: [] as number[], tx: [] as number[], T: [] as number[] };
  for (let i = 0; i < 20_000; i++) {
    const lambda = (exp() + exp()) / 10;
    const T = 20 + 40 * uniform();
    let t = 0;
    let x = 0;
    let tx = 0;
    for (;;) {
      t += exp() / lambda;
      if (t > T) break;
      x++;
      tx = t;
      if (uniform() < 0.1) break;
    }
    sim.x.push(x);
    sim.tx.push(tx);
    sim.T.push(T);
  }
  const boundary = fitBgnbd(sim);

  it('stops once the likelihood no longer improves: converged, in few evaluations', () => {
    expect(boundary.converged).toBe(true);
    expect(boundary.evaluations).toBeLessThan(200);
  });

  it('finds the generating process: p = a/(a+b) ≈ 0.1, a + b large, mean rate r/α ≈ 0.2', () => {
    const { r, alpha, a, b } = boundary.params;
    expect(Math.abs(a / (a + b) - 0.1)).toBeLessThan(0.02);
    expect(a + b).toBeGreaterThan(100);
    expect(Math.abs(r / alpha - 0.2)).toBeLessThan(0.02);
  });

  it('its likelihood is at least that of the generating process (the limit model at a + b = 10⁸)', () => {
    const truth = bgnbdLogLikelihood({ r: 2, alpha: 10, a: 1e7, b: 9e7 }, sim);
    expect(boundary.logLikelihood).toBeGreaterThanOrEqual(truth);
  });
});

describe('P(alive) and expected purchases', () => {
  it('customer 1 (x=2, tx=30.43, T=38.86): E[Y(39)] = 1.226 (FHL, Hardie), P(alive) and E as scipy to 1e-12', () => {
    const expected = bgnbdConditionalExpectedPurchases(fit.params, 39, 2, 30.43, 38.86);
    expect(expected.toFixed(3)).toBe('1.226');
    expect(
      relative(bgnbdConditionalExpectedPurchases(SCIPY, 39, 2, 30.43, 38.86), 1.2259105062379976),
    ).toBeLessThan(1e-12);
    expect(relative(bgnbdProbabilityAlive(SCIPY, 2, 30.43, 38.86), 0.7266091752894229)).toBeLessThan(1e-12);
  });

  it.each([
    // [x, tx, T, scipy P(alive), scipy E[Y(39)], scipy E[Y(1)]]
    [1, 1.71, 38.86, 0.21222743385326392, 0.2032506699667123, 0.006064651804152694],
    [0, 0, 38.86, 1, 0.1947808386352516, 0.005586350605268705],
    [26, 30.86, 31.0, 0.9689197127783152, 20.750570087686185, 0.710623269699238],
    [7, 29.43, 38.86, 0.6418006315486756, 3.3372396118588257, 0.10663184659327113],
  ])('x=%d tx=%d T=%d as scipy (1e-11)', (x, tx, T, alive, e39, e1) => {
    expect(relative(bgnbdProbabilityAlive(SCIPY, x, tx, T), alive)).toBeLessThan(1e-12);
    expect(relative(bgnbdConditionalExpectedPurchases(SCIPY, 39, x, tx, T), e39)).toBeLessThan(1e-11);
    // scipy's 1 − P·₂F₁ loses digits to cancellation at t = 1; the transformed series does not.
    expect(relative(bgnbdConditionalExpectedPurchases(SCIPY, 1, x, tx, T), e1)).toBeLessThan(1e-9);
  });

  it("lifetimes docs' five best customers, expected purchases next week (6 decimals)", () => {
    const best: [number, number, number, number][] = [
      [18, 35.14, 35.86, 0.424877],
      [19, 34.0, 34.14, 0.474738],
      [17, 28.43, 28.86, 0.486526],
      [29, 37.71, 38.0, 0.662396],
      [26, 30.86, 31.0, 0.710623],
    ];
    for (const [x, tx, T, value] of best) {
      expect(bgnbdConditionalExpectedPurchases(fit.params, 1, x, tx, T)).toBeCloseTo(value, 6);
    }
  });

  it("unconditional E[X(t)]: Hardie's spreadsheet to 4 decimals (3 at 78 weeks, as lifetimes checks)", () => {
    const times = [0.1429, 1, 3, 31.8571, 32];
    const hardie = [0.0078, 0.0532, 0.1506, 1.0405, 1.0437];
    times.forEach((t, i) =>
      expect(bgnbdExpectedPurchases(fit.params, t).toFixed(4)).toBe(hardie[i].toFixed(4)),
    );
    expect(Math.abs(bgnbdExpectedPurchases(fit.params, 78) - 1.8576)).toBeLessThan(1.5e-3);
    // scipy at the scipy optimum, 78 weeks: 1.8579718234696931.
    expect(relative(bgnbdExpectedPurchases(SCIPY, 78), 1.8579718234696931)).toBeLessThan(1e-12);
  });

  it.each([
    // [case, params, t, x, tx, T, mpmath value]
    [
      'x = 200 over 520 weeks',
      { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 },
      520,
      200,
      150,
      156,
      37.065214156365332,
    ],
    [
      'new member, horizon 100 × (α+T)',
      { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 },
      441.4,
      0,
      0,
      0.0001,
      4.6189772756085609,
    ],
    ['a + b < 1, x = 0', { r: 0.5, alpha: 2, a: 0.4, b: 0.3 }, 10, 0, 0, 5, 0.48444064492404625],
    ['a > 1', { r: 1.5, alpha: 10, a: 3.2, b: 8 }, 52, 3, 20, 40, 0.67376090882095464],
    ['a = 1 + 1e-10', { r: 0.3, alpha: 5, a: 1 + 1e-10, b: 2 }, 39, 2, 30.43, 38.86, 1.0466383887644488],
    ['a = 1 exactly (limit)', { r: 0.3, alpha: 5, a: 1, b: 2 }, 39, 2, 30.43, 38.86, 1.0466383888206076],
  ] as const)('%s: as mpmath at 50 digits (1e-12)', (_name, params, t, x, tx, T, value) => {
    expect(relative(bgnbdConditionalExpectedPurchases(params, t, x, tx, T), value)).toBeLessThan(1e-12);
  });

  it('mpmath: unconditional E[X(520)] at the published parameters = 4.9746178618496597', () => {
    expect(
      relative(
        bgnbdExpectedPurchases({ r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 }, 520),
        4.9746178618496597,
      ),
    ).toBeLessThan(1e-12);
  });

  it('invariants: P(alive) in [0, 1] on lifetimes’ grid, 1 without repeats; E[Y(t)] grows with t and is 0 at t = 0', () => {
    expect(bgnbdProbabilityAlive(fit.params, 0, 1, 1)).toBe(1);
    for (let x = 0; x < 100; x += 10) {
      for (let tx = 0; tx < 100; tx += 10) {
        for (let T = Math.max(tx, 1); T < 100; T += 10) {
          const p = bgnbdProbabilityAlive(fit.params, x, x === 0 ? 0 : tx, T);
          expect(p).toBeGreaterThanOrEqual(0);
          expect(p).toBeLessThanOrEqual(1);
        }
      }
    }
    let previous = 0;
    for (const t of [0, 1, 5, 20, 52, 104, 520]) {
      const e = bgnbdConditionalExpectedPurchases(fit.params, t, 3, 20, 38);
      expect(e).toBeGreaterThanOrEqual(previous);
      previous = e;
    }
    expect(bgnbdConditionalExpectedPurchases(fit.params, 0, 3, 20, 38)).toBe(0);
  });

  it('predictBgnbd is the row-wise P(alive) and E[Y(t)]', () => {
    const p = predictBgnbd(SCIPY, { x: [2, 0], tx: [30.43, 0], T: [38.86, 38.86] }, 39);
    expect(relative(p.probabilityAlive[0], 0.7266091752894229)).toBeLessThan(1e-12);
    expect(relative(p.expectedPurchases[1], 0.1947808386352516)).toBeLessThan(1e-11);
  });
});

describe('input checks', () => {
  it('rejects recency after T, recency without repeats, fractional x, mismatched columns', () => {
    expect(() => fitBgnbd({ x: [1], tx: [5], T: [4] })).toThrow(LoyaltyInputError);
    expect(() => fitBgnbd({ x: [0], tx: [3], T: [4] })).toThrow(/tx must be 0 when x = 0/);
    expect(() => fitBgnbd({ x: [1.5], tx: [3], T: [4] })).toThrow(/whole number/);
    expect(() => fitBgnbd({ x: [1, 2], tx: [3], T: [4, 5] })).toThrow(/column tx has 1 rows/);
    let error: unknown;
    try {
      fitBgnbd({ x: [1, 2], tx: [3, Number.NaN], T: [4, 5] });
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ name: 'LoyaltyInputError', column: 'tx', row: 1 });
  });
});
