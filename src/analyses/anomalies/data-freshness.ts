import { AnomalyInputError } from './anomaly-input-error.ts';
import { playbookFor } from './playbooks.ts';
import { formatTime, requireEpochMs } from './to-epoch-ms.ts';
import type { Anomaly, TimeInput } from './types.ts';

/** A source's latest data time and its freshness SLA. */
export interface FreshnessSla {
  readonly source: string;
  /** Latest timestamp present in the source; null when it has no data at all. */
  readonly latest: TimeInput | null;
  /** Hours of lag after which the source is `warn`, and `error`. */
  readonly warnAfterHours: number;
  readonly errorAfterHours: number;
}

export interface FreshnessCheck {
  readonly source: string;
  readonly status: 'ok' | 'warn' | 'error';
  readonly latest: string | null;
  /** Hours between `latest` and `now` (negative when the source is ahead of `now`); null without data. */
  readonly lagHours: number | null;
  readonly warnAfterHours: number;
  readonly errorAfterHours: number;
}

/** Freshness anomalies of sources without data carry value and score Infinity (null in JSON). */
export interface DataFreshnessOptions {
  /** A source this many hours ahead of `now` is flagged `warn` (clock or time-zone error; default 1). */
  readonly futureToleranceHours?: number;
}

const HOUR_MS = 3_600_000;

/**
 * Data freshness against per-source SLAs: lag = now − latest timestamp; `warn` past
 * `warnAfterHours`, `error` past `errorAfterHours` or when the source has no data. A source ahead of
 * `now` by more than `futureToleranceHours` is a `warn` too (day boundaries cannot be trusted).
 * `now` is an argument: the module reads no clock. O(sources).
 *
 * @example
 * dataFreshness([{ source: 'events', latest: '2024-05-01T02:00:00Z', warnAfterHours: 6, errorAfterHours: 24 }], '2024-05-01T12:00:00Z');
 * // events: warn, 10 h late
 */
export function dataFreshness(
  sources: readonly FreshnessSla[],
  now: TimeInput,
  options: DataFreshnessOptions = {},
): { readonly checks: readonly FreshnessCheck[]; readonly anomalies: readonly Anomaly[] } {
  const nowMs = requireEpochMs(now, 'now');
  const future = options.futureToleranceHours ?? 1;
  const checks: FreshnessCheck[] = [];
  const anomalies: Anomaly[] = [];
  sources.forEach((sla, i) => {
    const { source, warnAfterHours: warn, errorAfterHours: error } = sla;
    if (!(warn >= 0 && error >= warn && Number.isFinite(error)))
      throw new AnomalyInputError(
        `${source}: need 0 ≤ warnAfterHours ≤ errorAfterHours, got ${warn} and ${error}.`,
        { option: 'warnAfterHours', index: i },
      );
    if (sla.latest === null) {
      checks.push({
        source,
        status: 'error',
        latest: null,
        lagHours: null,
        warnAfterHours: warn,
        errorAfterHours: error,
      });
      anomalies.push({
        subject: source,
        t: nowMs,
        at: formatTime(nowMs),
        direction: 'pos',
        severity: 'error',
        evidence: {
          detector: 'data-freshness',
          value: Number.POSITIVE_INFINITY,
          expected: warn,
          score: Number.POSITIVE_INFINITY,
          threshold: error,
          window: { from: formatTime(nowMs), to: formatTime(nowMs), points: 0 },
          details: { status: 'error', reason: 'no data' },
        },
        playbook: playbookFor('data-freshness', 'pos'),
      });
      return;
    }
    const latestMs = requireEpochMs(sla.latest, `${source}.latest`, i);
    const lagHours = (nowMs - latestMs) / HOUR_MS;
    const ahead = -lagHours > future;
    const status = lagHours > error ? 'error' : lagHours > warn || ahead ? 'warn' : 'ok';
    checks.push({
      source,
      status,
      latest: formatTime(latestMs),
      lagHours,
      warnAfterHours: warn,
      errorAfterHours: error,
    });
    if (status === 'ok') return;
    const direction = ahead ? 'neg' : 'pos';
    anomalies.push({
      subject: source,
      t: nowMs,
      at: formatTime(nowMs),
      direction,
      severity: status,
      evidence: {
        detector: 'data-freshness',
        value: lagHours,
        expected: ahead ? 0 : warn,
        // Ahead of now: the score is the hours ahead, held to the tolerance.
        score: ahead ? -lagHours : lagHours,
        threshold: ahead ? future : status === 'error' ? error : warn,
        window: { from: formatTime(latestMs), to: formatTime(nowMs), points: 1 },
        details: { status, warnAfterHours: warn, errorAfterHours: error },
      },
      playbook: playbookFor('data-freshness', direction),
    });
  });
  return { checks, anomalies };
}
