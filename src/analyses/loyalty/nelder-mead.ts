import type { MinimizeResult, Objective } from './objective.ts';

export interface NelderMeadOptions {
  /** Initial simplex edge along each axis. Default 0.5 (a factor e^0.5 ≈ 1.65 on log-parameters). */
  readonly step?: number;
  /** Stop when the spread of f over the simplex is below fTol·(1 + |f_best|). Default 1e-12. */
  readonly fTol?: number;
  /** … and the simplex is smaller than xTol along every axis. Default 1e-9. */
  readonly xTol?: number;
  readonly maxEvaluations?: number;
}

/**
 * Derivative-free Nelder–Mead simplex minimisation (reflection 1, expansion 2, contraction ½,
 * shrink ½; Lagarias et al. 1998 conventions). Non-finite f counts as +∞, so the simplex backs away
 * from regions where the objective is undefined. Cost: one evaluation per iteration, n + 1 on a
 * shrink.
 *
 * @example
 * nelderMead((x) => (x[0] - 1) ** 2 + (x[1] + 2) ** 2, Float64Array.of(0, 0)).x; // ≈ [1, −2]
 */
export function nelderMead(f: Objective, x0: Float64Array, options: NelderMeadOptions = {}): MinimizeResult {
  const n = x0.length;
  const step = options.step ?? 0.5;
  const fTol = options.fTol ?? 1e-12;
  const xTol = options.xTol ?? 1e-9;
  const maxEvaluations = options.maxEvaluations ?? 200 * n;
  let evaluations = 0;
  const value = (x: Float64Array): number => {
    evaluations++;
    const v = f(x, null);
    return Number.isFinite(v) ? v : Infinity;
  };

  const simplex: Float64Array[] = [Float64Array.from(x0)];
  for (let i = 0; i < n; i++) {
    const v = Float64Array.from(x0);
    v[i] += step;
    simplex.push(v);
  }
  const fv = simplex.map(value);
  const order = Array.from({ length: n + 1 }, (_, i) => i);
  const centroid = new Float64Array(n);
  const trial = (coef: number): Float64Array => {
    const worst = simplex[order[n]];
    const p = new Float64Array(n);
    for (let j = 0; j < n; j++) p[j] = centroid[j] + coef * (worst[j] - centroid[j]);
    return p;
  };

  let iterations = 0;
  let converged = false;
  while (evaluations < maxEvaluations) {
    order.sort((i, j) => fv[i] - fv[j]);
    const best = order[0];
    const worst = order[n];
    let size = 0;
    for (let k = 1; k <= n; k++) {
      const v = simplex[order[k]];
      for (let j = 0; j < n; j++) size = Math.max(size, Math.abs(v[j] - simplex[best][j]));
    }
    if (fv[worst] - fv[best] <= fTol * (1 + Math.abs(fv[best])) && size <= xTol) {
      converged = true;
      break;
    }
    iterations++;
    centroid.fill(0);
    for (let k = 0; k < n; k++) {
      const v = simplex[order[k]];
      for (let j = 0; j < n; j++) centroid[j] += v[j] / n;
    }
    const reflected = trial(-1);
    const fr = value(reflected);
    if (fr < fv[best]) {
      const expanded = trial(-2);
      const fe = value(expanded);
      if (fe < fr) {
        simplex[worst] = expanded;
        fv[worst] = fe;
      } else {
        simplex[worst] = reflected;
        fv[worst] = fr;
      }
      continue;
    }
    if (fr < fv[order[n - 1]]) {
      simplex[worst] = reflected;
      fv[worst] = fr;
      continue;
    }
    const outside = fr < fv[worst];
    const contracted = trial(outside ? -0.5 : 0.5);
    const fc = value(contracted);
    if (outside ? fc <= fr : fc < fv[worst]) {
      simplex[worst] = contracted;
      fv[worst] = fc;
      continue;
    }
    for (let k = 1; k <= n; k++) {
      const v = simplex[order[k]];
      for (let j = 0; j < n; j++) v[j] = simplex[best][j] + 0.5 * (v[j] - simplex[best][j]);
      fv[order[k]] = value(v);
    }
  }
  let best = 0;
  for (let k = 1; k <= n; k++) if (fv[k] < fv[best]) best = k;
  return {
    x: simplex[best],
    f: fv[best],
    iterations,
    evaluations,
    converged,
    gradientNorm: Number.NaN,
  };
}
