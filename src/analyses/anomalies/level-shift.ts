import { AnomalyInputError } from './anomaly-input-error.ts';
import { median } from './median.ts';
import { normalizeSeries } from './normalize-series.ts';
import { direction as checkDirection, exceeds, positiveInteger, positiveNumber } from './option-checks.ts';
import { robustScale } from './robust-scale.ts';
import { robustZ, scoredAnomaly } from './scored-anomaly.ts';
import { formatTime } from './to-epoch-ms.ts';
import type { Anomaly, Direction, SeriesInput } from './types.ts';

export interface LevelShiftOptions {
  /** Observed values before the day that form its baseline (default 14). */
  readonly window?: number;
  /** The day and the observed days after it that must hold the new level (default 4). */
  readonly horizon?: number;
  /** Flag when the median of the horizon is at least this many robust scales away (default 4). */
  readonly threshold?: number;
  /** Every day of the horizon at least this many scales away, on the same side (default 1). */
  readonly confirm?: number;
  readonly direction?: Direction;
  /** Fewest baseline values needed to judge a day (default 7; the baseline grows until `window`). */
  readonly minHistory?: number;
  /** Scale floor as a fraction of the baseline's median absolute level (default 0.01). */
  readonly minRelativeScale?: number;
  readonly subject?: string;
}

/** A day judged by the level-shift test. */
export interface LevelShiftPoint {
  readonly t: number;
  readonly at: string;
  readonly value: number;
  /** Median and robust scale of the baseline (the `history` values before the day). */
  readonly baseline: number;
  readonly scale: number;
  /** Median of the day and the `horizon − 1` days after it. */
  readonly level: number;
  /** (level − baseline) / scale. */
  readonly z: number;
  readonly history: number;
  readonly flagged: boolean;
}

export interface LevelShiftResult {
  /** Every day with enough history before it and a full horizon after it, in time order. */
  readonly points: readonly LevelShiftPoint[];
  readonly anomalies: readonly Anomaly[];
}

/**
 * Level shifts: a day from which a KPI moves to a new level and stays there. Day i is compared
 * with the median and robust scale (1.4826·MAD, `robustScale`) of the `window` observed values
 * before it; it is flagged when the median of day i and the `horizon − 1` observed days after it
 * is at least `threshold` scales away **and** each of those days is at least `confirm` scales away
 * on the same side. A one-day spike or dip never qualifies (the horizon's median stays near the
 * baseline); a step does, on its first day (and on the next ones while the baseline still holds
 * the old level). A retrospective test: a shift is reported once `horizon − 1` more days have been
 * observed, and the last `horizon − 1` days of a series are not judged yet. The baseline grows
 * from `minHistory` values at the start of a series (expanding window) up to `window`. Values are
 * compared as observed (no seasonal adjustment): meant for series whose weekly cycle is small
 * against a shift worth reporting. O(n·window log window).
 *
 * Chosen on NAB's ad-exchange series (evaluate-nab.test.ts, leave-one-series-out there), checked
 * on four NAB realKnownCause series not used for the choice.
 *
 * @example
 * levelShift(dailyConversion, { direction: 'neg' }).anomalies;
 */
export function levelShift(input: SeriesInput, options: LevelShiftOptions = {}): LevelShiftResult {
  const window = positiveInteger(options.window ?? 14, 'window');
  const horizon = positiveInteger(options.horizon ?? 4, 'horizon');
  const threshold = positiveNumber(options.threshold ?? 4, 'threshold');
  const confirm = options.confirm ?? 1;
  if (!(confirm >= 0) || confirm > threshold)
    throw new AnomalyInputError(`confirm must be between 0 and threshold (${threshold}), got ${confirm}.`, {
      option: 'confirm',
    });
  const minHistory = positiveInteger(options.minHistory ?? 7, 'minHistory');
  if (minHistory > window)
    throw new AnomalyInputError(`minHistory (${minHistory}) must not exceed window (${window}).`, {
      option: 'minHistory',
    });
  const minRelativeScale = options.minRelativeScale ?? 0.01;
  const direction = checkDirection(options.direction ?? 'both');
  const subject = options.subject ?? 'series';
  const { times, values } = normalizeSeries(input);
  const n = values.length;
  const points: LevelShiftPoint[] = [];
  const anomalies: Anomaly[] = [];
  for (let i = minHistory; i + horizon <= n; i++) {
    const first = Math.max(0, i - window);
    const history = values.subarray(first, i);
    const center = median(history);
    const { scale } = robustScale(history, minRelativeScale * Math.abs(center));
    const level = median(values, i, horizon);
    const z = robustZ(level, center, scale);
    let held = true;
    for (let j = i; j < i + horizon && held; j++) {
      const d = values[j] - center;
      held = Math.sign(d) === Math.sign(z) && (scale > 0 ? Math.abs(d) / scale >= confirm : d !== 0);
    }
    const flagged = held && exceeds(z, threshold, direction);
    const at = formatTime(times[i]);
    points.push({
      t: times[i],
      at,
      value: values[i],
      baseline: center,
      scale,
      level,
      z,
      history: i - first,
      flagged,
    });
    if (!flagged) continue;
    anomalies.push(
      scoredAnomaly({
        subject,
        detector: 'level-shift',
        t: times[i],
        at,
        value: values[i],
        expected: center,
        z,
        threshold,
        window: { from: formatTime(times[first]), to: formatTime(times[i - 1]), points: i - first },
        details: {
          level,
          held_from: at,
          held_to: formatTime(times[i + horizon - 1]),
          horizon,
          confirm,
          scale,
        },
      }),
    );
  }
  return { points, anomalies };
}
