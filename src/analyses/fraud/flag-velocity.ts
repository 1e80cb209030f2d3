import { FraudInputError } from './fraud-input-error.ts';
import { poissonUpperTail } from './poisson-upper-tail.ts';
import { robustSpread } from './robust-spread.ts';

/**
 * One advocate's referred conversions in the window; weeks are 7-day blocks counted back from
 * the window's end (they end at as-of, as the command's trends do), not calendar weeks. SQL
 * (DuckDB; optimize-referrals' `velocitySql` is the same per advocate account):
 * ```sql
 * WITH d  AS (SELECT advocate_id, CAST(converted_at AS DATE) AS day, count(*) AS n
 *             FROM referrals WHERE converted_at >= $start AND converted_at < $end GROUP BY ALL),
 *      pd AS (SELECT advocate_id, sum(n) AS conversions, max(n) AS peak_day FROM d GROUP BY ALL),
 *      pw AS (SELECT advocate_id, max(n) AS peak_week
 *             FROM (SELECT advocate_id, floor(date_diff('day', day, CAST($end AS DATE) - 1) / 7) AS week,
 *                          sum(n) AS n FROM d GROUP BY ALL)
 *             GROUP BY ALL)
 * SELECT a.advocate_id AS "advocateId", coalesce(pd.conversions, 0) AS conversions,
 *        greatest(1, date_diff('day', greatest(a.enrolled_at, $start), $end)) AS "activeDays",
 *        coalesce(pd.peak_day, 0) AS "peakDayConversions", coalesce(pw.peak_week, 0) AS "peakWeekConversions"
 * FROM advocates a LEFT JOIN pd USING (advocate_id) LEFT JOIN pw USING (advocate_id)
 * ```
 */
export interface AdvocateActivityRow {
  readonly advocateId: string;
  /** Referred conversions in the window. */
  readonly conversions: number;
  /** Days the advocate could refer within the window (≥ 1). */
  readonly activeDays: number;
  /** Most referred conversions on one calendar day. */
  readonly peakDayConversions: number;
  /** Most referred conversions in one week (7 days ending at as-of, or 7k days before it). */
  readonly peakWeekConversions: number;
}

export type VelocityMethod = 'mad' | 'poisson';

export interface VelocityOptions {
  /**
   * Which test flags (both statistics are always reported):
   * - `mad` (default): peak > median + k·σ̂ of the peaks of advocates with ≥ 1 conversion, σ̂ =
   *   1.4826·MAD (1.2533·mean absolute deviation when MAD is 0). Judged against the program's own
   *   spread, so genuinely busy advocates widen the norm instead of all being flagged.
   * - `poisson`: the chance that a Poisson advocate at the program rate (Σ conversions /
   *   Σ active days) reaches the peak on any of its days (weeks),
   *   1 − (1 − P(X ≥ peak))^periods, is below alpha / (advocates tested) (Bonferroni). Sharper
   *   when counts are small, but real programs are over-dispersed, so it flags busy advocates too.
   */
  readonly method?: VelocityMethod;
  /** MAD multiplier; default 5. */
  readonly k?: number;
  /** Family-wise false-flag rate for `poisson`; default 0.001. */
  readonly alpha?: number;
  /** A peak below this is never flagged, whatever the spread; defaults 3 per day, 5 per week. */
  readonly minPeakDay?: number;
  readonly minPeakWeek?: number;
  /**
   * `mad` with fewer advocates with a conversion than this (default 20: a handful of partners):
   * the median and MAD of so few peaks say little about the spread (eight partners' week peaks
   * 1,3,3,3,4,4,4,8: median 3.5, MAD 0.5, flag from 8: a platinum partner's usual week), so a
   * peak is flagged only when it is also a burst against the advocate's own level: the chance that
   * a Poisson advocate at its own steady rate (conversions / active days, × 7 for weeks: the rate's
   * estimate when there is no burst) reaches the peak on any of its periods is below alpha. A
   * steadily busy or growing account is not a burst.
   */
  readonly minPeers?: number;
}

export const DEFAULT_VELOCITY_OPTIONS: Required<VelocityOptions> = {
  method: 'mad',
  k: 5,
  alpha: 0.001,
  minPeakDay: 3,
  minPeakWeek: 5,
  minPeers: 20,
};

export interface VelocityNorm {
  readonly period: 'day' | 'week';
  /** Median and MAD of the peaks of advocates with at least one conversion. */
  readonly median: number;
  readonly mad: number;
  readonly sigma: number;
  /** Smallest peak the `mad` method flags: max(minPeak, ⌊median + k·σ̂⌋ + 1). */
  readonly madThreshold: number;
  /** Program rate per advocate and period (Σ conversions / Σ active periods). */
  readonly programRate: number;
}

export interface VelocityFlag {
  readonly advocateId: string;
  readonly period: 'day' | 'week';
  readonly peak: number;
  readonly median: number;
  readonly sigma: number;
  readonly madThreshold: number;
  readonly programRate: number;
  /** P(some period reaches the peak) for a Poisson advocate at the program rate. */
  readonly pValue: number;
  readonly method: VelocityMethod;
  /**
   * With fewer than `minPeers` peers (`mad`): the advocate's own steady rate per period and
   * P(some period reaches the peak) at that rate; null when the peer norm alone decided.
   */
  readonly ownRate: number | null;
  readonly ownPValue: number | null;
}

