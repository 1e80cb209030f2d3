/**
 * Shared types of the loyalty analytics. Inputs are compact per-member summaries computed in SQL,
 * or their DISTINCT combinations with a member count (`weight` / `count`), passed as columns:
 * typed arrays (what DuckDB hands back) or plain number arrays, all of the same length.
 */

/** One numeric input column: a typed array or a plain array of numbers. */
export type NumericColumn = ArrayLike<number>;

/** A value that is either the same for every row or given per row. */
export type ScalarOrColumn = number | NumericColumn;

/** BG/NBD parameters (Fader, Hardie & Lee 2005): λ ~ Gamma(r, α) (rate α), p ~ Beta(a, b). */
export interface BgNbdParams {
  readonly r: number;
  readonly alpha: number;
  readonly a: number;
  readonly b: number;
}

/**
 * Repeat-purchase summaries, one row per member or per distinct (x, tx, T) with its member count.
 * Time is in any unit (weeks in the CDNOW reference); α comes out in the same unit.
 */
export interface BgNbdData {
  /** Repeat purchases x (purchases after the first; distinct purchase days in FHL 2005). */
  readonly x: NumericColumn;
  /** Recency t_x: time from the first to the last purchase (0 when x = 0). */
  readonly tx: NumericColumn;
  /** Age T: time from the first purchase to the end of the calibration period. */
  readonly T: NumericColumn;
  /** Members with this combination (default 1 per row). */
  readonly weight?: NumericColumn;
}

/** Gamma-Gamma spend parameters (Fader, Hardie & Lee 2005, "RFM and CLV"; lifetimes' p, q, v). */
export interface GammaGammaParams {
  readonly p: number;
  readonly q: number;
  readonly v: number;
}

/** Spend summaries: repeat purchases and mean spend per repeat purchase, optionally weighted. */
export interface GammaGammaData {
  /** Repeat purchases x; rows with x = 0 carry no spend information and are skipped. */
  readonly x: NumericColumn;
  /** Mean value per repeat transaction (z̄), > 0 for x > 0. */
  readonly zbar: NumericColumn;
  /** Members with this combination (default 1 per row). */
  readonly weight?: NumericColumn;
}

/** What a maximum-likelihood fit returns. */
export interface FitResult<P> {
  readonly params: P;
  /** Total (weighted) log-likelihood at `params`, constants included (comparable with lifetimes). */
  readonly logLikelihood: number;
  /** Optimizer iterations (Nelder–Mead and quasi-Newton together). */
  readonly iterations: number;
  /** Likelihood evaluations (each one pass over the rows). */
  readonly evaluations: number;
  /**
   * True when the gradient of the mean log-likelihood vanished to the tolerance (or to the rounding
   * of the likelihood). False with parameters running off to huge or tiny values means the data
   * cannot identify the model (e.g. no variation in spend): do not use those parameters.
   */
  readonly converged: boolean;
  /** Largest |∂ mean log-likelihood / ∂ log parameter| at the solution. */
  readonly gradientNorm: number;
  /** Rows used (distinct combinations), and the members they stand for (sum of weights). */
  readonly rows: number;
  readonly members: number;
}
