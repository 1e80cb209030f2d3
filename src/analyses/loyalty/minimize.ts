import { bfgs } from './bfgs.ts';
import { nelderMead } from './nelder-mead.ts';
import type { MinimizeResult, Objective } from './objective.ts';

/**
 * `fTol` of the model fits: a mean log-likelihood per member that gains less than 1e-10 nats a
 * step (a millionth of a nat over ten thousand members) has stopped improving.
 */
export const FIT_F_TOL = 1e-10;

export interface MinimizeOptions {
  /** Converged when max |∂f/∂xᵢ| ≤ gradientTol at the end. Default 1e-9. */
  readonly gradientTol?: number;
  /** Converged also when f stops improving by more than fTol·max(1, |f|) a step (see `bfgs`). Default 0: off. */
  readonly fTol?: number;
  /** Nelder–Mead restarts when the quasi-Newton pass does not converge. Default 3. */
  readonly restarts?: number;
  /** No new fallback phase starts after this many evaluations of f. Default 2,000. */
  readonly maxEvaluations?: number;
  /**
   * A cheaper approximation of f (the same likelihood on a subsample of the rows): minimised first,
   * its solution and curvature then start the run on f, which then needs only a few evaluations.
   */
  readonly warmStart?: Objective;
}

/**
 * Robust smooth minimisation: BFGS from `x0` (fast when the start is reasonable, which it is for
 * log-parameters of scaled data), optionally warm-started by a BFGS run on a cheaper subsample
 * objective; if that does not reach the gradient tolerance, Nelder–Mead with
 * restarts (each restart rebuilds the simplex around the best point, which un-sticks collapsed
 * simplices) followed by BFGS polishing from the best point found, within an evaluation budget.
 * Returns the best point seen; `evaluations` counts evaluations of f only (a warm-start evaluation
 * costs a fraction of one). Not converging usually means the data cannot identify the model
 * (parameters running off to a boundary, e.g. Gamma-Gamma on spend with no variation).
 *
 * @example
 * minimize(objective, new Float64Array(4)).converged;
 */
export function minimize(f: Objective, x0: Float64Array, options: MinimizeOptions = {}): MinimizeResult {
  const gradientTol = options.gradientTol ?? 1e-9;
  const restarts = options.restarts ?? 3;
  const maxEvaluations = options.maxEvaluations ?? 2_000;
  const fTol = options.fTol ?? 0;
  let iterations = 0;
  let evaluations = 0;
  let start0 = x0;
  let inverseHessian: Float64Array | undefined;
  if (options.warmStart) {
    const warm = bfgs(options.warmStart, x0, { gradientTol: Math.max(gradientTol, 1e-6), fTol });
    iterations += warm.iterations;
    if (Number.isFinite(warm.f)) {
      start0 = warm.x;
      inverseHessian = warm.inverseHessian;
    }
  }
  let best: MinimizeResult = bfgs(f, start0, { gradientTol, inverseHessian, fTol });
  iterations += best.iterations;
  evaluations += best.evaluations;
  if (best.converged) return { ...best, iterations, evaluations };

  let start = Number.isFinite(best.f) ? best.x : x0;
  let fStart = Number.isFinite(best.f) ? best.f : Infinity;
  for (let k = 0; k < restarts && evaluations < maxEvaluations; k++) {
    const nm = nelderMead(f, start, {
      step: k === 0 ? 0.5 : 0.1,
      maxEvaluations: Math.min(200 * x0.length, maxEvaluations - evaluations),
    });
    iterations += nm.iterations;
    evaluations += nm.evaluations;
    const polished = bfgs(f, nm.x, { gradientTol, fTol });
    iterations += polished.iterations;
    evaluations += polished.evaluations;
    const candidate = polished.f <= nm.f ? polished : { ...nm, converged: false };
    if (candidate.f < best.f || !Number.isFinite(best.f)) best = candidate;
    if (best.converged) break;
    const improved = fStart - best.f;
    start = best.x;
    fStart = best.f;
    if (k > 0 && !(improved > 1e-12 * (1 + Math.abs(best.f)))) break;
  }
  return { ...best, iterations, evaluations };
}
