import { AnomalyInputError } from './anomaly-input-error.ts';
import { normalizeSeries } from './normalize-series.ts';
import { direction as checkDirection, positiveInteger, positiveNumber } from './option-checks.ts';
import { playbookFor } from './playbooks.ts';
import { formatTime } from './to-epoch-ms.ts';
import { trailingRobustZScore } from './trailing-robust-z-score.ts';
import type { Anomaly, AnomalyEvidence, Direction, SeriesInput, ZScorePoint } from './types.ts';

export interface DepartureEpisodesOptions {
  /** Trailing window of the baseline in grid steps (default 21). */
  readonly window?: number;
  /** Season removed before scoring (default 0: none; 7 removes a weekly cycle of daily data, as trailing z). */
  readonly period?: number;
  /** A day with |z| at least this starts an episode (default 5). */
  readonly trigger?: number;
  /** The episode spans the adjacent days whose z stays at least this far out, same sign (default 1.25). */
  readonly persist?: number;
  readonly direction?: Direction;
  /** Fewest observed points in the window needed to score a day (default 14). */
  readonly minHistory?: number;
  /** Spacing of the regular series in ms (e.g. 86 400 000); absent slots are missing, not normal. */
  readonly step?: number;
  readonly subject?: string;
}

/** A run of consecutive scored days departing from the trailing baseline in one direction. */
export interface DepartureEpisode {
  readonly from: string;
  readonly to: string;
  /** Days flagged (scored days in the run). */
  readonly days: number;
  readonly direction: 'pos' | 'neg';
  /** The day with the largest |z| of the run, and that z. */
  readonly peak: string;
  readonly peakZ: number;
}

export interface DepartureEpisodesResult {
  /** Every scored day (trailing robust z), in time order. */
  readonly points: readonly ZScorePoint[];
  readonly episodes: readonly DepartureEpisode[];
  /** One anomaly per day of every episode. */
  readonly anomalies: readonly Anomaly[];
}

/**
 * Departure episodes: the run of days over which a KPI stays away from its recent level, not only
 * its most extreme day. Each day gets the robust z of `trailingRobustZScore` (median and
 * 1.4826·MAD of the previous `window` days, deseasonalised when `period` ≥ 2); an episode is a
 * maximal run of consecutive scored days whose z is at least `persist` in one direction and which
 * holds at least one day at `trigger` or beyond (hysteresis, double-threshold thresholding). The
 * onset days before the trigger are part of the episode: flags of earlier days can appear when a
 * later day triggers, so re-run on the full history. A missing day does not break a run (absent
 * days are missing, not normal). O(n·window log window).
 *
 * Chosen on NAB's ad-exchange series (evaluate-nab.test.ts, cross-validated there), checked on
 * NAB's nyc_taxi and machine-temperature series: a level shift or a spike with an elevated
 * aftermath is reported with the days it lasted.
 *
 * @example
 * departureEpisodes(dailyConversion, { step: 86_400_000, direction: 'neg' }).episodes;
 */
export function departureEpisodes(
  input: SeriesInput,
  options: DepartureEpisodesOptions = {},
): DepartureEpisodesResult {
  const trigger = positiveNumber(options.trigger ?? 5, 'trigger');
  const persist = positiveNumber(options.persist ?? 1.25, 'persist');
  if (persist > trigger)
    throw new AnomalyInputError(`persist (${persist}) must not exceed trigger (${trigger}).`, {
      option: 'persist',
    });
  const direction = checkDirection(options.direction ?? 'both');
  const window = positiveInteger(options.window ?? 21, 'window');
  const minHistory = positiveInteger(options.minHistory ?? 14, 'minHistory');
  const period = options.period ?? 0;
  const subject = options.subject ?? 'series';
  const { points } = trailingRobustZScore(input, {
    period,
    window,
    minHistory,
    threshold: trigger,
    step: options.step,
  });
  // The baseline of day i is the `history` observed days just before it (trailingRobustZScore).
  const { times } = normalizeSeries(input);
  const index = new Map(Array.from(times, (t, i) => [t, i]));
  const baselineWindow = (p: ZScorePoint) => {
    const i = index.get(p.t) ?? 0;
    return { from: formatTime(times[i - p.history]), to: formatTime(times[i - 1]), points: p.history };
  };
  const episodes: DepartureEpisode[] = [];
  const anomalies: Anomaly[] = [];
  for (const sign of [1, -1] as const) {
    const dir = sign > 0 ? 'pos' : 'neg';
    if (direction !== 'both' && direction !== dir) continue;
    let i = 0;
    while (i < points.length) {
      if (!(sign * points[i].z >= persist)) {
        i++;
        continue;
      }
      let j = i;
      let peak = i;
      while (j + 1 < points.length && sign * points[j + 1].z >= persist) {
        j++;
        if (sign * points[j].z > sign * points[peak].z) peak = j;
      }
      if (sign * points[peak].z >= trigger) {
        const run = points.slice(i, j + 1);
        const episode: DepartureEpisode = {
          from: run[0].at,
          to: run[run.length - 1].at,
          days: run.length,
          direction: dir,
          peak: points[peak].at,
          peakZ: points[peak].z,
        };
        episodes.push(episode);
        for (const p of run)
          anomalies.push(toAnomaly(p, episode, baselineWindow(p), subject, trigger, persist, period));
      }
      i = j + 1;
    }
  }
  anomalies.sort((a, b) => a.t - b.t);
  episodes.sort((a, b) => a.from.localeCompare(b.from));
  return { points, episodes, anomalies };
}

function toAnomaly(
  p: ZScorePoint,
  episode: DepartureEpisode,
  window: AnomalyEvidence['window'],
  subject: string,
  trigger: number,
  persist: number,
  period: number,
): Anomaly {
  const triggered = Math.abs(p.z) >= trigger;
  return {
    subject,
    t: p.t,
    at: p.at,
    direction: episode.direction,
    severity: Math.abs(p.z) >= 2 * trigger ? 'error' : 'warn',
    evidence: {
      detector: 'departure-episode',
      value: p.value,
      expected: p.baseline,
      score: p.z,
      threshold: triggered ? trigger : persist,
      window,
      details: {
        role: triggered ? 'trigger' : p.at < episode.peak ? 'onset' : 'persists',
        episode_from: episode.from,
        episode_to: episode.to,
        episode_days: episode.days,
        peak: episode.peak,
        peak_z: episode.peakZ,
        trigger,
        persist,
        scale: p.scale,
        period,
      },
    },
    playbook: playbookFor('departure-episode', episode.direction),
  };
}
