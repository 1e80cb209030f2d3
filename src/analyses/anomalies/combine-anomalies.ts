import { AnomalyInputError } from './anomaly-input-error.ts';
import { DAY_MS, formatTime } from './to-epoch-ms.ts';
import type { Anomaly, AnomalyEvidence, DetectorName } from './types.ts';

/** A day (or bucket) flagged by one or more detectors. */
export interface CombinedAnomaly extends Anomaly {
  /** Distinct detectors that flagged this subject in this bucket, strongest first. */
  readonly votes: number;
  readonly detectors: readonly DetectorName[];
  /** Evidence of every member, strongest first (the anomaly's own `evidence` is the first). */
  readonly corroboration: readonly AnomalyEvidence[];
}

export interface CombineAnomaliesOptions {
  /** Detectors that must agree: 1 is the union (default), the number of lists is unanimity. */
  readonly minVotes?: number;
  /** Width of the buckets anomalies are matched in (default one UTC day). */
  readonly bucketMs?: number;
}

const strength = (a: Anomaly) => Math.abs(a.evidence.score) / a.evidence.threshold;

/**
 * Combines the anomalies of several detectors run on the same subjects: those of one subject in
 * one bucket (UTC day by default) are merged, and kept when at least `minVotes` distinct detectors
 * flagged them. The strongest member (|score| / threshold) gives the direction, evidence and
 * playbook; the others are kept as corroboration. O(total log total).
 *
 * @example
 * combineAnomalies([esd.anomalies, weekday.anomalies, trailing.anomalies], { minVotes: 2 });
 */
export function combineAnomalies(
  lists: readonly (readonly Anomaly[])[],
  options: CombineAnomaliesOptions = {},
): CombinedAnomaly[] {
  const minVotes = options.minVotes ?? 1;
  const bucketMs = options.bucketMs ?? DAY_MS;
  if (!Number.isInteger(minVotes) || minVotes < 1)
    throw new AnomalyInputError(`minVotes must be a positive integer, got ${minVotes}.`, {
      option: 'minVotes',
    });
  if (!(bucketMs > 0))
    throw new AnomalyInputError(`bucketMs must be positive, got ${bucketMs}.`, { option: 'bucketMs' });
  const groups = new Map<string, Anomaly[]>();
  for (const list of lists)
    for (const a of list) {
      const key = `${a.subject}\u0000${Math.floor(a.t / bucketMs)}`;
      const group = groups.get(key);
      if (group) group.push(a);
      else groups.set(key, [a]);
    }
  const out: CombinedAnomaly[] = [];
  for (const members of groups.values()) {
    members.sort((a, b) => strength(b) - strength(a));
    const detectors = [...new Set(members.map((m) => m.evidence.detector))];
    if (detectors.length < minVotes) continue;
    const primary = members[0];
    const t = Math.floor(primary.t / bucketMs) * bucketMs;
    out.push({
      ...primary,
      t,
      at: formatTime(t),
      severity: members.some((m) => m.severity === 'error') ? 'error' : 'warn',
      votes: detectors.length,
      detectors,
      corroboration: members.map((m) => m.evidence),
    });
  }
  return out.sort((a, b) => a.t - b.t || a.subject.localeCompare(b.subject));
}
