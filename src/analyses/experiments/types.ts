/**
 * Shared types of the experiment statistics engine. Every input is a per-arm set of sufficient
 * statistics (sums over units), so the engine never needs raw rows: an engine can reduce billions
 * of rows to a handful of numbers and these functions do the rest.
 */

/** A binary outcome per unit: `sum` = units that converted. Variance is p(1−p). */
export interface ProportionArm {
  readonly kind: 'proportion';
  readonly n: number;
  readonly sum: number;
}

/** A numeric outcome per unit. Variance is the sample variance with n−1. */
export interface MeanArm {
  readonly kind: 'mean';
  readonly n: number;
  readonly sum: number;
  readonly sumSquares: number;
}

/** A ratio of two per-unit sums (e.g. revenue per session), analysed by the delta method. */
export interface RatioArm {
  readonly kind: 'ratio';
  readonly n: number;
  readonly numSum: number;
  readonly numSumSquares: number;
  readonly denSum: number;
  readonly denSumSquares: number;
  readonly numDenSumProduct: number;
}

/**
 * A proportion or mean outcome with a pre-period covariate for CUPED. When `preSumSquares` is
 * omitted the covariate is taken as binary (its sum of squares equals its sum).
 */
export interface CupedArm {
  readonly kind: 'cuped';
  readonly post: ProportionArm | MeanArm;
  readonly preSum: number;
  readonly preSumSquares?: number;
  readonly postPreSumProduct: number;
}

export type ArmData = ProportionArm | MeanArm | RatioArm | CupedArm;

export type DifferenceType = 'relative' | 'absolute';

/** `greater`: H1 is treatment > control; `less`: H1 is treatment < control. */
export type Alternative = 'two-sided' | 'greater' | 'less';

export type Method = 'frequentist' | 'bayesian' | 'sequential';

/**
 * The first two moments of the estimated effect of treatment vs control, which is all every test
 * below needs (asymptotic normality of the estimate).
 */
export interface EffectMoments {
  readonly difference: DifferenceType;
  /**
   * (μB − μA)/|μA| when relative; μB − μA when absolute (CUPED-adjusted means when θ ≠ 0). May be
   * 'absolute' when 'relative' was asked for and the lift is undefined (see `note`).
   */
  readonly estimate: number;
  /** Standard error of `estimate` (delta method when relative). */
  readonly se: number;
  /** Welch–Satterthwaite degrees of freedom. */
  readonly dof: number;
  /** Units in control + treatment: the clock of the confidence sequence. */
  readonly n: number;
  readonly controlN: number;
  readonly treatmentN: number;
  /** Unadjusted means (the ones a reader recognises). */
  readonly controlMean: number;
  readonly treatmentMean: number;
  /** CUPED coefficient used, or null when no adjustment applied. */
  readonly theta: number | null;
  /**
   * Both arms without variance and different means (e.g. 0 % vs 100 %): `se` is 0 and a t-test
   * is degenerate. Optional so hand-built moments need not carry it (absent = false).
   */
  readonly deterministic?: boolean;
  /** Why the comparison differs from the one asked for (relative fell back to absolute…), else null. */
  readonly note?: string | null;
}

/** Either moments, or the reason there are none (no variance, zero baseline…). */
export type EffectMomentsResult =
  { readonly ok: true; readonly moments: EffectMoments } | { readonly ok: false; readonly reason: string };

/** A frequentist or sequential test result. Open interval ends are ±Infinity. */
export interface TestResult {
  readonly estimate: number;
  readonly se: number;
  readonly ci: readonly [number, number];
  readonly pValue: number;
}

/** A Gaussian prior on the effect; `scale` says whether it is a relative lift or an absolute one. */
export interface GaussianPrior {
  readonly mean: number;
  readonly variance: number;
  /** Default 'relative', as in GrowthBook: rescaled by the control mean for absolute analyses. */
  readonly scale?: DifferenceType;
}

export interface BayesianResult {
  /** Posterior mean of the effect. */
  readonly estimate: number;
  /** Posterior standard deviation. */
  readonly se: number;
  /** Equal-tailed credible interval. */
  readonly ci: readonly [number, number];
  /** P(variant better than control), "better" respecting lower-is-better. */
  readonly chanceToWin: number;
  /** Expected loss of [choosing control, choosing the variant], in effect units. */
  readonly risk: readonly [number, number];
}