export interface VelocityReview {
  readonly options: Required<VelocityOptions>;
  readonly day: VelocityNorm;
  readonly week: VelocityNorm;
  /** Flagged advocates by id (the day finding when both periods flag). */
  readonly flagged: ReadonlyMap<string, VelocityFlag>;
  /** Advocates with at least one conversion (the Bonferroni count). */
  readonly tested: number;
}

/**
 * Velocity: advocates whose referred conversions on their busiest day or week are far above the
 * program's norm (see `VelocityOptions.method`). Advocates without conversions are not tested
 * and do not enter the norm: most advocates convert nobody, and a norm of 0 would flag everyone
 * who converts twice. O(n log n) for the medians over n advocates.
 *
 * @example
 * const velocity = flagVelocity(advocateRows);
 * velocity.flagged.get('adv-42')?.peak;
 */
export function flagVelocity(
  rows: readonly AdvocateActivityRow[],
  options: VelocityOptions = {},
): VelocityReview {
  const o: Required<VelocityOptions> = { ...DEFAULT_VELOCITY_OPTIONS, ...options };
  if (!(o.k > 0) || !(o.alpha > 0 && o.alpha < 1))
    throw new FraudInputError(`velocity k must be > 0 and alpha in (0, 1), got k=${o.k} alpha=${o.alpha}`, {
      field: 'velocity',
    });
  let tested = 0;
  let totalConversions = 0;
  let totalDays = 0;
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i];
    for (const field of ['conversions', 'activeDays', 'peakDayConversions', 'peakWeekConversions'] as const)
      if (!Number.isFinite(r[field]) || r[field] < 0)
        throw new FraudInputError(`advocate ${r.advocateId}: ${field} must be a finite count ≥ 0`, {
          field: `rows[${i}].${field}`,
          index: i,
        });
    totalConversions += r.conversions;
    totalDays += Math.max(1, r.activeDays);
    if (r.conversions > 0) tested++;
  }
  const dayPeaks = new Float64Array(tested);
  const weekPeaks = new Float64Array(tested);
  for (let i = 0, t = 0; i < rows.length; i++) {
    if (rows[i].conversions > 0) {
      dayPeaks[t] = rows[i].peakDayConversions;
      weekPeaks[t++] = rows[i].peakWeekConversions;
    }
  }
  const dayRate = totalDays > 0 ? totalConversions / totalDays : 0;
  const day = norm('day', dayPeaks, o.k, o.minPeakDay, dayRate);
  const week = norm('week', weekPeaks, o.k, o.minPeakWeek, dayRate * 7);
  const perTestAlpha = o.alpha / Math.max(1, tested);
  const fewPeers = o.method === 'mad' && tested < o.minPeers;

  const flagged = new Map<string, VelocityFlag>();
  for (const r of rows) {
    if (r.conversions === 0) continue;
    const periods = Math.max(1, r.activeDays);
    const found =
      judge(r, day, r.peakDayConversions, periods, 1, o, perTestAlpha, fewPeers) ??
      judge(
        r,
        week,
        r.peakWeekConversions,
        Math.max(1, Math.ceil(periods / 7)),
        7,
        o,
        perTestAlpha,
        fewPeers,
      );
    if (found) flagged.set(r.advocateId, found);
  }
  return { options: o, day, week, flagged, tested };
}

function norm(
  period: 'day' | 'week',
  peaks: Float64Array,
  k: number,
  minPeak: number,
  programRate: number,
): VelocityNorm {
  if (peaks.length === 0) return { period, median: 0, mad: 0, sigma: 0, madThreshold: minPeak, programRate };
  const { median, mad, sigma } = robustSpread(peaks);
  return {
    period,
    median,
    mad,
    sigma,
    madThreshold: Math.max(minPeak, Math.floor(median + k * sigma) + 1),
    programRate,
  };
}

function judge(
  r: AdvocateActivityRow,
  n: VelocityNorm,
  peak: number,
  periods: number,
  /** Days per period. */
  days: number,
  o: Required<VelocityOptions>,
  perTestAlpha: number,
  fewPeers: boolean,
): VelocityFlag | null {
  const minPeak = n.period === 'day' ? o.minPeakDay : o.minPeakWeek;
  if (peak < minPeak) return null;
  const pValue = anyPeriodReaches(peak, n.programRate, periods);
  const fires = o.method === 'mad' ? peak >= n.madThreshold : pValue < perTestAlpha;
  if (!fires) return null;
  // few peers: the peak must also be a burst against the advocate's own steady level
  const ownRate = fewPeers ? (r.conversions / Math.max(1, r.activeDays)) * days : null;
  const ownPValue = ownRate === null ? null : anyPeriodReaches(peak, ownRate, periods);
  if (ownPValue !== null && ownPValue >= o.alpha) return null;
  return {
    advocateId: r.advocateId,
    period: n.period,
    peak,
    median: n.median,
    sigma: n.sigma,
    madThreshold: n.madThreshold,
    programRate: n.programRate,
    pValue,
    method: o.method,
    ownRate,
    ownPValue,
  };
}

/** P(max over `periods` independent Poisson(rate) periods ≥ peak) = 1 − (1 − p)^periods, without cancellation. */
function anyPeriodReaches(peak: number, rate: number, periods: number): number {
  const single = poissonUpperTail(peak, rate);
  return single >= 1 ? 1 : -Math.expm1(periods * Math.log1p(-single));
}
