/**
 * A smooth objective to minimise: returns f(x) and, when `gradient` is given, writes ∇f(x) into it.
 * Returns a non-finite value (NaN or Infinity) where f is undefined; optimizers treat that as +∞.
 */
export type Objective = (x: Float64Array, gradient: Float64Array | null) => number;

/** What every optimizer here returns. */
export interface MinimizeResult {
  readonly x: Float64Array;
  readonly f: number;
  readonly iterations: number;
  readonly evaluations: number;
  readonly converged: boolean;
  /** max |∂f/∂xᵢ| at `x` (NaN when the optimizer did not compute it). */
  readonly gradientNorm: number;
}

export function maxAbs(v: Float64Array): number {
  let m = 0;
  for (let i = 0; i < v.length; i++) {
    const a = Math.abs(v[i]);
    if (!(a <= m)) m = a; // NaN propagates
  }
  return m;
}
