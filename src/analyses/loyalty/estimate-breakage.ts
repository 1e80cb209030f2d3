import { LoyaltyInputError } from './loyalty-input-error.ts';

/** One issuance cohort (e.g. the points issued in one month) and its development by age. */
export interface PointsCohort {
  /** Label (e.g. '2024-03'). */
  readonly cohort: string;
  readonly pointsIssued: number;
  /** Points of the cohort redeemed by the end of age 0, 1, 2, … (cumulative, one per observed age). */
  readonly cumulativeRedeemed: readonly number[];
  /** Points of the cohort expired by the end of each observed age (cumulative); default none. */
  readonly cumulativeExpired?: readonly number[];
}

export interface BreakageOptions {
  /**
   * Age (in the triangle's periods) by which a cohort is fully developed, e.g. 24 when points
   * expire 24 months after issue: such cohorts use their actual redemption rate. Default: none
   * (only cohorts with nothing left outstanding count as matured).
   */
  readonly maturityAge?: number;
  /** Development beyond the oldest observed age, applied to every immature cohort. Default 1. */
  readonly tailFactor?: number;
  /**
   * `chain-ladder` (default): ultimate = redeemed to date × age-to-ultimate factor.
   * `bornhuetter-ferguson`: ultimate = redeemed to date + issued × prior rate × (1 − 1 / age-to-
   * ultimate factor), which leans on the prior for young cohorts whose few redemptions to date
   * say little (a spike of issuance, points not yet available), and on their own data as they age.
   */
  readonly method?: 'chain-ladder' | 'bornhuetter-ferguson';
  /**
   * Prior ultimate redemption rate of Bornhuetter–Ferguson. Default: the issued-weighted actual
   * rate of the matured cohorts, else the chain-ladder rate of all cohorts.
   */
  readonly priorRedemptionRate?: number;
}

export interface CohortBreakage {
  readonly cohort: string;
  readonly pointsIssued: number;
  readonly latestAge: number;
  readonly redeemedToDate: number;
  readonly expiredToDate: number;
  /** True when the actual rate is used (at or past maturityAge, or nothing outstanding). */
  readonly matured: boolean;
  /** Redeemed-to-date × remaining development factors (× tail), capped at issued − expired. */
  readonly ultimateRedeemed: number;
  readonly ultimateRedemptionRate: number;
  /** 1 − ultimate redemption rate. */
  readonly breakageRate: number;
}

export interface BreakageEstimate {
  /**
   * Volume-weighted age-to-age factors f₀…f_{K−1}: f_k = Σ C(i,k+1) / Σ C(i,k) over cohorts seen at
   * k+1; Infinity when Σ C(i,k) = 0 < Σ C(i,k+1), 1 when both are 0.
   */
  readonly developmentFactors: number[];
  /** Cohorts contributing to each factor. */
  readonly factorCohorts: number[];
  /** Age-to-ultimate factor from each age (product of the later factors × tail; Infinity below an infinite factor). */
  readonly cumulativeFactors: number[];
  readonly cohorts: CohortBreakage[];
  /** Σ ultimate redeemed / Σ issued over all cohorts. */
  readonly expectedRedemptionRate: number;
  /** 1 − expectedRedemptionRate. */
  readonly expectedBreakageRate: number;
  readonly method: 'chain-ladder' | 'bornhuetter-ferguson';
  /** The prior rate Bornhuetter–Ferguson used (null for the chain ladder). */
  readonly priorRedemptionRate: number | null;
}

