import { effectMoments, welchTTest } from '../experiments/index.ts';

/** Revenue per customer of one group as sufficient statistics (SQL: count, sum, sum of squares). */
export interface RevenueArm {
  /** Customers (members of the group, with 0 revenue included). */
  readonly n: number;
  /** Σ revenue per customer. */
  readonly sum: number;
  /** Σ revenue per customer². */
  readonly sumSquares: number;
}

export type IncrementalRevenue =
  | {
      readonly ok: true;
      /** Treated − holdout revenue per customer. */
      readonly revenuePerCustomerLift: number;
      /** Welch interval of the lift per customer. */
      readonly ci: readonly [number, number];
      readonly pValue: number;
      /** Lift per customer × treated customers: the programme's incremental revenue in the window. */
      readonly incrementalRevenue: number;
      readonly incrementalRevenueCi: readonly [number, number];
      readonly treatedMean: number;
      readonly holdoutMean: number;
      /** (treated − holdout) / holdout mean. */
      readonly relativeLift: number | null;
    }
  | { readonly ok: false; readonly reason: string };

/**
 * Incremental revenue of the programme against a randomised holdout (customers kept out of it):
 * the difference in mean revenue per customer, with Welch's unequal-variance t interval
 * (the experiments module's `effectMoments` + `welchTTest`, absolute difference), scaled by the
 * treated customers for the total. `{ ok: false, reason }` when an arm has no variance. O(1).
 *
 * @example
 * incrementalRevenueVsHoldout(
 *   { n: 9_000, sum: 1_125_000, sumSquares: 2.1e8 },
 *   { n: 1_000, sum: 110_000, sumSquares: 2.2e7 },
 * );
 */
export function incrementalRevenueVsHoldout(
  treated: RevenueArm,
  holdout: RevenueArm,
  alpha = 0.05,
): IncrementalRevenue {
  const moments = effectMoments(
    { kind: 'mean', n: holdout.n, sum: holdout.sum, sumSquares: holdout.sumSquares },
    { kind: 'mean', n: treated.n, sum: treated.sum, sumSquares: treated.sumSquares },
    'absolute',
  );
  if (!moments.ok) return { ok: false, reason: moments.reason };
  const test = welchTTest(moments.moments, { alpha });
  const { controlMean, treatmentMean } = moments.moments;
  return {
    ok: true,
    revenuePerCustomerLift: test.estimate,
    ci: test.ci,
    pValue: test.pValue,
    incrementalRevenue: test.estimate * treated.n,
    incrementalRevenueCi: [test.ci[0] * treated.n, test.ci[1] * treated.n],
    treatedMean: treatmentMean,
    holdoutMean: controlMean,
    relativeLift: controlMean !== 0 ? (treatmentMean - controlMean) / Math.abs(controlMean) : null,
  };
}
