import { maxAbs, type MinimizeResult, type Objective } from './objective.ts';

export interface BfgsOptions {
  /** Converged when max |∂f/∂xᵢ| ≤ gradientTol. Default 1e-9. */
  readonly gradientTol?: number;
  readonly maxIterations?: number;
  /** Largest move along any axis in one line search (keeps exp(log-parameter) finite). Default 4. */
  readonly maxStep?: number;
  /**
   * Starting inverse-Hessian approximation (n×n, row-major), e.g. the one a fit on a subsample
   * ended with; default the identity, rescaled after the first step.
   */
  readonly inverseHessian?: Float64Array;
  /**
   * Also converged when each of the last `STALL_ITERATIONS` steps lowered f by at most
   * fTol·max(1, |f|) while max |∂f/∂xᵢ| ≤ stallGradientTol: for a mean negative log-likelihood per
   * member, the fit no longer gains fTol nats a member (e.g. parameters running along a flat ridge
   * to a boundary, where the predictions no longer change). Default 0: off.
   */
  readonly fTol?: number;
  /** Gradient bound of the fTol test. Default 1e-4. */
  readonly stallGradientTol?: number;
}

export interface BfgsResult extends MinimizeResult {
  /** Final inverse-Hessian approximation (n×n, row-major). */
  readonly inverseHessian: Float64Array;
}

/**
 * Quasi-Newton minimisation with the BFGS inverse-Hessian update and a backtracking (Armijo) line
 * search; the update is skipped when the curvature condition fails, and the metric is reset to the
 * identity when a search direction is not a descent direction. Needs the gradient. Converged means
 * max |∂f/∂xᵢ| ≤ gradientTol, or that not even a steepest-descent step can lower f while the
 * decrease it promises (|∇f|²) is below 1e-12·max(1, |f|), i.e. under the rounding of f, or
 * (with `fTol`) that f has stopped improving while the gradient is small.
 * Cost: one objective+gradient evaluation per line-search trial, O(n²) algebra per iteration.
 *
 * @example
 * bfgs((x, g) => { if (g) { g[0] = 2 * (x[0] - 3); } return (x[0] - 3) ** 2; }, Float64Array.of(0)).x; // [3]
 */
/** Relative size of the rounding noise of a sum of many likelihood terms. */
const NOISE = 1e-12;
/** Consecutive steps of negligible progress that end a run under `fTol`. */
const STALL_ITERATIONS = 3;

export function bfgs(f: Objective, x0: Float64Array, options: BfgsOptions = {}): BfgsResult {
  const n = x0.length;
  const gradientTol = options.gradientTol ?? 1e-9;
  const maxIterations = options.maxIterations ?? 200;
  const maxStep = options.maxStep ?? 4;
  const fTol = options.fTol ?? 0;
  const stallGradientTol = options.stallGradientTol ?? 1e-4;
  let stalled = 0;
  let evaluations = 0;
  let x = Float64Array.from(x0);
  let g = new Float64Array(n);
  const evaluate = (at: Float64Array, grad: Float64Array): number => {
    evaluations++;
    const v = f(at, grad);
    return Number.isFinite(v) && Number.isFinite(maxAbs(grad)) ? v : Infinity;
  };
  let fx = evaluate(x, g);
  const H = options.inverseHessian ? Float64Array.from(options.inverseHessian) : identity(n);
  if (!Number.isFinite(fx)) {
    return {
      x,
      f: fx,
      iterations: 0,
      evaluations,
      converged: false,
      gradientNorm: Number.NaN,
      inverseHessian: H,
    };
  }
  let fresh = options.inverseHessian === undefined;
  const d = new Float64Array(n);
  const s = new Float64Array(n);
  const y = new Float64Array(n);
  const Hy = new Float64Array(n);
  let iterations = 0;
  let converged = maxAbs(g) <= gradientTol;
  while (!converged && iterations < maxIterations) {
    iterations++;
    let slope = 0;
    for (let i = 0; i < n; i++) {
      let v = 0;
      for (let j = 0; j < n; j++) v -= H[i * n + j] * g[j];
      d[i] = v;
      slope += v * g[i];
    }
    if (!(slope < 0)) {
      if (fresh) break;
      resetScaled(H, n, 1);
      fresh = true;
      iterations--;
      continue;
    }
    let t = Math.min(1, maxStep / maxAbs(d));
    let xNew = new Float64Array(n);
    let gNew = new Float64Array(n);
    let fNew = Infinity;
    for (;;) {
      for (let i = 0; i < n; i++) xNew[i] = x[i] + t * d[i];
      fNew = evaluate(xNew, gNew);
      if (fNew <= fx + 1e-4 * t * slope) break;
      t *= 0.5;
      // Stop backtracking once the decrease still on offer is below the rounding of f.
      if (t < 1e-14 || -t * slope <= NOISE * Math.max(1, Math.abs(fx))) break;
    }
    if (!(fNew <= fx + 1e-4 * t * slope)) {
      // No progress along the quasi-Newton direction: retry once along steepest descent. If even
      // that fails while the first-order decrease a full step promises is below the rounding of f,
      // f cannot be improved at double precision: that is the optimum.
      if (fresh) {
        converged = -slope <= NOISE * Math.max(1, Math.abs(fx));
        break;
      }
      resetScaled(H, n, 1);
      fresh = true;
      iterations--;
      continue;
    }
    let sy = 0;
    let ss = 0;
    let yy = 0;
    for (let i = 0; i < n; i++) {
      s[i] = xNew[i] - x[i];
      y[i] = gNew[i] - g[i];
      sy += s[i] * y[i];
      ss += s[i] * s[i];
      yy += y[i] * y[i];
    }
    if (sy > 1e-12 * Math.sqrt(ss * yy)) {
      if (fresh) resetScaled(H, n, sy / yy);
      let yHy = 0;
      for (let i = 0; i < n; i++) {
        let v = 0;
        for (let j = 0; j < n; j++) v += H[i * n + j] * y[j];
        Hy[i] = v;
        yHy += y[i] * v;
      }
      const rho = 1 / sy;
      const scale = (1 + rho * yHy) * rho;
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) {
          H[i * n + j] += scale * s[i] * s[j] - rho * (Hy[i] * s[j] + s[i] * Hy[j]);
        }
      }
      fresh = false;
    }
    const fOld = fx;
    [x, xNew] = [xNew, x];
    [g, gNew] = [gNew, g];
    fx = fNew;
    converged = maxAbs(g) <= gradientTol;
    stalled = fTol > 0 && fOld - fx <= fTol * Math.max(1, Math.abs(fx)) ? stalled + 1 : 0;
    if (!converged && stalled >= STALL_ITERATIONS && maxAbs(g) <= stallGradientTol) {
      converged = true;
      break;
    }
    // Rounding floor: the step was negligible and f did not move, so more iterations cannot help.
    if (!converged && Math.abs(fOld - fx) <= 1e-16 * Math.abs(fx) && Math.sqrt(ss) < 1e-13) {
      converged = -slope <= NOISE * Math.max(1, Math.abs(fx));
      break;
    }
  }
  return { x, f: fx, iterations, evaluations, converged, gradientNorm: maxAbs(g), inverseHessian: H };
}

function identity(n: number): Float64Array {
  const H = new Float64Array(n * n);
  resetScaled(H, n, 1);
  return H;
}

function resetScaled(H: Float64Array, n: number, scale: number): void {
  H.fill(0);
  for (let i = 0; i < n; i++) H[i * n + i] = scale;
}
