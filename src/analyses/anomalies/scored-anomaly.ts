import { playbookFor } from './playbooks.ts';
import type { Anomaly, AnomalyEvidence, DetectorName } from './types.ts';

/**
 * A robust z-score, (value − center) / scale, where a zero scale (a flat baseline) reads as 0 when
 * the value equals the center and as ±Infinity otherwise, so that any change from a constant
 * history is flagged whatever the threshold.
 */
export function robustZ(value: number, center: number, scale: number): number {
  if (scale > 0) return (value - center) / scale;
  return value === center ? 0 : Math.sign(value - center) * Infinity;
}

/** What a z-score detector knows about a point it flagged. */
export interface ScoredPoint {
  readonly subject: string;
  readonly detector: DetectorName;
  readonly t: number;
  readonly at: string;
  readonly value: number;
  /** The baseline the score was measured from (shown as `expected`). */
  readonly expected: number;
  readonly z: number;
  readonly threshold: number;
  readonly window: AnomalyEvidence['window'];
  readonly details: NonNullable<AnomalyEvidence['details']>;
}

/**
 * The anomaly of a flagged point: direction from the sign of z, severity `error` at twice the
 * threshold (`warn` below), the evidence, and the detector's playbook for that direction.
 */
export function scoredAnomaly(p: ScoredPoint): Anomaly {
  const direction = p.z > 0 ? 'pos' : 'neg';
  return {
    subject: p.subject,
    t: p.t,
    at: p.at,
    direction,
    severity: Math.abs(p.z) >= 2 * p.threshold ? 'error' : 'warn',
    evidence: {
      detector: p.detector,
      value: p.value,
      expected: p.expected,
      score: p.z,
      threshold: p.threshold,
      window: p.window,
      details: p.details,
    },
    playbook: playbookFor(p.detector, direction),
  };
}
