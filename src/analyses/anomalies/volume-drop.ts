import { AnomalyInputError } from './anomaly-input-error.ts';
import { normalizeSeries } from './normalize-series.ts';
import { positiveInteger } from './option-checks.ts';
import { playbookFor } from './playbooks.ts';
import { median } from './median.ts';
import { DAY_MS, formatTime } from './to-epoch-ms.ts';
import type { Anomaly, SeriesInput } from './types.ts';

export interface VolumeDropOptions {
  /** Previous same weekdays forming the baseline (default 4). */
  readonly weeks?: number;
  /** Fewest same-weekday counts needed (default 2). */
  readonly minHistory?: number;
  /** Relative drop (1 − count / baseline) from which a day is `warn` (default 0.3) and `error` (default 0.6). */
  readonly warnDrop?: number;
  readonly errorDrop?: number;
  readonly subject?: string;
}

export interface VolumeCheck {
  readonly t: number;
  readonly at: string;
  readonly count: number;
  /** Median count of the same weekday in the previous weeks. */
  readonly baseline: number;
  /** 1 − count / baseline (negative for a rise). */
  readonly drop: number;
  readonly history: number;
  readonly status: 'ok' | 'warn' | 'error';
}

/**
 * Volume drop: each day's row or event count against the median count of the same weekday in the
 * previous `weeks` weeks; a relative drop of `warnDrop` or more is `warn`, `errorDrop` or more
 * `error`. Days absent from the input are not zero: pass them with count 0 when a missing day means
 * nothing arrived. O(n · weeks log weeks).
 *
 * @example
 * volumeDrop(dailyEventCounts, { subject: 'events' }).checks.at(-1)?.status; // 'ok' | 'warn' | 'error'
 */
export function volumeDrop(
  input: SeriesInput,
  options: VolumeDropOptions = {},
): { readonly checks: readonly VolumeCheck[]; readonly anomalies: readonly Anomaly[] } {
  const { times, values } = normalizeSeries(input);
  const weeks = positiveInteger(options.weeks ?? 4, 'weeks');
  const minHistory = positiveInteger(options.minHistory ?? 2, 'minHistory');
  const warnDrop = options.warnDrop ?? 0.3;
  const errorDrop = options.errorDrop ?? 0.6;
  const subject = options.subject ?? 'volume';
  if (!(warnDrop > 0 && errorDrop >= warnDrop && errorDrop <= 1))
    throw new AnomalyInputError(`need 0 < warnDrop ≤ errorDrop ≤ 1, got ${warnDrop} and ${errorDrop}.`, {
      option: 'warnDrop',
    });
  values.forEach((v, i) => {
    if (v < 0) throw new AnomalyInputError(`counts cannot be negative (point ${i} is ${v}).`, { index: i });
  });
  const byDay = new Map<number, number>();
  times.forEach((t, i) => byDay.set(Math.floor(t / DAY_MS), values[i]));
  const checks: VolumeCheck[] = [];
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
    const baseline = median(history);
    const count = values[i];
    // With no baseline volume a drop is undefined: such a day is never flagged.
    const drop = baseline > 0 ? 1 - count / baseline : 0;
    const status = drop >= errorDrop ? 'error' : drop >= warnDrop ? 'warn' : 'ok';
    const at = formatTime(t);
    checks.push({ t, at, count, baseline, drop, history: history.length, status });
    if (status === 'ok') return;
    anomalies.push({
      subject,
      t,
      at,
      direction: 'neg',
      severity: status,
      evidence: {
        detector: 'volume-drop',
        value: count,
        expected: baseline,
        score: drop,
        threshold: status === 'error' ? errorDrop : warnDrop,
        window: {
          from: formatTime((day - 7 * weeks) * DAY_MS),
          to: formatTime((day - 7) * DAY_MS),
          points: history.length,
        },
        details: { warnDrop, errorDrop, weeks },
      },
      playbook: playbookFor('volume-drop', 'neg'),
    });
  });
  return { checks, anomalies };
}
