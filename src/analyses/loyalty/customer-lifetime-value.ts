import { bgnbdProbabilityAlive } from './bgnbd-probability-alive.ts';
import { purchaseBracket } from './bgnbd-purchase-series.ts';
import { checkLength, finiteAt } from './check-column.ts';
import { gammaGammaExpectedSpend } from './gamma-gamma-expected-spend.ts';
import { LoyaltyInputError } from './loyalty-input-error.ts';
import type { BgNbdParams, GammaGammaParams, NumericColumn } from './types.ts';

/** Model time units per month, lifetimes' `freq` factors (D 30, W 4.345, M 1, H 720). */
export const PERIODS_PER_MONTH = { hour: 720, day: 30, week: 4.345, month: 1 } as const;

export interface ClvOptions {
  /**
   * Model time units in one month: `PERIODS_PER_MONTH.week` when x, tx, T were in weeks. Required,
   * because a wrong unit silently scales the horizon (lifetimes defaults to days).
   */
  readonly periodsPerMonth: number;
  /** Horizon in months (lifetimes' `time`). Default 12. */
  readonly months?: number;
  /** Discount rate per month (lifetimes' `discount_rate`). Default 0.01 (≈ 12.7% a year). */
  readonly monthlyDiscountRate?: number;
}

/** One member's summary for CLV: BG/NBD history plus mean spend per repeat purchase. */
export interface ClvMember {
  readonly x: number;
  readonly tx: number;
  readonly T: number;
  /** Mean value per repeat purchase (any value when x = 0: the population mean is used). */
  readonly zbar: number;
}

/**
 * Discounted customer lifetime value with lifetimes' convention (`GammaGammaFitter.
 * customer_lifetime_value`): monthly steps, the purchases expected in each month times the
 * Gamma-Gamma expected spend, discounted at the end of the month,
 *
 *   CLV = Σᵢ₌₁..H  E[M | x, z̄] · (E[Y(i·f) | x, tx, T] − E[Y((i−1)·f) | x, tx, T]) / (1 + d)^i,
 *
 * with f = periods per month, H = months, d = monthly discount rate, E[Y] the BG/NBD conditional
 * expectation and E[M] the Gamma-Gamma conditional mean spend. Value is in the unit of z̄ (revenue
 * or margin). O(H × series terms).
 *
 * @example
 * // lifetimes' Quickstart (CDNOW weeks, but lifetimes' default freq 'D', i.e. f = 30), customer 1:
 * customerLifetimeValue(bg, gg, { x: 2, tx: 30.43, T: 38.86, zbar: 22.35 }, { periodsPerMonth: 30 }); // ≈ 140.096
 */
export function customerLifetimeValue(
  bg: BgNbdParams,
  gg: GammaGammaParams,
  member: ClvMember,
  options: ClvOptions,
): number {
  const { months, f, d } = clvSettings(options);
  const spend = gammaGammaExpectedSpend(gg, member.x, member.zbar);
  const scale = (bg.a + bg.b + member.x - 1) * bgnbdProbabilityAlive(bg, member.x, member.tx, member.T);
  let previous = 0;
  let value = 0;
  let discount = 1;
  for (let i = 1; i <= months; i++) {
    const cumulative = scale * purchaseBracket(bg.r, bg.alpha, bg.a, bg.b, member.x, member.T, i * f);
    discount /= 1 + d;
    value += spend * (cumulative - previous) * discount;
    previous = cumulative;
  }
  return value;
}

/**
 * `customerLifetimeValue` for columns of members (or distinct combinations: the value is per
 * member). O(rows × months × series terms).
 *
 * @example
 * customerLifetimeValues(bg, gg, { x, tx, T, zbar }, { periodsPerMonth: PERIODS_PER_MONTH.week });
 */
export function customerLifetimeValues(
  bg: BgNbdParams,
  gg: GammaGammaParams,
  data: {
    readonly x: NumericColumn;
    readonly tx: NumericColumn;
    readonly T: NumericColumn;
    readonly zbar: NumericColumn;
  },
  options: ClvOptions,
): Float64Array {
  const n = data.x.length;
  checkLength(data.tx, n, 'tx');
  checkLength(data.T, n, 'T');
  checkLength(data.zbar, n, 'zbar');
  clvSettings(options);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    out[i] = customerLifetimeValue(
      bg,
      gg,
      {
        x: finiteAt(data.x, i, 'x', 0),
        tx: finiteAt(data.tx, i, 'tx', 0),
        T: finiteAt(data.T, i, 'T', 0),
        zbar: finiteAt(data.zbar, i, 'zbar'),
      },
      options,
    );
  }
  return out;
}

function clvSettings(options: ClvOptions): { months: number; f: number; d: number } {
  const months = options.months ?? 12;
  const d = options.monthlyDiscountRate ?? 0.01;
  const f = options.periodsPerMonth;
  if (!(f > 0) || !Number.isFinite(f)) {
    throw new LoyaltyInputError(`periodsPerMonth must be a positive number, got ${f}`, {
      option: 'periodsPerMonth',
      hint: 'use PERIODS_PER_MONTH.week when the summaries are in weeks, .day for days',
    });
  }
  if (!Number.isInteger(months) || months < 0) {
    throw new LoyaltyInputError(`months must be a whole number ≥ 0, got ${months}`, { option: 'months' });
  }
  if (!(d > -1) || !Number.isFinite(d)) {
    throw new LoyaltyInputError(`monthlyDiscountRate must be > −1, got ${d}`, {
      option: 'monthlyDiscountRate',
    });
  }
  return { months, f, d };
}
