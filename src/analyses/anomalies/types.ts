/** A time: epoch milliseconds, or an ISO 8601 date / date-time (no zone means UTC). */
export type TimeInput = string | number;

/** One observation of a series. */
export interface SeriesPoint {
  readonly t: TimeInput;
  readonly value: number;
}

/** A series as parallel arrays: epoch-ms timestamps and values (typed arrays welcome). */
export interface SeriesArrays {
  readonly times: ArrayLike<number>;
  readonly values: ArrayLike<number>;
}

/** What detectors accept: points, or parallel arrays. */
export type SeriesInput = readonly SeriesPoint[] | SeriesArrays;

/** Which deviations to report: above the baseline, below it, or both. */
export type Direction = 'pos' | 'neg' | 'both';

export type DetectorName =
  | 'seasonal-hybrid-esd'
  | 'same-weekday-z'
  | 'trailing-robust-z'
  | 'departure-episode'
  | 'level-shift'
  | 'data-freshness'
  | 'volume-drop'
  | 'variant-suppression'
  | 'variant-stalled';

/** Why a point was flagged: enough to judge the call without re-running the detector. */
export interface AnomalyEvidence {
  readonly detector: DetectorName;
  /** The observed value (a KPI, hours since the last load, a count, an exposure share). */
  readonly value: number;
  /** What the detector expected instead (baseline, SLA, planned share). */
  readonly expected: number;
  /** The test statistic (robust z, ESD R_i, relative drop, hours late, z of a share). */
  readonly score: number;
  /** The value of `score` beyond which the detector flags. */
  readonly threshold: number;
  /** The data the baseline was computed from. */
  readonly window: { readonly from: string; readonly to: string; readonly points: number };
  /** Detector-specific numbers (scale, p-value, critical value, …). */
  readonly details?: Readonly<Record<string, number | string | boolean>>;
}

/** One flagged point (or source, or variant), with its evidence and what to do about it. */
export interface Anomaly {
  /** What was tested: a series / segment, a source, a variant (as the caller named it). */
  readonly subject: string;
  /** When: epoch ms, and the same as ISO 8601 (a date alone for day-aligned times). */
  readonly t: number;
  readonly at: string;
  /** `pos` above expectation, `neg` below. */
  readonly direction: 'pos' | 'neg';
  /**
   * `error` when the score is at least twice its threshold (KPI detectors), past the SLA's error
   * level (freshness), past `errorDrop` (volume), or a stalled variant; `warn` otherwise.
   */
  readonly severity: 'warn' | 'error';
  readonly evidence: AnomalyEvidence;
  /** A suggested first response, in words an on-call analyst can act on. */
  readonly playbook: string;
}

/** A point scored by a z-score detector. */
export interface ZScorePoint {
  readonly t: number;
  readonly at: string;
  readonly value: number;
  readonly baseline: number;
  readonly scale: number;
  readonly z: number;
  /** Values the baseline was computed from. */
  readonly history: number;
  readonly flagged: boolean;
}

export interface ZScoreResult {
  /** Every day with enough history, in time order. */
  readonly points: readonly ZScorePoint[];
  readonly anomalies: readonly Anomaly[];
}