/**
 * Expected breakage from issuance-cohort redemption curves by the chain-ladder method, as
 * actuaries estimate loyalty breakage (cumulative redemptions by cohort × age form a run-off
 * triangle; Mack 1993's volume-weighted development factors):
 *
 *   f_k = Σᵢ C(i, k+1) / Σᵢ C(i, k)   over cohorts i observed at age k+1,
 *   ultimate(i) = C(i, nᵢ) · f_{nᵢ} · … · f_{K−1} · tail,   capped at issued(i) − expired(i),
 *
 * with nᵢ the cohort's latest age. Matured cohorts (age ≥ maturityAge, or no points left
 * outstanding) use their actual redemptions. Breakage rate = 1 − ultimate / issued, per cohort and
 * issued-weighted overall. A factor with Σ C(i, k) = 0 is 1 when Σ C(i, k+1) = 0 too (no
 * information) and Infinity when Σ C(i, k+1) > 0 (nothing redeemed by age k, some by k+1, as when
 * points cannot be redeemed in their issue month): the age-to-ultimate factors from age k down are
 * then Infinity, so Bornhuetter–Ferguson expects the whole prior of a cohort at those ages
 * (1 − 1/∞ = 1: it has none of its development behind it). The chain ladder, which multiplies the
 * redemptions to date, cannot project across such a factor and takes it as 1 (the later ages'
 * development only; a cohort with nothing redeemed projects to nothing either way). O(cells).
 *
 * @example
 * estimateBreakage([
 *   { cohort: 'A', pointsIssued: 1000, cumulativeRedeemed: [200, 500, 600] },
 *   { cohort: 'B', pointsIssued: 2000, cumulativeRedeemed: [300, 800] },
 *   { cohort: 'C', pointsIssued: 1500, cumulativeRedeemed: [400] },
 * ]).developmentFactors; // [2.6, 1.2]
 */
export function estimateBreakage(
  cohorts: readonly PointsCohort[],
  options: BreakageOptions = {},
): BreakageEstimate {
  const tail = options.tailFactor ?? 1;
  if (!(tail >= 1) || !Number.isFinite(tail)) {
    throw new LoyaltyInputError(`tailFactor must be ≥ 1, got ${tail}`, { option: 'tailFactor' });
  }
  const maturityAge = options.maturityAge ?? Infinity;
  cohorts.forEach(validateCohort);
  const maxAge = cohorts.reduce((m, c) => Math.max(m, c.cumulativeRedeemed.length - 1), 0);
  const developmentFactors: number[] = [];
  const factorCohorts: number[] = [];
  for (let k = 0; k < maxAge; k++) {
    let numerator = 0;
    let denominator = 0;
    let used = 0;
    for (const c of cohorts) {
      if (c.cumulativeRedeemed.length > k + 1) {
        numerator += c.cumulativeRedeemed[k + 1];
        denominator += c.cumulativeRedeemed[k];
        used++;
      }
    }
    // Nothing redeemed by age k but some by k + 1: the cohorts were 0 % developed at k, an
    // infinite factor (taking it as 1 would call them as developed as at k + 1, and BF would
    // expect a young cohort to redeem only part of the prior). Nothing by k + 1 either: 1.
    developmentFactors.push(denominator > 0 ? numerator / denominator : numerator > 0 ? Infinity : 1);
    factorCohorts.push(used);
  }
  const cumulativeFactors = new Array<number>(maxAge + 1);
  cumulativeFactors[maxAge] = tail;
  for (let k = maxAge - 1; k >= 0; k--)
    cumulativeFactors[k] = cumulativeFactors[k + 1] * developmentFactors[k];

  // The chain ladder cannot project across an infinite factor (C × ∞ would take every cohort with a
  // redemption at that age to its cap): it takes such a factor as 1, projecting with the later ages'
  // development only, as it did before the factor was known to be infinite.
  const chainFactors = new Array<number>(maxAge + 1);
  chainFactors[maxAge] = tail;
  for (let k = maxAge - 1; k >= 0; k--)
    chainFactors[k] =
      chainFactors[k + 1] * (Number.isFinite(developmentFactors[k]) ? developmentFactors[k] : 1);
  const chain = cohorts.map((c) =>
    project(c, cumulativeFactors, maturityAge, (redeemed, k) => redeemed * chainFactors[k]),
  );
  const method = options.method ?? 'chain-ladder';
  let prior: number | null = null;
  let results = chain;
  if (method === 'bornhuetter-ferguson') {
    prior = options.priorRedemptionRate ?? defaultPrior(chain);
    if (!(prior >= 0 && prior <= 1)) {
      throw new LoyaltyInputError(`priorRedemptionRate is a share in 0..1, got ${prior}`, {
        option: 'priorRedemptionRate',
      });
    }
    const rate = prior;
    results = cohorts.map((c) =>
      project(
        c,
        cumulativeFactors,
        maturityAge,
        (redeemed, k) => redeemed + c.pointsIssued * rate * (1 - 1 / cumulativeFactors[k]),
      ),
    );
  }
  const issuedTotal = results.reduce((s, c) => s + c.pointsIssued, 0);
  const ultimateTotal = results.reduce((s, c) => s + c.ultimateRedeemed, 0);
  const expectedRedemptionRate = issuedTotal > 0 ? ultimateTotal / issuedTotal : 0;
  return {
    developmentFactors,
    factorCohorts,
    cumulativeFactors,
    cohorts: results,
    expectedRedemptionRate,
    expectedBreakageRate: issuedTotal > 0 ? 1 - expectedRedemptionRate : 0,
    method,
    priorRedemptionRate: prior,
  };
}

