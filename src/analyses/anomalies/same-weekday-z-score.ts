import { normalizeSeries } from './normalize-series.ts';
import { direction as checkDirection, exceeds, positiveInteger, positiveNumber } from './option-checks.ts';
import { robustScale } from './robust-scale.ts';
import { robustZ, scoredAnomaly } from './scored-anomaly.ts';
import { DAY_MS, formatTime } from './to-epoch-ms.ts';
import type { Anomaly, Direction, SeriesInput, ZScorePoint, ZScoreResult } from './types.ts';

export interface SameWeekdayZScoreOptions {
  /** How many previous same weekdays form the baseline (default 8: the MAD of four values is too noisy). */
  readonly weeks?: number;
  /** Flag when |z| exceeds this (default 3.5, Iglewicz & Hoaglin's cut-off for modified z-scores). */
  readonly threshold?: number;
  /** `pos`, `neg` or `both` (default `both`). */
  readonly direction?: Direction;
  /** Fewest same-weekday values needed to score a day (default 3). */
  readonly minHistory?: number;
  /**
   * Lower bound of the scale as a fraction of |baseline| (default 0.01): with four weeks of history a
   * near-constant KPI would otherwise turn a 0.1 % wobble into a huge z.
   */
  readonly minRelativeScale?: number;
  readonly subject?: string;
}

/**
 * Robust same-weekday z-score for daily KPIs with a weekly cycle: day d is compared with the same
 * weekday of the previous `weeks` weeks, z = (value − median) / (1.4826·MAD). Days are UTC days of
 * the timestamps; absent weeks are skipped (not taken as zero). Causal: only earlier days are used.
 * O(n · weeks log weeks).
 *
 * @example
 * sameWeekdayZScore(dailyConversion, { weeks: 4, threshold: 3.5, subject: 'conversion/mobile' }).anomalies;
 */
export function sameWeekdayZScore(input: SeriesInput, options: SameWeekdayZScoreOptions = {}): ZScoreResult {
  const { times, values } = normalizeSeries(input);
  const weeks = positiveInteger(options.weeks ?? 8, 'weeks');
  const threshold = positiveNumber(options.threshold ?? 3.5, 'threshold');
  const direction = checkDirection(options.direction ?? 'both');
  const minHistory = positiveInteger(options.minHistory ?? 3, 'minHistory');
  const minRelativeScale = options.minRelativeScale ?? 0.01;
  const subject = options.subject ?? 'series';
  const byDay = new Map<number, number>();
  times.forEach((t, i) => byDay.set(Math.floor(t / DAY_MS), values[i]));
  const points: ZScorePoint[] = [];
  const anomalies: Anomaly[] = [];
  const history: number[] = [];
  times.forEach((t, i) => {
    const day = Math.floor(t / DAY_MS);
    history.length = 0;
    for (let w = 1; w <= weeks; w++) {
      const v = byDay.get(day - 7 * w);
      if (v !== undefined) history.push(v);
    }
    if (history.length < minHistory) return;
    const { center, scale } = robustScale(history);
    const s = Math.max(scale, minRelativeScale * Math.abs(center));
    const value = values[i];
    const z = robustZ(value, center, s);
    const flagged = exceeds(z, threshold, direction);
    const at = formatTime(t);
    points.push({ t, at, value, baseline: center, scale: s, z, history: history.length, flagged });
    if (!flagged) return;
    anomalies.push(
      scoredAnomaly({
        subject,
        detector: 'same-weekday-z',
        t,
        at,
        value,
        expected: center,
        z,
        threshold,
        window: {
          from: formatTime((day - 7 * weeks) * DAY_MS),
          to: formatTime((day - 7) * DAY_MS),
          points: history.length,
        },
        details: { scale: s, weeks },
      }),
    );
  });
  return { points, anomalies };
}
