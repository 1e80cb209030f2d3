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
      /** Welch interval of the lift per customer; null for a deterministic difference. */
      readonly ci: readonly [number, number] | null;
      /** Welch p-value; null (not applicable) for a deterministic difference. */
      readonly pValue: number | null;
      /** Lift per customer × treated customers: the programme's incremental revenue in the window. */
      readonly incrementalRevenue: number;
      readonly incrementalRevenueCi: readonly [number, number] | null;
      readonly treatedMean: number;
      readonly holdoutMean: number;
      /** (treated − holdout) / holdout mean. */
      readonly relativeLift: number | null;
      /**
       * Every treated customer has one revenue and every holdout customer another: the difference
       * is exact, not an estimate from a sample, so no p-value or interval applies (the
       * experiments engine's deterministic case). `note` says so.
       */
      readonly deterministic: boolean;
      /** Why there is no p-value or interval (deterministic), else null. */
      readonly note: string | null;
    }
  | { readonly ok: false; readonly reason: string };

/**
 * Incremental revenue of the programme against a randomised holdout (customers kept out of it):
 * the difference in mean revenue per customer, with Welch's unequal-variance t interval
 * (the experiments module's `effectMoments` + `welchTTest`, absolute difference), scaled by the
 * treated customers for the total. One group without variance is tested against the other's.
 * Both without variance and different: a deterministic difference, reported exactly with no
 * p-value or interval (`deterministic`, `note`), as the experiments engine reports it (a t-test
 * on se = 0 would give p = 0 and a zero-width interval, which no sample supports). Both without
 * variance and equal, or fewer than 2 customers in a group: `{ ok: false, reason }`. O(1).
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
  const { controlMean, treatmentMean } = moments.moments;
  const means = {
    treatedMean: treatmentMean,
    holdoutMean: controlMean,
    relativeLift: controlMean !== 0 ? (treatmentMean - controlMean) / Math.abs(controlMean) : null,
  };
  if (moments.moments.deterministic) {
    const lift = moments.moments.estimate;
    return {
      ok: true,
      revenuePerCustomerLift: lift,
      ci: null,
      pValue: null,
      incrementalRevenue: lift * treated.n,
      incrementalRevenueCi: null,
      ...means,
      deterministic: true,
      note: `deterministic difference: every treated customer has revenue ${amount(treatmentMean)} and every holdout customer ${amount(controlMean)} (no variance in either group), so the lift is exact, not estimated from a sample: no p-value or interval applies; so clean a split usually means revenue is tied to the assignment (e.g. a fixed reward recorded as revenue): check the data`,
    };
  }
  const test = welchTTest(moments.moments, { alpha });
  return {
    ok: true,
    revenuePerCustomerLift: test.estimate,
    ci: test.ci,
    pValue: test.pValue,
    incrementalRevenue: test.estimate * treated.n,
    incrementalRevenueCi: [test.ci[0] * treated.n, test.ci[1] * treated.n],
    ...means,
    deterministic: false,
    note: null,
  };
}

function amount(x: number): string {
  return String(Number(x.toPrecision(6)));
}
