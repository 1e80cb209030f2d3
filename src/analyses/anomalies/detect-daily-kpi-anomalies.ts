import { combineAnomalies, type CombinedAnomaly } from './combine-anomalies.ts';
import { sameWeekdayZScore, type SameWeekdayZScoreOptions } from './same-weekday-z-score.ts';
import { seasonalHybridEsd, type SeasonalHybridEsdOptions } from './seasonal-hybrid-esd.ts';
import { normalizeSeries } from './normalize-series.ts';
import { DAY_MS } from './to-epoch-ms.ts';
import { trailingRobustZScore, type TrailingRobustZScoreOptions } from './trailing-robust-z-score.ts';
import type { Anomaly, DetectorName, Direction, SeriesInput } from './types.ts';

/**
 * Settings of the three daily-KPI detectors and of their vote. Chosen on NAB's ad-exchange series
 * (see evaluate-nab.test.ts): S-H-ESD with Twitter's defaults and a 4-week (+1 day) piecewise
 * median, same-weekday z over 8 weeks, trailing z over 4 weeks, 2 of 3 votes.
 */
export const DAILY_KPI_DEFAULTS = {
  seasonalHybridEsd: { period: 7, step: DAY_MS, maxAnoms: 0.1, alpha: 0.05, piecewiseWindow: 29 },
  sameWeekday: { weeks: 8, threshold: 3.5, minHistory: 3 },
  trailing: { period: 7, window: 28, threshold: 3.5, minHistory: 14, step: DAY_MS },
  minVotes: 2,
} as const;

export interface DailyKpiOptions {
  /** Name of the KPI series (e.g. `conversion/profile=new/channel=email`). */
  readonly subject?: string;
  /** Applied to all three detectors (default `both`). */
  readonly direction?: Direction;
  /** Detectors that must agree on a day (default 2 of 3). */
  readonly minVotes?: number;
  readonly seasonalHybridEsd?: Partial<SeasonalHybridEsdOptions>;
  readonly sameWeekday?: SameWeekdayZScoreOptions;
  readonly trailing?: TrailingRobustZScoreOptions;
}

export interface DailyKpiResult {
  /** Days flagged by at least `minVotes` detectors, with every detector's evidence. */
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
 * against the same weekday, against the recent deseasonalised level). A detector that needs more
 * history than the series has is skipped and reported, not an error.
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
  const anomalies = combineAnomalies(Object.values(byDetector), {
    minVotes: options.minVotes ?? DAILY_KPI_DEFAULTS.minVotes,
  });
  return { anomalies, byDetector, skipped };
}