/** Issued-weighted actual rate of the matured cohorts, else the overall chain-ladder rate. */
function defaultPrior(chain: CohortBreakage[]): number {
  const matured = chain.filter((c) => c.matured && c.pointsIssued > 0);
  const pool = matured.length ? matured : chain;
  const issued = pool.reduce((s, c) => s + c.pointsIssued, 0);
  return issued > 0 ? pool.reduce((s, c) => s + c.ultimateRedeemed, 0) / issued : 0;
}

/** One cohort's ultimate: actual when matured, else the projection capped at issued − expired. */
function project(
  c: PointsCohort,
  cumulativeFactors: number[],
  maturityAge: number,
  projection: (redeemed: number, age: number) => number,
): CohortBreakage {
  const latestAge = c.cumulativeRedeemed.length - 1;
  const redeemed = latestAge >= 0 ? c.cumulativeRedeemed[latestAge] : 0;
  const expiredSeries = c.cumulativeExpired ?? [];
  const expired = expiredSeries.length > 0 ? expiredSeries[Math.min(latestAge, expiredSeries.length - 1)] : 0;
  const outstanding = c.pointsIssued - redeemed - expired;
  const matured = latestAge >= maturityAge || outstanding <= 0;
  const projected = latestAge < 0 ? 0 : projection(redeemed, latestAge);
  const ultimateRedeemed = matured
    ? redeemed
    : Math.max(redeemed, Math.min(projected, c.pointsIssued - expired));
  const rate = c.pointsIssued > 0 ? ultimateRedeemed / c.pointsIssued : 0;
  return {
    cohort: c.cohort,
    pointsIssued: c.pointsIssued,
    latestAge,
    redeemedToDate: redeemed,
    expiredToDate: expired,
    matured,
    ultimateRedeemed,
    ultimateRedemptionRate: rate,
    breakageRate: c.pointsIssued > 0 ? 1 - rate : 0,
  };
}

function validateCohort(c: PointsCohort, row: number): void {
  if (!Number.isFinite(c.pointsIssued) || c.pointsIssued < 0) {
    throw new LoyaltyInputError(`pointsIssued of cohort ${c.cohort} must be ≥ 0, got ${c.pointsIssued}`, {
      column: 'pointsIssued',
      row,
    });
  }
  const check = (series: readonly number[], column: string): void => {
    let previous = 0;
    series.forEach((v, age) => {
      if (!Number.isFinite(v) || v < previous) {
        throw new LoyaltyInputError(
          `${column} of cohort ${c.cohort} must be cumulative (finite, never decreasing): ${v} at age ${age}`,
          { column, row, hint: 'pass running totals by age, not the amount of each period' },
        );
      }
      previous = v;
    });
    if (previous > c.pointsIssued * (1 + 1e-12)) {
      throw new LoyaltyInputError(`${column} of cohort ${c.cohort} exceeds the points issued`, {
        column,
        row,
      });
    }
  };
  check(c.cumulativeRedeemed, 'cumulativeRedeemed');
  if (c.cumulativeExpired) check(c.cumulativeExpired, 'cumulativeExpired');
}
