/**
 * Special functions and optimizers.
 *
 * scipy = scipy.special.gammaln / digamma (scipy 1.17.1), printed with repr() offline.
 * Closed forms: ln Γ(1/2) = ½ ln π, ln Γ(n) = ln (n−1)!, ψ(1) = −γ, ψ(1/2) = −γ − 2 ln 2.
 * Rosenbrock's function has its minimum 0 at (1, 1); the quadratic's minimum is known exactly.
 */
import { describe, expect, it } from 'vitest';
import { bfgs } from './bfgs.ts';
import { digamma } from './digamma.ts';
import { logGamma } from './log-gamma.ts';
import { digammaDifference, logGammaRatio } from './log-gamma-ratio.ts';
import { minimize } from './minimize.ts';
import { nelderMead } from './nelder-mead.ts';
import type { Objective } from './objective.ts';

const EULER_GAMMA = 0.5772156649015329;

describe('logGamma and digamma', () => {
  it.each([
    // [x, scipy gammaln, scipy digamma]
    [0.243, 1.3180435846996699, -4.351093864423211],
    [2.426, 0.2340081168873162, 0.6662079149687962],
    [3.7445, 1.4803162437896829, 1.1808566181120619],
    [14.99, 25.164481163825506, 2.6736570417430445],
    [26.243, 58.79177366986194, 3.2482256028096432],
    [1234.5, 7550.550901077894, 7.1180162318279985],
    [0.001, 6.907178885383853, -1000.5755719318103],
  ])('x = %d as scipy (1e-14 absolute on ln Γ, 1e-14 relative on ψ)', (x, lg, psi) => {
    expect(Math.abs(logGamma(x) - lg)).toBeLessThan(1e-14 * Math.max(1, Math.abs(lg)));
    expect(Math.abs(digamma(x) - psi)).toBeLessThan(1e-14 * Math.max(1, Math.abs(psi)));
  });

  it('closed forms and the recurrences Γ(x+1) = xΓ(x), ψ(x+1) = ψ(x) + 1/x', () => {
    expect(logGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 14);
    expect(logGamma(10)).toBeCloseTo(Math.log(362880), 13);
    expect(digamma(1)).toBeCloseTo(-EULER_GAMMA, 14);
    expect(digamma(0.5)).toBeCloseTo(-EULER_GAMMA - 2 * Math.log(2), 14);
    for (const x of [0.3, 1.7, 9.2, 14.5, 40]) {
      expect(logGamma(x + 1) - logGamma(x)).toBeCloseTo(Math.log(x), 13);
      expect(digamma(x + 1) - digamma(x)).toBeCloseTo(1 / x, 13);
    }
    expect(logGamma(0)).toBeNaN();
    expect(digamma(-1)).toBeNaN();
  });
});

describe('ln Γ and ψ differences at large arguments', () => {
  it('ln Γ(x + n) − ln Γ(x) = Σ ln(x + k) and ψ(x + n) − ψ(x) = Σ 1/(x + k) for whole n, to 1e-14 relative', () => {
    for (const x of [0.3, 7.5, 99.5, 100, 9_999, 4.2e6, 6.5e8, 4.8e10]) {
      for (const n of [1, 2, 5, 30]) {
        let logs = 0;
        let inverses = 0;
        for (let k = 0; k < n; k++) {
          logs += Math.log(x + k);
          inverses += 1 / (x + k);
        }
        expect(Math.abs(logGammaRatio(x, n) - logs)).toBeLessThan(1e-14 * Math.abs(logs) + 1e-15);
        expect(Math.abs(digammaDifference(x, n) - inverses)).toBeLessThan(1e-13 * inverses);
      }
    }
  });

  it('fractional steps agree with ln Γ and ψ where those are exact enough (x = 100, 250)', () => {
    for (const x of [100, 250])
      for (const y of [0.25, 3.7, 41.3]) {
        expect(logGammaRatio(x, y)).toBeCloseTo(logGamma(x + y) - logGamma(x), 12);
        expect(digammaDifference(x, y)).toBeCloseTo(digamma(x + y) - digamma(x), 13);
      }
  });
});

const rosenbrock: Objective = (x, g) => {
  const a = 1 - x[0];
  const b = x[1] - x[0] * x[0];
  if (g) {
    g[0] = -2 * a - 400 * x[0] * b;
    g[1] = 200 * b;
  }
  return a * a + 100 * b * b;
};

describe('optimizers', () => {
  it('BFGS finds the Rosenbrock minimum (1, 1) from (−1.2, 1)', () => {
    const r = bfgs(rosenbrock, Float64Array.of(-1.2, 1));
    expect(r.converged).toBe(true);
    expect(r.x[0]).toBeCloseTo(1, 8);
    expect(r.x[1]).toBeCloseTo(1, 8);
  });

  it('Nelder–Mead finds it without gradients', () => {
    const r = nelderMead(rosenbrock, Float64Array.of(-1.2, 1), { maxEvaluations: 5000 });
    expect(r.converged).toBe(true);
    expect(r.x[0]).toBeCloseTo(1, 6);
    expect(r.x[1]).toBeCloseTo(1, 6);
  });

  it('minimize falls back to Nelder–Mead when the gradient is useless, then polishes', () => {
    // A gradient of the wrong sign: BFGS cannot descend, the simplex still finds (3, −1).
    const f: Objective = (x, g) => {
      if (g) {
        g[0] = -2 * (x[0] - 3);
        g[1] = -4 * (x[1] + 1);
      }
      return (x[0] - 3) ** 2 + 2 * (x[1] + 1) ** 2;
    };
    const r = minimize(f, Float64Array.of(0, 0));
    expect(r.x[0]).toBeCloseTo(3, 5);
    expect(r.x[1]).toBeCloseTo(-1, 5);
  });

  it('treats undefined regions as +∞ instead of failing', () => {
    const f: Objective = (x, g) => {
      if (x[0] <= 0) return Number.NaN;
      if (g) g[0] = 1 - 1 / x[0];
      return x[0] - Math.log(x[0]);
    };
    const r = minimize(f, Float64Array.of(5));
    expect(r.x[0]).toBeCloseTo(1, 6);
  });
});
