import { AnomalyInputError } from './anomaly-input-error.ts';
import { normalizeSeries } from './normalize-series.ts';
import { direction as checkDirection, exceeds, positiveInteger, positiveNumber } from './option-checks.ts';
import { regularGrid } from './regular-grid.ts';
import { robustScale } from './robust-scale.ts';
import { robustZ, scoredAnomaly } from './scored-anomaly.ts';
import { stl } from './stl.ts';
import { formatTime } from './to-epoch-ms.ts';
import type { Anomaly, Direction, SeriesInput, ZScorePoint, ZScoreResult } from './types.ts';

export interface TrailingRobustZScoreOptions {
  /** Observations per season removed before scoring (default 7, weekly cycle of daily data); 0 or 1 for none. */
  readonly period?: number;
  /** Trailing window in grid steps (default 28). */
  readonly window?: number;
  /** Flag when |z| exceeds this (default 3.5). */
  readonly threshold?: number;
  readonly direction?: Direction;
  /** Fewest observed points in the window needed to score (default 14). */
  readonly minHistory?: number;
  /** Scale floor as a fraction of the series' median absolute level (default 0.01). */
  readonly minRelativeScale?: number;
  /** Spacing of the regular series in ms (e.g. 86 400 000); absent slots are interpolated for STL only. */
  readonly step?: number;
  readonly subject?: string;
}

/**
 * Trailing-window robust z-score on deseasonalised values: the seasonal component of a periodic,
 * robust STL is removed, then each point is compared with the median and 1.4826·MAD of the
 * deseasonalised points in the `window` steps before it. Catches level shifts that the
 * same-weekday baseline absorbs after a few weeks. The seasonal estimate uses the whole series
 * given (pass history up to the day being judged). O(n·window log window) after an O(n) STL.
 *
 * @example
 * trailingRobustZScore(dailyEngagement, { period: 7, window: 28, step: 86_400_000 }).anomalies;
 */
export function trailingRobustZScore(
  input: SeriesInput,
  options: TrailingRobustZScoreOptions = {},
): ZScoreResult {
  const { times, values } = normalizeSeries(input);
  const period = options.period ?? 7;
  if (!Number.isInteger(period) || period < 0)
    throw new AnomalyInputError(`period must be an integer ≥ 0, got ${period}.`, { option: 'period' });
  const window = positiveInteger(options.window ?? 28, 'window');
  const threshold = positiveNumber(options.threshold ?? 3.5, 'threshold');
  const direction = checkDirection(options.direction ?? 'both');
  const minHistory = positiveInteger(options.minHistory ?? 14, 'minHistory');
  const minRelativeScale = options.minRelativeScale ?? 0.01;
  const subject = options.subject ?? 'series';
  const { positions, values: grid } = regularGrid(times, values, options.step);
  const n = values.length;
  const seasonal =
    period >= 2 && grid.length > 2 * period
      ? stl(grid, { period, seasonalWindow: 'periodic', robust: true }).seasonal
      : new Float64Array(grid.length);
  const adjusted = Float64Array.from(values, (v, i) => v - seasonal[positions[i]]);
  const points: ZScorePoint[] = [];
  const anomalies: Anomaly[] = [];
  const history: number[] = [];
  let first = 0;
  for (let i = 0; i < n; i++) {
    while (positions[first] < positions[i] - window) first++;
    if (i - first < minHistory) continue;
    history.length = 0;
    for (let j = first; j < i; j++) history.push(adjusted[j]);
    const { center, scale } = robustScale(history);
    const level = center + seasonal[positions[i]];
    const s = Math.max(scale, minRelativeScale * Math.abs(level));
    const z = robustZ(adjusted[i], center, s);
    const flagged = exceeds(z, threshold, direction);
    const at = formatTime(times[i]);
    points.push({
      t: times[i],
      at,
      value: values[i],
      baseline: level,
      scale: s,
      z,
      history: i - first,
      flagged,
    });
    if (!flagged) continue;
    anomalies.push(
      scoredAnomaly({
        subject,
        detector: 'trailing-robust-z',
        t: times[i],
        at,
        value: values[i],
        expected: level,
        z,
        threshold,
        window: { from: formatTime(times[first]), to: formatTime(times[i - 1]), points: i - first },
        details: { scale: s, seasonal: seasonal[positions[i]], period },
      }),
    );
  }
  return { points, anomalies };
}
