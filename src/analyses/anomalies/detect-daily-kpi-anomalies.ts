import { combineAnomalies, type CombinedAnomaly } from './combine-anomalies.ts';
import { departureEpisodes, type DepartureEpisodesOptions } from './departure-episodes.ts';
import { levelShift, type LevelShiftOptions } from './level-shift.ts';
import { sameWeekdayZScore, type SameWeekdayZScoreOptions } from './same-weekday-z-score.ts';
import { seasonalHybridEsd, type SeasonalHybridEsdOptions } from './seasonal-hybrid-esd.ts';
import { normalizeSeries } from './normalize-series.ts';
import { DAY_MS } from './to-epoch-ms.ts';
import { trailingRobustZScore, type TrailingRobustZScoreOptions } from './trailing-robust-z-score.ts';
import type { Anomaly, DetectorName, Direction, SeriesInput } from './types.ts';

/**
 * Settings of the daily-KPI detectors and of their combination. Chosen on NAB's ad-exchange series
 * (see evaluate-nab.test.ts, which also cross-validates them): S-H-ESD with Twitter's defaults and
 * a 4-week (+1 day) piecewise median, same-weekday z over 8 weeks, trailing z over 4 weeks, 2 of
 * those 3 votes; plus departure episodes (trailing 3-week median/MAD, trigger |z| ≥ 5, the run
 * while |z| ≥ 1.25), whose days are flagged on their own; plus level shifts (the median of a day
 * and the next 3 at least 4 robust scales from the previous 14 days, each of the 4 at least 1 scale
 * out on the same side), whose onset days are flagged on their own.
 */
export const DAILY_KPI_DEFAULTS = {
  seasonalHybridEsd: { period: 7, step: DAY_MS, maxAnoms: 0.1, alpha: 0.05, piecewiseWindow: 29 },
  sameWeekday: { weeks: 8, threshold: 3.5, minHistory: 3 },
  trailing: { period: 7, window: 28, threshold: 3.5, minHistory: 14, step: DAY_MS },
  minVotes: 2,
  episodes: { window: 21, period: 0, trigger: 5, persist: 1.25, minHistory: 14, step: DAY_MS },
  levelShift: { window: 14, horizon: 4, threshold: 4, confirm: 1, minHistory: 7 },
} as const;

export interface DailyKpiOptions {
  /** Name of the KPI series (e.g. `conversion/profile=new/channel=email`). */
  readonly subject?: string;
  /** Applied to all three detectors (default `both`). */
  readonly direction?: Direction;
  /** Point detectors (S-H-ESD, same-weekday z, trailing z) that must agree on a day (default 2 of 3). */
  readonly minVotes?: number;
  /** Departure episodes, whose days are flagged without a vote; `false` leaves them out. */
  readonly episodes?: DepartureEpisodesOptions | false;
  /** Level shifts, whose onset days are flagged without a vote; `false` leaves them out. */
  readonly levelShift?: LevelShiftOptions | false;
  readonly seasonalHybridEsd?: Partial<SeasonalHybridEsdOptions>;
  readonly sameWeekday?: SameWeekdayZScoreOptions;
  readonly trailing?: TrailingRobustZScoreOptions;
}

export interface DailyKpiResult {
  /**
   * Days flagged by at least `minVotes` point detectors, inside a departure episode or at the onset
   * of a level shift, with every detector's evidence.
   */
  readonly anomalies: readonly CombinedAnomaly[];
  /** What each detector flagged on its own. */
  readonly byDetector: Readonly<Partial<Record<DetectorName, readonly Anomaly[]>>>;
  /** Detectors that could not run (too little history), and why. */
  readonly skipped: readonly { readonly detector: DetectorName; readonly reason: string }[];
}

/**
 * The daily-KPI anomaly check of the monitoring commands: Seasonal Hybrid ESD, same-weekday robust
 * z and trailing robust z on the same daily series (one value per UTC day; absent days are
 * missing, not zero), and the days at least two of them flag. Voting keeps the precision of the
 * strictest detector while each one covers another failure mode (spikes against season and level,
 * against the same weekday, against the recent deseasonalised level). Added to those days: the
 * days of departure episodes (a strong departure and the adjacent days the KPI stayed away from
 * its recent level), so that a sustained dip is reported for as long as it lasts, and the onset days
 * of level shifts (a step the KPI has held for 4 days, reported 3 days late). A detector that
 * needs more history than the series has is skipped and reported, not an error.
 *
 * @example
 * const { anomalies } = detectDailyKpiAnomalies(revenuePerUser, { subject: 'revenue_per_user/EU' });
 */
export function detectDailyKpiAnomalies(series: SeriesInput, options: DailyKpiOptions = {}): DailyKpiResult {
  const subject = options.subject ?? 'series';
  const direction = options.direction ?? 'both';
  const byDetector: Partial<Record<DetectorName, readonly Anomaly[]>> = {};
  const skipped: { detector: DetectorName; reason: string }[] = [];
  const esdOptions: SeasonalHybridEsdOptions = {
    ...DAILY_KPI_DEFAULTS.seasonalHybridEsd,
    direction,
    ...options.seasonalHybridEsd,
    subject,
  };
  // Too little history is normal for a new segment: S-H-ESD is skipped and reported, not an error.
  const { times } = normalizeSeries(series);
  const step = esdOptions.step;
  const span =
    times.length === 0
      ? 0
      : step
        ? Math.round((times[times.length - 1] - times[0]) / step) + 1
        : times.length;
  if (span > 2 * esdOptions.period)
    byDetector['seasonal-hybrid-esd'] = seasonalHybridEsd(series, esdOptions).anomalies;
  else
    skipped.push({
      detector: 'seasonal-hybrid-esd',
      reason: `needs more than ${2 * esdOptions.period} days of history, has ${span}`,
    });
  byDetector['same-weekday-z'] = sameWeekdayZScore(series, {
    ...DAILY_KPI_DEFAULTS.sameWeekday,
    direction,
    ...options.sameWeekday,
    subject,
  }).anomalies;
  byDetector['trailing-robust-z'] = trailingRobustZScore(series, {
    ...DAILY_KPI_DEFAULTS.trailing,
    direction,
    ...options.trailing,
    subject,
  }).anomalies;
  const voted = combineAnomalies(Object.values(byDetector), {
    minVotes: options.minVotes ?? DAILY_KPI_DEFAULTS.minVotes,
  });
  const alone: Anomaly[] = [];
  if (options.episodes !== false) {
    const episodes = departureEpisodes(series, {
      ...DAILY_KPI_DEFAULTS.episodes,
      direction,
      ...options.episodes,
      subject,
    }).anomalies;
    byDetector['departure-episode'] = episodes;
    alone.push(...episodes);
  }
  if (options.levelShift !== false) {
    const shifts = levelShift(series, {
      ...DAILY_KPI_DEFAULTS.levelShift,
      direction,
      ...options.levelShift,
      subject,
    }).anomalies;
    byDetector['level-shift'] = shifts;
    alone.push(...shifts);
  }
  if (options.episodes === false && options.levelShift === false)
    return { anomalies: voted, byDetector, skipped };
  // Every detector's evidence of a kept day is attached, the episode's and the shift's included.
  const keep = new Set([...voted, ...alone].map((a) => Math.floor(a.t / DAY_MS)));
  const anomalies = combineAnomalies(Object.values(byDetector)).filter((a) =>
    keep.has(Math.floor(a.t / DAY_MS)),
  );
  return { anomalies, byDetector, skipped };
}
