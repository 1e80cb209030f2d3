import { prepareBgnbd } from './bgnbd-log-likelihood.ts';
import { finiteAt } from './check-column.ts';
import { FIT_F_TOL, minimize } from './minimize.ts';
import { subsampleObjective, warmStartStride } from './warm-start-stride.ts';
import type { BgNbdData, BgNbdParams, FitResult } from './types.ts';

export interface FitBgnbdOptions {
  /** Starting values (in the data's time unit). Default r = a = b = 1, α = max(T)/10. */
  readonly start?: BgNbdParams;
  /** Converged when every |∂ mean LL / ∂ ln θ| ≤ gradientTol. Default 1e-9. */
  readonly gradientTol?: number;
  /**
   * Also converged when the mean log-likelihood per member stops gaining more than fTol nats a
   * step (three steps in a row) with every |∂ mean LL / ∂ ln θ| ≤ 1e-4: a likelihood that is flat
   * along a ridge running to a boundary. Default 1e-10.
   */
  readonly fTol?: number;
}

/**
 * Maximum-likelihood BG/NBD fit on weighted (x, tx, T) rows: pass DISTINCT combinations with their
 * member counts and the cost is that of the distinct rows, whatever the member count.
 *
 * The optimizer works on log-parameters (so all stay positive) with time rescaled to max T = 10
 * (lifetimes' convention; it only conditions the problem): BFGS with the analytic gradient, and
 * Nelder–Mead with restarts then BFGS again when that does not converge (see `minimize`).
 * Each evaluation is one O(rows) pass with ln Γ/ψ once per distinct x and logs once per distinct
 * T and tx. Above 50,000 rows the fit is first run on a deterministic 1-in-k subsample of about
 * 20,000 rows, whose solution and curvature start the full run: some 5–10 full passes in all
 * instead of 25–30. Measured (Node 20, shared 2-core machine): 276,000 distinct week-grain
 * combinations standing for 2M members, 7 passes, 0.16–0.19 s CPU warm (0.4 s cold); day grain
 * (1.14M distinct rows) 0.8–1.1 s. monitor-loyalty fits day-grain times (days / 7, the published
 * convention): 570,000 distinct rows for 1.24M purchasers on its benchmark, 10 passes, ~0.4 s.
 *
 * @example
 * const fit = fitBgnbd({ x, tx, T });   // CDNOW, weeks
 * fit.params; // { r: 0.2426, alpha: 4.4135, a: 0.7929, b: 2.4258 }, fit.logLikelihood ≈ −9582.43
 */
export function fitBgnbd(data: BgNbdData, options: FitBgnbdOptions = {}): FitResult<BgNbdParams> {
  let maxT = 0;
  for (let i = 0; i < data.T.length; i++) maxT = Math.max(maxT, finiteAt(data.T, i, 'T', 0));
  const scale = maxT > 0 ? 10 / maxT : 1;
  const prepared = prepareBgnbd(data, scale);
  const start = options.start ?? { r: 1, alpha: 1 / scale, a: 1, b: 1 };
  const theta0 = Float64Array.of(
    Math.log(start.r),
    Math.log(start.alpha * scale),
    Math.log(start.a),
    Math.log(start.b),
  );
  const stride = warmStartStride(prepared.rows);
  const result = minimize(prepared.objective, theta0, {
    gradientTol: options.gradientTol ?? 1e-9,
    fTol: options.fTol ?? FIT_F_TOL,
    warmStart: stride > 1 ? subsampleObjective(() => prepareBgnbd(data, scale, stride)) : undefined,
  });
  const params: BgNbdParams = {
    r: Math.exp(result.x[0]),
    alpha: Math.exp(result.x[1]) / scale,
    a: Math.exp(result.x[2]),
    b: Math.exp(result.x[3]),
  };
  return {
    params,
    // Back in the caller's time unit: each row's likelihood is scale^(−x) times the unscaled one.
    logLikelihood: -result.f * prepared.members + prepared.weightedX * Math.log(scale),
    iterations: result.iterations,
    evaluations: result.evaluations,
    converged: result.converged,
    gradientNorm: result.gradientNorm,
    rows: prepared.rows,
    members: prepared.members,
  };
}
